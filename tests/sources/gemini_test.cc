#include "sources/gemini.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/time.h"
#include "sources/fs_walk.h"
#include "test_support.h"

namespace tally::sources {
namespace {

namespace fs = std::filesystem;
using test::describe;
using test::ModelTotals;
using test::WantsEverything;

const std::string kG1 = "/.gemini/tmp/g1-hi/chats/session-2026-11-22T22-07-13f98ce9.jsonl";
const std::string kG2 = "/.gemini/tmp/g2-shell/chats/session-2026-11-22T22-07-ee6519bf.jsonl";
const std::string kG2Session = "ee6519bf-73cc-4c4e-9197-07f08e4b78ee";

SourceFile gemini_file(const std::string& path) {
  return SourceFile{Agent::gemini, path, base_name(path), path.ends_with(".json"), std::nullopt};
}

SourceFile fixture(const std::string& relative) {
  return gemini_file(test::real_home() + relative);
}

ParseOutput parse_fixture(const std::string& relative) {
  return test::parse_file(*make_gemini_adapter(), fixture(relative));
}

TimeMs ts(std::string_view text) { return parse_iso8601(text).value_or(-1); }

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) {
    text += l;
    text += '\n';
  }
  return text;
}

// Real-shaped 0.61 lines.
std::string header_line(std::string_view session, std::string_view at) {
  return fmt::format(
      R"({{"sessionId":"{}","projectHash":"7ba7c9cdd184257f89850f38b096056f854b66352188cac6ec28029cc15ffbe7",)"
      R"("startTime":"{}","lastUpdated":"{}","kind":"main"}})",
      session, at, at);
}

std::string user_line(std::string_view id, std::string_view at, std::string_view text) {
  return fmt::format(R"({{"id":"{}","timestamp":"{}","type":"user","content":[{{"text":"{}"}}]}})",
                     id, at, text);
}

std::string tokens_json(std::int64_t in, std::int64_t out, std::int64_t cached,
                        std::int64_t thoughts, std::int64_t tool) {
  return fmt::format(R"({{"input":{},"output":{},"cached":{},"thoughts":{},"tool":{},"total":{}}})",
                     in, out, cached, thoughts, tool, in + out + thoughts + tool);
}

std::string gemini_message(std::string_view id, std::string_view at, const std::string& tokens) {
  return fmt::format(
      R"({{"id":"{}","timestamp":"{}","type":"gemini","content":"scrubbed 3d6dcfa1","thoughts":[],)"
      R"("tokens":{},"model":"gemini-3.8-flash"}})",
      id, at, tokens);
}

std::string set_updated_line(std::string_view at) {
  return fmt::format(R"({{"$set":{{"lastUpdated":"{}"}}}})", at);
}

const std::string kSession = "13f98ce9-eb79-4e42-860b-30f738a26722";
const std::string kContext =
    R"({"id":"d04923d38bb0f6017037e74183378ef4","timestamp":"2026-11-22T22:07:46.553Z","type":"user","content":[{"text":"<session_context>\nscrubbed 18117869\n</session_context>"}]})";

// A chat, then `--resume`: a second header and a $set.messages replaying the whole history,
// the first response's tokens included, then one more exchange.
std::string resumed_chat() {
  const std::string first_reply =
      gemini_message("g-1", "2026-11-22T22:07:46.671Z", tokens_json(9703, 12, 0, 0, 0));
  return join_lines({
      header_line(kSession, "2026-11-22T22:07:46.552Z"),
      R"({"$set":{"messages":[)" + kContext + R"(],"lastUpdated":"2026-11-22T22:07:46.553Z"}})",
      user_line("u-1", "2026-11-22T22:07:46.592Z", "say hi"),
      set_updated_line("2026-11-22T22:07:46.592Z"),
      first_reply,
      set_updated_line("2026-11-22T22:07:46.671Z"),
      header_line(kSession, "2026-11-22T23:10:00.000Z"),
      R"({"$set":{"messages":[)" + kContext + "," +
          user_line("u-1", "2026-11-22T22:07:46.592Z", "say hi") + "," + first_reply +
          R"(],"lastUpdated":"2026-11-22T23:10:00.001Z"}})",
      user_line("u-2", "2026-11-22T23:10:05.000Z", "and again"),
      set_updated_line("2026-11-22T23:10:05.001Z"),
      gemini_message("g-2", "2026-11-22T23:10:06.000Z", tokens_json(12000, 40, 11000, 5, 3)),
      set_updated_line("2026-11-22T23:10:06.001Z"),
  });
}

