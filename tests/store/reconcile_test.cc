#include "store/reconcile.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

// unlogged_records() is a pure function: cumulative snapshots minus logged records, per model,
// as non-negative steps dated at the snapshot where the missing spend first shows.

namespace tally::store {
namespace {

const std::string kSession = "sess-1";

CumulativeSnapshot snap(TimeMs at, std::int64_t input, std::int64_t output, std::int64_t offset,
                        const std::string& model = "claude-opus-5-5") {
  CumulativeSnapshot s;
  s.agent = Agent::claude;
  s.session_id = kSession;
  s.model = model;
  s.ts = at;
  s.tokens.input = input;
  s.tokens.output = output;
  s.source_file = "/logs/sess-1.jsonl";
  s.source_offset = offset;
  return s;
}

LoggedUsage logged(TimeMs at, std::int64_t input, std::int64_t output,
                   const std::string& model = "claude-opus-5-5") {
  LoggedUsage l;
  l.model = model;
  l.ts = at;
  l.tokens.input = input;
  l.tokens.output = output;
  return l;
}

TokenCounts sum(const std::vector<UsageRecord>& records, const std::string& model = "") {
  TokenCounts t;
  for (const UsageRecord& r : records) {
    if (model.empty() || r.model == model) {
      t += r.tokens;
    }
  }
  return t;
}

bool non_negative(const TokenCounts& t) {
  return t.input >= 0 && t.cache_read >= 0 && t.cache_write >= 0 && t.cache_write_1h >= 0 &&
         t.output >= 0 && t.reasoning >= 0;
}

TEST(ReconcileTest, NoSnapshotsGiveNothing) {
  const std::vector<LoggedUsage> lines = {logged(1000, 5, 30), logged(2000, 7, 40)};
  EXPECT_TRUE(unlogged_records(kSession, {}, lines).empty());
  EXPECT_TRUE(unlogged_records(kSession, {}, {}).empty());
}

TEST(ReconcileTest, SnapshotsEqualToTheLinesGiveNothing) {
  const std::vector<CumulativeSnapshot> snaps = {snap(1000, 5, 30, 10), snap(2000, 12, 70, 20)};
  const std::vector<LoggedUsage> lines = {logged(1000, 5, 30), logged(2000, 7, 40)};
  EXPECT_TRUE(unlogged_records(kSession, snaps, lines).empty());
}

TEST(ReconcileTest, StepsSumExactlyToLastSnapshotMinusAllLines) {
  // The s3 shape: 5 snapshots of output 98, 126, 189, 301, 326 against lines of 214 in total;
  // the /compact call (112) is between snapshots 3 and 4.
  const std::vector<CumulativeSnapshot> snaps = {snap(100, 18, 98, 1), snap(200, 24, 126, 2),
                                                 snap(300, 33, 189, 3), snap(400, 40, 301, 4),
                                                 snap(500, 47, 326, 5)};
  const std::vector<LoggedUsage> lines = {
      logged(10, 5, 30),  logged(20, 6, 43),  logged(30, 7, 25), logged(150, 6, 28),
      logged(250, 4, 37), logged(260, 5, 26), logged(450, 7, 25)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tokens.output, 326 - 214);
  EXPECT_EQ(out[0].tokens.input, 47 - 40);
  EXPECT_EQ(out[0].ts, 400);  // dated at the snapshot where it first shows
  EXPECT_EQ(out[0].kind, RecordKind::unlogged);
  EXPECT_EQ(out[0].agent, Agent::claude);
  EXPECT_EQ(out[0].session_id, kSession);
  EXPECT_EQ(out[0].model, "claude-opus-5-5");
  EXPECT_EQ(out[0].source_offset, 4);
  EXPECT_EQ(out[0].source_file, "/logs/sess-1.jsonl");
}

TEST(ReconcileTest, TelescopingSumHoldsForEveryFieldOnIrregularData) {
  // Snapshots that go up and down against lines, every field: the steps must still be
  // non-negative and add up to exactly max(0, last - all lines) per field.
  std::vector<CumulativeSnapshot> snaps;
  std::vector<LoggedUsage> lines;
  std::uint64_t seed = 12345;
  auto next = [&](std::int64_t mod) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((seed >> 33) % static_cast<std::uint64_t>(mod));
  };
  TokenCounts running;
  for (int i = 0; i < 40; ++i) {
    LoggedUsage l;
    l.model = "m";
    l.ts = i * 10;
    l.tokens = TokenCounts{next(50), next(500), next(80), next(20), next(60), next(10)};
    lines.push_back(l);
    running += l.tokens;
    if (i % 4 == 3) {
      CumulativeSnapshot s = snap(i * 10 + 5, 0, 0, i, "m");
      s.tokens = running;
      // Sometimes extra unlogged spend, sometimes a snapshot that lags behind the lines.
      s.tokens.input += next(30) - 10;
      s.tokens.output += next(40) - 10;
      s.tokens.cache_read += next(100) - 30;
      s.tokens.cache_write += next(20);
      snaps.push_back(s);
    }
  }
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  for (const UsageRecord& r : out) {
    EXPECT_TRUE(non_negative(r.tokens)) << r.id;
  }
  const TokenCounts& last = snaps.back().tokens;
  TokenCounts all;
  for (const LoggedUsage& l : lines) {
    all += l.tokens;
  }
  const TokenCounts got = sum(out);
  EXPECT_EQ(got.input, std::max<std::int64_t>(0, last.input - all.input));
  EXPECT_EQ(got.cache_read, std::max<std::int64_t>(0, last.cache_read - all.cache_read));
  EXPECT_EQ(got.cache_write, std::max<std::int64_t>(0, last.cache_write - all.cache_write));
  EXPECT_EQ(got.cache_write_1h,
            std::max<std::int64_t>(0, last.cache_write_1h - all.cache_write_1h));
  EXPECT_EQ(got.output, std::max<std::int64_t>(0, last.output - all.output));
  EXPECT_EQ(got.reasoning, std::max<std::int64_t>(0, last.reasoning - all.reasoning));
}

TEST(ReconcileTest, SnapshotBelowTheLinesIsClampedNeverNegative) {
  // A cost-state that lags behind the lines (or lines counted twice upstream): no record, and
  // certainly no negative one.
  const std::vector<CumulativeSnapshot> snaps = {snap(100, 5, 30, 1), snap(200, 8, 50, 2)};
  const std::vector<LoggedUsage> lines = {logged(50, 5, 30), logged(150, 7, 40)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  EXPECT_TRUE(out.empty()) << out.size();
}

TEST(ReconcileTest, MixedFieldsClampPerField) {
  // Input over the lines by 4, output under by 10: only the input excess is unlogged.
  const std::vector<CumulativeSnapshot> snaps = {snap(100, 9, 20, 1)};
  const std::vector<LoggedUsage> lines = {logged(50, 5, 30)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tokens, (TokenCounts{4, 0, 0, 0, 0, 0}));
}

TEST(ReconcileTest, UnloggedCallBetweenSnapshotsTwoAndThreeIsDatedAtThree) {
  const std::vector<CumulativeSnapshot> snaps = {snap(1000, 5, 10, 1), snap(2000, 10, 20, 2),
                                                 snap(3000, 115, 220, 3), snap(4000, 120, 230, 4)};
  const std::vector<LoggedUsage> lines = {logged(900, 5, 10), logged(1900, 5, 10),
                                          logged(3900, 5, 10)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ts, 3000);
  EXPECT_EQ(out[0].tokens.input, 105);
  EXPECT_EQ(out[0].tokens.output, 200);
}

TEST(ReconcileTest, TwoUnloggedCallsAtDifferentSnapshotsGiveTwoDatedRecords) {
  const std::vector<CumulativeSnapshot> snaps = {snap(1000, 5, 10, 1), snap(2000, 15, 30, 2),
                                                 snap(3000, 20, 40, 3), snap(4000, 50, 100, 4)};
  const std::vector<LoggedUsage> lines = {logged(900, 5, 10), logged(2900, 5, 10)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].ts, 2000);
  EXPECT_EQ(out[0].tokens.input, 10);
  EXPECT_EQ(out[0].tokens.output, 20);
  EXPECT_EQ(out[1].ts, 4000);
  EXPECT_EQ(out[1].tokens.input, 30);
  EXPECT_EQ(out[1].tokens.output, 60);
  EXPECT_NE(out[0].id, out[1].id);
}

TEST(ReconcileTest, LinesAfterTheLastSnapshotStillCount) {
  // A line timestamped after the last cost-state (clock skew, or the cost-state written
  // before the line): the last snapshot is compared with every line.
  const std::vector<CumulativeSnapshot> snaps = {snap(1000, 10, 50, 1)};
  const std::vector<LoggedUsage> lines = {logged(500, 5, 25), logged(1500, 5, 25)};
  EXPECT_TRUE(unlogged_records(kSession, snaps, lines).empty());
}

TEST(ReconcileTest, InputOrderDoesNotMatter) {
  std::vector<CumulativeSnapshot> snaps = {snap(1000, 5, 10, 1), snap(2000, 15, 30, 2),
                                           snap(3000, 20, 40, 3)};
  std::vector<LoggedUsage> lines = {logged(900, 5, 10), logged(2500, 5, 10)};
  const std::vector<UsageRecord> a = unlogged_records(kSession, snaps, lines);
  std::reverse(snaps.begin(), snaps.end());
  std::reverse(lines.begin(), lines.end());
  const std::vector<UsageRecord> b = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].ts, b[i].ts);
    EXPECT_EQ(a[i].tokens, b[i].tokens);
  }
}

