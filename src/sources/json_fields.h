#pragma once

// Small, exception-free accessors over simdjson On Demand values, shared by the adapters.
// Each returns a fallback when the field is absent, null or of another type: log lines
// vary between CLI versions, and a missing optional field is not a malformed line.
//
// Note (simdjson On Demand): fields of one object must be read in document order for
// speed, and any order works but rescans. Values are consumed once; string_views die at
// the next iterate(), so the helpers return owning strings.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally::sources {

using simdjson::ondemand::object;
using simdjson::ondemand::value;

// Reads `obj[key]` as a string; "" when absent or not a string.
std::string str_field(object obj, std::string_view key);
// Reads `obj[key]` as an integer (floats are truncated); 0 when absent or not a number.
std::int64_t int_field(object obj, std::string_view key);
// Reads `obj[key]` as a double; nullopt when absent or not a number.
std::optional<double> double_field(object obj, std::string_view key);
// Reads `obj[key]` as a bool; false when absent or not a bool.
bool bool_field(object obj, std::string_view key);
// Returns `obj[key]` as an object, or nullopt when absent or not an object.
std::optional<object> object_field(object obj, std::string_view key);

// Returns the value as an integer (rounding floats toward zero) or 0.
std::int64_t as_int(value v);
// Reads a token count strictly: null counts as 0, any other non-number fails (false), so a
// damaged usage field is reported instead of read as 0.
bool read_count(value v, std::int64_t& out);

// Starts `doc` on one log line and checks that it is exactly one complete JSON object, then
// positions `root` on it. On Demand only validates what it reads, so without this a
// truncated line could yield half a record instead of a problem. `text` must be padded
// (simdjson::SIMDJSON_PADDING readable bytes after it). Returns "" on success, else the
// problem, e.g. "malformed JSON: ...".
std::string open_line_object(simdjson::ondemand::parser& parser, simdjson::ondemand::document& doc,
                             std::string_view text, object& root);

}  // namespace tally::sources