TEST(GeminiAdapterTest, FixturesMatchGroundTruthPerModel) {
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();
  DiscoveryEnv env;
  env.home = test::real_home();
  std::vector<SourceFile> files;
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 2U);
  std::vector<UsageRecord> records;
  for (const SourceFile& f : files) {
    ParseOutput out = test::parse_file(*adapter, f);
    EXPECT_TRUE(out.problems.empty()) << f.path << ": " << out.problems.front().what;
    records.insert(records.end(), out.records.begin(), out.records.end());
  }
  const std::map<std::string, ModelTotals> expected = test::ground_truth("gemini");
  ASSERT_EQ(expected.size(), 1U);
  EXPECT_EQ(test::totals_by_model(records), expected);
  const ModelTotals flash = test::totals_by_model(records)["gemini-3.8-flash"];
  EXPECT_EQ(flash.tokens.input, 9703 + 12109);
  EXPECT_EQ(flash.tokens.cache_read, 11264);
  EXPECT_EQ(flash.tokens.output, 12 + 45);
  EXPECT_EQ(flash.requests, 3);
  // The router calls (ground truth "unrecorded") are in no file and are not invented.
  EXPECT_EQ(test::totals_by_model(records).count("gemini-3.5-flash-lite"), 0U);
}

TEST(GeminiAdapterTest, ResponseWrittenTwiceCountsOnce) {
  ParseOutput out = parse_fixture(kG2);
  // Lines 5 and 7 are the same response, the second adding toolCalls.
  ASSERT_EQ(out.records.size(), 2U);
  EXPECT_EQ(out.records[0].id, "gemini:" + kG2Session + ":7d419e81-6ea3-4d97-a47d-f01aca9727d8");
  EXPECT_EQ(out.records[0].source_line, 5);
  EXPECT_EQ(out.records[1].id, "gemini:" + kG2Session + ":765c1335-83a8-4ec9-9366-10c17f768235");
  EXPECT_EQ(out.records[1].tokens, (TokenCounts{492, 11264, 0, 0, 18, 0}));
}

TEST(GeminiAdapterTest, RecordCarriesSessionProjectModelAndTime) {
  ParseOutput out = parse_fixture(kG1);
  ASSERT_EQ(out.records.size(), 1U);
  const UsageRecord& r = out.records[0];
  EXPECT_EQ(r.agent, Agent::gemini);
  EXPECT_EQ(r.id,
            "gemini:13f98ce9-eb79-4e42-860b-30f738a26722:12c81974-8d40-4f0c-988d-f579892d5484");
  EXPECT_EQ(r.request_id, "12c81974-8d40-4f0c-988d-f579892d5484");
  EXPECT_EQ(r.session_id, "13f98ce9-eb79-4e42-860b-30f738a26722");
  EXPECT_EQ(r.project, "/tmp/realcli/runs/gemini/work/g1-hi");  // via projects.json
  EXPECT_EQ(r.model, "gemini-3.8-flash");
  EXPECT_EQ(r.ts, ts("2026-11-22T22:07:46.671Z"));
  EXPECT_EQ(r.tokens, (TokenCounts{9703, 0, 0, 0, 12, 0}));
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].project, "/tmp/realcli/runs/gemini/work/g1-hi");
}

TEST(GeminiAdapterTest, ThoughtsAndToolPromptTokensAreBilled) {
  const std::string text = join_lines({
      header_line(kSession, "2026-11-22T22:07:46.552Z"),
      gemini_message("g-1", "2026-11-22T22:07:47.000Z", tokens_json(15327, 23, 11526, 919, 7)),
  });
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  // input = 15327 - 11526 + 7; output = 23 + 919 thoughts.
  EXPECT_EQ(out.records[0].tokens, (TokenCounts{3808, 11526, 0, 0, 942, 919}));
}

