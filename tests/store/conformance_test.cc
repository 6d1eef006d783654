// The conformance suite: every ledger backend, opened by location (store/open_ledger.h)
// under the same accounting core, passes the same tests: exactness on the real fixtures,
// the better copy, stale batches, streams, machines, reconcile, repricing, atomicity and
// concurrent writers. A new backend (PostgreSQL) joins by adding its location to
// kBackends. Only the Ledger API is used: nothing here looks inside a store.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ingest/ingest.h"
#include "sources/adapter.h"
#include "store/open_ledger.h"
#include "test_ledger_support.h"

namespace tally::store {
namespace {

using test::batch;
using test::cursor_at;
using test::FakePricer;
using test::record;
using test::snapshot;

struct BackendCase {
  std::string name;
  std::string scheme;  // the location is scheme + a fresh directory (+ file for SQLite)
  std::string file;
};

const BackendCase kBackends[] = {
    {"sqlite", "sqlite://", "/ledger.db"},
    {"memory", "memory://", ""},
};

class ConformanceTest : public ::testing::TestWithParam<BackendCase> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    location_ = GetParam().scheme + dir_.path() + GetParam().file;
    ledger_ = open();
    ASSERT_NE(ledger_, nullptr);
  }

  // Another handle on the same store (a second process's connection).
  std::unique_ptr<Ledger> open() {
    auto opened = open_ledger(location_);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }

  CommitStats commit(std::vector<WriteBatch> batches, Ledger* ledger = nullptr) {
    auto r = (ledger != nullptr ? ledger : ledger_.get())->commit(batches, pricer_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : CommitStats{};
  }

  std::vector<AggregateRow> rows(const GroupBy& group = {}, const RecordFilter& filter = {}) {
    auto r = ledger_->aggregate(filter, group);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<AggregateRow>{};
  }

  AggregateRow total(const RecordFilter& filter = {}) {
    AggregateRow t;
    for (const AggregateRow& r : rows({}, filter)) {
      t.requests += r.requests;
      t.tokens += r.tokens;
      t.cost_usd += r.cost_usd;
    }
    return t;
  }

  std::int64_t settle() {
    auto n = ledger_->reconcile(pricer_);
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }

  test::TempDir dir_;
  std::string location_;
  std::unique_ptr<Ledger> ledger_;
  FakePricer pricer_;
};

// --- Exactness on the genuine logs -------------------------------------------------------

using ByModel = std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, TokenCounts>>;

ByModel ground_truth() {
  ByModel out;
  simdjson::dom::parser parser;
  simdjson::dom::object scenarios;
  EXPECT_EQ(parser.load(TALLY_TESTDATA "/real-logs/ground_truth.json").get(scenarios),
            simdjson::SUCCESS);
  for (auto [name, scenario] : scenarios) {
    std::string_view agent;
    simdjson::dom::object models;
    EXPECT_EQ(scenario["agent"].get_string().get(agent), simdjson::SUCCESS);
    EXPECT_EQ(scenario["models"].get_object().get(models), simdjson::SUCCESS);
    for (auto [model, m] : models) {
      auto& [requests, t] = out[{std::string(agent), std::string(model)}];
      auto get = [&](const char* key) { return m[key].get_int64().value_unsafe(); };
      requests += get("requests");
      t += TokenCounts{get("input_tokens"),       get("cache_read_tokens"),
                       get("cache_write_tokens"), get("cache_write_1h_tokens"),
                       get("output_tokens"),      get("reasoning_tokens")};
    }
  }
  return out;
}

TEST_P(ConformanceTest, RealLogsAddUpToWhatTheApiBilledAndASecondRunAddsNothing) {
  ingest::IngestOptions options;
  options.env.home = TALLY_TESTDATA "/real-logs/home";
  options.identity = ingest::Identity{"alice", "laptop", "core"};
  const auto adapters = sources::all_adapters();
  for (int run = 0; run < 2; ++run) {
    auto stats = ingest::run_ingest(*ledger_, pricer_, adapters, options);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->files_read, run == 0 ? stats->files_found : 0);
    ByModel got;
    for (const AggregateRow& r : rows(GroupBy{.agent = true, .model = true, .local_days = {}})) {
      auto& [requests, t] = got[{std::string(agent_name(r.agent)), r.model}];
      requests += r.requests;
      t += r.tokens;
    }
    EXPECT_EQ(got, ground_truth()) << "run " << run;
  }
  // Who is on every record, and in the rollup.
  for (const AggregateRow& r :
       rows(GroupBy{.user = true, .machine = true, .team = true, .local_days = {}})) {
    EXPECT_EQ(r.user, "alice");
    EXPECT_EQ(r.machine, "laptop");
    EXPECT_EQ(r.team, "core");
  }
}

