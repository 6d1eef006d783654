// `tally outcomes` end to end (issue 18): the real binary on the genuine outcome fixture
// (../shared/fixtures/outcomes: Claude Code, Codex and Gemini CLI sessions that committed to
// real repositories), the repositories recreated from their bundles under a temporary root
// and found there through --repo-map. Checked against the fixture's ground truth, which was
// made from the repositories' object stores, not from the logs.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const fs::path kFixture = fs::path(TALLY_SHARED_DIR) / "fixtures" / "outcomes";

// A commit as the ground truth and the JSON both give it: sha, +, -, merged.
using Commit = std::tuple<std::string, std::int64_t, std::int64_t, bool>;

class OutcomesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFixture / "ground_truth.json")) {
      GTEST_SKIP() << "no " << kFixture;
    }
    if (tally::test::run_shell("command -v git >/dev/null").exit_code != 0) {
      GTEST_SKIP() << "no git to recreate the fixture's repositories from their bundles";
    }
    dir_ = fs::temp_directory_path() / fmt::format("tally-outcomes-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const auto made = tally::test::run_shell(
        fmt::format("bash '{}' '{}' '{}' 2>&1", (kFixture / "recreate_repos.sh").string(),
                    (kFixture / "repos").string(), (dir_ / "root").string()));
    ASSERT_EQ(made.exit_code, 0) << made.out;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  tally::test::ShellRun tally(const std::string& args) {
    return tally::test::run_shell(fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' {} 2>'{}'",
        (kFixture / "home").string(), (dir_ / "data").string(), TALLY_BINARY, args,
        (dir_ / "stderr").string()));
  }

  std::string stderr_text() const {
    std::ifstream in(dir_ / "stderr");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

TEST_F(OutcomesCliTest, EverySessionGetsExactlyTheCommitsItMade) {
  simdjson::dom::parser truth_parser;
  simdjson::dom::element truth;
  ASSERT_EQ(truth_parser.load((kFixture / "ground_truth.json").string()).get(truth),
            simdjson::SUCCESS);
  std::map<std::string, std::set<Commit>> want;
  std::map<std::string, std::int64_t> want_prs;
  std::set<std::string> want_nothing;
  simdjson::dom::object sessions;
  ASSERT_EQ(truth["sessions"].get_object().get(sessions), simdjson::SUCCESS);
  for (auto [id, s] : sessions) {
    const std::string session(id);
    want[session];
    for (simdjson::dom::element c : s["commits"].get_array()) {
      want[session].emplace(std::string(c["sha"].get_string().value()),
                            c["lines_added"].get_int64().value(),
                            c["lines_removed"].get_int64().value(), c["merged"].get_bool().value());
    }
    want_prs[session] = static_cast<std::int64_t>(s["pr_urls"].get_array().size());
    if (s["produced_nothing"].get_bool().value()) {
      want_nothing.insert(session);
    }
  }
  ASSERT_EQ(want.size(), 5U);

  const auto run = tally(fmt::format("outcomes --json -q --repo-map /tmp/realcli/outcomes={}",
                                     (dir_ / "root").string()));
  ASSERT_EQ(run.exit_code, 0) << stderr_text();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  EXPECT_EQ(doc["warnings"].get_array().size(), 0U) << run.out;

  std::map<std::string, std::set<Commit>> got;
  std::set<std::string> got_nothing;
  for (simdjson::dom::element r : doc["sessions"].get_array()) {
    const std::string session(r["session_id"].get_string().value());
    ASSERT_TRUE(want.count(session)) << "a session the fixture does not have: " << session;
    std::int64_t loops = r["tail_tokens"].get_int64().value();
    for (simdjson::dom::element c : r["commits"].get_array()) {
      EXPECT_EQ(std::string_view(c["evidence"].get_string().value()), "exact");
      loops += c["tokens_since_previous"].get_int64().value();
      if (!c["counted"].get_bool().value()) {
        continue;  // amended away or a revert: the ground truth lists what the repos kept
      }
      got[session].emplace(std::string(c["sha"].get_string().value()),
                           c["lines_added"].get_int64().value(),
                           c["lines_removed"].get_int64().value(), c["merged"].get_bool().value());
    }
    // Every token of the session is in exactly one loop or the tail.
    EXPECT_EQ(loops, r["total_tokens"].get_int64().value()) << session;
    EXPECT_EQ(r["counted_commits"].get_int64().value(),
              static_cast<std::int64_t>(want[session].size()))
        << session;
    std::int64_t prs = 0;
    for (simdjson::dom::element pr : r["prs"].get_array()) {
      ++prs;
      // PR #7's commits were merged (by a human --no-ff merge): so is the PR.
      EXPECT_TRUE(pr["merged"].get_bool().value()) << session;
      EXPECT_EQ(pr["number"].get_int64().value(), 7);
    }
    EXPECT_EQ(prs, want_prs[session]) << session;
    if (r["produced_nothing"].get_bool().value()) {
      got_nothing.insert(session);
    }
  }
  for (const auto& [session, commits] : want) {
    EXPECT_EQ(got[session], commits) << session;
  }
  EXPECT_EQ(got_nothing, want_nothing);
  EXPECT_EQ(doc["totals"]["sessions_without_commits"].get_int64().value(),
            static_cast<std::int64_t>(want_nothing.size()));
}

// --by sums sessions per key: per agent, the ground truth's commits of that agent's sessions.
TEST_F(OutcomesCliTest, ByAgentSumsTheSessionsOfEachAgent) {
  simdjson::dom::parser truth_parser;
  simdjson::dom::element truth;
  ASSERT_EQ(truth_parser.load((kFixture / "ground_truth.json").string()).get(truth),
            simdjson::SUCCESS);
  std::map<std::string, std::int64_t> want;
  simdjson::dom::object sessions;
  ASSERT_EQ(truth["sessions"].get_object().get(sessions), simdjson::SUCCESS);
  for (auto [id, s] : sessions) {
    want[std::string(s["agent"].get_string().value())] +=
        static_cast<std::int64_t>(s["commits"].get_array().size());
  }
  const auto run = tally(fmt::format("outcomes --by agent --json -q --repo-map /tmp/realcli/outcomes={}",
                                     (dir_ / "root").string()));
  ASSERT_EQ(run.exit_code, 0) << stderr_text();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  EXPECT_EQ(std::string_view(doc["by"].get_string().value()), "agent");
  std::map<std::string, std::int64_t> got;
  for (simdjson::dom::element g : doc["groups"].get_array()) {
    got[std::string(g["key"].get_string().value())] = g["counted_commits"].get_int64().value();
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(doc["totals"]["sessions"].get_int64().value(), 5);
  EXPECT_NE(tally("outcomes --by model").exit_code, 0) << "not a grouping outcomes has";
}

// The session anatomy lists the session's commits and PRs, checked as `tally outcomes` does.
TEST_F(OutcomesCliTest, TheSessionViewListsItsCommits) {
  const auto run = tally(fmt::format("session cc51a15b --json -q --repo-map /tmp/realcli/outcomes={}",
                                     (dir_ / "root").string()));
  ASSERT_EQ(run.exit_code, 0) << stderr_text();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  std::vector<std::string> shas;
  for (simdjson::dom::element c : doc["commits"].get_array()) {
    shas.emplace_back(c["short"].get_string().value());
    EXPECT_TRUE(c["merged"].get_bool().value());
  }
  EXPECT_EQ(shas, (std::vector<std::string>{"3b9cf7a", "3e9dc88"}));
  ASSERT_EQ(doc["prs"].get_array().size(), 1U);
  EXPECT_TRUE(doc["prs"].get_array().at(0)["merged"].get_bool().value());
  const auto table = tally(fmt::format("session cc51a15b -q --repo-map /tmp/realcli/outcomes={}",
                                       (dir_ / "root").string()));
  EXPECT_NE(table.out.find("Commits (2)"), std::string::npos) << table.out;
}

TEST_F(OutcomesCliTest, WithoutTheRepositoriesEveryCommitIsAWarningNotANothing) {
  if (fs::exists("/tmp/realcli/outcomes/repos")) {
    GTEST_SKIP() << "the fixture's repositories are at the logs' own paths on this machine";
  }
  const auto run = tally("outcomes --json -q");
  ASSERT_EQ(run.exit_code, 0) << stderr_text();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  for (simdjson::dom::element r : doc["sessions"].get_array()) {
    EXPECT_EQ(r["commits"].get_array().size(), 0U);
  }
  std::int64_t missing = 0;
  for (simdjson::dom::element w : doc["warnings"].get_array()) {
    missing += w["kind"].get_string().value() == "repository_missing" ? 1 : 0;
  }
  EXPECT_EQ(missing, 6) << run.out;
  // Only the session that made nothing says so; the others are unchecked, not empty.
  EXPECT_EQ(doc["totals"]["sessions_without_commits"].get_int64().value(), 1);

  // The table says why, and the CSV carries the warnings on stderr.
  const auto table = tally("outcomes -q");
  EXPECT_NE(table.out.find("0 ?"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("repository_missing"), std::string::npos) << table.out;
  const auto csv = tally("outcomes --csv -q");
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_NE(stderr_text().find("repository_missing"), std::string::npos);
}

}  // namespace
