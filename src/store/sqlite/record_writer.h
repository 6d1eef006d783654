#pragma once

// Writes usage records into the SQLite ledger and keeps the 15-minute rollup exact.
//
// A new record is added to the rollup from here, as sums per (bucket, agent, model,
// project, cost source, user, machine, team) written once per flush(), instead of by an SQLite
// trigger per row: on a cold ingest the trigger (one interpreted upsert per record) cost about a
// third of the commit time. Rows that already exist go through the full upsert, whose UPDATE fires
// the update trigger (a record's keys or tokens rewritten) and deletes fire the delete trigger.
// An update of a record's price alone fires no trigger (migration 9): recost() moves the
// row's sums in the pending map instead. Every insert into `usage` and every price-only update
// must go through a RecordWriter, and flush() must run before the transaction commits and
// before any statement that fires a rollup trigger.

#include <map>
#include <string>
#include <tuple>

#include "core/result.h"
#include "core/usage.h"
#include "pricing/pricer.h"
#include "store/sqlite/sqlite_db.h"

namespace tally::store {

class RecordWriter {
 public:
  // Prepares (cached) statements on `db`; call inside the writing transaction.
  static Result<RecordWriter> open(Database& db);

  // Inserts `r` priced as `cost` when its id is not stored. Returns whether it was; when
  // not, nothing changed.
  Result<bool> insert(const UsageRecord& r, const pricing::Cost& cost);
  // Replaces the stored row of r.id with `r` priced as `cost` (the caller decided that `r`
  // is the better copy).
  Status replace(const UsageRecord& r, const pricing::Cost& cost);

  // Moves the sums of a stored row (`row` as stored, its old price `old_*`) from its old price
  // to `cost`; the caller updates the row's price columns itself.
  void recost(const UsageRecord& row, CostSource old_source, double old_usd,
              double old_standard_usd, const pricing::Cost& cost);

  // Adds the sums of the records inserted or repriced since the last flush to the rollup.
  Status flush();

 private:
  RecordWriter(Statement insert, Statement replace, Statement rollup)
      : insert_(std::move(insert)), replace_(std::move(replace)), rollup_(std::move(rollup)) {}

  struct Sums {
    std::int64_t requests = 0;
    std::int64_t fast_requests = 0;  // core/usage.h in_fast_mode()
    TokenCounts tokens;
    double cost_usd = 0;
    double standard_cost_usd = 0;
  };
  using Key = std::tuple<std::int64_t, Agent, std::string, std::string, CostSource, std::string,
                         std::string, std::string>;
  // The pending sums of r's rollup row when priced from `source`.
  Sums& sums_of(const UsageRecord& r, CostSource source);

  Statement insert_;
  Statement replace_;
  Statement rollup_;
  std::map<Key, Sums> pending_;
};

}  // namespace tally::store
