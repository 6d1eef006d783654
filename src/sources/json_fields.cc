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

// Walks every object field and array element below `v` (scalars are left unread: a later read
// reports them), so that a structural error surfaces here rather than in the middle of a line's
// reads. `depth` counts containers from the root.
simdjson::error_code walk(value v, size_t depth, size_t max_depth) {
  simdjson::ondemand::json_type type;
  if (auto err = v.type().get(type); err != simdjson::SUCCESS) {
    return err;
  }
  if (type == simdjson::ondemand::json_type::object) {
    if (depth + 1 >= max_depth) {
      return simdjson::DEPTH_ERROR;
    }
    object o;
    if (auto err = v.get_object().get(o); err != simdjson::SUCCESS) {
      return err;
    }
    for (auto field_result : o) {
      simdjson::ondemand::field field;
      if (auto err = std::move(field_result).get(field); err != simdjson::SUCCESS) {
        return err;
      }
      if (auto err = walk(field.value(), depth + 1, max_depth); err != simdjson::SUCCESS) {
        return err;
      }
    }
  } else if (type == simdjson::ondemand::json_type::array) {
    if (depth + 1 >= max_depth) {
      return simdjson::DEPTH_ERROR;
    }
    simdjson::ondemand::array a;
    if (auto err = v.get_array().get(a); err != simdjson::SUCCESS) {
      return err;
    }
    for (auto element : a) {
      value e;
      if (auto err = std::move(element).get(e); err != simdjson::SUCCESS) {
        return err;
      }
      if (auto err = walk(e, depth + 1, max_depth); err != simdjson::SUCCESS) {
        return err;
      }
    }
  }
  return simdjson::SUCCESS;
}

// The root object's walk (a document is not a value).
simdjson::error_code walk_root(simdjson::ondemand::document& doc, size_t max_depth) {
  object o;
  if (auto err = doc.get_object().get(o); err != simdjson::SUCCESS) {
    return err;
  }
  for (auto field_result : o) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field); err != simdjson::SUCCESS) {
      return err;
    }
    if (auto err = walk(field.value(), 1, max_depth); err != simdjson::SUCCESS) {
      return err;
    }
  }
  return simdjson::SUCCESS;
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
    err = walk_root(doc, parser.max_depth());
  }
  if (!err && !doc.is_alive()) {
    err = simdjson::TAPE_ERROR;
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
