#pragma once

// A constructed ledger for the session anatomy tests (session_view_test.cc and the golden
// test): one Claude session with a sub-agent, two gaps and an unlogged record; a second
// Claude session sharing its id's start; a Codex session whose sub-agent has an id of its
// own.
//
//   sess-1111            facts 09:59 .. next day 09:01:30; records 10:00 10:05 10:10 12:00
//                        12:03 (unlogged) and next day 09:00 09:01 (effort low)
//   sess-1111/agent-a1   records 10:06 10:08
//   sess-1112            one record the day before
//   cdx-root, cdx-child  one record each (Codex)

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "pricing/factory.h"
#include "store/sqlite/sqlite_backend.h"

namespace tally::analytics::test {

inline TimeMs at(const char* iso) { return *parse_iso8601(iso); }
inline constexpr std::int64_t kMinute = 60 * 1000;
inline const std::string kModel = "claude-opus-4-8";

inline UsageRecord record(const std::string& id, const char* ts, const std::string& session,
                          const std::string& parent = "", const std::string& effort = "high",
                          Agent agent = Agent::claude) {
  UsageRecord r;
  r.id = id;
  r.agent = agent;
  r.ts = at(ts);
  r.session_id = session;
  r.parent_session_id = parent;
  r.project = "/w/app";
  r.model = agent == Agent::claude ? kModel : "gpt-5.5";
  r.effort = effort;
  r.tokens.input = 100;
  r.tokens.cache_read = 700;
  r.tokens.cache_write = agent == Agent::claude ? 100 : 0;
  r.tokens.output = agent == Agent::claude ? 100 : 200;
  r.source_file = "/logs/" + session + ".jsonl";
  return r;
}

inline SessionFacts facts(const std::string& session, const char* first, const char* last,
                          const std::string& parent = "", Agent agent = Agent::claude) {
  SessionFacts f;
  f.agent = agent;
  f.session_id = session;
  f.parent_session_id = parent;
  f.file_key = session + ".jsonl";
  f.project = "/w/app";
  f.first_ts = at(first);
  f.last_ts = at(last);
  return f;
}

class SessionLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = store::open_sqlite_ledger(":memory:");
    ASSERT_TRUE(ledger) << ledger.error().message;
    ledger_ = std::move(*ledger);
    pricer_ = pricing::make_builtin_pricer();

    SessionFacts root = facts("sess-1111", "2026-11-20T09:59:00Z", "2026-11-21T09:01:30Z");
    root.title = "Fix the parser";
    root.user_prompts = 3;
    root.commands = 1;
    root.responses = 6;
    root.tool_calls = {{"Bash", 2}, {"Edit", 2}};
    root.edit_calls = 2;
    root.shell_calls = 2;
    root.files_touched = {"/w/b.cc"};
    root.compactions = 1;
    root.compaction_tokens = {150000};
    root.lines_added = 10;
    root.lines_removed = 2;
    UsageRecord unlogged = record("u1", "2026-11-20T12:03:00Z", "sess-1111");
    unlogged.kind = RecordKind::unlogged;
    add(root, {record("r1", "2026-11-20T10:00:00Z", "sess-1111"),
               record("r2", "2026-11-20T10:05:00Z", "sess-1111"),
               record("r3", "2026-11-20T10:10:00Z", "sess-1111"),
               record("r4", "2026-11-20T12:00:00Z", "sess-1111"), unlogged,
               record("r6", "2026-11-21T09:00:00Z", "sess-1111", "", "low"),
               record("r7", "2026-11-21T09:01:00Z", "sess-1111", "", "low")});

    SessionFacts sub =
        facts("sess-1111/agent-a1", "2026-11-20T10:06:00Z", "2026-11-20T10:08:00Z", "sess-1111");
    sub.tool_calls = {{"Bash", 1}, {"Write", 1}};
    sub.shell_calls = 1;
    sub.edit_calls = 1;
    sub.files_touched = {"/w/a.cc"};
    sub.responses = 2;
    add(sub, {record("a1", "2026-11-20T10:06:00Z", "sess-1111/agent-a1", "sess-1111"),
              record("a2", "2026-11-20T10:08:00Z", "sess-1111/agent-a1", "sess-1111")});

    add(facts("sess-1112", "2026-11-19T08:00:00Z", "2026-11-19T08:01:00Z"),
        {record("o1", "2026-11-19T08:01:00Z", "sess-1112")});

    add(facts("cdx-root", "2026-11-20T10:00:00Z", "2026-11-20T10:02:00Z", "", Agent::codex),
        {record("c1", "2026-11-20T10:01:00Z", "cdx-root", "", "medium", Agent::codex)});
    add(facts("cdx-child", "2026-11-20T10:00:30Z", "2026-11-20T10:01:30Z", "cdx-root",
              Agent::codex),
        {record("c2", "2026-11-20T10:01:10Z", "cdx-child", "cdx-root", "medium", Agent::codex)});
  }

  void add(SessionFacts f, std::vector<UsageRecord> records) {
    store::WriteBatch batch;
    batch.cursor.path = "/logs/" + f.file_key;
    batch.records = std::move(records);
    batch.sessions.push_back(std::move(f));
    std::vector<store::WriteBatch> batches;
    batches.push_back(std::move(batch));
    auto committed = ledger_->commit(batches, *pricer_);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  std::unique_ptr<store::Ledger> ledger_;
  std::unique_ptr<pricing::Pricer> pricer_;
};

}  // namespace tally::analytics::test
