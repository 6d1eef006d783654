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
#include <utility>

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

// The largest token count tally accepts: 2^53, the largest integer a double holds exactly
// (JSON writers and the cost arithmetic both go through doubles). Six such counts sum to less
// than 2^56, so a record's totals cannot overflow; sums over records are checked where they
// are made (SQLite's sum() fails on overflow rather than wrapping).
inline constexpr std::int64_t kMaxTokenCount = std::int64_t{1} << 53;

// Reads a count (tokens, requests, lines) strictly. null counts as 0. Returns "" when `out`
// holds the count, else why the value is not one ("not a number", "negative (-5)",
// "over 2^53 (18446744073709551615)", "not an integer (1.5)"), and leaves `out` alone. The
// caller reports the line as a problem and stores nothing from it: a count is never clamped,
// wrapped or guessed.
std::string read_count(value v, std::int64_t& out);

// Reads a cost in dollars the agent reported: a number from 0 to 2^53. Returns "" when `out`
// holds it (null leaves `out` empty), else why not, as read_count() does.
std::string read_cost(value v, std::optional<double>& out);

// Calls fn(key, value) for each member of `obj`, in document order: the walk the readers of
// nested objects share. Returns the error of a member that cannot be read (the document is
// then unusable: the caller reports the line), else the first error `fn` returns, else
// SUCCESS. `fn` returns simdjson::SUCCESS to go on.
template <typename Fn>
simdjson::error_code for_each_field(object obj, Fn&& fn) {
  for (auto member : obj) {
    simdjson::ondemand::field field;
    if (auto err = std::move(member).get(field); err != simdjson::SUCCESS) {
      return err;
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key); err != simdjson::SUCCESS) {
      return err;
    }
    if (auto err = fn(key, field.value()); err != simdjson::SUCCESS) {
      return err;
    }
  }
  return simdjson::SUCCESS;
}

// Starts `doc` on one log line and checks that it is exactly one complete, well-formed JSON
// object, then positions `root` on it. `text` must be padded (simdjson::SIMDJSON_PADDING
// readable bytes after it). Returns "" on success, else the problem ("malformed JSON: ...").
//
// Why the whole line is validated first: On Demand validates only what it reads, and on a
// structural error (a missing colon or comma, a bracket closing the wrong container) it
// abandons its iterator; a later read of that document, and even some single lookups
// (find_field_unordered over a broken object), dereference a null parser. So without this,
// one malformed line crashed every run, or could yield half a record before the error was
// met. The check is simdjson's DOM parser, its full validator (a walk of the On Demand
// iterator was tried first: it ends a loop silently on some errors, e.g.
// {"type":"x":}}). After it succeeds, reads can fail only benignly (absent field, other
// type), which leave the document usable.
std::string open_line_object(simdjson::ondemand::parser& parser, simdjson::ondemand::document& doc,
                             std::string_view text, object& root);

}  // namespace tally::sources
