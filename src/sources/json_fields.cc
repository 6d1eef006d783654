#include "sources/json_fields.h"

#include <fmt/format.h>

#include <cmath>

namespace tally::sources {

std::string str_field(object obj, std::string_view key) {
  std::string_view s;
  if (obj.find_field_unordered(key).get_string().get(s) != simdjson::SUCCESS) {
    return {};
  }
  return std::string(s);
}

std::int64_t as_int(value v) {
  simdjson::ondemand::number_type type;
  if (v.get_number_type().get(type) != simdjson::SUCCESS) {
    return 0;
  }
  if (type == simdjson::ondemand::number_type::floating_point_number) {
    double d = 0;
    return v.get_double().get(d) == simdjson::SUCCESS ? static_cast<std::int64_t>(d) : 0;
  }
  std::int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) {
    return i;
  }
  std::uint64_t u = 0;
  if (v.get_uint64().get(u) == simdjson::SUCCESS) {
    return static_cast<std::int64_t>(u);
  }
  return 0;
}

std::string read_count(value v, std::int64_t& out) {
  bool is_null = false;
  if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
    out = 0;
    return {};
  }
  simdjson::ondemand::number_type type;
  if (v.get_number_type().get(type) != simdjson::SUCCESS) {
    return "not a number";
  }
  if (type == simdjson::ondemand::number_type::unsigned_integer) {
    std::uint64_t u = 0;
    if (v.get_uint64().get(u) != simdjson::SUCCESS) {
      return "not a number";
    }
    return fmt::format("over 2^53 ({})", u);
  }
  if (type == simdjson::ondemand::number_type::floating_point_number) {
    double d = 0;
    if (v.get_double().get(d) != simdjson::SUCCESS) {
      return "not a number";
    }
    // Written as a float but integral (1e3, 12.0): the same count.
    if (!(d == std::floor(d))) {
      return fmt::format("not an integer ({})", d);
    }
    if (d < 0) {
      return fmt::format("negative ({})", d);
    }
    if (d > static_cast<double>(kMaxTokenCount)) {
      return fmt::format("over 2^53 ({})", d);
    }
    out = static_cast<std::int64_t>(d);
    return {};
  }
  std::int64_t i = 0;
  if (v.get_int64().get(i) != simdjson::SUCCESS) {
    return "not a number";
  }
  if (i < 0) {
    return fmt::format("negative ({})", i);
  }
  if (i > kMaxTokenCount) {
    return fmt::format("over 2^53 ({})", i);
  }
  out = i;
  return {};
}

std::string read_cost(value v, std::optional<double>& out) {
  bool is_null = false;
  if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
    return {};
  }
  double d = 0;
  if (v.get_double().get(d) != simdjson::SUCCESS) {
    return "not a number";
  }
  if (!(d >= 0)) {
    return fmt::format("negative ({})", d);
  }
  if (d > static_cast<double>(kMaxTokenCount)) {
    return fmt::format("over 2^53 ({})", d);
  }
  out = d;
  return {};
}

std::int64_t int_field(object obj, std::string_view key) {
  value v;
  if (obj.find_field_unordered(key).get(v) != simdjson::SUCCESS) {
    return 0;
  }
  return as_int(v);
}

std::optional<double> double_field(object obj, std::string_view key) {
  double d = 0;
  if (obj.find_field_unordered(key).get_double().get(d) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return d;
}

bool bool_field(object obj, std::string_view key) {
  bool b = false;
  if (obj.find_field_unordered(key).get_bool().get(b) != simdjson::SUCCESS) {
    return false;
  }
  return b;
}

std::optional<object> object_field(object obj, std::string_view key) {
  object o;
  if (obj.find_field_unordered(key).get_object().get(o) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return o;
}

namespace {

// Lines larger than this do not keep the validator's buffers (which grow to the largest line
// seen) after they are checked: memory stays bounded on files with a few huge lines.
constexpr size_t kKeepValidatorBytes = 4u << 20;

// Checks that `text` (padded) is one well-formed JSON document with simdjson's DOM parser,
// which validates the whole grammar (On Demand checks only what is read). One per thread:
// ingest scans on several.
simdjson::error_code validate(std::string_view text) {
  thread_local simdjson::dom::parser validator;
  simdjson::dom::element ignored;
  const simdjson::error_code err =
      validator.parse(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), false)
          .get(ignored);
  if (validator.capacity() > kKeepValidatorBytes) {
    validator = simdjson::dom::parser{};
  }
  return err;
}

}  // namespace

std::string open_line_object(simdjson::ondemand::parser& parser, simdjson::ondemand::document& doc,
                             std::string_view text, object& root) {
  simdjson::error_code err =
      parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc);
  simdjson::ondemand::json_type type = simdjson::ondemand::json_type::object;
  if (!err) {
    err = doc.type().get(type);
  }
  if (!err && type != simdjson::ondemand::json_type::object) {
    return "malformed JSON: line is not an object";
  }
  if (!err) {
    err = validate(text);
  }
  if (err) {
    return std::string("malformed JSON: ") + simdjson::error_message(err);
  }
  doc.rewind();
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return "malformed JSON: unreadable object";
  }
  return {};
}

}  // namespace tally::sources
