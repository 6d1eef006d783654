// The SQLite ledger as a file: see sqlite_check.h.
//
// The health check goes from the outside in, and stops where going on would only repeat
// what is already known: a file that is not SQLite has no pages to check, damaged pages
// make every sum over them meaningless, and a schema from another tally version has other
// columns. The content checks are the ones a damaged or buggy ledger fails in ways a user
// would see: the rollup that reports read (daily, models, projects) against the records
// that session views read, and the cursors against the logs that still exist (what a
// rebuild could not bring back).

#include "store/sqlite/sqlite_check.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "store/ledger.h"
#include "store/sqlite/first_load.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"

namespace tally::store {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Connection = std::unique_ptr<sqlite3, Closer>;

// SQLite's reason for a schema it cannot parse: its message, not an error code's string.
constexpr std::string_view kSchemaDamage = "malformed database schema";

Result<Connection> open_existing(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return fail(Errc::storage,
                fmt::format("cannot open {}: {}", path,
                            raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // A tally process writing meanwhile holds the lock for one commit at most.
  sqlite3_busy_timeout(raw, 60000);
  return db;
}

Result<Statement> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return fail(Errc::storage,
                fmt::format("sqlite: {} (preparing: {})", sqlite3_errmsg(db), sql.substr(0, 80)));
  }
  return Statement(db, stmt);
}

Result<std::int64_t> query_int(sqlite3* db, std::string_view sql) {
  auto stmt = prepare(db, sql);
  TALLY_TRY(stmt);
  auto has = stmt->step();
  TALLY_TRY(has);
  return *has ? stmt->int64(0) : 0;
}

void note(LedgerHealth& h, LedgerFinding::Level level, std::string what) {
  h.findings.push_back(LedgerFinding{level, std::move(what)});
}

void problem(LedgerHealth& h, std::string what) {
  h.damaged = true;
  note(h, LedgerFinding::Level::problem, std::move(what));
}

// The mark of a first load (first_load.h). Inspecting it writes nothing: a mark adopted
// here is released, not removed, and the next tally run finishes that load.
void check_first_load(const std::string& path, LedgerHealth& h) {
  auto mark = FirstLoadMark::inspect(path);
  if (!mark) {
    note(h, LedgerFinding::Level::problem, mark.error().message);
    return;
  }
  switch (mark->state()) {
    case FirstLoadMark::State::cut_by_restart:
      problem(h, FirstLoadMark::restart_message(path, mark->boot_id()));
      break;
    case FirstLoadMark::State::other_loader:
      note(h, LedgerFinding::Level::note,
           "its first load is running in another tally process; this check sees it midway");
      break;
    case FirstLoadMark::State::ours:
      note(h, LedgerFinding::Level::note,
           "its first load was stopped midway (the machine did not restart since, so nothing "
           "was lost): the next tally run reads on and finishes it");
      break;
    case FirstLoadMark::State::none:
      break;
  }
}

// PRAGMA quick_check / integrity_check: "ok", or up to 20 lines naming what is broken.
void check_pages(sqlite3* db, bool full, LedgerHealth& h) {
  const char* pragma = full ? "integrity_check" : "quick_check";
  auto stmt = prepare(db, fmt::format("PRAGMA {}(20)", pragma));
  // One message per row, though a row may hold several lines; the "*** in database main
  // ***" heading names no fault.
  std::vector<std::string> lines;
  Status run = stmt ? for_each_row(*stmt,
                                   [&] {
                                     std::istringstream row(stmt->text(0));
                                     for (std::string line; std::getline(row, line);) {
                                       if (!line.empty() && line.rfind("***", 0) != 0) {
                                         lines.push_back(line);
                                       }
                                     }
                                   })
                    : Status(Unexpected{stmt.error()});
  if (!run) {
    problem(h, fmt::format("the pages cannot be checked: {}", sqlite_fault_reason(run.error())));
    return;
  }
  if (lines.size() == 1 && lines[0] == "ok") {
    note(h, LedgerFinding::Level::ok,
         full ? "every page, index and row is intact (PRAGMA integrity_check)"
              : "every page is intact (PRAGMA quick_check; --full also compares the indexes)");
    return;
  }
  std::string first;
  for (size_t i = 0; i < lines.size() && i < 3; ++i) {
    first += (i > 0 ? "; " : "") + lines[i];
  }
  problem(h, fmt::format("damaged pages ({} fault{} found{}): {}", lines.size(),
                         lines.size() == 1 ? "" : "s", lines.size() >= 20 ? ", and maybe more" : "",
                         first));
}

// The rollup row key and its sums: requests, the six token columns, fast-mode requests, cost,
// standard cost.
using RollupKey = std::tuple<std::int64_t, std::string, std::string, std::string, std::string>;
struct RollupSums {
  std::array<std::int64_t, 8> counts{};
  double cost = 0;
  double standard_cost = 0;
};

Status read_sums(sqlite3* db, std::string_view sql, std::map<RollupKey, RollupSums>& out) {
  auto stmt = prepare(db, sql);
  TALLY_TRY(stmt);
  return for_each_row(*stmt, [&] {
    RollupSums& s =
        out[RollupKey{stmt->int64(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4)}];
    for (int i = 0; i < 8; ++i) {
      s.counts[static_cast<size_t>(i)] = stmt->int64(5 + i);
    }
    s.cost = stmt->real(13);
    s.standard_cost = stmt->real(14);
  });
}

// Costs are float sums taken in different orders (per commit, then by triggers on every
// update): equal within a millionth.
bool near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(a)); }

