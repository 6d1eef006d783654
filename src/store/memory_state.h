#pragma once

// What the in-memory backend keeps (memory_backend.h): the rows of each table in ordered
// maps keyed as the SQLite tables are, and the queries over them (memory_queries.cc).

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/problem.h"
#include "core/session_facts.h"
#include "core/usage.h"
#include "pricing/pricer.h"
#include "store/backend.h"
#include "store/ledger.h"

namespace tally::store {

struct StoredRecord {
  UsageRecord record;
  pricing::Cost cost;
};

struct StoredFacts {
  std::string path;
  SessionFacts facts;
};

struct MemoryState {
  std::map<std::string, StoredRecord> records;                          // by id
  std::map<std::pair<std::string, std::string>, FileCursor> files;      // machine, path
  std::map<std::pair<std::string, std::string>, std::int64_t> streams;  // machine, source
  // machine, source file, offset, model
  std::map<std::tuple<std::string, std::string, std::int64_t, std::string>, CumulativeSnapshot>
      snapshots;
  // machine, agent, session, file key
  std::map<std::tuple<std::string, Agent, std::string, std::string>, StoredFacts> facts;
  // machine, path, line
  std::map<std::tuple<std::string, std::string, std::int64_t>, ParseProblem> problems;
  std::set<SessionKey> dirty;
  std::map<std::string, std::string> meta;
};

// The Backend queries of backend.h over a state (memory_queries.cc).
std::vector<AggregateRow> memory_aggregate(const MemoryState& s, const RecordFilter& filter,
                                           const GroupBy& group);
std::vector<UsageEvent> memory_events(const MemoryState& s, const RecordFilter& filter);
std::vector<TimeMs> memory_active_buckets(const MemoryState& s, std::optional<TimeMs> since);
std::vector<PriceCheckRow> memory_price_check(const MemoryState& s);

}  // namespace tally::store
