// `tally statusline`'s parts: the hook JSON and the bounded stdin read
// (sources/claude_hook.h), the context window and the facts gathered from a constructed
// ledger (analytics/status.h), and the line itself (render/status_renderer.h). Prices come from the
// store tests' FakePricer: $1 per input token, $10 per output token, cache tokens free.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../store/test_ledger_support.h"
#include "analytics/blocks.h"
#include "analytics/status.h"
#include "core/time.h"
#include "render/status_renderer.h"
#include "sources/claude_hook.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::cli {
namespace {

using analytics::context_window_for;
using analytics::current_block;
using analytics::gather_status;
using analytics::StatusFacts;
using render::format_status;
using sources::HookInput;
using sources::parse_hook;
using sources::read_input;

TimeMs at(const char* iso) { return *parse_iso8601(iso); }
constexpr TimeMs kHour = 60LL * 60 * 1000;

TEST(ParseHookTest, ReadsTheFieldsItUsesAndIgnoresTheRest) {
  auto hook = parse_hook(R"({"hook_event_name":"Status","session_id":"abc-123",
    "transcript_path":"/home/u/.claude/projects/-x/abc-123.jsonl","cwd":"/home/u/x",
    "model":{"id":"claude-opus-4-8","display_name":"Opus"},
    "workspace":{"current_dir":"/home/u/x","project_dir":"/home/u/x"},"version":"2.1.330",
    "output_style":{"name":"default"},"cost":{"total_cost_usd":1.23,"total_duration_ms":45000},
    "context_window":{"context_window_size":200000,"total_input_tokens":15234},
    "exceeds_200k_tokens":false,"something_new":[1,2,{"x":null}]})");
  ASSERT_TRUE(hook) << hook.error().message;
  EXPECT_EQ(hook->session_id, "abc-123");
  EXPECT_EQ(hook->transcript_path, "/home/u/.claude/projects/-x/abc-123.jsonl");
  EXPECT_EQ(hook->cwd, "/home/u/x");
  EXPECT_EQ(hook->model_id, "claude-opus-4-8");
  EXPECT_EQ(hook->model_name, "Opus");
  ASSERT_TRUE(hook->agent_cost_usd);
  EXPECT_DOUBLE_EQ(*hook->agent_cost_usd, 1.23);
  ASSERT_TRUE(hook->context_window_size);
  EXPECT_EQ(*hook->context_window_size, 200000);
}

TEST(ParseHookTest, MissingOrMistypedFieldsAreLeftEmpty) {
  auto empty = parse_hook("{}");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->session_id, "");
  EXPECT_EQ(empty->model_id, "");
  EXPECT_FALSE(empty->agent_cost_usd);
  EXPECT_FALSE(empty->context_window_size);

  auto odd = parse_hook(
      R"({"session_id":5,"transcript_path":null,"model":"claude-haiku-4-5","cost":"free",
          "context_window":{"context_window_size":-1}})");
  ASSERT_TRUE(odd) << odd.error().message;
  EXPECT_EQ(odd->session_id, "");
  EXPECT_EQ(odd->transcript_path, "");
  EXPECT_EQ(odd->model_id, "claude-haiku-4-5");  // older hooks: model as a plain string
  EXPECT_FALSE(odd->agent_cost_usd);
  EXPECT_FALSE(odd->context_window_size);
}

TEST(ParseHookTest, GarbageIsAParseError) {
  for (const char* bad : {"", "not json", "[1,2,3]", "\"s\"", "{\"session_id\":", "{} {}"}) {
    auto hook = parse_hook(bad);
    ASSERT_FALSE(hook) << bad;
    EXPECT_EQ(hook.error().code, Errc::parse) << bad;
  }
}

// A pipe holding `text`, its write end closed when `close_writer`.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe(const std::string& text, bool close_writer) {
    EXPECT_EQ(::pipe(fds), 0);
    EXPECT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    if (close_writer) {
      ::close(fds[1]);
      fds[1] = -1;
    }
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
};

TEST(ReadInputTest, ReadsToEndOfInput) {
  Pipe p("{\"session_id\":\"x\"}", true);
  auto in = read_input(p.fds[0], 1000, 5000);
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(*in, "{\"session_id\":\"x\"}");
}

TEST(ReadInputTest, RefusesInputOverTheCap) {
  Pipe p(std::string(5000, 'x'), true);
  auto in = read_input(p.fds[0], 4096, 5000);
  ASSERT_FALSE(in);
  EXPECT_NE(in.error().message.find("over 4096 bytes"), std::string::npos);
}

TEST(ReadInputTest, GivesUpWhenTheWriterNeverFinishes) {
  Pipe p("{\"session", false);  // writer still open: no end of input
  auto in = read_input(p.fds[0], 4096, 100);
  ASSERT_FALSE(in);
  EXPECT_NE(in.error().message.find("timed out"), std::string::npos);
}

