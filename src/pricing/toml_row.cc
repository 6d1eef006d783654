#include "pricing/toml_row.h"

#include <fmt/format.h>

#include <optional>

namespace tally::pricing::detail {
namespace {

Unexpected parse_fail(std::string_view source, const toml::node& node, std::string_view what) {
  return fail(Errc::parse, fmt::format("{}{}", where(source, node), what));
}

Result<double> number(std::string_view source, std::string_view name, const toml::node& node) {
  if (!node.is_number()) {
    return parse_fail(source, node, fmt::format("'{}' must be a number", name));
  }
  return node.value<double>().value_or(0.0);
}

Result<std::string> text(std::string_view source, std::string_view name, const toml::node& node) {
  if (!node.is_string()) {
    return parse_fail(source, node, fmt::format("'{}' must be a string", name));
  }
  return std::string(node.value<std::string_view>().value_or(""));
}

// Reads the five rate fields (plus `extra`, e.g. "threshold") from an inline table.
Status read_rates(std::string_view source, std::string_view name, const toml::node& node,
                  RateSpec& out, std::int64_t* threshold) {
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    return parse_fail(source, node, fmt::format("'{}' must be a table", name));
  }
  for (const auto& [k, v] : *t) {
    const std::string_view field = k.str();
    std::optional<double>* slot = nullptr;
    if (field == "input") {
      slot = &out.input;
    } else if (field == "output") {
      slot = &out.output;
    } else if (field == "cache_read") {
      slot = &out.cache_read;
    } else if (field == "cache_write_5m") {
      slot = &out.cache_write_5m;
    } else if (field == "cache_write_1h") {
      slot = &out.cache_write_1h;
    } else if (field == "threshold" && threshold != nullptr) {
      if (!v.is_integer()) {
        return parse_fail(source, v, fmt::format("'{}.threshold' must be an integer", name));
      }
      *threshold = v.value<std::int64_t>().value_or(0);
      if (*threshold <= 0) {
        return parse_fail(source, v, fmt::format("'{}.threshold' must be > 0", name));
      }
      continue;
    } else {
      return parse_fail(source, v, fmt::format("unknown field '{}.{}'", name, field));
    }
    auto value = number(source, fmt::format("{}.{}", name, field), v);
    if (!value) {
      return Unexpected{value.error()};
    }
    *slot = *value;
  }
  return ok();
}

}  // namespace

Result<Date> date_from_toml(std::string_view source, std::string_view name,
                            const toml::node& node) {
  if (const auto* d = node.as_date()) {
    const toml::date v = d->get();
    const std::optional<Date> parsed =
        parse_date(fmt::format("{:04}-{:02}-{:02}", v.year, v.month, v.day));
    if (parsed) {
      return *parsed;
    }
  } else if (node.is_string()) {
    if (const std::optional<Date> parsed =
            parse_date(node.value<std::string_view>().value_or(""))) {
      return *parsed;
    }
  }
  return parse_fail(source, node, fmt::format("'{}' must be a date (YYYY-MM-DD)", name));
}

std::string where(std::string_view source, const toml::node& node) {
  const toml::source_position begin = node.source().begin;
  if (begin.line == 0) {
    return fmt::format("{}: ", source);
  }
  return fmt::format("{}:{}: ", source, begin.line);
}

Result<RowSpec> row_spec_from_toml(const toml::table& table, std::string key,
                                   bool key_field_allowed, std::string_view source) {
  RowSpec spec;
  spec.key = std::move(key);
  for (const auto& [k, v] : table) {
    const std::string_view field = k.str();
    std::optional<double>* scalar = nullptr;
    if (field == "key" && key_field_allowed) {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      spec.key = std::move(*s);
    } else if (field == "provider") {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      spec.provider = std::move(*s);
    } else if (field == "since") {
      auto d = date_from_toml(source, field, v);
      if (!d) {
        return Unexpected{d.error()};
      }
      spec.since = *d;
    } else if (field == "long_context") {
      std::int64_t threshold = 0;
      TALLY_TRY(read_rates(source, field, v, spec.long_context, &threshold));
      if (threshold == 0) {
        return parse_fail(source, v, "'long_context' needs a threshold");
      }
      spec.long_context_threshold = threshold;
    } else if (field == "priority") {
      TALLY_TRY(read_rates(source, field, v, spec.priority, nullptr));
    } else if (field == "input") {
      scalar = &spec.standard.input;
    } else if (field == "output") {
      scalar = &spec.standard.output;
    } else if (field == "cache_read") {
      scalar = &spec.standard.cache_read;
    } else if (field == "cache_write_5m") {
      scalar = &spec.standard.cache_write_5m;
    } else if (field == "cache_write_1h") {
      scalar = &spec.standard.cache_write_1h;
    } else if (field == "priority_multiplier") {
      scalar = &spec.priority_multiplier;
    } else if (field == "fast_multiplier") {
      scalar = &spec.fast_multiplier;
    } else if (field == "flex_multiplier") {
      scalar = &spec.flex_multiplier;
    } else if (field == "batch_multiplier") {
      scalar = &spec.batch_multiplier;
    } else if (field == "us_multiplier") {
      scalar = &spec.us_multiplier;
    } else if (field == "eu_multiplier") {
      scalar = &spec.eu_multiplier;
    } else {
      return parse_fail(source, v, fmt::format("unknown field '{}'", field));
    }
    if (scalar != nullptr) {
      auto value = number(source, field, v);
      if (!value) {
        return Unexpected{value.error()};
      }
      *scalar = *value;
    }
  }
  return spec;
}

}  // namespace tally::pricing::detail