void check_rollup(sqlite3* db, LedgerHealth& h) {
  std::map<RollupKey, RollupSums> records;
  std::map<RollupKey, RollupSums> rollup;
  Status read =
      read_sums(db,
                fmt::format("SELECT (ts / {0}) * {0}, agent, model, project, cost_source, "
                            "COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), "
                            "SUM(cache_write_tokens), SUM(cache_write_1h_tokens), "
                            "SUM(output_tokens), SUM(reasoning_tokens), SUM({1}), "
                            "TOTAL(cost_usd), TOTAL(standard_cost_usd) FROM usage "
                            "GROUP BY 1, 2, 3, 4, 5",
                            kBucketMs, kFastModeSql),
                records);
  if (read) {
    read = read_sums(db,
                     "SELECT bucket, agent, model, project, cost_source, SUM(requests), "
                     "SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), "
                     "SUM(cache_write_1h_tokens), SUM(output_tokens), SUM(reasoning_tokens), "
                     "SUM(fast_requests), TOTAL(cost_usd), TOTAL(standard_cost_usd) "
                     "FROM usage_rollup "
                     "GROUP BY 1, 2, 3, 4, 5",
                     rollup);
  }
  if (!read) {
    problem(h, fmt::format("the records cannot be summed: {}", sqlite_fault_reason(read.error())));
    return;
  }
  // A rollup row that lost all its records (rewrites, reconciliation) stays, at zero.
  std::int64_t wrong = 0;
  std::string example;
  auto compare = [&](const RollupKey& key, const RollupSums& want, const RollupSums& got) {
    if (want.counts == got.counts && near(want.cost, got.cost) &&
        near(want.standard_cost, got.standard_cost)) {
      return;
    }
    if (++wrong == 1) {
      example = fmt::format(
          "{} {} at {}: {} requests and ${:.6f} in the records, {} and ${:.6f} "
          "in the rollup",
          std::get<1>(key), std::get<2>(key), std::get<0>(key), want.counts[0], want.cost,
          got.counts[0], got.cost);
    }
  };
  const RollupSums zero;
  for (const auto& [key, sums] : records) {
    auto it = rollup.find(key);
    compare(key, sums, it == rollup.end() ? zero : it->second);
  }
  for (const auto& [key, sums] : rollup) {
    if (records.find(key) == records.end()) {
      compare(key, zero, sums);
    }
  }
  if (wrong > 0) {
    problem(h, fmt::format("the rollup that reports read disagrees with the records in {} of {} "
                           "rows (e.g. {}): daily, models and projects show wrong totals",
                           wrong, std::max(records.size(), rollup.size()), example));
    return;
  }
  note(h, LedgerFinding::Level::ok,
       h.records == 0
           ? std::string("no records yet, and the rollup that reports read is empty too")
           : fmt::format("the rollup that reports read equals the sums of the {} records",
                         h.records));
}