TEST(ReconcileTest, SnapshotsWithTheSameTimeAreOrderedByOffset) {
  // Cost-states carry no time: two in a row share the preceding line's time. The later one
  // in the file is the later total.
  std::vector<CumulativeSnapshot> snaps = {snap(1000, 30, 60, 200), snap(1000, 10, 20, 100)};
  const std::vector<LoggedUsage> lines = {logged(900, 10, 20)};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tokens.input, 20);
  EXPECT_EQ(out[0].tokens.output, 40);
  EXPECT_EQ(out[0].source_offset, 200);
}

TEST(ReconcileTest, ModelsAreReconciledSeparately) {
  const std::vector<CumulativeSnapshot> snaps = {
      snap(1000, 10, 100, 1, "opus"), snap(1000, 50, 20, 1, "haiku"),  // haiku: title call
      snap(2000, 20, 200, 2, "opus"), snap(2000, 50, 20, 2, "haiku")};
  const std::vector<LoggedUsage> lines = {logged(900, 10, 100, "opus"),
                                          logged(1900, 10, 100, "opus"),
                                          logged(1900, 999, 999, "sonnet")};
  const std::vector<UsageRecord> out = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].model, "haiku");
  EXPECT_EQ(out[0].tokens.input, 50);
  EXPECT_EQ(out[0].tokens.output, 20);
  EXPECT_EQ(out[0].ts, 1000);
  // A model with lines but no snapshot (sonnet) is left alone; opus matches exactly.
  EXPECT_EQ(sum(out, "opus"), TokenCounts{});
}

