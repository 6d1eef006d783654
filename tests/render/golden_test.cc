// Golden tests (duckdb's idea): each case renders a Report built in code and compares the
// bytes with tests/golden/<case>.<format>.
//
// To accept a deliberate output change, rewrite the files and review the diff:
//
//   TALLY_UPDATE_GOLDEN=1 ./build/tests/render/render_test --gtest_filter='Golden*'
//   git diff tests/golden
//
// With TALLY_UPDATE_GOLDEN=1 the tests write instead of compare, and pass.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "render/renderer.h"
#include "test_reports.h"

namespace tally::render {
namespace {

struct GoldenCase {
  std::string file;  // under tests/golden
  std::function<analytics::Report()> build;
  Format format;
  RenderOptions options;
};

// Names a case in gtest's messages (instead of a byte dump); gtest looks the name up.
void PrintTo(const GoldenCase& c, std::ostream* os) {  // NOLINT(readability-identifier-naming)
  *os << c.file;
}

std::vector<GoldenCase> golden_cases() {
  using namespace fixtures;
  std::vector<GoldenCase> cases;
  const std::vector<std::pair<std::string, std::function<analytics::Report()>>> reports = {
      {"daily", daily_report},
      {"models", models_report},
      {"empty", empty_report},
      {"warnings", warnings_report},
      {"escaping", escaping_report}};
  for (const auto& [name, build] : reports) {
    for (const Format format : {Format::table, Format::json, Format::csv}) {
      cases.push_back(GoldenCase{name + "." + std::string(format_name(format)), build, format, {}});
    }
  }
  cases.push_back(GoldenCase{"daily_narrow.table", daily_report, Format::table,
                             RenderOptions{.color = false, .width = 80, .compact = false}});
  cases.push_back(GoldenCase{"daily_compact.table", daily_report, Format::table,
                             RenderOptions{.color = false, .width = 0, .compact = true}});
  cases.push_back(GoldenCase{"models_compact.json", models_report, Format::json,
                             RenderOptions{.color = false, .width = 0, .compact = true}});
  return cases;
}

bool update_golden() {
  const char* env = std::getenv("TALLY_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

// Returns the first line where `a` and `b` differ, for a readable failure.
std::string first_difference(const std::string& want, const std::string& got) {
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

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesGoldenFile) {
  const GoldenCase& c = GetParam();
  std::string got;
  make_renderer(c.format, c.options)->render(c.build(), got);

  const std::string path = std::string(TALLY_GOLDEN_DIR) + "/" + c.file;
  if (update_golden()) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(file) << "cannot write " << path;
    file << got;
    return;
  }
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << "missing " << path << "; run with TALLY_UPDATE_GOLDEN=1 to create it";
  std::stringstream want;
  want << file.rdbuf();
  EXPECT_TRUE(want.str() == got) << path << " differs at " << first_difference(want.str(), got)
                                 << "\n(TALLY_UPDATE_GOLDEN=1 rewrites it; review the diff)";
}

// "daily.table" -> "daily_table": gtest names allow only letters, digits and '_'.
std::string case_name(const ::testing::TestParamInfo<GoldenCase>& param) {
  std::string name = param.param.file;
  for (char& ch : name) {
    if (ch == '.') {
      ch = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Render, GoldenTest, ::testing::ValuesIn(golden_cases()), case_name);

}  // namespace
}  // namespace tally::render
