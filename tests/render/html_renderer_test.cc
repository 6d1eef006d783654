// The HTML renderer: escaping of every string from the logs, a self-contained page (no
// external reference, no script), a chart only for time-grouped reports, and golden files
// for small fixed reports (tests/golden/*.html; TALLY_UPDATE_GOLDEN=1 rewrites them).

#include "render/html_renderer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "render/html_escape.h"
#include "render/utf8.h"
#include "support/golden.h"
#include "test_reports.h"

namespace tally::render {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string render_html(const analytics::Report& report) {
  std::string out;
  HtmlRenderer().render(report, out);
  return out;
}

TEST(EscapeHtmlTest, EscapesMarkupCharacters) {
  EXPECT_EQ(escape_html("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(escape_html("/home/me/app"), "/home/me/app");
  EXPECT_EQ(escape_html("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(EscapeHtmlTest, MakesControlsVisibleAndRepairsUtf8) {
  EXPECT_EQ(escape_html("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(escape_html("x\xffy"), "x\xef\xbf\xbdy");
  EXPECT_EQ(escape_html("&lt;"), "&amp;lt;");  // escaped text is escaped again, not trusted
}

TEST(HtmlRendererTest, IsOneSelfContainedPage) {
  const std::string page = render_html(fixtures::daily_report());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(page.substr(page.size() - 8), "</html>\n");
  EXPECT_EQ(count(page, "<html"), 1u);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http:"), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find(" href="), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST(HtmlRendererTest, EscapesEveryStringFromTheReport) {
  const std::string page = render_html(fixtures::escaping_report());
  // The project `/home/me/café ☕, "the" app` and the model `gpt-5, "mini"`.
  EXPECT_NE(page.find("<td class=\"text\">/home/me/caf\xc3\xa9 \xe2\x98\x95, &quot;the&quot; "
                      "app</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<td class=\"text\">gpt-5, &quot;mini&quot;</td>"), std::string::npos);
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
  EXPECT_EQ(page.find('\x07'), std::string::npos);
  EXPECT_EQ(page.find('\x7f'), std::string::npos);
  EXPECT_EQ(sanitize_utf8(page), page);  // valid UTF-8 throughout
}

TEST(HtmlRendererTest, EscapesHostileNamesInTablesAndCharts) {
  analytics::Report report = fixtures::daily_report();
  report.rows[0].model = "<script>alert(1)</script>";
  report.rows[0].keys[0].second = "2026-11-21\"><img>";
  const std::string page = render_html(report);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("data-date=\"2026-11-21&quot;&gt;&lt;img&gt;\""), std::string::npos);
}

TEST(HtmlRendererTest, TimeGroupedReportsGetABarPerRow) {
  const analytics::Report daily = fixtures::daily_report();
  const std::string page = render_html(daily);
  EXPECT_EQ(count(page, "<svg id=\"cost-per-date\""), 1u);
  EXPECT_EQ(count(page, "<rect class=\"bar\""), daily.rows.size());
  EXPECT_EQ(count(page, "<tbody>"), 1u);
  EXPECT_EQ(count(page, "<tr><td class=\"text\">"), daily.rows.size());
  // The date, then the cost: Cost is the first column after the keys (visible at 1024 px).
  EXPECT_NE(page.find("<tfoot><tr><td colspan=\"1\">TOTAL</td><td class=\"num cost\">"),
            std::string::npos);
}

TEST(HtmlRendererTest, OtherReportsGetOnlyTheTable) {
  const std::string page = render_html(fixtures::models_report());
  EXPECT_EQ(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("<table>"), std::string::npos);
}

TEST(HtmlRendererTest, WarningsAreVisibleAndEmptyReportsSaySo) {
  const std::string warned = render_html(fixtures::warnings_report());
  EXPECT_NE(warned.find("<ul class=\"warnings\">"), std::string::npos);
  EXPECT_EQ(count(warned, "<li>"), fixtures::warnings_report().warnings.size());
  const std::string empty = render_html(fixtures::empty_report());
  EXPECT_NE(empty.find("no usage in this range"), std::string::npos);
  EXPECT_EQ(empty.find("<table>"), std::string::npos);
}

// Golden pages: the whole document, byte for byte.
class HtmlGoldenTest : public ::testing::TestWithParam<const char*> {};

analytics::Report golden_report(const std::string& name) {
  if (name == "daily") {
    return fixtures::daily_report();
  }
  if (name == "escaping") {
    return fixtures::escaping_report();
  }
  return fixtures::empty_report();
}

TEST_P(HtmlGoldenTest, MatchesGoldenFile) {
  const std::string name = GetParam();
  const std::string got = render_html(golden_report(name));
  tally::test::expect_golden(name + ".html", got);
}

INSTANTIATE_TEST_SUITE_P(Render, HtmlGoldenTest, ::testing::Values("daily", "escaping", "empty"));

// Issue 17: fast mode side by side in HTML too: "At std speed" right after Cost, only when
// some request ran fast or at priority.
TEST(HtmlRendererTest, FastModeShowsTheStandardSpeedCostBesideTheCost) {
  analytics::Report report = fixtures::daily_report();
  EXPECT_EQ(render_html(report).find("At std speed"), std::string::npos);
  report.rows[0].totals.standard_cost_usd = 1.7284;
  report.totals.standard_cost_usd = 1.7284 + report.rows[1].totals.cost_usd;
  const std::string page = render_html(report);
  ASSERT_NE(page.find("<th class=\"num\">Cost (USD)</th><th class=\"num\">At std speed</th>"),
            std::string::npos)
      << page;
  const std::string day = page.substr(page.find("<td class=\"text\">2026-11-21</td>"));
  EXPECT_LT(day.find("$3.46"), day.find("<td class=\"num std\">$1.73</td>")) << page;
  EXPECT_LT(day.find("<td class=\"num std\">$1.73</td>"), day.find("</tr>")) << page;
  EXPECT_EQ(page.find("fast mode or priority"), std::string::npos);
  report.totals.fast_requests = 7;
  EXPECT_NE(render_html(report).find("<p class=\"note fast\">fast mode or priority: 7 of 55 "
                                     "requests (12.7%); at standard speed $1.79 instead of "
                                     "$3.52</p>"),
            std::string::npos);
}

}  // namespace
}  // namespace tally::render
