#include "ingest/ingest.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ingest/scanner.h"
#include "sources/adapter.h"
#include "store/sqlite/sqlite_backend.h"
#include "support/permissions.h"
#include "test_ingest_support.h"

// End-to-end ingest over temp directories and the derived real fixtures: discovery, scanning
// with cursors, commit, reconcile. Totals are checked against ground_truth.json (0 tokens off).

namespace tally::ingest {
namespace {

namespace fs = std::filesystem;
using test::append_file;
using test::FakePricer;
using test::read_file;
using test::write_file;

const std::string kRealHome = TALLY_TESTDATA "/real-logs/home";
const std::string kGroundTruth = TALLY_TESTDATA "/real-logs/ground_truth.json";
const std::string kS3Rel =
    "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
    "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl";
const std::string kS1Rel =
    "/.claude/projects/-tmp-realcli-runs-claude-work-s1-hi/"
    "db905aa5-c229-4a70-ae4e-b9ad3c3b48d5.jsonl";
const std::string kC2Rel =
    "/.codex/sessions/2026/11/22/"
    "rollout-2026-11-22T22-09-00-01a2054e-30e4-7a81-a065-b7fd48ab6cfd.jsonl";

struct Totals {
  TokenCounts tokens;
  std::int64_t requests = 0;
  bool operator==(const Totals&) const = default;
};

std::string describe(const Totals& t) {
  return fmt::format("requests={} in={} cr={} cw={} cw1h={} out={} rs={}", t.requests,
                     t.tokens.input, t.tokens.cache_read, t.tokens.cache_write,
                     t.tokens.cache_write_1h, t.tokens.output, t.tokens.reasoning);
}

using Key = std::pair<std::string, std::string>;  // (agent, model)

std::map<Key, std::string> describe(const std::map<Key, Totals>& m) {
  std::map<Key, std::string> out;
  for (const auto& [k, v] : m) {
    out[k] = describe(v);
  }
  return out;
}

// ground_truth.json "models", summed per (agent, model) over the scenarios `keep` accepts.
std::map<Key, Totals> ground_truth(const std::function<bool(std::string_view)>& keep = nullptr) {
  std::map<Key, Totals> out;
  simdjson::dom::parser parser;
  simdjson::dom::object scenarios;
  EXPECT_EQ(parser.load(kGroundTruth).get_object().get(scenarios), simdjson::SUCCESS);
  for (auto [name, scenario] : scenarios) {
    if (keep && !keep(name)) {
      continue;
    }
    std::string_view agent;
    simdjson::dom::object models;
    EXPECT_EQ(scenario["agent"].get_string().get(agent), simdjson::SUCCESS);
    EXPECT_EQ(scenario["models"].get_object().get(models), simdjson::SUCCESS);
    for (auto [model, m] : models) {
      Totals& t = out[{std::string(agent), std::string(model)}];
      auto get = [&](const char* key) {
        std::int64_t v = 0;
        EXPECT_EQ(m[key].get_int64().get(v), simdjson::SUCCESS) << key;
        return v;
      };
      t.tokens.input += get("input_tokens");
      t.tokens.cache_read += get("cache_read_tokens");
      t.tokens.cache_write += get("cache_write_tokens");
      t.tokens.cache_write_1h += get("cache_write_1h_tokens");
      t.tokens.output += get("output_tokens");
      t.tokens.reasoning += get("reasoning_tokens");
      t.requests += get("requests");
    }
  }
  return out;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    home_ = dir_.path() + "/home";
    fs::create_directories(home_);
    ledger_path_ = dir_.path() + "/ledger.db";
    auto opened = store::open_sqlite_ledger(ledger_path_);
    ASSERT_TRUE(opened) << opened.error().message;
    ledger_ = std::move(*opened);
    options_.env.home = home_;
    options_.identity = Identity{"alice", "laptop", "core"};
  }

