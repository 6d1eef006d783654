#include "render/json_renderer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_reports.h"

namespace tally::render {
namespace {

std::string render_json(const analytics::Report& report, bool compact = false) {
  std::string out;
  make_renderer(Format::json, RenderOptions{.color = false, .width = 0, .compact = compact})
      ->render(report, out);
  return out;
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

std::vector<std::string> member_names(simdjson::dom::object object) {
  std::vector<std::string> names;
  for (const auto field : object) {
    names.emplace_back(field.key);
  }
  return names;
}

int64_t get_int(simdjson::dom::element e, std::string_view key) {
  int64_t value = -1;
  EXPECT_EQ(e[key].get_int64().get(value), simdjson::SUCCESS) << key;
  return value;
}

// Checks a parsed row or totals object against the Totals it was rendered from.
void expect_totals(simdjson::dom::element e, const analytics::Totals& t) {
  EXPECT_EQ(get_int(e, "requests"), t.requests);
  EXPECT_EQ(get_int(e, "input_tokens"), t.tokens.input);
  EXPECT_EQ(get_int(e, "cache_read_tokens"), t.tokens.cache_read);
  EXPECT_EQ(get_int(e, "cache_write_tokens"), t.tokens.cache_write);
  EXPECT_EQ(get_int(e, "cache_write_1h_tokens"), t.tokens.cache_write_1h);
  EXPECT_EQ(get_int(e, "output_tokens"), t.tokens.output);
  EXPECT_EQ(get_int(e, "reasoning_tokens"), t.tokens.reasoning);
  EXPECT_EQ(get_int(e, "total_tokens"), t.tokens.total());
  EXPECT_EQ(get_int(e, "fast_requests"), t.fast_requests);
  double cost = -1;
  ASSERT_EQ(e["cost_usd"].get_double().get(cost), simdjson::SUCCESS);
  EXPECT_NEAR(cost, t.cost_usd, 1e-10);
  std::string_view source;
  ASSERT_EQ(e["cost_source"].get_string().get(source), simdjson::SUCCESS);
  EXPECT_EQ(source, cost_source_name(t.cost_source));
}

// Parses the JSON rendering of `report` and checks every number and name against it.
void expect_round_trip(const analytics::Report& report, bool compact) {
  const std::string json = render_json(report, compact);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;

  simdjson::dom::object top;
  ASSERT_EQ(doc.get_object().get(top), simdjson::SUCCESS);
  EXPECT_EQ(member_names(top),
            (std::vector<std::string>{"title", "keys", "rows", "totals", "warnings", "notes"}));

  simdjson::dom::array rows;
  ASSERT_EQ(doc["rows"].get_array().get(rows), simdjson::SUCCESS);
  ASSERT_EQ(rows.size(), report.rows.size());
  std::size_t i = 0;
  for (const simdjson::dom::element row : rows) {
    const analytics::ReportRow& want = report.rows[i++];
    simdjson::dom::object object;
    ASSERT_EQ(row.get_object().get(object), simdjson::SUCCESS);
    std::vector<std::string> names = report.key_names;
    names.insert(names.end(), {"agent", "model", "requests", "input_tokens", "cache_read_tokens",
                               "cache_write_tokens", "cache_write_1h_tokens", "output_tokens",
                               "reasoning_tokens", "total_tokens", "cost_usd", "cost_source",
                               "standard_cost_usd", "fast_requests"});
    EXPECT_EQ(member_names(object), names);
    std::string_view agent;
    ASSERT_EQ(row["agent"].get_string().get(agent), simdjson::SUCCESS);
    EXPECT_EQ(agent, want.agent);
    expect_totals(row, want.totals);
  }
  expect_totals(doc["totals"].value_unsafe(), report.totals);

  simdjson::dom::array warnings;
  ASSERT_EQ(doc["warnings"].get_array().get(warnings), simdjson::SUCCESS);
  ASSERT_EQ(warnings.size(), report.warnings.size());
  i = 0;
  for (const simdjson::dom::element warning : warnings) {
    const analytics::Warning& want = report.warnings[i++];
    std::string_view kind;
    ASSERT_EQ(warning["kind"].get_string().get(kind), simdjson::SUCCESS);
    EXPECT_EQ(kind, want.kind);
    EXPECT_EQ(get_int(warning, "line"), want.line);
  }
}

TEST(JsonRendererTest, ParsesBackToTheReportsNumbers) {
  for (const bool compact : {false, true}) {
    expect_round_trip(fixtures::daily_report(), compact);
    expect_round_trip(fixtures::models_report(), compact);
    expect_round_trip(fixtures::empty_report(), compact);
    expect_round_trip(fixtures::warnings_report(), compact);
    expect_round_trip(fixtures::escaping_report(), compact);
  }
}

TEST(JsonRendererTest, EscapedStringsRoundTrip) {
  const analytics::Report report = fixtures::escaping_report();
  const std::string json = render_json(report);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
  std::string_view title;
  ASSERT_EQ(doc["title"].get_string().get(title), simdjson::SUCCESS);
  EXPECT_EQ(title, report.title);  // valid UTF-8 with controls survives exactly
  std::string_view project;
  ASSERT_EQ(doc["rows"].at(1)["project"].get_string().get(project), simdjson::SUCCESS);
  EXPECT_EQ(project, "C:\\work\\line1\nline2\r\n\xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbd utf8");
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string_view("\x00\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
  EXPECT_EQ(json_string("\x7f\xc2\x9b"), "\"\\u007f\\u009b\"");
  EXPECT_EQ(json_string("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("bad\xff\xc0"), "\"bad\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(JsonRendererTest, KeyCollidingWithAFixedFieldIsPrefixed) {
  analytics::Report report;
  report.key_names = {"model", "project"};
  report.rows.push_back(
      analytics::ReportRow{{{"model", "m1"}, {"project", "p"}}, "claude", "m1", {}});
  const std::string json = render_json(report, true);
  EXPECT_NE(json.find("\"keys\":[\"key_model\",\"project\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"key_model\":\"m1\",\"project\":\"p\",\"agent\":\"claude\",\"model\":"
                      "\"m1\","),
            std::string::npos)
      << json;
}

TEST(JsonRendererTest, CompactIsOneLine) {
  const std::string json = render_json(fixtures::daily_report(), true);
  EXPECT_EQ(json.find('\n'), json.size() - 1);
  EXPECT_EQ(json.find("\": "), std::string::npos);
}

TEST(JsonRendererTest, EmptyContainersStayOnOneLine) {
  const std::string json = render_json(analytics::Report{});
  EXPECT_NE(json.find("\"rows\": []"), std::string::npos) << json;
  EXPECT_NE(json.find("\"warnings\": []"), std::string::npos) << json;
}

}  // namespace
}  // namespace tally::render
