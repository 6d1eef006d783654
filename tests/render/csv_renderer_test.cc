#include "render/csv_renderer.h"

#include <gtest/gtest.h>

#include <string>

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

TEST(CsvRendererTest, HeaderMatchesJsonFieldNamesWithKeysFirst) {
  const std::string csv = render_csv(fixtures::warnings_report());
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "session_id,project,agent,model,requests,input_tokens,cache_read_tokens,"
            "cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,"
            "total_tokens,cost_usd,cost_source");
}

TEST(CsvRendererTest, OneRecordPerRowAndNoTotals) {
  const std::string csv = render_csv(fixtures::daily_report());
  EXPECT_EQ(csv,
            "date,agent,model,requests,input_tokens,cache_read_tokens,cache_write_tokens,"
            "cache_write_1h_tokens,output_tokens,reasoning_tokens,total_tokens,cost_usd,"
            "cost_source\r\n"
            "2026-11-21,\"claude, gemini\",\"claude-sonnet-4-5, gemini-3-pro\",42,12285,1234567,"
            "45678,12000,23456,0,1315986,3.4567,agent-reported\r\n"
            "2026-11-22,\"claude, codex\",\"claude-sonnet-4-5, gpt-6-sol\",13,980,20480,0,0,1500,"
            "640,22960,0.0618,unpriced\r\n");
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
