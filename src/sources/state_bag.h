#pragma once

// A parser's resumable state: a flat string map serialised as "key=value" lines with
// '\\', '\n' and '=' escaped in values. Small, readable in a debugger, and versioned by
// the parser through a "v" key of its own choosing.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::sources {

class StateBag {
 public:
  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  void set_int(const std::string& key, std::int64_t value) { values_[key] = std::to_string(value); }
  // Returns the value of `key`, or `fallback` when absent.
  std::string get(const std::string& key, std::string fallback = {}) const;
  // Returns the integer value of `key`, or `fallback` when absent or not an integer.
  std::int64_t get_int(const std::string& key, std::int64_t fallback = 0) const;
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  std::string serialize() const;
  // Parses what serialize() wrote; fails on a malformed line.
  static Result<StateBag> parse(std::string_view text);

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace tally::sources