// --- Records: dedupe and the better copy ------------------------------------------------

TEST_P(ConformanceTest, LargerTotalWinsWhateverTheOrder) {
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 1)})});
  commit({batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 9)})});
  commit({batch(cursor_at("/c.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 3)})});
  const AggregateRow t = total();
  EXPECT_EQ(t.requests, 1);
  EXPECT_EQ(t.tokens.output, 9);
  EXPECT_DOUBLE_EQ(t.cost_usd, 5 + 90);
}

TEST_P(ConformanceTest, MainChainCopyWinsOverASidechainReplay) {
  UsageRecord side = record("r1", 1000, 5, 50);
  side.sidechain = true;
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 5, 1)})});
  commit({batch(cursor_at("/b.jsonl", 10), std::nullopt, {side})});
  EXPECT_EQ(total().tokens.output, 1);
}

TEST_P(ConformanceTest, EqualTotalsWithAnotherSplitKeepTheSameCopyWhateverTheOrder) {
  UsageRecord a = record("r1", 1000, 10, 5);
  UsageRecord b = record("r1", 1000, 5, 10);
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {a})});
  commit({batch(cursor_at("/b.jsonl", 10), std::nullopt, {b})});
  const std::int64_t input_ab = total().tokens.input;
  test::TempDir other;
  auto second = open_ledger(GetParam().scheme + other.path() + GetParam().file);
  ASSERT_TRUE(second);
  std::vector<WriteBatch> first{batch(cursor_at("/b.jsonl", 10), std::nullopt, {b})};
  std::vector<WriteBatch> then{batch(cursor_at("/a.jsonl", 10), std::nullopt, {a})};
  ASSERT_TRUE((*second)->commit(first, pricer_));
  ASSERT_TRUE((*second)->commit(then, pricer_));
  auto rows_ba = (*second)->aggregate({}, {});
  ASSERT_TRUE(rows_ba);
  EXPECT_EQ(rows_ba->at(0).tokens.input, input_ab);
  EXPECT_EQ(input_ab, 5) << "the copy with the smaller tie key (input first) is kept";
}

TEST_P(ConformanceTest, AReportedCostOnlyOneCopyCarriesIsKept) {
  UsageRecord first = record("r1", 1000, 5, 1, "s1", "unknown-model");
  first.reported_cost_usd = 0.5;
  UsageRecord better = record("r1", 1000, 5, 9, "s1", "unknown-model");
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {first})});
  commit({batch(cursor_at("/b.jsonl", 10), std::nullopt, {better})});
  EXPECT_EQ(total().tokens.output, 9);
  // Repricing prices the kept copy from the agent's figure the first copy brought.
  auto n = ledger_->reprice_if_needed(FakePricer("fake-2"));
  ASSERT_TRUE(n);
  const AggregateRow t = total();
  EXPECT_EQ(t.tokens.output, 9);
  EXPECT_DOUBLE_EQ(t.cost_usd, 0.5);
}

TEST_P(ConformanceTest, APriceThatIsNotANumberFailsTheCommitAndLeavesNothing) {
  std::vector<WriteBatch> poisoned{
      batch(cursor_at("/a.jsonl", 10), std::nullopt,
            {record("ok", 1000, 1, 1), record("bad", 1000, 1, 1, "s1", "poison")})};
  auto r = ledger_->commit(poisoned, pricer_);
  EXPECT_FALSE(r);
  EXPECT_EQ(total().requests, 0);
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->has_value());
}

// --- Progress: cursors, stale batches, streams, machines ---------------------------------

TEST_P(ConformanceTest, CursorRoundTripsWithItsStateAndTheListLeavesTheStateOut) {
  commit({batch(cursor_at("/a.jsonl", 120, 3), std::nullopt)});
  auto c = ledger_->cursor("/a.jsonl");
  ASSERT_TRUE(c && c->has_value());
  EXPECT_EQ((*c)->offset, 120);
  EXPECT_EQ((*c)->lines, 3);
  EXPECT_EQ((*c)->parser_state, cursor_at("/a.jsonl", 120).parser_state);
  auto all = ledger_->cursors(kAllCursors);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1U);
  EXPECT_EQ(all->front().path, "/a.jsonl");
  EXPECT_TRUE(all->front().parser_state.empty());
}

