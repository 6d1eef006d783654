#include "render/table_renderer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "render/utf8.h"
#include "test_reports.h"

namespace tally::render {
namespace {

std::string render_table(const analytics::Report& report, RenderOptions options = {}) {
  std::string out;
  make_renderer(Format::table, options)->render(report, out);
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// The table proper: from the header to the TOTAL line (the title, if any, is line 0).
std::vector<std::string> table_body(const analytics::Report& report, const std::string& text) {
  std::vector<std::string> lines = split_lines(text);
  const std::size_t first = report.title.empty() ? 0 : 1;
  const std::size_t count = report.rows.size() + 4;  // header, rule, rows, rule, TOTAL
  EXPECT_GE(lines.size(), first + count);
  return std::vector<std::string>(lines.begin() + static_cast<std::ptrdiff_t>(first),
                                  lines.begin() + static_cast<std::ptrdiff_t>(first + count));
}

std::string strip_ansi(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i = text.find('m', i);
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

TEST(TableRendererTest, AllBodyLinesHaveTheSameDisplayWidth) {
  for (const analytics::Report& report :
       {fixtures::daily_report(), fixtures::models_report(), fixtures::warnings_report(),
        fixtures::escaping_report()}) {
    const std::vector<std::string> body = table_body(report, render_table(report));
    ASSERT_FALSE(body.empty());
    const std::size_t width = display_width(body[0]);
    for (const std::string& line : body) {
      EXPECT_EQ(display_width(line), width) << "line: " << line;
    }
    EXPECT_EQ(body.back().rfind("TOTAL", 0), 0u) << body.back();
  }
}

TEST(TableRendererTest, NumbersHaveThousandsSeparatorsAndAreRightAligned) {
  const std::string table = render_table(fixtures::daily_report());
  const std::vector<std::string> lines = split_lines(table);
  EXPECT_NE(lines[3].find("12,285"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("1,234,567"), std::string::npos) << lines[3];
  // Right-aligned: the Input header and its numbers end in the same column.
  const std::size_t header_end = lines[1].find("Input") + 5;
  EXPECT_EQ(lines[3].find("12,285") + 6, header_end);
  EXPECT_EQ(lines[4].find("980") + 3, header_end);
}

TEST(TableRendererTest, CostMarkersAndLegend) {
  const std::string table = render_table(fixtures::models_report());
  EXPECT_NE(table.find("$1,234.57"), std::string::npos);
  EXPECT_NE(table.find("$0.50 ~"), std::string::npos);
  EXPECT_NE(table.find("unpriced ?"), std::string::npos);  // never "$0.00" alone
  EXPECT_NE(table.find("\n~ cost reported by the agent"), std::string::npos);
  EXPECT_NE(table.find("\n? cost incomplete"), std::string::npos);
  EXPECT_NE(table.find("\n! unpriced model gpt-6-sol (codex)"), std::string::npos);
}

TEST(TableRendererTest, PartlyUnpricedCostKeepsTheAmountAndAMarker) {
  const std::string table = render_table(fixtures::daily_report());
  EXPECT_NE(table.find("$0.06 ?"), std::string::npos) << table;
  EXPECT_NE(table.find("$3.46 ~"), std::string::npos) << table;
}

TEST(TableRendererTest, NarrowWidthDropsColumnsInsteadOfWrapping) {
  const analytics::Report report = fixtures::daily_report();
  const std::string wide = render_table(report);
  EXPECT_EQ(wide.find("to fit"), std::string::npos);
  // Exactly as wide as the table: nothing to do.
  const std::size_t full = display_width(split_lines(wide)[1]);
  EXPECT_EQ(
      render_table(
          report, RenderOptions{.color = false, .width = static_cast<int>(full), .compact = false}),
      wide);

  for (const int width : {140, 100, 80, 60}) {
    const std::string table =
        render_table(report, RenderOptions{.color = false, .width = width, .compact = false});
    const std::vector<std::string> body = table_body(report, table);
    EXPECT_LE(display_width(body[0]), static_cast<std::size_t>(width)) << table;
    EXPECT_NE(table.find("note: to fit " + std::to_string(width) + " columns: hid Reasoning"),
              std::string::npos)
        << table;
    EXPECT_NE(body[0].find("Date"), std::string::npos);
    EXPECT_NE(body[0].find("Total tokens"), std::string::npos);
    EXPECT_NE(body[0].find("Cost (USD)"), std::string::npos);
  }
  const std::string narrow =
      render_table(report, RenderOptions{.color = false, .width = 80, .compact = false});
  EXPECT_EQ(split_lines(narrow)[1].find("Reasoning"), std::string::npos);
  EXPECT_EQ(split_lines(narrow)[1].find("Cache write"), std::string::npos);
}

TEST(TableRendererTest, ModelListsAreShortenedBeforeInputAndOutputGo) {
  const analytics::Report report = fixtures::daily_report();
  const std::string table =
      render_table(report, RenderOptions{.color = false, .width = 100, .compact = false});
  const std::vector<std::string> lines = split_lines(table);
  EXPECT_NE(lines[1].find("Input"), std::string::npos);
  EXPECT_NE(lines[3].find("claude-sonnet-4-5, gemini-3\u2026  "), std::string::npos) << table;
  EXPECT_NE(table.find("hid Reasoning, Cache write, Cache read, Requests; shortened Model(s)"),
            std::string::npos)
      << table;
}

TEST(TableRendererTest, TooNarrowStillKeepsKeysTotalAndCost) {
  const analytics::Report report = fixtures::daily_report();
  const std::string table =
      render_table(report, RenderOptions{.color = false, .width = 10, .compact = false});
  const std::string header = split_lines(table)[1];
  EXPECT_EQ(header.find("Agent"), std::string::npos);
  EXPECT_NE(header.find("Date"), std::string::npos);
  EXPECT_NE(header.find("Cost (USD)"), std::string::npos);
}

TEST(TableRendererTest, CompactHidesBreakdownColumnsWithoutANote) {
  const std::string table = render_table(
      fixtures::daily_report(), RenderOptions{.color = false, .width = 0, .compact = true});
  const std::string header = split_lines(table)[1];
  EXPECT_EQ(header.find("Cache read"), std::string::npos);
  EXPECT_EQ(header.find("Requests"), std::string::npos);
  EXPECT_NE(header.find("Input"), std::string::npos);
  EXPECT_NE(header.find("Output"), std::string::npos);
  EXPECT_EQ(table.find("to fit"), std::string::npos);
}

TEST(TableRendererTest, ColorChangesNothingButEscapes) {
  for (const analytics::Report& report :
       {fixtures::daily_report(), fixtures::models_report(), fixtures::empty_report()}) {
    const std::string plain = render_table(report);
    const std::string color =
        render_table(report, RenderOptions{.color = true, .width = 0, .compact = false});
    EXPECT_NE(plain, color);
    EXPECT_EQ(strip_ansi(color), plain);
  }
  EXPECT_EQ(render_table(fixtures::daily_report()).find('\x1b'), std::string::npos);
}

TEST(TableRendererTest, EmptyReportSaysSo) {
  const std::string table = render_table(fixtures::empty_report());
  EXPECT_EQ(table,
            "Daily usage\n"
            "no usage in this range\n"
            "\n"
            "note: range: 2026-11-01 .. 2026-11-07 (Europe/Berlin)\n");
}

TEST(TableRendererTest, ReportStringsCannotReachTheTerminalRaw) {
  const std::string table = render_table(fixtures::escaping_report());
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_EQ(table.find('\x07'), std::string::npos);
  EXPECT_EQ(table.find('\r'), std::string::npos);
  EXPECT_NE(table.find("line1\\nline2\\r\\n"), std::string::npos) << table;
}

TEST(TableRendererTest, WarningsShowFileAndLine) {
  const std::string table = render_table(fixtures::warnings_report());
  EXPECT_NE(table.find("! malformed line: expected ',' or '}' "
                       "(/home/me/.claude/projects/app/0199a1b2.jsonl:1187)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("(/home/me/.codex/sessions/2026/11/22/rollout.jsonl)\n"), std::string::npos)
      << table;
}

TEST(TableRendererTest, FastModeShowsTheStandardSpeedCostBesideTheCost) {
  analytics::Report report = fixtures::daily_report();
  const std::string plain = render_table(report);
  EXPECT_EQ(plain.find("At std speed"), std::string::npos);  // nothing ran fast
  // Day one ran partly in fast mode: $3.46 actual, $1.73 had it all run at standard speed.
  report.rows[0].totals.standard_cost_usd = 1.7284;
  report.totals.standard_cost_usd = 1.7284 + report.rows[1].totals.cost_usd;
  const std::string table = render_table(report);
  ASSERT_NE(table.find("At std speed"), std::string::npos) << table;
  const std::string day = table.substr(table.find("2026-11-21"));
  EXPECT_LT(day.find("$1.73"), day.find("$3.46")) << table;  // beside the cost, before it
  // The share under the table, once the report counts the requests that ran fast.
  EXPECT_EQ(table.find("fast mode or priority"), std::string::npos) << table;
  report.rows[0].totals.fast_requests = 7;
  report.totals.fast_requests = 7;
  const std::string shared = render_table(report);
  EXPECT_NE(shared.find("\nfast mode or priority: 7 of 55 requests (12.7%); at standard speed "
                        "$1.79 instead of $3.52\n"),
            std::string::npos)
      << shared;
}

// The share alone, when fast requests cost what standard ones do (a model without fast
// pricing, or the `--speed standard` what-if): no second half that says the same amount.
TEST(TableRendererTest, FastShareWithoutAPriceDifferenceSaysOnlyTheShare) {
  analytics::Report report = fixtures::daily_report();
  report.totals.standard_cost_usd = report.totals.cost_usd;
  report.totals.fast_requests = 1;
  const std::string table = render_table(report);
  EXPECT_NE(table.find("\nfast mode or priority: 1 of 55 requests (1.8%)\n"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("at standard speed"), std::string::npos) << table;
  EXPECT_EQ(render_table(fixtures::empty_report()).find("fast mode"), std::string::npos);
}

}  // namespace
}  // namespace tally::render
