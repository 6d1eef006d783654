#include "pricing/table_format.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "pricing/toml_row.h"

namespace tally::pricing {
namespace {

// Shortest text that reads back as the same double, always with a '.' or exponent so
// TOML keeps it a float.
std::string number_text(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) {
    s += ".0";
  }
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string inline_rates(const Rates& r) {
  return fmt::format(
      "input = {}, output = {}, cache_read = {}, cache_write_5m = {}, "
      "cache_write_1h = {}",
      number_text(r.input), number_text(r.output), number_text(r.cache_read),
      number_text(r.cache_write_5m), number_text(r.cache_write_1h));
}

}  // namespace

Result<std::vector<PriceRow>> parse_price_table(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse,
                fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
  std::vector<PriceRow> rows;
  for (const auto& [k, v] : root) {
    if (k.str() != "model") {
      return fail(Errc::parse,
                  fmt::format("{}unknown top-level key '{}' (expected [[model]] tables)",
                              detail::where(source, v), k.str()));
    }
    const toml::array* models = v.as_array();
    if (models == nullptr) {
      return fail(Errc::parse, fmt::format("{}'model' must be an array of tables ([[model]])",
                                           detail::where(source, v)));
    }
    for (const toml::node& node : *models) {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        return fail(Errc::parse,
                    fmt::format("{}each [[model]] must be a table", detail::where(source, node)));
      }
      auto spec = detail::row_spec_from_toml(*table, "", true, source);
      if (!spec) {
        return Unexpected{spec.error()};
      }
      auto row = resolve_row(*spec);
      if (!row) {
        return fail(Errc::parse,
                    fmt::format("{}{}", detail::where(source, node), row.error().message));
      }
      rows.push_back(std::move(*row));
    }
  }
  return rows;
}

std::string write_price_table(std::span<const PriceRow> rows, std::string_view header) {
  std::string out;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find('\n', start);
    if (end == std::string_view::npos) {
      end = header.size();
    }
    out += fmt::format("# {}\n", header.substr(start, end - start));
    start = end + 1;
  }
  for (const PriceRow& row : rows) {
    if (!out.empty()) {
      out += '\n';
    }
    out += "[[model]]\n";
    out += fmt::format("key = {}\n", quoted(row.key));
    out += fmt::format("provider = {}\n", quoted(row.provider));
    out += fmt::format("since = {}\n", format_date(row.since));
    out += fmt::format("input = {}\n", number_text(row.standard.input));
    out += fmt::format("output = {}\n", number_text(row.standard.output));
    out += fmt::format("cache_read = {}\n", number_text(row.standard.cache_read));
    out += fmt::format("cache_write_5m = {}\n", number_text(row.standard.cache_write_5m));
    out += fmt::format("cache_write_1h = {}\n", number_text(row.standard.cache_write_1h));
    if (row.has_long_context()) {
      out += fmt::format("long_context = {{ threshold = {}, {} }}\n", row.long_context_threshold,
                         inline_rates(row.long_context));
    }
    if (row.priority) {
      out += fmt::format("priority = {{ {} }}\n", inline_rates(*row.priority));
    }
    out += fmt::format("priority_multiplier = {}\n", number_text(row.priority_multiplier));
    out += fmt::format("fast_multiplier = {}\n", number_text(row.fast_multiplier));
    out += fmt::format("flex_multiplier = {}\n", number_text(row.flex_multiplier));
    out += fmt::format("batch_multiplier = {}\n", number_text(row.batch_multiplier));
    out += fmt::format("us_multiplier = {}\n", number_text(row.us_multiplier));
    out += fmt::format("eu_multiplier = {}\n", number_text(row.eu_multiplier));
  }
  return out;
}

}  // namespace tally::pricing
