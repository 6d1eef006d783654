#pragma once

// A line or document that could not be used: counted and reported with file and line,
// never fatal. "Bad input is data."

#include <cstdint>
#include <string>

namespace tally {

struct ParseProblem {
  std::string file;
  std::int64_t line = 0;    // 1-based; 0 when the problem concerns the whole file
  std::int64_t offset = 0;  // byte offset of the line
  std::string what;         // one line: what was wrong ("malformed JSON: ...", "unreadable: ...")
};

}  // namespace tally