TEST(GeminiAdapterTest, UserPromptsAreTypedTextOnly) {
  ParseOutput g2 = parse_fixture(kG2);
  ASSERT_EQ(g2.sessions.size(), 1U);
  // One typed prompt; the functionResponse line is a tool result, the context is in $set.
  EXPECT_EQ(g2.sessions[0].user_prompts, 1);
  EXPECT_EQ(g2.sessions[0].session_id, kG2Session);
  EXPECT_EQ(g2.sessions[0].first_ts, ts("2026-11-22T22:07:49.976Z"));
  EXPECT_EQ(g2.sessions[0].last_ts, ts("2026-11-22T22:07:50.220Z"));
  EXPECT_EQ(g2.sessions[0].file_key, "session-2026-11-22T22-07-ee6519bf.jsonl");

  const std::string text = join_lines({
      header_line(kSession, "2026-11-22T22:07:46.552Z"),
      kContext,
      R"({"id":"u-s","timestamp":"2026-11-22T22:07:47.000Z","type":"user","content":"a plain string prompt"})",
      R"({"id":"u-e","timestamp":"2026-11-22T22:07:48.000Z","type":"error","content":"quota exceeded"})",
      R"({"id":"u-i","timestamp":"2026-11-22T22:07:49.000Z","type":"info","content":"switched model"})",
  });
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), text);
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].user_prompts, 1);
  EXPECT_EQ(out.sessions[0].errors, 1);
}

TEST(GeminiAdapterTest, ResumeReplayOfHistoryIsNotCountedAgain) {
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), resumed_chat());
  EXPECT_TRUE(out.problems.empty());
  ASSERT_EQ(out.records.size(), 2U);
  EXPECT_EQ(out.records[0].id, "gemini:" + kSession + ":g-1");
  EXPECT_EQ(out.records[1].id, "gemini:" + kSession + ":g-2");
  EXPECT_EQ(out.records[1].tokens, (TokenCounts{1003, 11000, 0, 0, 45, 5}));
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].user_prompts, 2);
  EXPECT_EQ(out.sessions[0].first_ts, ts("2026-11-22T22:07:46.592Z"));
  EXPECT_EQ(out.sessions[0].last_ts, ts("2026-11-22T23:10:06.000Z"));
  // The $set lines were never parsed.
  EXPECT_EQ(out.skipped_lines, 6);
}

TEST(GeminiAdapterTest, StubFileYieldsNoRecords) {
  // Resuming in another minute: a new file with only a header and the replayed history.
  const std::string text = join_lines({
      header_line(kSession, "2026-11-22T23:10:00.000Z"),
      R"({"$set":{"sessionId":")" + kSession + R"("}})",
      R"({"$set":{"messages":[)" + kContext + "," +
          gemini_message("g-1", "2026-11-22T22:07:46.671Z", tokens_json(9703, 12, 0, 0, 0)) +
          R"(],"lastUpdated":"2026-11-22T23:10:00.001Z"}})",
  });
  ParseOutput out = test::parse_text(
      *make_gemini_adapter(), gemini_file("/x/session-2026-11-22T23-10-13f98ce9.jsonl"), text);
  EXPECT_TRUE(out.records.empty());
  EXPECT_TRUE(out.problems.empty());
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].session_id, kSession);
  EXPECT_EQ(out.sessions[0].user_prompts, 0);
  EXPECT_EQ(out.sessions[0].first_ts, ts("2026-11-22T23:10:00.000Z"));  // from the header
}

TEST(GeminiAdapterTest, SetSessionIdRenamesTheFollowingLines) {
  const std::string text = join_lines({
      header_line("aaaaaaaa-0000-4000-8000-000000000001", "2026-11-22T23:10:00.000Z"),
      R"({"$set":{"sessionId":"bbbbbbbb-0000-4000-8000-000000000002"}})",
      gemini_message("g-9", "2026-11-22T23:10:06.000Z", tokens_json(10, 1, 0, 0, 0)),
  });
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].id, "gemini:bbbbbbbb-0000-4000-8000-000000000002:g-9");
  // The file's facts stay under the first session id, so a later run cannot rename the row.
  EXPECT_EQ(out.sessions.at(0).session_id, "aaaaaaaa-0000-4000-8000-000000000001");
}