void check_cursors(sqlite3* db, LedgerHealth& h) {
  std::unordered_set<std::string> gone;
  auto paths = prepare(db, "SELECT path FROM files WHERE machine = ''");  // this machine's
  Status read = paths ? for_each_row(*paths,
                                     [&] {
                                       ++h.files;
                                       const std::string path = paths->text(0);
                                       struct stat st {};
                                       if (::stat(path.c_str(), &st) != 0 &&
                                           (errno == ENOENT || errno == ENOTDIR)) {
                                         if (h.gone_examples.size() < 3) {
                                           h.gone_examples.push_back(path);
                                         }
                                         gone.insert(path);
                                       }
                                     })
                      : Status(Unexpected{paths.error()});
  if (read && !gone.empty()) {
    auto per_file =
        prepare(db, "SELECT source_file, COUNT(*) FROM usage WHERE kind = 'response' GROUP BY 1");
    read = per_file ? for_each_row(*per_file,
                                   [&] {
                                     if (gone.count(per_file->text(0)) > 0) {
                                       h.records_gone += per_file->int64(1);
                                     }
                                   })
                    : Status(Unexpected{per_file.error()});
  }
  if (!read) {
    problem(h,
            fmt::format("the files read cannot be listed: {}", sqlite_fault_reason(read.error())));
    return;
  }
  h.files_gone = static_cast<std::int64_t>(gone.size());
  if (h.files == 0) {
    note(h, LedgerFinding::Level::ok, "no log file has been read into it yet");
    return;
  }
  if (h.files_gone == 0) {
    note(h, LedgerFinding::Level::ok,
         fmt::format("every one of the {} log files read is still there", h.files));
    return;
  }
  note(h, LedgerFinding::Level::note,
       fmt::format("{} of the {} log files read are gone (the agent deleted them; e.g. {}): their "
                   "{} requests are only in this ledger now, which keeps them",
                   h.files_gone, h.files, h.gone_examples.front(), h.records_gone));
}

}  // namespace

LedgerFault sqlite_fault(const Error& e) {
  const std::string& m = e.message;
  if (m.find(sqlite3_errstr(SQLITE_CORRUPT)) != std::string::npos ||
      m.find(sqlite3_errstr(SQLITE_NOTADB)) != std::string::npos ||
      m.find(kSchemaDamage) != std::string::npos) {
    return LedgerFault::damaged;
  }
  if (m.find(sqlite3_errstr(SQLITE_FULL)) != std::string::npos) {
    return LedgerFault::full;
  }
  return LedgerFault::none;
}

std::string sqlite_fault_reason(const Error& e) {
  for (const char* reason : {sqlite3_errstr(SQLITE_CORRUPT), sqlite3_errstr(SQLITE_NOTADB),
                             sqlite3_errstr(SQLITE_FULL), kSchemaDamage.data()}) {
    if (e.message.find(reason) != std::string::npos) {
      return reason;
    }
  }
  // Anything else: the message without the statement it was running.
  std::string m = e.message;
  if (m.rfind("sqlite: ", 0) == 0) {
    m.erase(0, 8);
  }
  for (const char* tail : {" (in: ", " (preparing: "}) {
    if (const size_t at = m.find(tail); at != std::string::npos) {
      m.erase(at);
    }
  }
  return m;
}