// A quick refresh asks for the files written lately: cursors by the mtime of the last read.
TEST_P(ConformanceTest, CursorsSinceAnMtimeAreThoseWrittenThenOrLater) {
  // cursor_at's mtime is offset * 1000 ns.
  commit({batch(cursor_at("/old.jsonl", 100, 1, 1), std::nullopt),
          batch(cursor_at("/edge.jsonl", 200, 1, 2), std::nullopt),
          batch(cursor_at("/new.jsonl", 300, 1, 3), std::nullopt)});
  auto recent = ledger_->cursors(200'000);
  ASSERT_TRUE(recent);
  std::set<std::string> paths;
  for (const FileCursor& c : *recent) {
    paths.insert(c.path);
    EXPECT_TRUE(c.parser_state.empty());
  }
  EXPECT_EQ(paths, (std::set<std::string>{"/edge.jsonl", "/new.jsonl"}));
  auto none = ledger_->cursors(300'001);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

// `tally problems --ack`: acknowledged problems leave new_problems() until new ones come;
// problems() still counts them all.
TEST_P(ConformanceTest, AcknowledgedProblemsStayOutUntilNewOnesAppear) {
  WriteBatch first = batch(cursor_at("/a.jsonl", 10), std::nullopt);
  first.problems.push_back(ParseProblem{"/a.jsonl", 2, 5, "malformed"});
  first.problems.push_back(ParseProblem{"/a.jsonl", 4, 9, "malformed"});
  commit({first});
  auto acked = ledger_->acknowledge_problems();
  ASSERT_TRUE(acked) << acked.error().message;
  EXPECT_EQ(*acked, 2);
  auto fresh = ledger_->new_problems(10);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->total, 0);
  EXPECT_EQ(fresh->acknowledged, 2);
  EXPECT_TRUE(fresh->first.empty());
  WriteBatch more = batch(cursor_at("/a.jsonl", 20), cursor_at("/a.jsonl", 10));
  more.problems.push_back(ParseProblem{"/a.jsonl", 7, 15, "malformed"});
  commit({more});
  fresh = ledger_->new_problems(10);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->total, 1);
  EXPECT_EQ(fresh->acknowledged, 2);
  ASSERT_EQ(fresh->first.size(), 1U);
  EXPECT_EQ(fresh->first[0].line, 7);
  auto all = ledger_->problems(10);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 3);
  // Another handle (another process) sees the same acknowledgement.
  auto other = open();
  ASSERT_NE(other, nullptr);
  auto seen = other->new_problems(10);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->total, 1);
}

TEST_P(ConformanceTest, StaleBatchesAreDroppedAndTheOthersApply) {
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 1, 1)})});
  // Read from offset 5, but the ledger is at 10: another process got there first.
  const CommitStats s = commit(
      {batch(cursor_at("/a.jsonl", 20), cursor_at("/a.jsonl", 5), {record("r2", 1000, 1, 1)}),
       batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("r3", 1000, 1, 1)})});
  EXPECT_EQ(s.stale_batches, 1);
  EXPECT_EQ(s.files, 1);
  EXPECT_EQ(total().requests, 2);
  // A fresh read of exactly the bytes applied is stale too.
  EXPECT_EQ(commit({batch(cursor_at("/b.jsonl", 10), std::nullopt)}).stale_batches, 1);
}

TEST_P(ConformanceTest, AFileReadAgainFromItsStartRecomputesProblemsAndFactsButKeepsRecords) {
  WriteBatch first = batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 1, 1)},
                           {snapshot("s1", 1000, 5, 5, 3)});
  first.problems.push_back(ParseProblem{"/a.jsonl", 2, 5, "malformed"});
  SessionFacts f;
  f.session_id = "s1";
  f.file_key = "a";
  f.user_prompts = 4;
  first.sessions.push_back(f);
  commit({first});
  WriteBatch again = batch(cursor_at("/a.jsonl", 4, 1, 8), std::nullopt);
  commit({again});
  auto problems = ledger_->problems(10);
  ASSERT_TRUE(problems);
  EXPECT_EQ(problems->total, 0);
  auto facts = ledger_->sessions("");
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->empty());
  EXPECT_EQ(total().requests, 1) << "records stay when a log shrinks";
}