TEST(ReconcileTest, IdsAreStableAndDistinct) {
  const std::vector<CumulativeSnapshot> snaps = {
      snap(1000, 10, 10, 1, "opus"), snap(2000, 30, 30, 2, "opus"), snap(1000, 5, 5, 1, "haiku"),
      snap(3000, 60, 60, 3, "opus")};
  const std::vector<LoggedUsage> lines = {logged(500, 1, 1, "opus")};
  const std::vector<UsageRecord> a = unlogged_records(kSession, snaps, lines);
  const std::vector<UsageRecord> b = unlogged_records(kSession, snaps, lines);
  ASSERT_EQ(a.size(), 4u);
  std::set<std::string> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    ids.insert(a[i].id);
    EXPECT_EQ(a[i].id.rfind("unlogged:claude:sess-1:", 0), 0u) << a[i].id;
  }
  EXPECT_EQ(ids.size(), a.size());
  EXPECT_EQ(unlogged_records("other", snaps, lines)[0].id.find("unlogged:claude:other:"), 0u);
}

TEST(ReconcileTest, ReferenceWeightUsesPublishedRatios) {
  EXPECT_DOUBLE_EQ(reference_weight(TokenCounts{}), 0.0);
  // input 1, cache read 0.1, 5m write 1.25, 1h write 2, output 5.
  EXPECT_DOUBLE_EQ(reference_weight(TokenCounts{100, 1000, 300, 100, 10, 4}),
                   100 + 100 + 1.25 * 200 + 2 * 100 + 50);
}

}  // namespace
}  // namespace tally::store
