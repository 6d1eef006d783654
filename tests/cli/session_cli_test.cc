// `tally session` end to end: the real binary on the derived real fixtures
// (tests/data/real-logs), checked against what the files hold: s3's prompts, /compact
// command and compaction; c6's sub-agent; a Gemini chat; the errors for a prefix that
// matches several sessions or none.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kHome = std::string(TALLY_TESTDATA) + "/real-logs/home";

struct TallyRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class SessionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-session-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs tally with a clean environment on `home` (the fixtures unless told) and the
  // throw-away ledger called `data`.
  TallyRun tally(const std::string& args, const std::string& home = kHome,
                 const std::string& data = "data") {
    const fs::path err = dir_ / "stderr";
    const std::string cmd =
        fmt::format("env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' {} 2>'{}'",
                    home, (dir_ / data).string(), TALLY_BINARY, args, err.string());
    TallyRun run;
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    run.out = shell.out;
    run.exit_code = shell.exit_code;
    std::ifstream in(err);
    std::stringstream s;
    s << in.rdbuf();
    run.err = s.str();
    return run;
  }

  fs::path dir_;
};

std::int64_t int_at(simdjson::dom::element doc, const char* key) {
  std::int64_t v = -1;
  EXPECT_EQ(doc[key].get_int64().get(v), simdjson::SUCCESS) << key;
  return v;
}