TEST_P(ConformanceTest, AStreamBatchIsAppliedOnceBySequence) {
  auto stream_batch = [](std::int64_t sequence, const std::string& id) {
    WriteBatch b;
    b.stream = StreamPosition{"ci-runner", "otlp:claude-1", sequence};
    UsageRecord r = record(id, 1000 + sequence, 10, 1);
    r.machine = "ci-runner";
    b.records = {r};
    return b;
  };
  EXPECT_EQ(commit({stream_batch(1, "e1"), stream_batch(2, "e2")}).files, 2);
  // A retried delivery and an older one change nothing.
  const CommitStats again = commit({stream_batch(2, "e2-retry"), stream_batch(1, "e1-old")});
  EXPECT_EQ(again.stale_batches, 2);
  EXPECT_EQ(commit({stream_batch(3, "e3")}).files, 1);
  EXPECT_EQ(total().requests, 3);
  auto seq = ledger_->stream_sequence("ci-runner", "otlp:claude-1");
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 3);
  auto none = ledger_->stream_sequence("", "otlp:claude-1");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0) << "a stream is keyed by machine too";
  auto cursors = ledger_->cursors(kAllCursors);
  ASSERT_TRUE(cursors);
  EXPECT_TRUE(cursors->empty()) << "a stream leaves no file cursor";
}

TEST_P(ConformanceTest, OnePathOnTwoMachinesKeepsTwoCursorsAndTwoSetsOfProblems) {
  WriteBatch here = batch(cursor_at("/home/a/log.jsonl", 10), std::nullopt);
  here.problems.push_back(ParseProblem{"/home/a/log.jsonl", 1, 0, "here"});
  WriteBatch there = batch(cursor_at("/home/a/log.jsonl", 99), std::nullopt);
  there.cursor.machine = "build-box";
  there.problems.push_back(ParseProblem{"/home/a/log.jsonl", 1, 0, "there"});
  EXPECT_EQ(commit({here, there}).files, 2);
  auto mine = ledger_->cursor("/home/a/log.jsonl");
  ASSERT_TRUE(mine && mine->has_value());
  EXPECT_EQ((*mine)->offset, 10) << "cursor() is this machine's";
  auto problems = ledger_->problems(10);
  ASSERT_TRUE(problems);
  EXPECT_EQ(problems->total, 2);
}

// --- Reconcile and prices ----------------------------------------------------------------

TEST_P(ConformanceTest, ReconcileAddsWhatNoLineRecordedOnceAndSettlesOnlyDirtySessions) {
  commit({batch(cursor_at("/s1.jsonl", 10), std::nullopt, {record("r1", 1000, 10, 2)},
                {snapshot("s1", 2000, 15, 3, 5)})});
  EXPECT_EQ(settle(), 1);
  EXPECT_EQ(settle(), 0) << "nothing dirty: nothing settled";
  AggregateRow t = total();
  EXPECT_EQ(t.tokens.input, 15);
  EXPECT_EQ(t.tokens.output, 3);
  EXPECT_EQ(t.requests, 2);
  // A later line explains part of it: the unlogged record shrinks, the total holds.
  commit(
      {batch(cursor_at("/s1.jsonl", 20), cursor_at("/s1.jsonl", 10), {record("r2", 1500, 4, 1)})});
  EXPECT_EQ(settle(), 1);
  t = total();
  EXPECT_EQ(t.tokens.input, 15);
  EXPECT_EQ(t.tokens.output, 3);
  auto events = ledger_->events({});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 3U);
  EXPECT_EQ(events->back().kind, RecordKind::unlogged);
}

TEST_P(ConformanceTest, AgentReportedCostIsSpreadToSumExactlyToTheSnapshot) {
  commit({batch(cursor_at("/s1.jsonl", 10), std::nullopt,
                {record("r1", 1000, 100, 10, "s1", "unknown-x"),
                 record("r2", 1100, 300, 30, "s1", "unknown-x")},
                {snapshot("s1", 1200, 400, 40, 5, "unknown-x", 1.23)})});
  settle();
  const AggregateRow t = total();
  EXPECT_NEAR(t.cost_usd, 1.23, 1e-12);
  for (const AggregateRow& r : rows()) {
    EXPECT_EQ(r.cost_source, CostSource::agent_reported);
  }
}

TEST_P(ConformanceTest, RepricesAllAndOnlyWhenTheFingerprintChanges) {
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt,
                {record("r1", 1000, 1, 1), record("r2", 1000, 2, 2)})});
  auto n = ledger_->reprice_if_needed(pricer_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2) << "a new ledger has no fingerprint yet";
  n = ledger_->reprice_if_needed(pricer_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  const FakePricer dearer("fake-2", 2.0);
  n = ledger_->reprice_if_needed(dearer);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  EXPECT_DOUBLE_EQ(total().cost_usd, 2.0 * (1 + 2) + 20.0 * (1 + 2));
}