TEST(GeminiAdapterTest, RepeatThatIsNotAdjacentKeepsTheSameId) {
  const std::string reply =
      gemini_message("g-1", "2026-11-22T22:07:47.000Z", tokens_json(100, 5, 0, 0, 0));
  const std::string text = join_lines({
      header_line(kSession, "2026-11-22T22:07:46.552Z"),
      reply,
      gemini_message("g-2", "2026-11-22T22:07:48.000Z", tokens_json(200, 5, 0, 0, 0)),
      reply,
  });
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), text);
  ASSERT_EQ(out.records.size(), 3U);
  EXPECT_EQ(out.records[0].id, out.records[2].id);
  EXPECT_EQ(out.records[0].tokens, out.records[2].tokens);
  EXPECT_EQ(test::totals_by_model(out.records)["gemini-3.8-flash"].requests, 2);
}

// The older format: one pretty-printed JSON document per session, rewritten on every save.
const std::string kOldDocument = R"({
  "sessionId": "5f2e8c1a-0b7d-4a51-9c3e-2d6f8e4a1b90",
  "projectHash": "13bbde17d36c40c24f30abaeabb63dee76f95f2b5395aa7c3977a017241739ae",
  "startTime": "2025-08-01T09:00:00.000Z",
  "lastUpdated": "2025-08-01T09:05:00.000Z",
  "messages": [
    { "id": "m1", "timestamp": "2025-08-01T09:00:01.000Z", "type": "user", "content": "list the files" },
    { "id": "m2", "timestamp": "2025-08-01T09:00:03.000Z", "type": "gemini", "content": "", "thoughts": [],
      "tokens": { "input": 8000, "output": 30, "cached": 0, "thoughts": 12, "tool": 0, "total": 8042 },
      "model": "gemini-2.5-pro", "toolCalls": [ { "id": "c1", "name": "list_directory" } ] },
    { "id": "m2", "timestamp": "2025-08-01T09:00:03.000Z", "type": "gemini", "content": "", "thoughts": [],
      "tokens": { "input": 8000, "output": 30, "cached": 0, "thoughts": 12, "tool": 0, "total": 8042 },
      "model": "gemini-2.5-pro" },
    { "id": "m3", "timestamp": "2025-08-01T09:00:05.000Z", "type": "gemini", "content": "Here they are.",
      "tokens": { "input": 8100, "output": 20, "cached": 7000, "thoughts": 0, "tool": 40, "total": 8160 },
      "model": "gemini-2.5-pro" },
    { "id": "m4", "timestamp": "2025-08-01T09:01:00.000Z", "type": "info", "content": "Request cancelled." },
    { "id": "m5", "timestamp": "2025-08-01T09:02:00.000Z", "type": "gemini", "content": "no usage recorded" }
  ]
}
)";

TEST(GeminiAdapterTest, OlderJsonDocumentFormat) {
  const SourceFile file =
      gemini_file("/x/.gemini/tmp/13bbde17/chats/session-2025-08-01T09-00-5f2e8c1a.json");
  ASSERT_TRUE(file.whole_document);
  ParseOutput out = test::parse_text(*make_gemini_adapter(), file, kOldDocument);
  EXPECT_TRUE(out.problems.empty());
  ASSERT_EQ(out.records.size(), 2U);
  EXPECT_EQ(out.records[0].id, "gemini:5f2e8c1a-0b7d-4a51-9c3e-2d6f8e4a1b90:m2");
  EXPECT_EQ(out.records[0].tokens, (TokenCounts{8000, 0, 0, 0, 42, 12}));
  EXPECT_EQ(out.records[1].tokens, (TokenCounts{1140, 7000, 0, 0, 20, 0}));
  EXPECT_EQ(out.records[1].model, "gemini-2.5-pro");
  EXPECT_EQ(out.records[1].ts, ts("2025-08-01T09:00:05.000Z"));
  // No projects.json: the (hash) directory name.
  EXPECT_EQ(out.records[1].project, "13bbde17");
  ASSERT_EQ(out.sessions.size(), 1U);
  EXPECT_EQ(out.sessions[0].user_prompts, 1);
  EXPECT_EQ(out.sessions[0].first_ts, ts("2025-08-01T09:00:01.000Z"));
  EXPECT_EQ(out.sessions[0].last_ts, ts("2025-08-01T09:02:00.000Z"));
}

