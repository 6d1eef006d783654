#pragma once

// Writes usage records into the SQLite ledger and keeps the 15-minute rollup exact.
//
// A new record is added to the rollup from here, as sums per (bucket, agent, model,
// project, cost source) written once per flush(), instead of by an SQLite trigger per row:
// on a cold ingest the trigger (one interpreted upsert per record) cost about a third of
// the commit time. Rows that already exist go through the full upsert, whose UPDATE fires
// the remaining triggers (migration 4's update and delete triggers stay for rewrites,
// repricing and reconciliation). Every insert into `usage` must go through a RecordWriter,
// and flush() must run before the transaction commits.

#include <map>
#include <string>
#include <tuple>

#include "core/result.h"
#include "core/usage.h"
#include "pricing/pricer.h"
#include "store/sqlite_db.h"

namespace tally::store {

class RecordWriter {
 public:
  // Prepares (cached) statements on `db`; call inside the writing transaction.
  static Result<RecordWriter> open(Database& db);

  // Inserts `r` priced as `cost`, or replaces the stored copy of the same id when `r` is
  // the better copy (core/usage.h better_copy). Returns whether a new row was inserted.
  Result<bool> write(const UsageRecord& r, const pricing::Cost& cost);

  // Adds the sums of the records inserted since the last flush to the rollup.
  Status flush();

 private:
  RecordWriter(Statement insert, Statement upsert, Statement rollup)
      : insert_(std::move(insert)), upsert_(std::move(upsert)), rollup_(std::move(rollup)) {}

  struct Sums {
    std::int64_t requests = 0;
    TokenCounts tokens;
    double cost_usd = 0;
    double standard_cost_usd = 0;
  };
  using Key = std::tuple<std::int64_t, Agent, std::string, std::string, CostSource>;

  Statement insert_;
  Statement upsert_;
  Statement rollup_;
  std::map<Key, Sums> pending_;
};

}  // namespace tally::store