// --- Atomicity and concurrency -----------------------------------------------------------

TEST_P(ConformanceTest, AWriteLandsTogetherAtCommitAndNothingWithoutIt) {
  {
    auto w = ledger_->begin_write(pricer_);
    ASSERT_TRUE(w);
    std::vector<WriteBatch> b{
        batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 1, 1)})};
    ASSERT_TRUE((*w)->apply(b));
    // Dropped without commit: as a kill before the commit returns.
  }
  EXPECT_EQ(total().requests, 0);
  auto w = ledger_->begin_write(pricer_);
  ASSERT_TRUE(w);
  std::vector<WriteBatch> b{
      batch(cursor_at("/a.jsonl", 10), std::nullopt, {record("r1", 1000, 1, 1)}),
      batch(cursor_at("/b.jsonl", 10), std::nullopt, {record("r2", 1000, 1, 1)})};
  ASSERT_TRUE((*w)->apply(b));
  ASSERT_TRUE((*w)->commit());
  EXPECT_EQ(total().requests, 2);
}

TEST_P(ConformanceTest, ConcurrentWritersOnOneStoreLoseAndDoubleNothing) {
  constexpr int kWriters = 4;
  constexpr int kCommits = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      auto ledger = open();
      ASSERT_NE(ledger, nullptr);
      for (int i = 0; i < kCommits; ++i) {
        // Every writer also sends a copy of writer 0's records: one copy each must count.
        std::vector<WriteBatch> b{
            batch(cursor_at(fmt::format("/w{}.jsonl", w), 10 * (i + 1), i + 1),
                  i == 0 ? std::nullopt
                         : std::optional(cursor_at(fmt::format("/w{}.jsonl", w), 10 * i, i)),
                  {record(fmt::format("w{}-{}", w, i), 1000 + i, 1, 1),
                   record(fmt::format("shared-{}", i), 1000 + i, 2, 2)})};
        auto r = ledger->commit(b, pricer_);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(r->stale_batches, 0);
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  const AggregateRow t = total();
  EXPECT_EQ(t.requests, kWriters * kCommits + kCommits);
  EXPECT_EQ(t.tokens.input, kWriters * kCommits * 1 + kCommits * 2);
}

// --- Questions ---------------------------------------------------------------------------

TEST_P(ConformanceTest, GroupsByWhoAndByLocalDay) {
  UsageRecord a = record("a", 1795305600000, 1, 1);  // 2026-11-22T00:00Z
  a.user = "ann";
  a.team = "core";
  UsageRecord b = record("b", 1795305600000 + 3600 * 1000, 2, 2);
  b.user = "bob";
  b.team = "core";
  UsageRecord c = record("c", 1795305600000 + 86400 * 1000, 4, 4);
  c.user = "bob";
  c.team = "web";
  commit({batch(cursor_at("/a.jsonl", 10), std::nullopt, {a, b, c})});
  std::map<std::string, std::int64_t> by_team;
  for (const AggregateRow& r : rows(GroupBy{.team = true, .local_days = {}})) {
    by_team[r.team] += r.tokens.input;
  }
  EXPECT_EQ(by_team, (std::map<std::string, std::int64_t>{{"core", 3}, {"web", 4}}));
  std::map<std::string, std::int64_t> by_user;
  for (const AggregateRow& r : rows(GroupBy{.user = true, .local_days = {}})) {
    by_user[r.user] += r.requests;
  }
  EXPECT_EQ(by_user, (std::map<std::string, std::int64_t>{{"ann", 1}, {"bob", 2}}));
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  std::map<std::int64_t, std::int64_t> by_day;
  for (const AggregateRow& r : rows(GroupBy{.time_bucket = true, .local_days = *utc})) {
    by_day[utc->start_of(utc->local_date(r.bucket))] += r.tokens.input;
  }
  EXPECT_EQ(by_day, (std::map<std::int64_t, std::int64_t>{{1795305600000, 3},
                                                          {1795305600000 + 86400 * 1000, 4}}));
}

TEST_P(ConformanceTest, AnyRangeIsExactToTheMillisecondWhateverItsGrain) {
  // Records spread over 3 days at odd milliseconds, many near bucket edges; two models and
  // two projects so that grouped rows merge across the range's parts.
  const TimeMs t0 = 1795305600000;  // 2026-11-22T00:00Z
  std::vector<UsageRecord> records;
  std::uint64_t seed = 12345;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>(seed >> 33);
  };
  for (int i = 0; i < 400; ++i) {
    const TimeMs bucket = t0 + (next() % (3 * 96)) * kBucketMs;
    const TimeMs offset = i % 3 == 0 ? (next() % 3) : i % 3 == 1 ? kBucketMs - 1 - next() % 3
                                                                 : next() % kBucketMs;
    UsageRecord r = record(fmt::format("x{}", i), bucket + offset, 1 + next() % 50, next() % 9,
                           fmt::format("s{}", i % 7), i % 2 == 0 ? "opus" : "sonnet");
    r.project = i % 5 == 0 ? "/w/a" : "/w/b";
    records.push_back(std::move(r));
  }
  commit({batch(cursor_at("/x.jsonl", 10), std::nullopt, records)});
  auto utc = Zone::use("UTC");
  ASSERT_TRUE(utc);
  for (int trial = 0; trial < 60; ++trial) {
    TimeMs since = t0 + next() % (3 * 86400 * 1000LL);
    TimeMs until = since + next() % (2 * 86400 * 1000LL);
    if (trial % 10 == 0) {
      until = since + next() % kBucketMs;  // within a bucket or two
    }
    RecordFilter f;
    f.since = since;
    f.until = until;
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> want;
    std::int64_t want_requests = 0;
    for (const UsageRecord& r : records) {
      if (r.ts >= since && r.ts < until) {
        auto& [n, input] = want[{r.model, r.project}];
        ++n;
        input += r.tokens.input;
        ++want_requests;
      }
    }
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> got;
    for (const AggregateRow& r : rows(GroupBy{.model = true, .project = true, .local_days = {}}, f)) {
      auto& [n, input] = got[{r.model, r.project}];
      n += r.requests;
      input += r.tokens.input;
    }
    EXPECT_EQ(got, want) << "range [" << since << ", " << until << ")";
    // By local day (the grain a backend may coarsen to): the same sums per day, and every
    // row's bucket a day start.
    std::map<std::int64_t, std::int64_t> per_day;
    for (const AggregateRow& r : rows(GroupBy{.time_bucket = true, .local_days = *utc}, f)) {
      per_day[utc->start_of(utc->local_date(r.bucket))] += r.requests;
    }
    std::int64_t day_sum = 0;
    for (const auto& [day, n] : per_day) {
      day_sum += n;
      std::int64_t direct = 0;
      for (const UsageRecord& r : records) {
        direct += r.ts >= std::max<TimeMs>(since, day) && r.ts < std::min<TimeMs>(until, day + 86400 * 1000LL);
      }
      EXPECT_EQ(n, direct) << "day " << day;
    }
    EXPECT_EQ(day_sum, want_requests);
  }
}