LedgerHealth check_sqlite_ledger(const std::string& path, bool full) {
  LedgerHealth h;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      problem(h, fmt::format("cannot look at it: {}", std::strerror(errno)));
    }
    return h;
  }
  h.exists = true;
  // Read-write, as any tally run opens it: an interrupted write is rolled back first.
  auto db = open_existing(path, SQLITE_OPEN_READWRITE);
  if (!db) {
    problem(h, db.error().message);
    return h;
  }
  sqlite3* raw = db->get();
  // Reading the schema reads the header and the first pages: a file that is not SQLite (or
  // whose first page was overwritten) fails here.
  auto tables = query_int(raw, "SELECT COUNT(*) FROM sqlite_schema");
  auto version = tables ? query_int(raw, "PRAGMA user_version") : tables;
  if (!version) {
    problem(h, fmt::format("it cannot be read as an SQLite database ({}): it was overwritten, "
                           "cut short, or is not a ledger",
                           sqlite_fault_reason(version.error())));
    return h;
  }
  h.schema_version = *version;
  const auto known = static_cast<std::int64_t>(kMigrations.size());
  check_pages(raw, full, h);
  if (h.damaged) {
    note(h, LedgerFinding::Level::note, "its content was not checked: the pages are damaged");
    check_first_load(path, h);
    return h;
  }
  check_first_load(path, h);
  if (h.schema_version > known) {
    h.newer = true;
    note(h, LedgerFinding::Level::problem,
         fmt::format("it was written by a newer tally (schema version {}; this tally knows up to "
                     "{}): upgrade tally; this one must not change it",
                     h.schema_version, known));
    return h;
  }
  if (*tables == 0) {
    note(h, LedgerFinding::Level::ok, "it is empty: nothing has been read into it yet");
    return h;
  }
  if (h.schema_version < known) {
    note(h, LedgerFinding::Level::note,
         fmt::format("its schema version is {}: the next tally run upgrades it to {} (its "
                     "content is checked after that)",
                     h.schema_version, known));
    return h;
  }
  note(h, LedgerFinding::Level::ok, fmt::format("schema version {}, as expected", known));
  auto records = query_int(raw, "SELECT COUNT(*) FROM usage");
  if (!records) {
    problem(h,
            fmt::format("its records cannot be counted: {}", sqlite_fault_reason(records.error())));
    return h;
  }
  h.records = *records;
  check_rollup(raw, h);
  check_cursors(raw, h);
  auto dirty = query_int(raw, "SELECT COUNT(*) FROM dirty_sessions");
  if (dirty && *dirty > 0) {
    note(h, LedgerFinding::Level::note,
         fmt::format("{} sessions wait to have their unlogged spend settled: the next tally run "
                     "does it (a run was stopped before its end)",
                     *dirty));
  }
  return h;
}

Status consolidate_sqlite_ledger(const std::string& path) {
  auto db = open_existing(path, SQLITE_OPEN_READWRITE);
  TALLY_TRY(db);
  // The first read rolls back a hot journal and opens the WAL; leaving WAL mode then
  // checkpoints all of it into the file and deletes it.
  TALLY_TRY(query_int(db->get(), "SELECT COUNT(*) FROM sqlite_schema"));
  auto mode = prepare(db->get(), "PRAGMA journal_mode=DELETE");
  TALLY_TRY(mode);
  auto row = mode->step();
  TALLY_TRY(row);
  if (!*row || mode->text(0) != "delete") {
    return fail(Errc::storage, fmt::format("cannot take {} out of WAL mode (another process "
                                           "has it open)",
                                           path));
  }
  return ok();
}

Result<LedgerDifference> compare_sqlite_ledgers(const std::string& old_path,
                                                const std::string& new_path) {
  // Attached databases inherit the read-only flag: neither file is written.
  auto db = open_existing(new_path, SQLITE_OPEN_READONLY);
  TALLY_TRY(db);
  sqlite3* raw = db->get();
  auto attach = prepare(raw, "ATTACH DATABASE ?1 AS old");
  TALLY_TRY(attach);
  attach->bind(1, old_path);
  TALLY_TRY(attach->run());
  LedgerDifference d;
  auto n = query_int(raw, "SELECT COUNT(*) FROM old.usage WHERE kind = 'response'");
  TALLY_TRY(n);
  d.old_records = *n;
  n = query_int(raw, "SELECT COUNT(*) FROM main.usage WHERE kind = 'response'");
  TALLY_TRY(n);
  d.new_records = *n;
  n = query_int(raw,
                "SELECT COUNT(*) FROM old.usage o WHERE o.kind = 'response' AND NOT EXISTS "
                "(SELECT 1 FROM main.usage n WHERE n.id = o.id)");
  TALLY_TRY(n);
  d.only_in_old = *n;
  n = query_int(raw,
                "SELECT COUNT(*) FROM old.files o WHERE NOT EXISTS "
                "(SELECT 1 FROM main.files n WHERE n.path = o.path)");
  TALLY_TRY(n);
  d.old_files_not_read = *n;
  return d;
}

}  // namespace tally::store
