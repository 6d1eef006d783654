#pragma once

// The fixture the SQLite ledger's tests share: a fresh ledger file per test, with helpers to
// commit batches and read the results back.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_backend.h"
#include "test_ledger_support.h"

namespace tally::store::test {

class SqliteLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/ledger.db";
    auto opened = open_sqlite_ledger(path_);
    ASSERT_TRUE(opened) << opened.error().message;
    ledger_ = std::move(*opened);
  }

  // Commits `batches` and returns the stats (failing the test on error).
  CommitStats commit(std::vector<WriteBatch> batches, const FakePricer& pricer) {
    auto r = ledger_->commit(batches, pricer);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : CommitStats{};
  }
  CommitStats commit(std::vector<WriteBatch> batches) { return commit(std::move(batches), pricer_); }

  std::vector<AggregateRow> rows(const RecordFilter& filter = {}, const GroupBy& group = {}) {
    auto r = ledger_->aggregate(filter, group);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<AggregateRow>{};
  }

  // Totals over everything matching `filter`, whatever the cost source.
  AggregateRow total(const RecordFilter& filter = {}) {
    AggregateRow t;
    for (const AggregateRow& r : rows(filter)) {
      t.requests += r.requests;
      t.tokens += r.tokens;
      t.cost_usd += r.cost_usd;
    }
    return t;
  }

  std::int64_t count(const std::string& where) {
    return query_int(path_, "SELECT COUNT(*) FROM usage WHERE " + where);
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<Ledger> ledger_;
  FakePricer pricer_;
};

}  // namespace tally::store::test
