// --breakdown in every renderer (Report::breakdown): the per-model lines under each row, their
// markers, the 80-column table, JSON's `breakdown` arrays, CSV's row_type column and its
// formula-neutral text cells, HTML's indented rows. The reports are built in code
// (test_reports.h: breakdown_report); the end-to-end goldens are tests/golden/breakdown.*.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <sstream>
#include <string>
#include <vector>

#include "render/renderer.h"
#include "render/utf8.h"
#include "test_reports.h"

namespace tally::render {
namespace {

std::string render(const analytics::Report& report, Format format, RenderOptions options = {}) {
  std::string out;
  make_renderer(format, options)->render(report, out);
  return out;
}

std::vector<std::string> split_lines(const std::string& text, std::string_view end = "\n") {
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t next = text.find(end, pos);
    lines.push_back(text.substr(pos, next - pos));
    pos = next == std::string::npos ? text.size() : next + end.size();
  }
  return lines;
}

std::size_t line_count(const analytics::Report& report) {
  std::size_t n = 0;
  for (const analytics::ReportRow& row : report.rows) {
    n += 1 + row.breakdown.size();
  }
  return n;
}

TEST(BreakdownTableTest, EachRowIsFollowedByItsModelsWithTheirMarkers) {
  const std::vector<std::string> lines =
      split_lines(render(fixtures::breakdown_report(), Format::table));
  // Title, header, rule, then row 1 and its two models, row 2 and its two.
  ASSERT_GE(lines.size(), 9u);
  // The models are named on their lines, under the date: no Model(s) column.
  EXPECT_EQ(lines[1].find("Model"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[3].rfind("2026-11-21  ", 0), 0u) << lines[3];
  EXPECT_EQ(lines[3].find("claude"), std::string::npos) << "the row names no model: " << lines[3];
  EXPECT_EQ(lines[4].rfind("  \u251c\u2500 claude-sonnet-4-5  claude ", 0), 0u) << lines[4];
  EXPECT_NE(lines[4].find("$3.11  "), std::string::npos) << lines[4];
  EXPECT_EQ(lines[5].rfind("  \u2514\u2500 gemini-3-pro       gemini ", 0), 0u) << lines[5];
  EXPECT_NE(lines[5].find("$0.35 ~"), std::string::npos) << lines[5];
  EXPECT_EQ(lines[6].rfind("2026-11-22  ", 0), 0u) << lines[6];
  EXPECT_NE(lines[6].find("$0.06 ?"), std::string::npos) << lines[6];
  EXPECT_EQ(lines[8].rfind("  \u2514\u2500 gpt-6-sol          codex ", 0), 0u) << lines[8];
  EXPECT_NE(lines[8].find("unpriced ?"), std::string::npos) << "never $0: " << lines[8];
}

TEST(BreakdownTableTest, FitsEveryWidthAndKeepsTheModels) {
  const analytics::Report report = fixtures::breakdown_report();
  for (const int width : {200, 100, 80, 60, 50}) {
    const std::string table =
        render(report, Format::table, RenderOptions{.color = false, .width = width});
    const std::vector<std::string> lines = split_lines(table);
    // Header to TOTAL: header, rule, the lines, rule, TOTAL.
    const std::size_t body = line_count(report) + 4;
    ASSERT_GE(lines.size(), 1 + body);
    const std::size_t line_width = display_width(lines[1]);
    EXPECT_LE(line_width, static_cast<std::size_t>(width)) << table;
    for (std::size_t i = 1; i <= body; ++i) {
      EXPECT_EQ(display_width(lines[i]), line_width) << lines[i];
    }
    // Every model line keeps a name, cut to no less than 16 code points.
    EXPECT_NE(table.find("\u251c\u2500 claude-sonnet-4"), std::string::npos) << table;
    EXPECT_NE(table.find("\u2514\u2500 gpt-6-sol "), std::string::npos) << table;
  }
  // At 80 columns the names are whole, and Input and Output stay.
  const std::string eighty =
      render(report, Format::table, RenderOptions{.color = false, .width = 80});
  EXPECT_NE(split_lines(eighty)[1].find("Input"), std::string::npos) << eighty;
  EXPECT_NE(split_lines(eighty)[1].find("Output"), std::string::npos) << eighty;
  EXPECT_NE(eighty.find("\u251c\u2500 claude-sonnet-4-5  "), std::string::npos) << eighty;
  EXPECT_EQ(eighty.find("shortened"), std::string::npos) << eighty;
}

TEST(BreakdownTableTest, ModelLinesSpanTheKeysOfASessionRow) {
  // Sessions have three key columns, blank on a model line: a name longer than the first
  // runs across them instead of widening it.
  analytics::Report report = fixtures::breakdown_report();
  report.key_names = {"session_id", "project", "title"};
  for (analytics::ReportRow& row : report.rows) {
    row.keys = {{"session_id", "5daf8a42"},
                {"project", "/home/me/work/a-project-with-a-long-path"},
                {"title", "fix"}};
  }
  report.rows[0].breakdown[0].model = "claude-sonnet-4-5-20260101-extended";
  const std::vector<std::string> lines = split_lines(render(report, Format::table));
  ASSERT_GE(lines.size(), line_count(report) + 5);
  EXPECT_EQ(lines[1].rfind("Session id  Project ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[3].rfind("5daf8a42    /home/me/work/", 0), 0u) << lines[3];
  EXPECT_EQ(lines[4].rfind("  \u251c\u2500 claude-sonnet-4-5-20260101-extended  ", 0), 0u)
      << lines[4];
  // The label ends where the keys end: Agent starts in the same column on every line.
  const std::size_t agent_column = display_width(lines[1].substr(0, lines[1].find("Agent")));
  EXPECT_EQ(display_width(lines[4].substr(0, lines[4].find(" claude ") + 1)), agent_column);
  EXPECT_EQ(display_width(lines[5].substr(0, lines[5].find(" gemini ") + 1)), agent_column);
  const std::size_t width = display_width(lines[1]);
  for (std::size_t i = 1; i < line_count(report) + 5; ++i) {
    EXPECT_EQ(display_width(lines[i]), width) << lines[i];
  }
}

TEST(BreakdownTableTest, RowsWithSharesButNoBreakdownFlagPrintAsBefore) {
  analytics::Report with = fixtures::breakdown_report();
  with.breakdown = false;
  analytics::Report without = with;
  for (analytics::ReportRow& row : without.rows) {
    row.breakdown.clear();
  }
  for (const Format format : {Format::table, Format::json, Format::csv, Format::html}) {
    EXPECT_EQ(render(with, format), render(without, format)) << format_name(format);
  }
  EXPECT_EQ(render(with, Format::json).find("breakdown"), std::string::npos);
  EXPECT_EQ(render(with, Format::csv).find("row_type"), std::string::npos);
}

double number(simdjson::dom::element e, std::string_view key) {
  double value = -1;
  EXPECT_EQ(e[key].get_double().get(value), simdjson::SUCCESS) << key;
  return value;
}

std::int64_t integer(simdjson::dom::element e, std::string_view key) {
  std::int64_t value = -1;
  EXPECT_EQ(e[key].get_int64().get(value), simdjson::SUCCESS) << key;
  return value;
}

TEST(BreakdownJsonTest, EveryRowHasItsSharesWithTheRowsFields) {
  const analytics::Report report = fixtures::breakdown_report();
  const std::string json = render(report, Format::json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  std::size_t r = 0;
  for (const simdjson::dom::element row : doc["rows"].get_array()) {
    const analytics::ReportRow& want = report.rows[r++];
    simdjson::dom::array shares;
    ASSERT_EQ(row["breakdown"].get_array().get(shares), simdjson::SUCCESS) << json;
    ASSERT_EQ(shares.size(), want.breakdown.size());
    std::size_t s = 0;
    for (const simdjson::dom::element share : shares) {
      const analytics::ModelShare& ws = want.breakdown[s++];
      std::vector<std::string> names;
      for (const auto field : share.get_object()) {
        names.emplace_back(field.key);
      }
      EXPECT_EQ(names, (std::vector<std::string>{
                           "agent", "model", "requests", "input_tokens", "cache_read_tokens",
                           "cache_write_tokens", "cache_write_1h_tokens", "output_tokens",
                           "reasoning_tokens", "total_tokens", "cost_usd", "cost_source",
                           "standard_cost_usd", "fast_requests"}));
      EXPECT_EQ(std::string_view(share["model"]), ws.model);
      EXPECT_EQ(integer(share, "requests"), ws.totals.requests);
      EXPECT_EQ(integer(share, "total_tokens"), ws.totals.tokens.total());
      EXPECT_NEAR(number(share, "cost_usd"), ws.totals.cost_usd, 1e-10);
      EXPECT_EQ(std::string_view(share["cost_source"]), cost_source_name(ws.totals.cost_source));
    }
  }
  EXPECT_EQ(r, report.rows.size());
}

TEST(BreakdownJsonTest, KeysNamedLikeTheNewFieldsArePrefixed) {
  analytics::Report report = fixtures::breakdown_report();
  report.key_names = {"breakdown", "row_type"};
  for (analytics::ReportRow& row : report.rows) {
    row.keys = {{"breakdown", "b"}, {"row_type", "t"}};
  }
  const std::string json = render(report, Format::json, RenderOptions{.compact = true});
  EXPECT_NE(json.find("\"keys\":[\"key_breakdown\",\"key_row_type\"]"), std::string::npos)
      << json;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
  EXPECT_TRUE(doc["rows"].at(0)["breakdown"].is_array());
  const std::string csv = render(report, Format::csv);
  EXPECT_EQ(csv.rfind("key_breakdown,key_row_type,agent,", 0), 0u) << csv;
}

TEST(BreakdownCsvTest, ModelLinesFollowTheirRowWithTheKeyRepeatedAndARowType) {
  const analytics::Report report = fixtures::breakdown_report();
  const std::string csv = render(report, Format::csv);
  ASSERT_EQ(csv.substr(csv.size() - 2), "\r\n");
  const std::vector<std::string> lines = split_lines(csv, "\r\n");
  ASSERT_EQ(lines.size(), 1 + line_count(report));  // the header, then every line
  EXPECT_EQ(lines[0],
            "date,agent,model,requests,input_tokens,cache_read_tokens,cache_write_tokens,"
            "cache_write_1h_tokens,output_tokens,reasoning_tokens,total_tokens,cost_usd,"
            "cost_source,standard_cost_usd,fast_requests,row_type");
  EXPECT_EQ(lines[1],
            "2026-11-21,\"claude,gemini\",\"claude-sonnet-4-5,gemini-3-pro\",42,12285,1234567,0,"
            "0,23456,0,1270308,3.4567,agent-reported,3.4567,0,total");
  EXPECT_EQ(lines[2],
            "2026-11-21,claude,claude-sonnet-4-5,37,11000,1200000,0,0,21000,0,1232000,3.1067,"
            "computed,3.1067,0,model");
  EXPECT_EQ(lines[3],
            "2026-11-21,gemini,gemini-3-pro,5,1285,34567,0,0,2456,0,38308,0.35,agent-reported,"
            "0.35,0,model");
  EXPECT_EQ(lines[6],
            "2026-11-22,codex,gpt-6-sol,1,80,0,0,0,100,640,180,0.0,unpriced,0.0,0,model");
}

TEST(BreakdownCsvTest, ModelLinesAreFormulaNeutralToo) {
  const std::string csv = render(fixtures::breakdown_report(/*hostile=*/true), Format::csv);
  EXPECT_NE(csv.find("\r\n2026-11-21,gemini,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",5,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n2026-11-22,claude,\"sonnet \\x1b[31m\"\"red\"\"\",12,"),
            std::string::npos)
      << csv;
  EXPECT_EQ(csv.find('\x1b'), std::string::npos);
}

TEST(BreakdownTableTest, ModelNamesReachTheTerminalEscaped) {
  const std::string table = render(fixtures::breakdown_report(/*hostile=*/true), Format::table);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("\u251c\u2500 sonnet \\x1b[31m\"red\""), std::string::npos) << table;
}

TEST(BreakdownHtmlTest, SharesAreIndentedRowsWithTheirMarkers) {
  const analytics::Report report = fixtures::breakdown_report(/*hostile=*/true);
  const std::string page = render(report, Format::html);
  std::size_t shares = 0;
  for (std::size_t pos = page.find("<tr class=\"share\">"); pos != std::string::npos;
       pos = page.find("<tr class=\"share\">", pos + 1)) {
    ++shares;
  }
  EXPECT_EQ(shares, line_count(report) - report.rows.size());
  EXPECT_NE(page.find("<tr class=\"share\"><td class=\"text share\" colspan=\"1\">\u2514\u2500 "
                      "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</td>"
                      "<td class=\"num cost\">$0.35<span class=\"marker\">~</span></td>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<td class=\"num cost\">unpriced<span class=\"marker\">?</span></td>"
                      "<td class=\"num\">1</td>"),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
}

TEST(BreakdownHtmlTest, ModelLinesSpanEveryKeyColumnAndThereIsNoModelColumn) {
  analytics::Report report = fixtures::breakdown_report();
  report.key_names = {"session_id", "project", "title"};
  for (analytics::ReportRow& row : report.rows) {
    row.keys = {{"session_id", "5daf8a42"}, {"project", "/w/app"}, {"title", "fix"}};
  }
  const std::string page = render(report, Format::html);
  EXPECT_NE(page.find("<tr class=\"share\"><td class=\"text share\" colspan=\"3\">\u251c\u2500 "
                      "claude-sonnet-4-5</td><td class=\"num cost\">$3.11"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<th class=\"num\">Total tokens</th><th>Agent</th></tr></thead>"),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find("Model(s)"), std::string::npos) << page;
}

}  // namespace
}  // namespace tally::render