TEST(ContextWindowTest, KnownModelsAndTheOneMillionSuffix) {
  EXPECT_EQ(context_window_for("claude-opus-4-8"), 1'000'000);
  EXPECT_EQ(context_window_for("claude-sonnet-4-6"), 1'000'000);
  EXPECT_EQ(context_window_for("claude-opus-4-5-20251101"), 200'000);
  EXPECT_EQ(context_window_for("claude-haiku-4-5-20251001"), 200'000);
  EXPECT_EQ(context_window_for("claude-sonnet-4-5"), 200'000);
  EXPECT_EQ(context_window_for("claude-sonnet-4-5[1m]"), 1'000'000);
  EXPECT_EQ(context_window_for("gpt-5.4"), std::nullopt);
  EXPECT_EQ(context_window_for(""), std::nullopt);
}

TEST(FormatStatusTest, TheFullLine) {
  StatusFacts f;
  f.model = "Opus";
  f.session_found = true;
  f.session_cost = 4.123;
  f.today_cost = 38.9;
  f.burn_per_hour = 12.4;
  f.context_tokens = 122'000;
  f.context_window = 200'000;
  EXPECT_EQ(format_status(f, false),
            "Opus · $4.12 session · $38.90 today · $12.40/h · ctx 61% (122k/200k)");
}

TEST(FormatStatusTest, UnknownWindowUnpricedSpendAndMissingParts) {
  StatusFacts f;
  f.model = "gpt-x";
  f.session_found = true;
  f.session_cost = 1;
  f.session_unpriced = true;
  f.today_cost = 2;
  f.context_tokens = 122'400;
  EXPECT_EQ(format_status(f, false), "gpt-x · $1.00+? session · $2.00 today · ctx 122k");

  StatusFacts bare;  // no session, no block, no context: today only
  EXPECT_EQ(format_status(bare, false), "$0.00 today");
}

TEST(FormatStatusTest, ContextPercentRoundsAndColoursByFill) {
  StatusFacts f;
  f.context_tokens = 850'000;
  f.context_window = 1'000'000;
  EXPECT_EQ(format_status(f, false), "$0.00 today · ctx 85% (850k/1M)");
  const std::string coloured = format_status(f, true);
  EXPECT_NE(coloured.find("\033[31m85%\033[0m"), std::string::npos) << coloured;
  EXPECT_EQ(format_status(f, false).find('\033'), std::string::npos);
}

class GatherStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    auto zone = Zone::use("UTC");
    ASSERT_TRUE(zone);
    zone_ = std::move(*zone);
  }

  void add(UsageRecord r) {
    store::WriteBatch batch;
    batch.cursor.path = "/logs/batch-" + std::to_string(n_++);
    batch.records.push_back(std::move(r));
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  UsageRecord rec(const std::string& id, const char* ts, std::int64_t input, std::int64_t output,
                  const std::string& session) {
    return store::test::record(id, at(ts), input, output, session, "claude-opus-4-5");
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::optional<Zone> zone_;
  store::test::FakePricer pricer_;
  int n_ = 0;
};

TEST_F(GatherStatusTest, SessionTodayBurnAndContextFromTheLedger) {
  // Yesterday: counts for the session, not for today.
  add(rec("a", "2026-11-19T22:00:00Z", 3, 0, "sess-1"));
  // Today, in one block starting 10:00 (first record 10:30).
  UsageRecord b = rec("b", "2026-11-20T10:30:00Z", 10, 1, "sess-1");  // $20
  b.tokens.cache_read = 50'000;
  add(b);
  UsageRecord c = rec("c", "2026-11-20T11:30:00Z", 20, 2, "sess-1");  // $40
  c.tokens.cache_read = 90'000;
  c.tokens.cache_write = 30'000;
  add(c);
  // A sub-agent after the last main-chain response: its cost counts, its context does not.
  UsageRecord sub = rec("d", "2026-11-20T11:45:00Z", 5, 0, "agent-7");  // $5
  sub.parent_session_id = "sess-1";
  sub.tokens.cache_read = 999'000;
  add(sub);
  // Another session whose id starts with this one's, and another agent's spend today.
  add(rec("e", "2026-11-20T11:50:00Z", 100, 0, "sess-10"));  // $100
  const TimeMs now = at("2026-11-20T12:30:00Z");

  HookInput hook;
  hook.session_id = "sess-1";
  hook.model_id = "claude-opus-4-5";
  hook.model_name = "Opus";
  auto f = gather_status(*ledger_, *zone_, hook, now);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(f->session_found);
  EXPECT_DOUBLE_EQ(f->session_cost, 3 + 20 + 40 + 5);
  EXPECT_FALSE(f->session_unpriced);
  EXPECT_DOUBLE_EQ(f->today_cost, 20 + 40 + 5 + 100);
  ASSERT_TRUE(f->context_tokens);
  EXPECT_EQ(*f->context_tokens, 20 + 90'000 + 30'000);  // record c: input + cache read + write
  EXPECT_EQ(f->context_window, 200'000);
  // The active block [10:00, 15:00): $165 from 10:30 to now (2 h).
  ASSERT_TRUE(f->burn_per_hour);
  EXPECT_DOUBLE_EQ(*f->burn_per_hour, 165.0 / 2.0);
  EXPECT_EQ(format_status(*f, false),
            "Opus · $68.00 session · $165.00 today · $82.50/h · ctx 60% (120k/200k)");

  hook.context_window_size = 1'000'000;  // the hook's own window wins over the model's
  auto wide = gather_status(*ledger_, *zone_, hook, now);
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->context_window, 1'000'000);
}

TEST_F(GatherStatusTest, NewSessionAndIdleLedger) {
  add(rec("a", "2026-11-20T01:00:00Z", 3, 0, "old"));
  HookInput hook;
  hook.session_id = "brand-new";
  auto f = gather_status(*ledger_, *zone_, hook, at("2026-11-20T12:00:00Z"));
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_FALSE(f->session_found);
  EXPECT_FALSE(f->context_tokens);
  EXPECT_FALSE(f->burn_per_hour);  // last record 11 h ago: no active block
  EXPECT_DOUBLE_EQ(f->today_cost, 3);
  EXPECT_EQ(format_status(*f, false), "$3.00 today");
}

TEST_F(GatherStatusTest, CurrentBlockMatchesTheWholeHistoryAcrossLongRuns) {
  // A record every 2.5 hours for 3 days: no 5-hour gap, so the chain of blocks from the
  // very first record decides where the active block starts (starting the chain at the
  // first record of the last 24 hours would put it at 00:00 instead of 03:00).
  const TimeMs first = at("2026-11-17T00:20:00Z");
  constexpr TimeMs kStep = 150 * 60 * 1000;
  for (int i = 0; i < 31; ++i) {
    add(store::test::record("r" + std::to_string(i), first + i * kStep, 1 + i, 0,
                            "s" + std::to_string(i)));
  }
  const TimeMs now = first + 30 * kStep + 30 * 60 * 1000;
  auto all = ledger_->events(store::RecordFilter{});
  ASSERT_TRUE(all);
  const std::vector<analytics::Block> blocks = analytics::build_blocks(*all, now);
  const analytics::Block* expected = analytics::active_block(blocks);
  ASSERT_NE(expected, nullptr);

  auto got = current_block(*ledger_, now);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(*got);
  EXPECT_EQ(expected->start, at("2026-11-20T03:00:00Z"));
  EXPECT_EQ((*got)->start, expected->start);
  EXPECT_EQ((*got)->requests, expected->requests);
  EXPECT_DOUBLE_EQ((*got)->cost_usd, expected->cost_usd);
}

TEST_F(GatherStatusTest, CurrentBlockMatchesTheWholeHistoryWhateverTheGaps) {
  // current_block looks back only to the latest gap of 5 hours between records. Gaps just
  // under, at and over 5 hours, runs longer than its first look-back (2 days) and quiet
  // days; checked live, as a statusline sees it (every record so far at or before `now`):
  // always the block the whole history gives.
  std::uint64_t state = 12345;
  auto next = [&state](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  constexpr TimeMs kMinute = 60 * 1000;
  std::vector<TimeMs> times{at("2026-10-01T07:13:00Z")};
  for (int i = 1; i < 500; ++i) {
    const std::uint64_t kind = next(100);
    TimeMs gap = static_cast<TimeMs>(1 + next(150)) * kMinute;  // busy
    if (kind >= 92) {
      gap = static_cast<TimeMs>(6 + next(70)) * kHour;  // a night or a weekend
    } else if (kind >= 80) {
      gap = 5 * kHour + (static_cast<TimeMs>(next(61)) - 30) * kMinute;  // about 5 hours
    }
    times.push_back(times.back() + gap);
  }
  int active = 0;
  int checked = 0;
  for (size_t i = 0; i + 1 < times.size(); ++i) {
    add(store::test::record("g" + std::to_string(i), times[i], 1 + static_cast<int>(i % 7), 0,
                            "s" + std::to_string(i)));
    if (next(3) != 0) {
      continue;
    }
    const TimeMs now = times[i] + static_cast<TimeMs>(next(1000)) *
                                      ((times[i + 1] - times[i]) / 1000);  // before the next
    auto all = ledger_->events(store::RecordFilter{});
    ASSERT_TRUE(all);
    const std::vector<analytics::Block> blocks = analytics::build_blocks(*all, now);
    const analytics::Block* expected = analytics::active_block(blocks);
    auto got = current_block(*ledger_, now);
    ASSERT_TRUE(got) << got.error().message;
    ++checked;
    ASSERT_EQ(expected != nullptr, got->has_value()) << "now " << now;
    if (expected != nullptr) {
      ++active;
      EXPECT_EQ((*got)->start, expected->start) << "now " << now;
      EXPECT_EQ((*got)->requests, expected->requests) << "now " << now;
    }
  }
  EXPECT_GT(checked, 100);
  EXPECT_GT(active, 50);  // the moments exercise active blocks, not just idle time
}

}  // namespace
}  // namespace tally::cli
