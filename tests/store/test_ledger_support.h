#pragma once

// Test support for the ledger: a FakePricer, record/batch builders, a throw-away directory
// and a read-only peek into a ledger file with the SQLite C API.

#include <fmt/format.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "pricing/pricer.h"
#include "store/ledger.h"

namespace tally::store::test {

// Prices `usd_per_input` dollars per input token and 10x that per output token. Models whose
// name starts with "unknown" are not in its table: they take the record's reported cost
// (agent-reported) or none (unpriced). A model called "poison" prices as NaN, which SQLite
// stores as NULL, so a commit holding it fails (to test atomicity).
class FakePricer final : public pricing::Pricer {
 public:
  explicit FakePricer(std::string fingerprint = "fake-1", double usd_per_input = 1.0)
      : fingerprint_(std::move(fingerprint)), usd_per_input_(usd_per_input) {}

  pricing::Cost price(const UsageRecord& r) const override {
    ++calls_;
    pricing::Cost c;
    if (r.model == "poison") {
      c.usd = std::numeric_limits<double>::quiet_NaN();
      c.source = CostSource::computed;
      return c;
    }
    if (r.model.rfind("unknown", 0) == 0) {
      if (r.reported_cost_usd) {
        c.usd = *r.reported_cost_usd;
        c.standard_usd = c.usd;
        c.source = CostSource::agent_reported;
      }
      return c;
    }
    c.usd = usd_per_input_ * static_cast<double>(r.tokens.input) +
            10 * usd_per_input_ * static_cast<double>(r.tokens.output);
    c.standard_usd = c.usd;  // nothing here runs fast
    c.source = CostSource::computed;
    c.priced_as = r.model;
    return c;
  }
  std::string fingerprint() const override { return fingerprint_; }
  std::int64_t calls() const { return calls_; }

 private:
  std::string fingerprint_;
  double usd_per_input_;
  mutable std::atomic<std::int64_t> calls_{0};
};

inline UsageRecord record(const std::string& id, TimeMs ts, std::int64_t input, std::int64_t output,
                          const std::string& session = "s1", const std::string& model = "opus") {
  UsageRecord r;
  r.id = id;
  r.agent = Agent::claude;
  r.ts = ts;
  r.session_id = session;
  r.project = "/work/app";
  r.model = model;
  r.tokens.input = input;
  r.tokens.output = output;
  r.source_file = "/logs/" + session + ".jsonl";
  return r;
}

inline CumulativeSnapshot snapshot(const std::string& session, TimeMs ts, std::int64_t input,
                                   std::int64_t output, std::int64_t offset,
                                   const std::string& model = "opus",
                                   std::optional<double> cost = std::nullopt,
                                   const std::string& file = "") {
  CumulativeSnapshot s;
  s.agent = Agent::claude;
  s.session_id = session;
  s.model = model;
  s.ts = ts;
  s.tokens.input = input;
  s.tokens.output = output;
  s.cost_usd = cost;
  s.source_file = file.empty() ? "/logs/" + session + ".jsonl" : file;
  s.source_offset = offset;
  return s;
}

inline FileCursor cursor_at(const std::string& path, std::int64_t offset, std::int64_t lines = 1,
                            std::uint64_t inode = 7) {
  FileCursor c;
  c.path = path;
  c.agent = Agent::claude;
  c.device = 1;
  c.inode = inode;
  c.size = offset;
  c.mtime_ns = offset * 1000;
  c.offset = offset;
  c.lines = lines;
  c.head_hash = 42;
  c.head_len = std::min<std::int64_t>(offset, 4096);
  c.parser_state = fmt::format("v=1\noffset={}\n", offset);
  return c;
}

inline WriteBatch batch(const FileCursor& to, std::optional<FileCursor> base,
                       std::vector<UsageRecord> records = {},
                       std::vector<CumulativeSnapshot> snapshots = {}) {
  WriteBatch b;
  b.cursor = to;
  b.base = std::move(base);
  b.records = std::move(records);
  b.snapshots = std::move(snapshots);
  return b;
}

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tally-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `sql` (one row, one integer column) on the ledger file at `path`; -1 on any error.
inline std::int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t out = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
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

inline double query_double(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  double out = std::nan("");
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = sqlite3_column_double(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

inline std::string query_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out = "<error>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* p = sqlite3_column_text(stmt, 0);
      out = p == nullptr ? "<null>" : reinterpret_cast<const char*>(p);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace tally::store::test
