#include "render/renderer.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace tally::render