  // Copies the whole derived fixture home into the temp home.
  void copy_real_home() {
    fs::copy(kRealHome, home_, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  IngestStats ingest(store::Ledger& ledger) {
    auto r = run_ingest(ledger, pricer_, adapters_, options_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : IngestStats{};
  }
  IngestStats ingest() { return ingest(*ledger_); }

  std::map<Key, Totals> totals(store::Ledger& ledger, const store::RecordFilter& filter = {}) {
    std::map<Key, Totals> out;
    auto rows =
        ledger.aggregate(filter, store::GroupBy{.agent = true, .model = true, .local_days = {}});
    EXPECT_TRUE(rows) << rows.error().message;
    if (rows) {
      for (const store::AggregateRow& r : *rows) {
        Totals& t = out[{std::string(agent_name(r.agent)), r.model}];
        t.tokens += r.tokens;
        t.requests += r.requests;
      }
    }
    return out;
  }
  std::map<Key, Totals> totals(const store::RecordFilter& filter = {}) {
    return totals(*ledger_, filter);
  }

  Totals session_totals(const std::string& session) {
    store::RecordFilter f;
    f.session = session;
    Totals t;
    for (const auto& [k, v] : totals(f)) {
      t.tokens += v.tokens;
      t.requests += v.requests;
    }
    return t;
  }

  std::int64_t query_int(const std::string& sql) {
    sqlite3* db = nullptr;
    std::int64_t out = -1;
    if (sqlite3_open_v2(ledger_path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
          sqlite3_step(stmt) == SQLITE_ROW) {
        out = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return out;
  }

  std::int64_t problem_count() {
    auto p = ledger_->problems(100);
    EXPECT_TRUE(p) << p.error().message;
    return p ? p->total : -1;
  }

  static void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  test::TempDir dir_;
  std::string home_;
  std::string ledger_path_;
  std::unique_ptr<store::Ledger> ledger_;
  FakePricer pricer_;
  std::vector<std::unique_ptr<sources::Adapter>> adapters_ = sources::all_adapters();
  IngestOptions options_;
};

const Totals kS3Truth = [] {
  Totals t;
  t.tokens = TokenCounts{47, 75163, 27267, 0, 326, 0};
  t.requests = 8;
  return t;
}();

// --- The real fixtures against ground truth ----------------------------------------------------

TEST_F(IngestTest, RealFixtureTreeMatchesGroundTruthPerAgentAndModel) {
  options_.env.home = kRealHome;  // read only: the ledger lives in the temp dir
  const IngestStats stats = ingest();
  EXPECT_EQ(stats.files_found, 16);  // 8 Claude + 6 Codex + 2 Gemini (.meta.json is no log)
  EXPECT_EQ(stats.files_read, stats.files_found);
  EXPECT_TRUE(stats.file_errors.empty());
  EXPECT_EQ(problem_count(), 0);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

TEST_F(IngestTest, ClaudeScenariosMatchGroundTruthOneByOne) {
  options_.env.home = kRealHome;
  ingest();
  // Scenario -> its session ids (s2 has two sessions; s4's sub-agent rolls into its parent).
  const std::map<std::string, std::vector<std::string>> sessions = {
      {"s1-hi", {"db905aa5-c229-4a70-ae4e-b9ad3c3b48d5"}},
      {"s2-bash", {"0b42a316-284d-414b-9a0c-d53c83dd03ac", "681111ab-035e-4fd7-941f-97a837aac1cc"}},
      {"s3-multiturn", {"5daf8a42-7cc3-4c00-8d06-cc84cf26668f"}},
      {"s4-subagent", {"a6e0e7e2-b505-4c7a-b792-96d2925543e7"}},
      {"s5-retry",
       {"79b7f23c-9690-45ad-81dc-04d4d4062de2", "9d1af14c-0652-432d-8d83-ff9ff03c77fe"}}};
  for (const auto& [scenario, ids] : sessions) {
    Totals got;
    for (const std::string& id : ids) {
      const Totals t = session_totals(id);
      got.tokens += t.tokens;
      got.requests += t.requests;
    }
    Totals want;
    for (const auto& [k, v] : ground_truth([&](std::string_view n) { return n == scenario; })) {
      want.tokens += v.tokens;
      want.requests += v.requests;
    }
    EXPECT_EQ(describe(got), describe(want)) << scenario;
  }
  // s3: 7 logged responses + the /compact call as one unlogged record of 112 output tokens.
  EXPECT_EQ(describe(session_totals("5daf8a42-7cc3-4c00-8d06-cc84cf26668f")), describe(kS3Truth));
  EXPECT_EQ(
      query_int("SELECT COUNT(*) FROM usage WHERE kind = 'unlogged' AND "
                "session_id = '5daf8a42-7cc3-4c00-8d06-cc84cf26668f' AND output_tokens = 112"),
      1);
  // s4: parent + sub-agent equal the cost-state: nothing unlogged, nothing counted twice.
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM usage WHERE kind = 'unlogged' AND "
                      "root_session = 'a6e0e7e2-b505-4c7a-b792-96d2925543e7'"),
            0);
  EXPECT_EQ(query_int("SELECT COUNT(*) FROM usage WHERE kind = 'unlogged'"), 1);
  // Every record carries who made it.
  EXPECT_EQ(
      query_int("SELECT COUNT(*) FROM usage WHERE user_name != 'alice' OR machine != 'laptop' "
                "OR team != 'core'"),
      0);
  // s5's hard 400 is an error of its session, not a record.
  auto facts = ledger_->sessions("9d1af14c");
  ASSERT_TRUE(facts) << facts.error().message;
  ASSERT_EQ(facts->size(), 1u);
  EXPECT_EQ((*facts)[0].errors, 1);
  auto s3 = ledger_->sessions("5daf8a42");
  ASSERT_TRUE(s3) << s3.error().message;
  ASSERT_EQ(s3->size(), 1u);
  EXPECT_EQ((*s3)[0].user_prompts, 4);
  EXPECT_EQ((*s3)[0].compactions, 1);
}

TEST_F(IngestTest, SmallBatchesGiveTheSameTotals) {
  options_.env.home = kRealHome;
  options_.batch_files = 1;
  options_.batch_records = 1;
  std::int64_t progress_calls = 0;
  options_.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_LE(done, total);
    ++progress_calls;
  };
  ingest();
  EXPECT_GT(progress_calls, 0);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

TEST_F(IngestTest, OnlyFilesReadsJustThoseFilesAndDiscoversNothing) {
  copy_real_home();
  const std::string s3 = home_ +
                         "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
                         "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl";
  ASSERT_TRUE(fs::exists(s3));
  sources::SourceFile f;
  f.agent = Agent::claude;
  f.path = s3;
  f.file_key = fs::path(s3).filename().string();
  options_.only_files = {f};
  const IngestStats only = ingest();
  EXPECT_EQ(only.files_found, 1);
  EXPECT_EQ(only.files_read, 1);
  auto sessions = ledger_->sessions("");
  ASSERT_TRUE(sessions) << sessions.error().message;
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ(sessions->front().session_id, "5daf8a42-7cc3-4c00-8d06-cc84cf26668f");
  // A later full run reads the rest and leaves that file alone.
  options_.only_files.clear();
  const IngestStats all = ingest();
  EXPECT_GT(all.files_found, 1);
  EXPECT_EQ(all.files_read, all.files_found - 1);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

TEST_F(IngestTest, RunningTwiceGivesIdenticalTotalsAndReadsNothingNew) {
  copy_real_home();
  const IngestStats first = ingest();
  const auto after_first = totals();
  const IngestStats second = ingest();
  EXPECT_EQ(second.files_found, first.files_found);
  EXPECT_EQ(second.files_read, 0);
  EXPECT_EQ(second.files_unchanged, first.files_found);
  EXPECT_EQ(second.bytes_read, 0);
  EXPECT_EQ(second.records, 0);
  EXPECT_EQ(second.sessions_settled, 0);
  EXPECT_EQ(describe(totals()), describe(after_first));
  EXPECT_EQ(describe(after_first), describe(ground_truth()));
}

TEST_F(IngestTest, DeletingTheLogsLeavesEveryAggregateUnchanged) {
  copy_real_home();
  ingest();
  auto by_session = [&] {
    std::map<std::string, std::string> out;
    auto rows = ledger_->aggregate({}, store::GroupBy{.time_bucket = true,
                                                      .agent = true,
                                                      .model = true,
                                                      .project = true,
                                                      .session = true,
                                                      .local_days = {}});
    EXPECT_TRUE(rows) << rows.error().message;
    for (const store::AggregateRow& r : *rows) {
      out[fmt::format("{} {} {} {} {}", r.bucket, agent_name(r.agent), r.model, r.project,
                      r.session)] =
          fmt::format("{} {} {} {} {} {:.9f}", r.requests, r.tokens.input, r.tokens.cache_read,
                      r.tokens.cache_write, r.tokens.output, r.cost_usd);
    }
    return out;
  };
  const auto before = by_session();
  auto facts_before = ledger_->sessions("");
  ASSERT_TRUE(facts_before);
  fs::remove_all(home_ + "/.claude");
  fs::remove_all(home_ + "/.codex");
  fs::remove_all(home_ + "/.gemini");
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_found, 0);
  EXPECT_EQ(by_session(), before);
  auto facts_after = ledger_->sessions("");
  ASSERT_TRUE(facts_after);
  EXPECT_EQ(facts_after->size(), facts_before->size());
}

// --- Incremental reading ----------------------------------------------------------------------

// The s3 file split into a head of `n` lines (written first) and the rest (appended later).
std::pair<std::string, std::string> split_after_lines(const std::string& text, int n) {
  size_t pos = 0;
  for (int i = 0; i < n; ++i) {
    pos = text.find('\n', pos) + 1;
  }
  return {text.substr(0, pos), text.substr(pos)};
}

TEST_F(IngestTest, AppendedLinesAreReadAloneAndTotalsStayExact) {
  const std::string text = read_file(kRealHome + kS3Rel);
  ASSERT_FALSE(text.empty());
  // Cut before the /compact, right after a cost-state, and mid-turn.
  for (int n : {20, 34, 59, 72, 88}) {
    SCOPED_TRACE(n);
    test::TempDir dir;
    auto ledger = store::open_sqlite_ledger(dir.path() + "/ledger.db");
    ASSERT_TRUE(ledger) << ledger.error().message;
    options_.env.home = dir.path() + "/home";
    const auto [head, tail] = split_after_lines(text, n);
    write_file(options_.env.home + kS3Rel, head);
    const IngestStats first = ingest(**ledger);
    EXPECT_EQ(first.bytes_read, static_cast<std::int64_t>(head.size()));
    append_file(options_.env.home + kS3Rel, tail);
    const IngestStats second = ingest(**ledger);
    EXPECT_EQ(second.files_read, 1);
    EXPECT_EQ(second.bytes_read, static_cast<std::int64_t>(tail.size()));
    Totals t;
    for (const auto& [k, v] : totals(**ledger)) {
      t.tokens += v.tokens;
      t.requests += v.requests;
    }
    EXPECT_EQ(describe(t), describe(kS3Truth));
    auto facts = (*ledger)->sessions("");
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_EQ(facts->size(), 1u);
    EXPECT_EQ((*facts)[0].user_prompts, 4);
    EXPECT_EQ((*facts)[0].compactions, 1);
  }
}

TEST_F(IngestTest, IncompleteLastLineIsNotConsumedUntilCompleted) {
  const std::string text = read_file(kRealHome + kS1Rel);
  // Line 20 is the only assistant line; write the file up to the middle of it.
  const auto [head, rest] = split_after_lines(text, 19);
  const size_t line_end = rest.find('\n');
  const std::string half = rest.substr(0, line_end / 2);
  write_file(home_ + kS1Rel, head + half);
  const IngestStats first = ingest();
  EXPECT_EQ(first.records, 0);
  EXPECT_EQ(problem_count(), 0);  // a line being written is not malformed
  append_file(home_ + kS1Rel, rest.substr(line_end / 2));
  const IngestStats second = ingest();
  EXPECT_EQ(second.bytes_read, static_cast<std::int64_t>(text.size() - head.size()));
  EXPECT_EQ(problem_count(), 0);
  EXPECT_EQ(describe(totals()),
            describe(ground_truth([](std::string_view n) { return n == "s1-hi"; })));
}

TEST_F(IngestTest, RewrittenFileIsReReadWithoutDoubleCounting) {
  copy_real_home();
  ingest();
  const auto before = totals();
  // Rewritten in place (same inode) with another first line: the head no longer matches.
  std::string text = read_file(home_ + kS3Rel);
  const size_t first_nl = text.find('\n');
  const std::string changed_first =
      R"({"type":"queue-operation","operation":"enqueue","timestamp":"2026-11-22T22:06:43.000Z"})";
  tick();
  write_file(home_ + kS3Rel, changed_first + text.substr(first_nl));
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_read, 1);
  EXPECT_EQ(again.bytes_read,
            static_cast<std::int64_t>(changed_first.size() + text.size() - first_nl));
  EXPECT_EQ(describe(totals()), describe(before));
  EXPECT_EQ(describe(session_totals("5daf8a42-7cc3-4c00-8d06-cc84cf26668f")), describe(kS3Truth));
  auto s3 = ledger_->sessions("5daf8a42");
  ASSERT_TRUE(s3) << s3.error().message;
  ASSERT_EQ(s3->size(), 1u);
  EXPECT_EQ((*s3)[0].user_prompts, 4);  // facts replaced, not added
}

TEST_F(IngestTest, ReplacedFileWithANewInodeIsReReadWithoutDoubleCounting) {
  copy_real_home();
  ingest();
  const auto before = totals();
  const std::string tmp = home_ + kS3Rel + ".tmp";
  fs::copy_file(home_ + kS3Rel, tmp);
  fs::rename(tmp, home_ + kS3Rel);
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_read, 1);
  EXPECT_EQ(describe(totals()), describe(before));
  EXPECT_EQ(describe(session_totals("5daf8a42-7cc3-4c00-8d06-cc84cf26668f")), describe(kS3Truth));
}

TEST_F(IngestTest, TruncatedFileKeepsWhatWasAlreadyCounted) {
  // A log cut back to its first turn (tools that trim transcripts, a restore from backup):
  // re-read from the start; nothing the ledger already counted may disappear, the /compact
  // call's unlogged spend included.
  copy_real_home();
  ingest();
  const auto before = totals();
  const std::string text = read_file(home_ + kS3Rel);
  tick();
  write_file(home_ + kS3Rel, split_after_lines(text, 34).first);
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_read, 1);
  EXPECT_EQ(describe(totals()), describe(before));
  EXPECT_EQ(describe(session_totals("5daf8a42-7cc3-4c00-8d06-cc84cf26668f")), describe(kS3Truth));
}

// --- The same file reached twice -------------------------------------------------------------

TEST_F(IngestTest, SameRootListedTwiceCountsOnce) {
  copy_real_home();
  options_.env.claude_config_dir = home_ + "/.claude," + home_ + "/.claude/";
  const IngestStats stats = ingest();
  EXPECT_EQ(stats.files_found, 16);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

TEST_F(IngestTest, SymlinkedRootAndProjectCountOnce) {
  copy_real_home();
  fs::create_directory_symlink(home_ + "/.claude", dir_.path() + "/claude-link");
  // A project directory also reachable through a symlink inside the root.
  fs::create_directory_symlink(
      home_ + "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn",
      home_ + "/.claude/projects/s3-alias");
  options_.env.claude_config_dir = home_ + "/.claude," + dir_.path() + "/claude-link";
  const IngestStats stats = ingest();
  EXPECT_EQ(stats.files_found, 16);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
  auto s3 = ledger_->sessions("5daf8a42");
  ASSERT_TRUE(s3) << s3.error().message;
  ASSERT_EQ(s3->size(), 1u);
  EXPECT_EQ((*s3)[0].user_prompts, 4);
}

TEST_F(IngestTest, CodexRolloutCopiedIntoArchivedSessionsCountsOnce) {
  copy_real_home();
  ingest();
  const auto before = totals();
  auto facts_before = ledger_->sessions("");
  ASSERT_TRUE(facts_before);
  const std::string name = fs::path(kC2Rel).filename().string();
  fs::create_directories(home_ + "/.codex/archived_sessions");
  fs::copy_file(home_ + kC2Rel, home_ + "/.codex/archived_sessions/" + name);
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_found, 17);
  EXPECT_EQ(again.files_read, 1);
  EXPECT_EQ(describe(totals()), describe(before));
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
  auto facts_after = ledger_->sessions("");
  ASSERT_TRUE(facts_after);
  ASSERT_EQ(facts_after->size(), facts_before->size());
  for (size_t i = 0; i < facts_after->size(); ++i) {
    EXPECT_EQ((*facts_after)[i].user_prompts, (*facts_before)[i].user_prompts)
        << (*facts_after)[i].session_id;
  }
  // And when the original then disappears (Codex moved it), still once.
  fs::remove(home_ + kC2Rel);
  ingest();
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

// --- Bad files -------------------------------------------------------------------------------

TEST_F(IngestTest, GarbageAndEmptyFilesAreReportedAndTheRunGoesOn) {
  copy_real_home();
  const std::string project = home_ + "/.claude/projects/-junk/";
  std::string garbage;
  for (int i = 0; i < 100000; ++i) {
    garbage += static_cast<char>((static_cast<unsigned>(i) * 2654435761u) >> 24);
  }
  garbage += '\n';
  write_file(project + "garbage.jsonl", garbage);
  write_file(project + "empty.jsonl", "");
  write_file(project + "half.jsonl", "{\"type\":\"assistant\",\"message\":{\"id\":\n");
  const IngestStats stats = ingest();
  EXPECT_EQ(stats.files_found, 19);
  EXPECT_GT(stats.new_problems, 0);
  EXPECT_GT(problem_count(), 0);
  auto p = ledger_->problems(1000000);
  ASSERT_TRUE(p);
  EXPECT_EQ(static_cast<std::int64_t>(p->first.size()), p->total);
  bool half_reported = false;
  for (const ParseProblem& problem : p->first) {
    EXPECT_TRUE(problem.file.find("/-junk/") != std::string::npos) << problem.file;
    half_reported = half_reported || (problem.file.ends_with("half.jsonl") && problem.line == 1);
  }
  EXPECT_TRUE(half_reported);
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
  // Reported once: a second run reads nothing and adds no problem.
  const std::int64_t problems = problem_count();
  const IngestStats again = ingest();
  EXPECT_EQ(again.files_read, 0);
  EXPECT_EQ(problem_count(), problems);
}

// As root the capabilities that read anything are dropped (support/permissions.h), so this
// runs in CI too.
TEST_F(IngestTest, UnreadableFileIsReportedAndTheRunGoesOn) {
  copy_real_home();
  const std::string locked = home_ + "/.claude/projects/-junk/locked.jsonl";
  write_file(locked, read_file(kRealHome + kS1Rel));
  ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
  const tally::test::ObeyPermissions obey;
  if (const int fd = ::open(locked.c_str(), O_RDONLY); fd >= 0) {
    ::close(fd);
    GTEST_SKIP() << "a chmod 000 file is readable here (capabilities not dropped)";
  }
  const IngestStats stats = ingest();
  ASSERT_EQ(stats.file_errors.size(), 1u);
  EXPECT_EQ(stats.file_errors[0].file, locked);
  EXPECT_EQ(stats.file_errors[0].what, std::string("cannot open: ") + std::strerror(EACCES));
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

// A directory discovery cannot list is a warning with its path, not a silent loss (issue
// 15: 8 requests vanished), and the rest is read. It is reported by the run that met it
// only: once readable again, the next run reads it and warns no more.
TEST_F(IngestTest, UnreadableDirectoryIsReportedUntilItIsReadableAgain) {
  copy_real_home();
  const std::string locked = home_ + "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn";
  ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
  std::optional<tally::test::ObeyPermissions> obey(std::in_place);
  if (DIR* d = ::opendir(locked.c_str())) {
    ::closedir(d);
    GTEST_SKIP() << "a chmod 000 directory is readable here (capabilities not dropped)";
  }
  const IngestStats stats = ingest();
  ASSERT_EQ(stats.file_errors.size(), 1u);
  EXPECT_EQ(stats.file_errors[0].file, locked);
  EXPECT_EQ(stats.file_errors[0].what,
            std::string("cannot list directory: ") + std::strerror(EACCES));
  EXPECT_EQ(
      describe(totals()),
      describe(ground_truth([](std::string_view scenario) { return scenario != "s3-multiturn"; })));
  const IngestStats again = ingest();
  EXPECT_EQ(again.file_errors.size(), 1u);  // still unreadable: still said

  obey.reset();
  ASSERT_EQ(::chmod(locked.c_str(), 0755), 0);
  const IngestStats readable = ingest();
  EXPECT_TRUE(readable.file_errors.empty());
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
}

// --- Claude copies across runs (rule 1 at the ledger) -------------------------------------------

std::string claude_line(std::string_view id, std::int64_t output, bool sidechain,
                        std::string_view ts,
                        std::string_view session = "aaaaaaaa-1111-2222-3333-444444444444") {
  return fmt::format(
      R"({{"parentUuid":"p","isSidechain":{},"message":{{"id":"{}","type":"message","role":"assistant",)"
      R"("model":"claude-opus-5-5","content":[{{"type":"text","text":"x"}}],"usage":{{"input_tokens":3,)"
      R"("cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":{}}}}},)"
      R"("requestId":"req_{}","type":"assistant","timestamp":"{}","cwd":"/work/app","sessionId":"{}"}})",
      sidechain ? "true" : "false", id, output, id, ts, session);
}

TEST_F(IngestTest, StreamingCopiesAcrossRunsKeepTheLargest) {
  const std::string file =
      home_ + "/.claude/projects/-work-app/aaaaaaaa-1111-2222-3333-444444444444.jsonl";
  write_file(file, claude_line("msg_a", 1, false, "2026-11-22T10:00:00.000Z") + "\n" +
                       claude_line("msg_b", 80, false, "2026-11-22T10:00:05.000Z") + "\n");
  ingest();
  append_file(file, claude_line("msg_a", 64, false, "2026-11-22T10:00:01.000Z") + "\n" +
                        claude_line("msg_b", 7, false, "2026-11-22T10:00:06.000Z") + "\n");
  ingest();
  const Totals t = session_totals("aaaaaaaa");
  EXPECT_EQ(t.requests, 2);
  EXPECT_EQ(t.tokens.output, 64 + 80);
}

TEST_F(IngestTest, ALongFileCommittedInPartsCountsEveryResponseOnce) {
  // More lines than two parts hold (scanner.h kPartRecords). Every response but the first is
  // written as two content-block lines, the later copy larger; one pair straddles each part
  // boundary, so the ledger, not the part, has to keep the better copy.
  const std::string file =
      home_ + "/.claude/projects/-work-app/aaaaaaaa-1111-2222-3333-444444444444.jsonl";
  const std::int64_t responses = static_cast<std::int64_t>(kPartRecords) + 100;
  std::string text = claude_line("msg_0", 5, false, "2026-11-22T10:00:00.000Z") + "\n";
  std::int64_t output = 5;
  for (std::int64_t i = 1; i < responses; ++i) {
    const std::string id = fmt::format("msg_{}", i);
    const std::string ts = fmt::format("2026-11-22T10:{:02}:{:02}.000Z", (i / 60) % 60, i % 60);
    text += claude_line(id, 1, false, ts) + "\n" + claude_line(id, 10 + i % 7, false, ts) + "\n";
    output += 10 + i % 7;
  }
  write_file(file, text);
  const IngestStats first = ingest();
  EXPECT_EQ(first.files_read, 1);
  EXPECT_EQ(first.lines, 2 * responses - 1);
  const Totals t = session_totals("aaaaaaaa");
  EXPECT_EQ(t.requests, responses);
  EXPECT_EQ(t.tokens.output, output);
  EXPECT_EQ(t.tokens.input, 3 * responses);
  // The last part's cursor is at the end of the file: nothing is read again.
  const IngestStats second = ingest();
  EXPECT_EQ(second.files_read, 0);
  EXPECT_EQ(second.files_unchanged, 1);
  EXPECT_EQ(session_totals("aaaaaaaa").requests, responses);
}

TEST_F(IngestTest, SidechainReplayInAnotherFileLosesToTheMainChain) {
  const std::string dir = home_ + "/.claude/projects/-work-app/";
  const std::string main = dir + "aaaaaaaa-1111-2222-3333-444444444444.jsonl";
  const std::string sub = dir + "aaaaaaaa-1111-2222-3333-444444444444/subagents/agent-x.jsonl";
  write_file(sub, claude_line("msg_a", 99, true, "2026-11-22T10:00:00.000Z") + "\n");
  ingest();
  write_file(main, claude_line("msg_a", 10, false, "2026-11-22T10:00:00.000Z") + "\n");
  ingest();
  const Totals t = session_totals("aaaaaaaa");
  EXPECT_EQ(t.requests, 1);
  EXPECT_EQ(t.tokens.output, 10);
}

// --- Concurrency ------------------------------------------------------------------------------

TEST_F(IngestTest, TwoConcurrentIngestsIntoOneLedgerCountOnce) {
  copy_real_home();
  options_.batch_files = 1;  // many small commits, so the two runs interleave
  auto other = store::open_sqlite_ledger(ledger_path_);
  ASSERT_TRUE(other) << other.error().message;
  Result<IngestStats> a = fail(Errc::io, "not run");
  Result<IngestStats> b = fail(Errc::io, "not run");
  const auto other_adapters = sources::all_adapters();
  std::thread ta([&] { a = run_ingest(*ledger_, pricer_, adapters_, options_); });
  std::thread tb([&] { b = run_ingest(**other, pricer_, other_adapters, options_); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(describe(totals()), describe(ground_truth()));
  auto facts = ledger_->sessions("5daf8a42");
  ASSERT_TRUE(facts);
  ASSERT_EQ(facts->size(), 1u);
  EXPECT_EQ((*facts)[0].user_prompts, 4);
}

}  // namespace
}  // namespace tally::ingest
