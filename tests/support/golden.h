#pragma once

// Golden files (tests/golden, see its README): expected output compared byte for byte.
// TALLY_UPDATE_GOLDEN=1 rewrites the file instead of comparing (and passes), so a deliberate
// change to an output is one run and a reviewed diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tally::test {

inline bool update_golden() {
  const char* env = std::getenv("TALLY_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

// The first line where `want` and `got` differ, for a readable failure.
inline std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want);
  std::istringstream b(got);
  std::string la;
  std::string lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) {
      return "(identical lines; trailing bytes differ)";
    }
    if (la != lb || more_a != more_b) {
      return "line " + std::to_string(line) + ":\n  want: " + (more_a ? la : "<eof>") +
             "\n  got:  " + (more_b ? lb : "<eof>");
    }
  }
}

// Compares `got` with tests/golden/`file` (or rewrites it, see above).
inline void expect_golden(const std::string& file, const std::string& got) {
  const std::string path = std::string(TALLY_GOLDEN_DIR) + "/" + file;
  if (update_golden()) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(out) << "cannot write " << path;
    out << got;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << path << "; run with TALLY_UPDATE_GOLDEN=1 to create it";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_TRUE(want.str() == got) << path << " differs at " << first_difference(want.str(), got)
                                 << "\n(TALLY_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

}  // namespace tally::test
