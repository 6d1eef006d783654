#include "sources/json_fields.h"

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

bool read_count(value v, std::int64_t& out) {
  bool is_null = false;
  if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
    out = 0;
    return true;
  }
  simdjson::ondemand::number_type type;
  if (v.get_number_type().get(type) != simdjson::SUCCESS) {
    return false;
  }
  out = as_int(v);
  return true;
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
  std::string_view raw;
  if (!err) {
    err = doc.raw_json().get(raw);  // walks the whole value: unbalanced input fails here
  }
  if (err) {
    return std::string("malformed JSON: ") + simdjson::error_message(err);
  }
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return "malformed JSON: trailing content after the object";
  }
  doc.rewind();
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return "malformed JSON: unreadable object";
  }
  return {};
}

}  // namespace tally::sources