TEST_P(ConformanceTest, FiltersEventsProblemsAndSessionFacts) {
  UsageRecord sub = record("c", 3000, 4, 4, "s1/agent-1");
  sub.parent_session_id = "s1";
  WriteBatch b = batch(cursor_at("/a.jsonl", 10), std::nullopt,
                       {record("b", 2000, 2, 2, "s1"), record("a", 1000, 1, 1, "s2"), sub});
  for (int line : {3, 1, 2}) {
    b.problems.push_back(ParseProblem{"/a.jsonl", line, line * 10, "bad"});
  }
  for (const char* key : {"a", "b"}) {
    SessionFacts f;
    f.session_id = "s1";
    f.file_key = key;
    f.user_prompts = 2;
    f.first_ts = 1000;
    // Both files show the first commit (a resumed transcript); "b" also a pull request.
    f.git_marks.push_back(
        {"commit", 1500, "/w/widget", "main", "6769d15", "Add greet() helper", ""});
    if (std::string_view(key) == "b") {
      f.git_marks.push_back({"pr-create", 2500, "/w/widget", "feat/x", "", "",
                             "https://github.com/acme/widget/pull/7"});
      f.git_marks_more = 1;
    }
    b.sessions.push_back(f);
  }
  commit({b});
  RecordFilter root;
  root.root_session = "s1";
  auto events = ledger_->events(root);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ(events->at(0).ts, 2000);
  EXPECT_EQ(events->at(1).root_session, "s1");
  RecordFilter since;
  since.since = 2000;
  since.until = 3000;
  EXPECT_EQ(total(since).requests, 1);
  auto problems = ledger_->problems(2);
  ASSERT_TRUE(problems);
  EXPECT_EQ(problems->total, 3);
  ASSERT_EQ(problems->first.size(), 2U);
  EXPECT_EQ(problems->first[0].line, 1);
  auto facts = ledger_->sessions("s1");
  ASSERT_TRUE(facts);
  ASSERT_EQ(facts->size(), 1U);
  EXPECT_EQ(facts->front().user_prompts, 4) << "facts of one session merge across files";
  ASSERT_EQ(facts->front().git_marks.size(), 2U) << "one commit, one pull request";
  EXPECT_EQ(facts->front().git_marks[0].subject, "Add greet() helper");
  EXPECT_EQ(facts->front().git_marks[1].pr_url, "https://github.com/acme/widget/pull/7");
  EXPECT_EQ(facts->front().git_marks_more, 1);
  auto count = ledger_->record_count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3);
}

