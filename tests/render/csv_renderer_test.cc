#include "render/csv_renderer.h"

#include <gtest/gtest.h>

#include <string>

#include "render/grid.h"
#include "render/session_renderer.h"
#include "test_reports.h"

namespace tally::render {
namespace {

std::string csv_field(std::string_view text) {
  std::string out;
  append_csv_field(text, out);
  return out;
}

std::string render_csv(const analytics::Report& report) {
  std::string out;
  make_renderer(Format::csv)->render(report, out);
  return out;
}

TEST(CsvFieldTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(csv_field("bad\xff"), "bad\xef\xbf\xbd");
}

std::string csv_number(std::string_view text) {
  std::string out;
  append_csv_number(text, out);
  return out;
}

// OWASP's six: each one alone would make a spreadsheet run (or reveal) a formula.
TEST(CsvFieldTest, FormulaStartsGetALeadingQuote) {
  EXPECT_EQ(csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("-1"), "'-1");
  EXPECT_EQ(csv_field("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(csv_field("\t=1"), "'\t=1");
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");  // CR also forces quoting
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
}

TEST(CsvFieldTest, ControlsOtherThanTabAndLineEndsAreEscaped) {
  EXPECT_EQ(csv_field("\x1b]0;evil\x07"), "\\x1b]0;evil\\x07");
  EXPECT_EQ(csv_field("clear\x1b[2J"), "clear\\x1b[2J");
  EXPECT_EQ(csv_field("c1\xc2\x9b"), "c1\\u009b");
  EXPECT_EQ(csv_field("a\tb"), "a\tb");
}

TEST(CsvFieldTest, OnlyTheFirstCharacterCounts) {
  EXPECT_EQ(csv_field("a=b"), "a=b");
  EXPECT_EQ(csv_field("claude-sonnet-4-5"), "claude-sonnet-4-5");
  EXPECT_EQ(csv_field(" =1"), " =1");
  EXPECT_EQ(csv_field("'=1"), "'=1");  // already text: left as it is
  EXPECT_EQ(csv_field("\n=1"), "\"\n=1\"");
}

TEST(CsvNumberTest, NumbersStayNumbers) {
  EXPECT_EQ(csv_number("12"), "12");
  EXPECT_EQ(csv_number("-3"), "-3");
  EXPECT_EQ(csv_number("-0.0618"), "-0.0618");
  EXPECT_EQ(csv_number("1.5e-07"), "1.5e-07");
  EXPECT_EQ(csv_number(""), "");
}

TEST(CsvNumberTest, AnythingElseIsNeutralisedText) {
  EXPECT_EQ(csv_number("-1+cmd"), "'-1+cmd");
  EXPECT_EQ(csv_number("=1"), "'=1");
  EXPECT_EQ(csv_number("-"), "'-");
  EXPECT_EQ(csv_number("1."), "1.");
  EXPECT_EQ(csv_number("1,5"), "\"1,5\"");
  EXPECT_EQ(csv_number("true"), "true");
}

TEST(CsvRendererTest, TextCellsAreNeutralisedAndNegativeNumbersAreNot) {
  analytics::Report report = fixtures::daily_report();
  report.rows[0].keys[0].second = "@SUM(1)";
  report.rows[0].agent = "+cmd|' /C calc'!A0";
  report.rows[0].model = "=HYPERLINK(\"http://x\",\"y\")";
  report.rows[0].totals.cost_usd = -1.5;
  report.rows[0].totals.standard_cost_usd = -1.5;
  const std::string csv = render_csv(report);
  EXPECT_NE(csv.find("\r\n'@SUM(1),'+cmd|' /C calc'!A0,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","
                     "42,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",-1.5,agent-reported,-1.5,0\r\n"), std::string::npos) << csv;
}

TEST(GridCsvTest, StringColumnsAreNeutralisedAndNumberColumnsAreNot) {
  Grid grid;
  grid.columns = {{"project", "Project", CellType::string},
                  {"count", "Count", CellType::integer},
                  {"cost_usd", "Cost", CellType::number}};
  grid.rows.push_back(
      {text_cell("=HYPERLINK(\"http://x\",\"y\")"), count_cell(-3), usd_cell(-1.5)});
  grid.rows.push_back({text_cell("-2+3"), null_cell(), null_cell()});
  std::string out;
  render_grid_csv(grid, out);
  EXPECT_EQ(out,
            "project,count,cost_usd\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3,-1.5\r\n"
            "'-2+3,,\r\n");
}

TEST(SessionCsvTest, TextFromTheLogsIsNeutralisedAndNumbersAreNot) {
  analytics::SessionAnatomy a;
  a.session_id = "+cmd|' /C calc'!A0";
  a.project = "=HYPERLINK(\"http://x\",\"y\")";
  a.title = "@SUM(1)";
  a.totals.cost_usd = -0.5;
  a.facts.tool_calls["-tool"] = 2;
  a.facts.files_touched.push_back("=file");
  std::string out;
  render_session(a, Format::csv, {}, out);
  EXPECT_NE(out.find("session,,session_id,'+cmd|' /C calc'!A0\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("session,,project,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("session,,title,'@SUM(1)\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("cost,,cost_usd,-0.5\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("tool,'-tool,calls,2\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("file,'=file,touched,1\r\n"), std::string::npos) << out;
}

TEST(CsvRendererTest, HeaderMatchesJsonFieldNamesWithKeysFirst) {
  const std::string csv = render_csv(fixtures::warnings_report());
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "session_id,project,agent,model,requests,input_tokens,cache_read_tokens,"
            "cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,"
            "total_tokens,cost_usd,cost_source,standard_cost_usd,fast_requests");
}

TEST(CsvRendererTest, OneRecordPerRowAndNoTotals) {
  const std::string csv = render_csv(fixtures::daily_report());
  EXPECT_EQ(csv,
            "date,agent,model,requests,input_tokens,cache_read_tokens,cache_write_tokens,"
            "cache_write_1h_tokens,output_tokens,reasoning_tokens,total_tokens,cost_usd,"
            "cost_source,standard_cost_usd,fast_requests\r\n"
            "2026-11-21,\"claude, gemini\",\"claude-sonnet-4-5, gemini-3-pro\",42,12285,1234567,"
            "45678,12000,23456,0,1315986,3.4567,agent-reported,3.4567,0\r\n"
            "2026-11-22,\"claude, codex\",\"claude-sonnet-4-5, gpt-6-sol\",13,980,20480,0,0,1500,"
            "640,22960,0.0618,unpriced,0.0618,0\r\n");
  EXPECT_EQ(csv.find("TOTAL"), std::string::npos);
}

TEST(CsvRendererTest, EmptyReportIsJustTheHeader) {
  const std::string csv = render_csv(fixtures::empty_report());
  EXPECT_EQ(csv.find("\r\n"), csv.size() - 2);
}

TEST(CsvRendererTest, EmbeddedNewlinesStayInsideQuotes) {
  const std::string csv = render_csv(fixtures::escaping_report());
  // Header + two records, but the second record's project holds "\n" and "\r\n".
  EXPECT_NE(csv.find("\"C:\\work\\line1\nline2\r\n\xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbd "
                     "utf8\",codex,\"gpt-5, \"\"mini\"\"\","),
            std::string::npos)
      << csv;
}

}  // namespace
}  // namespace tally::render
