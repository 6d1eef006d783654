#include "render/problems_renderer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tally::render {
namespace {

std::string render(const std::vector<ParseProblem>& problems, Format format, bool compact = false) {
  std::string out;
  render_problems(problems, format, RenderOptions{.color = false, .width = 0, .compact = compact},
                  out);
  return out;
}

const std::vector<ParseProblem> kProblems = {
    {"/home/me/.codex/rollout.jsonl", 12, 3456, "malformed JSON: unexpected end"},
    {"/home/me/\x1b]0;evil\x07/s.jsonl", 0, 0, "cannot stat: \x1b[2JPermission denied"},
};

TEST(ProblemsRendererTest, TableShowsFileLineAndEscapesControls) {
  EXPECT_EQ(render(kProblems, Format::table),
            "/home/me/.codex/rollout.jsonl:12: malformed JSON: unexpected end\n"
            "/home/me/\\x1b]0;evil\\x07/s.jsonl: cannot stat: \\x1b[2JPermission denied\n");
  EXPECT_EQ(render({}, Format::table), "No problems: every line tally read was usable.\n");
}

TEST(ProblemsRendererTest, JsonIsAnArrayOfObjectsThatParsesBack) {
  for (const bool compact : {false, true}) {
    const std::string json = render(kProblems, Format::json, compact);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    simdjson::dom::array rows;
    ASSERT_EQ(doc.get_array().get(rows), simdjson::SUCCESS) << json;
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(std::string_view(rows.at(0)["file"]), "/home/me/.codex/rollout.jsonl");
    EXPECT_EQ(int64_t(rows.at(0)["line"]), 12);
    EXPECT_EQ(int64_t(rows.at(0)["offset"]), 3456);
    EXPECT_EQ(std::string_view(rows.at(0)["message"]), "malformed JSON: unexpected end");
    // JSON escaping, not terminal escaping: the string round-trips exactly.
    EXPECT_EQ(std::string_view(rows.at(1)["file"]), kProblems[1].file);
    EXPECT_EQ(int64_t(rows.at(1)["line"]), 0);
    EXPECT_EQ(json.find('\x1b'), std::string::npos);
    EXPECT_EQ(json.find('\x07'), std::string::npos);
    EXPECT_EQ(json.back(), '\n');
    EXPECT_EQ(compact, std::count(json.begin(), json.end(), '\n') == 1) << json;
  }
  EXPECT_EQ(render({}, Format::json), "[]\n");
  EXPECT_EQ(render({}, Format::json, true), "[]\n");
}

TEST(ProblemsRendererTest, JsonPrettyPrintsLikeTheReports) {
  EXPECT_EQ(render({kProblems[0]}, Format::json),
            "[\n"
            "  {\n"
            "    \"file\": \"/home/me/.codex/rollout.jsonl\",\n"
            "    \"line\": 12,\n"
            "    \"offset\": 3456,\n"
            "    \"message\": \"malformed JSON: unexpected end\"\n"
            "  }\n"
            "]\n");
  EXPECT_EQ(render({kProblems[0]}, Format::json, true),
            "[{\"file\":\"/home/me/.codex/rollout.jsonl\",\"line\":12,\"offset\":3456,"
            "\"message\":\"malformed JSON: unexpected end\"}]\n");
}

TEST(ProblemsRendererTest, CsvHasAHeaderAndNeutralisedTextCells) {
  const std::vector<ParseProblem> hostile = {
      {"=HYPERLINK(\"http://x\",\"y\")", 3, 10, "@SUM(1)"},
      {"+cmd|' /C calc'!A0", 0, 0, "-2+3"},
  };
  EXPECT_EQ(render(hostile, Format::csv),
            "file,line,offset,message\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",3,10,'@SUM(1)\r\n"
            "'+cmd|' /C calc'!A0,0,0,'-2+3\r\n");
  EXPECT_EQ(render({}, Format::csv), "file,line,offset,message\r\n");
}

}  // namespace
}  // namespace tally::render