// What a status line reads (session_tree_costs, active_buckets) is events() and the
// time-bucket rows of aggregate(), narrowed: the same records in the same order, the same
// buckets, on the genuine logs and on ties in time.
TEST_P(ConformanceTest, TheStatusLineQueriesAreEventsAndTheRollupNarrowed) {
  ingest::IngestOptions options;
  options.env.home = TALLY_TESTDATA "/real-logs/home";
  auto stats = ingest::run_ingest(*ledger_, pricer_, sources::all_adapters(), options);
  ASSERT_TRUE(stats) << stats.error().message;
  // Two records of one session at the same time: events() orders them by id.
  UsageRecord late_b = record("tie-b", 1'790'000'000'000, 7, 7, "tie");
  UsageRecord late_a = record("tie-a", 1'790'000'000'000, 9, 9, "tie");
  late_a.model = "model-a";
  late_b.model = "model-b";
  std::vector<UsageRecord> spread = {late_b, late_a};
  for (int hours : {1, 2, 7, 30}) {  // buckets apart, some a 5-hour gap apart
    spread.push_back(record(fmt::format("later-{}", hours),
                            late_a.ts + hours * 3'600'000LL + 60'000, 1, 1, "tie/agent-1"));
    spread.back().parent_session_id = "tie";
  }
  commit({batch(cursor_at("/tie.jsonl", 10), std::nullopt, spread)});

  auto all = ledger_->events({});
  ASSERT_TRUE(all);
  std::set<std::pair<Agent, std::string>> roots;
  for (const UsageEvent& e : *all) {
    roots.insert({e.agent, e.root_session});
  }
  ASSERT_GT(roots.size(), 3U);
  for (const auto& [agent, root] : roots) {
    RecordFilter filter;
    filter.agent = agent;
    filter.root_session = root;
    auto events = ledger_->events(filter);
    auto narrow = ledger_->session_tree_costs(agent, root);
    ASSERT_TRUE(events && narrow);
    ASSERT_EQ(narrow->size(), events->size()) << root;
    for (size_t i = 0; i < events->size(); ++i) {
      const UsageEvent& e = events->at(i);
      const TreeCost& c = narrow->at(i);
      const bool own = e.session_id == root && e.kind == RecordKind::response;
      EXPECT_EQ(c.ts, e.ts) << root << " #" << i;
      EXPECT_EQ(c.own_response, own) << root << " #" << i;
      EXPECT_EQ(c.model, own ? e.model : "") << root << " #" << i;
      EXPECT_EQ(c.prompt_tokens, e.tokens.prompt()) << root << " #" << i;
      EXPECT_EQ(c.cost_usd, e.cost_usd) << root << " #" << i;
      EXPECT_EQ(c.cost_source, e.cost_source) << root << " #" << i;
    }
  }
  auto tie = ledger_->session_tree_costs(Agent::claude, "tie");
  ASSERT_TRUE(tie);
  ASSERT_EQ(tie->size(), 6U);
  EXPECT_EQ(tie->at(0).model, "model-a") << "ties in time go by id";
  EXPECT_EQ(tie->at(1).model, "model-b");
  EXPECT_FALSE(tie->at(2).own_response) << "a sub-agent's record";
  EXPECT_EQ(tie->at(2).model, "");

  std::vector<TimeMs> buckets;
  for (const AggregateRow& r : rows(GroupBy{.time_bucket = true, .local_days = {}})) {
    buckets.push_back(r.bucket);
  }
  std::sort(buckets.begin(), buckets.end());
  ASSERT_GE(buckets.size(), 6U);
  auto every = ledger_->active_buckets(std::nullopt);
  ASSERT_TRUE(every);
  EXPECT_EQ(*every, buckets);
  const TimeMs since = buckets[buckets.size() / 2];
  auto later = ledger_->active_buckets(since);
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, std::vector<TimeMs>(buckets.begin() + static_cast<long>(buckets.size() / 2),
                                        buckets.end()));
}

// The fast-mode share (issue 17): a request counts as fast when its speed is "fast" or its
// service tier "priority" (any case), once, as its kept copy says; in every range, whether
// the backend answers from records or from a rollup, in aggregate() and in events().
TEST_P(ConformanceTest, FastAndPriorityRequestsAreCountedOnceAsTheKeptCopySays) {
  const TimeMs t0 = 1795305600000;  // 2026-11-22T00:00Z
  UsageRecord fast = record("f1", t0 + 1, 10, 10);
  fast.speed = "fast";
  UsageRecord upper = record("f2", t0 + kBucketMs + 7, 10, 10);
  upper.speed = "FAST";
  UsageRecord priority = record("p1", t0 + 2 * kBucketMs - 1, 10, 10, "s2", "gpt-5");
  priority.service_tier = "Priority";
  UsageRecord flex = record("x1", t0 + 3, 10, 10, "s2", "gpt-5");
  flex.service_tier = "flex";
  UsageRecord fastish = record("x2", t0 + 4, 10, 10);
  fastish.speed = "faster";  // not the word "fast": standard
  UsageRecord plain = record("x3", t0 + 5, 10, 10);
  // A smaller copy of f2 at standard speed: the fast copy is kept.
  UsageRecord f2_copy_small = record("f2", t0 + kBucketMs + 7, 10, 5);
  commit({batch(cursor_at("/f.jsonl", 10), std::nullopt,
                {fast, upper, priority, flex, fastish, plain, f2_copy_small})});
  EXPECT_EQ(in_fast_mode(fast) + in_fast_mode(upper) + in_fast_mode(priority) +
                in_fast_mode(flex) + in_fast_mode(fastish) + in_fast_mode(plain),
            3);
  auto fast_of = [&](const RecordFilter& f) {
    std::int64_t n = 0;
    for (const AggregateRow& r : rows(GroupBy{.model = true, .local_days = {}}, f)) {
      n += r.fast_requests;
    }
    return n;
  };
  auto fast_events = [&](const RecordFilter& f) {
    auto events = ledger_->events(f);
    EXPECT_TRUE(events) << events.error().message;
    std::int64_t n = 0;
    for (const UsageEvent& e : events ? *events : std::vector<UsageEvent>{}) {
      n += e.fast_mode;
    }
    return n;
  };
  EXPECT_EQ(fast_of({}), 3);
  EXPECT_EQ(fast_events({}), 3);
  // Ranges that cut buckets at the millisecond: [t0+1, f2) holds f1 only; up to the end of
  // the second bucket also f2 and p1 (its last millisecond); from t0+2 not f1.
  RecordFilter cut;
  cut.since = t0 + 1;
  cut.until = t0 + kBucketMs + 7;
  EXPECT_EQ(fast_of(cut), 1);
  EXPECT_EQ(fast_events(cut), 1);
  cut.until = t0 + 2 * kBucketMs;
  EXPECT_EQ(fast_of(cut), 3);
  cut.since = t0 + 2;
  EXPECT_EQ(fast_of(cut), 2);
  // A larger copy of f2 that ran at standard speed replaces it: one fast request fewer.
  UsageRecord f2_standard = record("f2", t0 + kBucketMs + 7, 10, 99);
  commit({batch(cursor_at("/f.jsonl", 20, 2), cursor_at("/f.jsonl", 10), {f2_standard})});
  EXPECT_EQ(fast_of({}), 2);
  EXPECT_EQ(fast_events({}), 2);
  EXPECT_EQ(total().requests, 6);
  // Repricing does not change what ran fast.
  const FakePricer dearer("fake-2", 2.0);
  ASSERT_TRUE(ledger_->reprice_if_needed(dearer));
  EXPECT_EQ(fast_of({}), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceTest, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<BackendCase>& p) {
                           return p.param.name;
                         });

TEST(OpenLedgerTest, AnUnknownSchemeNamesTheKnownOnes) {
  auto r = open_ledger("postgresql://tally@db/ledger");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sqlite://PATH or memory://NAME"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace tally::store
