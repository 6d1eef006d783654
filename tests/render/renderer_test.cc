#include "render/renderer.h"

#include <gtest/gtest.h>

#include <string>

#include "render/doctor_renderer.h"
#include "test_reports.h"

namespace tally::render {
namespace {

constexpr Format kFormats[] = {Format::table, Format::json, Format::csv, Format::html};

TEST(FormatNameTest, RoundTrips) {
  for (const Format format : kFormats) {
    EXPECT_EQ(parse_format(format_name(format)), format);
  }
  EXPECT_FALSE(parse_format("xml"));
  EXPECT_FALSE(parse_format("JSON"));
}

TEST(RendererTest, AppendsAndEndsWithANewline) {
  for (const Format format : kFormats) {
    for (const analytics::Report& report :
         {fixtures::daily_report(), fixtures::empty_report(), analytics::Report{}}) {
      std::string out = "kept|";
      make_renderer(format)->render(report, out);
      EXPECT_EQ(out.rfind("kept|", 0), 0u) << format_name(format);
      ASSERT_GT(out.size(), 5u);
      EXPECT_EQ(out.back(), '\n') << format_name(format);
    }
  }
}

TEST(RendererTest, IsDeterministic) {
  for (const Format format : kFormats) {
    std::string a;
    std::string b;
    make_renderer(format)->render(fixtures::models_report(), a);
    make_renderer(format)->render(fixtures::models_report(), b);
    EXPECT_EQ(a, b);
  }
}

// `tally doctor` prints text that is not tally's: SQLite's findings, the names of files beside
// the ledger, the ledger's path. None of it reaches the terminal raw.
TEST(DoctorRendererTest, FindingsPathsAndFileNamesCannotReachTheTerminalRaw) {
  store::LedgerHealth h;
  h.exists = true;
  h.damaged = true;
  h.findings.push_back({store::LedgerFinding::Level::problem, "row 3 \x1b]0;evil\x07 missing"});
  const std::vector<store::LeftoverFile> leftovers = {
      {"/d/ledger.db.\x1b[2J.bak", "an old ledger \x1b[31m"}};
  const std::string out = render_doctor("/d/\x1b]0;x\x07/ledger.db", 4096, h, leftovers);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x07'), std::string::npos) << out;
  EXPECT_NE(out.find("row 3"), std::string::npos) << out;
  EXPECT_NE(out.find("an old ledger"), std::string::npos) << out;
}

}  // namespace
}  // namespace tally::render