TEST(GeminiAdapterTest, RereadDocumentReplacesRatherThanAdds) {
  // The scanner hands a rewritten document over again, possibly to a parser restored from the
  // previous run's state: facts must describe the document, not accumulate.
  const SourceFile file = gemini_file("/x/session-old.json");
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();
  const ParseOutput once = test::parse_text(*adapter, file, kOldDocument);
  test::PaddedText padded(kOldDocument);
  const std::vector<Line> doc = {Line{padded.view(), 1, 0}};
  ParseOutput first;
  std::unique_ptr<FileParser> a = adapter->open(file);
  test::feed(*a, doc, first);
  std::unique_ptr<FileParser> b = adapter->open(file);
  ASSERT_TRUE(b->restore_state(a->save_state()));
  ParseOutput second;
  test::feed(*b, doc, second);
  EXPECT_EQ(describe(second.records), describe(once.records));
  EXPECT_EQ(describe(second.sessions.at(0)), describe(once.sessions.at(0)));
}

TEST(GeminiAdapterTest, UnknownModelIsReportedNotGuessed) {
  const std::string text = join_lines({
      header_line(kSession, "2026-11-22T22:07:46.552Z"),
      R"({"id":"g-x","timestamp":"2026-11-22T22:07:47.000Z","type":"gemini","content":"","tokens":{"input":10,"output":1,"cached":0,"thoughts":0,"tool":0,"total":11}})",
  });
  ParseOutput out =
      test::parse_text(*make_gemini_adapter(), gemini_file("/x/session-a.jsonl"), text);
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].model, "");
  ASSERT_EQ(out.problems.size(), 1U);
  EXPECT_EQ(out.problems[0].line, 2);
  EXPECT_NE(out.problems[0].what.find("model unknown"), std::string::npos);
}

TEST(GeminiAdapterTest, MalformedLinesAreReportedAndTheRestIsCounted) {
  const SourceFile file = fixture(kG2);
  const std::string text = test::read_file(file.path);
  const std::vector<Line> lines = test::split_lines(text);
  const std::string truncated =
      R"({"id":"zz","timestamp":"2026-11-22T22:07:50.000Z","type":"gemini","tokens":{"input":11617,"output")";
  const std::string bad_tokens =
      R"({"id":"zy","timestamp":"2026-11-22T22:07:50.000Z","type":"gemini","tokens":{"input":"many"},"model":"m"})";
  std::string edited;
  for (size_t i = 0; i < lines.size(); ++i) {
    edited += lines[i].text;
    edited += '\n';
    if (i == 2) {
      edited += truncated;
      edited += '\n';
      edited += bad_tokens;
      edited += '\n';
    }
  }
  ParseOutput out = test::parse_text(*make_gemini_adapter(), file, edited);
  ASSERT_EQ(out.problems.size(), 2U);
  EXPECT_EQ(out.problems[0].line, 4);
  EXPECT_NE(out.problems[0].what.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(out.problems[0].offset, static_cast<std::int64_t>(edited.find(truncated)));
  EXPECT_EQ(out.problems[1].line, 5);
  EXPECT_EQ(test::totals_by_model(out.records), test::totals_by_model(parse_fixture(kG2).records));
}

TEST(GeminiAdapterTest, PrefilterSkipsPatchesButChangesNothing) {
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();
  std::vector<std::pair<SourceFile, std::string>> inputs = {
      {fixture(kG1), test::read_file(fixture(kG1).path)},
      {fixture(kG2), test::read_file(fixture(kG2).path)},
      {gemini_file("/x/session-a.jsonl"), resumed_chat()},
  };
  for (const auto& [file, text] : inputs) {
    ParseOutput filtered = test::parse_text(*adapter, file, text);
    EXPECT_GT(filtered.skipped_lines, 0) << file.path;
    test::PaddedText padded(text);
    ParseOutput all;
    WantsEverything parser(adapter->open(file));
    test::feed(parser, test::split_lines(padded.view()), all);
    EXPECT_EQ(describe(filtered.records), describe(all.records)) << file.path;
    EXPECT_EQ(describe(filtered.sessions.at(0)), describe(all.sessions.at(0))) << file.path;
  }
}

TEST(GeminiAdapterTest, ResumingMidFileGivesTheSameResultAsOneRun) {
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();
  std::vector<std::pair<SourceFile, std::string>> inputs = {
      {fixture(kG1), test::read_file(fixture(kG1).path)},
      {fixture(kG2), test::read_file(fixture(kG2).path)},
      {gemini_file("/x/session-a.jsonl"), resumed_chat()},
  };
  for (const auto& [file, text] : inputs) {
    const ParseOutput one = test::parse_text(*adapter, file, text);
    const size_t n = test::split_lines(text).size();
    for (size_t split = 0; split <= n; ++split) {
      const ParseOutput two = test::parse_in_two_runs(*adapter, file, text, split);
      EXPECT_EQ(describe(two.records), describe(one.records)) << file.path << " split " << split;
      EXPECT_EQ(describe(two.problems), describe(one.problems)) << file.path << " split " << split;
      ASSERT_EQ(two.sessions.size(), 1U);
      EXPECT_EQ(describe(two.sessions[0]), describe(one.sessions.at(0)))
          << file.path << " split " << split;
    }
  }
}

TEST(GeminiAdapterTest, RestoreRejectsForeignState) {
  std::unique_ptr<FileParser> parser =
      make_gemini_adapter()->open(gemini_file("/x/session-a.jsonl"));
  EXPECT_FALSE(parser->restore_state("v=codex-1\n"));
  EXPECT_FALSE(parser->restore_state("=no key"));
}

TEST(GeminiAdapterTest, ProjectFallsBackToDirectoryNameWhenUnregistered) {
  test::TempDir home;
  const std::string chat =
      home.path() + "/.gemini/tmp/unregistered/chats/session-2026-11-22T22-07-13f98ce9.jsonl";
  test::write_file(chat, test::read_file(fixture(kG1).path));
  test::write_file(home.path() + "/.gemini/projects.json",
                   R"({"projects": {"/work/other": "other"}})");
  ParseOutput out = test::parse_file(*make_gemini_adapter(), gemini_file(chat));
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].project, "unregistered");
}

