// Golden tests (duckdb's idea): each case renders a Report built in code and compares the
// bytes with tests/golden/<case>.<format>.
//
// To accept a deliberate output change, rewrite the files and review the diff:
//
//   TALLY_UPDATE_GOLDEN=1 ./build/tests/render/render_test --gtest_filter='Golden*'
//   git diff tests/golden
//
// With TALLY_UPDATE_GOLDEN=1 the tests write instead of compare, and pass.

#include "support/golden.h"

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

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesGoldenFile) {
  const GoldenCase& c = GetParam();
  std::string got;
  make_renderer(c.format, c.options)->render(c.build(), got);

  tally::test::expect_golden(c.file, got);
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