TEST_F(SessionCliTest, ClaudeS3HasOneCompactionFourPromptsAndOneCompactCommand) {
  const TallyRun run = tally("session 5daf8a42 --json -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  std::string_view id;
  ASSERT_EQ(doc["session_id"].get_string().get(id), simdjson::SUCCESS);
  EXPECT_EQ(id, "5daf8a42-7cc3-4c00-8d06-cc84cf26668f");
  EXPECT_EQ(int_at(doc, "compactions"), 1);
  EXPECT_EQ(int_at(doc, "user_prompts"), 4);
  EXPECT_EQ(int_at(doc, "commands"), 1);
  EXPECT_EQ(int_at(doc, "responses"), 7);
  EXPECT_EQ(int_at(doc, "unlogged_calls"), 1);  // the /compact summary call
  EXPECT_EQ(int_at(doc, "edit_calls"), 1);
  EXPECT_EQ(int_at(doc, "shell_calls"), 2);
  EXPECT_EQ(int_at(doc, "lines_added"), 2);
  std::int64_t pre = 0;
  ASSERT_EQ(doc["compaction_pre_tokens"].at(0).get_int64().get(pre), simdjson::SUCCESS);
  EXPECT_EQ(pre, 12775);
  simdjson::dom::array subs;
  ASSERT_EQ(doc["subagents"].get_array().get(subs), simdjson::SUCCESS);
  EXPECT_EQ(subs.size(), 0u);
}

TEST_F(SessionCliTest, CodexC6ParentListsItsSubAgentWithItsOwnCost) {
  const TallyRun run = tally("session 01a2054e-4b70 --json -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  simdjson::dom::array subs;
  ASSERT_EQ(doc["subagents"].get_array().get(subs), simdjson::SUCCESS);
  ASSERT_EQ(subs.size(), 1u);
  std::string_view sub_id;
  ASSERT_EQ(subs.at(0)["session_id"].get_string().get(sub_id), simdjson::SUCCESS);
  EXPECT_EQ(sub_id, "01a2054e-4c98-7e50-b59c-890d4b215a64");
  std::int64_t sub_requests = 0;
  ASSERT_EQ(subs.at(0)["totals"]["requests"].get_int64().get(sub_requests), simdjson::SUCCESS);
  EXPECT_EQ(sub_requests, 2);
  double sub_cost = 0;
  double own_cost = 0;
  double all_cost = 0;
  ASSERT_EQ(subs.at(0)["totals"]["cost_usd"].get_double().get(sub_cost), simdjson::SUCCESS);
  ASSERT_EQ(doc["session_only"]["cost_usd"].get_double().get(own_cost), simdjson::SUCCESS);
  ASSERT_EQ(doc["totals"]["cost_usd"].get_double().get(all_cost), simdjson::SUCCESS);
  EXPECT_GT(sub_cost, 0);
  EXPECT_NEAR(own_cost + sub_cost, all_cost, 1e-9);
  EXPECT_EQ(int_at(doc, "responses"), 5);  // 3 of the parent, 2 of the sub-agent
  // The tree's tools: the parent's spawn and wait, the sub-agent's shell call.
  EXPECT_EQ(int_at(doc["tool_calls"], "spawn_agent"), 1);
  EXPECT_EQ(int_at(doc["tool_calls"], "exec_command"), 1);
}

TEST_F(SessionCliTest, GeminiChatShowsItsShellCallAndWarnsOfTheUnpricedModel) {
  const TallyRun run = tally("session ee6519bf --json -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  std::string_view agent;
  ASSERT_EQ(doc["agent"].get_string().get(agent), simdjson::SUCCESS);
  EXPECT_EQ(agent, "gemini");
  EXPECT_EQ(int_at(doc, "user_prompts"), 1);
  EXPECT_EQ(int_at(doc, "shell_calls"), 1);
  EXPECT_EQ(int_at(doc["tool_calls"], "run_shell_command"), 1);
  simdjson::dom::element lines;
  ASSERT_EQ(doc["lines_added"].get(lines), simdjson::SUCCESS);
  EXPECT_TRUE(lines.is_null());  // Gemini records no line counts: null, not a false 0
}

TEST_F(SessionCliTest, TableAndCsvAreWrittenAndCsvIsLongForm) {
  const TallyRun table = tally("session 5daf8a42 -q");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Compactions        1 (tokens before: 12,775)"), std::string::npos)
      << table.out;
  EXPECT_EQ(table.out.find('\x1b'), std::string::npos);  // not a terminal: no colour
  const TallyRun csv = tally("session 5daf8a42 --csv -q --no-ingest");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("section,item,metric,value\r\n", 0), 0u);
  EXPECT_NE(csv.out.find("conversation,,user_prompts,4\r\n"), std::string::npos);
  EXPECT_NE(csv.out.find("compaction,1,pre_tokens,12775\r\n"), std::string::npos);
}

TEST_F(SessionCliTest, AFileReadInTwoRunsGivesTheAnatomyOfOneRead) {
  // s3 copied into a home of its own, first up to just after the compaction, then whole:
  // the second run resumes from the saved parser state.
  const std::string rel =
      "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
      "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl";
  std::ifstream in(kHome + rel, std::ios::binary);
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();
  size_t cut = 0;
  for (int line = 0; line < 62; ++line) {
    cut = text.find('\n', cut) + 1;
  }
  const fs::path home = dir_ / "home";
  fs::create_directories((home / rel.substr(1)).parent_path());
  std::ofstream(home / rel.substr(1), std::ios::binary) << text.substr(0, cut);
  const std::string args = "session 5daf8a42 --json -q";
  const TallyRun first = tally(args, home.string(), "incremental");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::ofstream(home / rel.substr(1), std::ios::binary | std::ios::app) << text.substr(cut);
  const TallyRun resumed = tally(args, home.string(), "incremental");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const TallyRun once = tally(args, home.string(), "once");
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_NE(first.out, once.out);  // the first run saw less
  EXPECT_EQ(resumed.out, once.out);
}

TEST_F(SessionCliTest, AmbiguousPrefixIsAUsageErrorListingTheCandidates) {
  const TallyRun run = tally("session 01a2054e -q");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty());
  EXPECT_NE(run.err.find("matches 5 sessions"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("01a2054e-4b70-7b32-8469-63fa5300ffc9"), std::string::npos) << run.err;
}

TEST_F(SessionCliTest, SessionsListTitlesAndShortIdsThatSessionAccepts) {
  const TallyRun r = tally("sessions --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::array rows = parser.parse(r.out)["rows"];
  ASSERT_GT(rows.size(), 10u);
  size_t titled = 0;
  for (simdjson::dom::element row : rows) {
    const std::string id{std::string_view(row["session_id"])};
    const std::string short_id{std::string_view(row["session"])};
    SCOPED_TRACE(id);
    EXPECT_GE(short_id.size(), 8u);
    EXPECT_EQ(id.rfind(short_id, 0), 0u);  // a prefix of the full id
    titled += std::string_view(row["title"]).empty() ? 0u : 1u;
    // `tally session <short id>` finds exactly this session.
    const TallyRun one = tally(fmt::format("session {} --json -q --no-ingest", short_id));
    ASSERT_EQ(one.exit_code, 0) << one.err;
    simdjson::dom::parser p2;
    EXPECT_EQ(std::string_view(p2.parse(one.out)["session_id"]), id);
  }
  // Every session in the fixtures starts with a typed prompt (scrubbed text).
  EXPECT_EQ(titled, rows.size());
  // Codex ids are UUIDv7: siblings share their first 8 characters, so some short ids are
  // longer. The table shows the short ids instead of the full ones.
  size_t longer = 0;
  const TallyRun table = tally("sessions -q --no-ingest");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (simdjson::dom::element row : rows) {
    const std::string_view short_id(row["session"]);
    longer += short_id.size() > 8 ? 1u : 0u;
    EXPECT_NE(table.out.find(fmt::format("\n{} ", short_id)), std::string::npos) << short_id;
    EXPECT_EQ(table.out.find(std::string_view(row["session_id"])), std::string::npos);
  }
  EXPECT_GT(longer, 0u);
  EXPECT_NE(table.out.find("Title"), std::string::npos);
}

TEST_F(SessionCliTest, UnknownIdFailsClearly) {
  const TallyRun run = tally("session zzz -q");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no session id starts with 'zzz'"), std::string::npos) << run.err;
}

TEST_F(SessionCliTest, OptionsThatSelectRecordsByTimeAreRefused) {
  const TallyRun run = tally("session 5daf8a42 --since 2026-11-01 -q");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--since"), std::string::npos) << run.err;
}

}  // namespace