TEST(GeminiAdapterTest, DiscoveryHonoursGeminiCliHomeOverHome) {
  test::TempDir home;
  test::TempDir cli_home;
  const std::string text = test::read_file(fixture(kG1).path);
  test::write_file(home.path() + kG1, text);
  test::write_file(
      cli_home.path() + "/.gemini/tmp/proj/chats/session-2026-01-01T00-00-aaaaaaaa.jsonl", text);
  test::write_file(
      cli_home.path() + "/.gemini/tmp/proj/chats/session-2025-08-01T09-00-5f2e8c1a.json",
      kOldDocument);
  test::write_file(cli_home.path() + "/.gemini/tmp/proj/logs.json", "[]");
  test::write_file(cli_home.path() + "/.gemini/tmp/proj/chats/checkpoint-x.json", "{}");
  test::write_file(cli_home.path() + "/.gemini/settings.json", "{}");
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();

  DiscoveryEnv env;
  env.home = home.path();
  env.gemini_cli_home = cli_home.path();
  EXPECT_EQ(adapter->roots(env), std::vector<std::string>{cli_home.path() + "/.gemini/tmp"});
  std::vector<SourceFile> files;
  adapter->discover(env, files);
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.file_key < b.file_key; });
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[0].file_key, "session-2025-08-01T09-00-5f2e8c1a.json");
  EXPECT_TRUE(files[0].whole_document);
  EXPECT_EQ(files[1].file_key, "session-2026-01-01T00-00-aaaaaaaa.jsonl");
  EXPECT_FALSE(files[1].whole_document);
  EXPECT_EQ(files[1].agent, Agent::gemini);

  env.gemini_cli_home.clear();
  files.clear();
  adapter->discover(env, files);
  ASSERT_EQ(files.size(), 1U);
  EXPECT_EQ(fs::path(files[0].path), fs::canonical(home.path() + kG1));
}

TEST(GeminiAdapterTest, MissingRootsFindNothing) {
  std::unique_ptr<Adapter> adapter = make_gemini_adapter();
  std::vector<SourceFile> files;
  EXPECT_TRUE(adapter->roots(DiscoveryEnv{}).empty());
  adapter->discover(DiscoveryEnv{}, files);
  DiscoveryEnv env;
  env.home = "/nonexistent/tally-test-home";
  adapter->discover(env, files);
  env.gemini_cli_home = "/nonexistent/tally-test-gemini";
  adapter->discover(env, files);
  EXPECT_TRUE(files.empty());
}

}  // namespace
}  // namespace tally::sources
