// Crash safety and concurrency of the real tally binary (issue 5):
//
// * Kill tally with SIGKILL at many moments of an ingest, run it again: the totals (and the
//   whole ledger, row for row) are those of an uninterrupted run.
// * Several tally processes at once on one ledger all succeed, never "database is locked",
//   and the totals are right, also while the logs grow under them.
//
// The corpus is the derived real fixture tree (tests/data/real-logs/home) replicated many
// times with different ids, so an ingest takes long enough to be cut at many points.
// Scale knobs for experiments (the defaults are what CI runs): TALLY_CRASH_COPIES,
// TALLY_CRASH_PAD, TALLY_CRASH_KILLS, TALLY_CRASH_COLD_ROUNDS, TALLY_CRASH_FIRST_ROUNDS;
// TALLY_CRASH_KEEP_CORPUS keeps the corpus for a look by hand; TALLY_CRASH_BINARY runs another
// tally (a deliberately broken one, to see the test fail).

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kFixtures = std::string(TALLY_TESTDATA) + "/real-logs";

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Appends with one write(2), so a concurrent reader sees either none or all of `data` (up to
// where the kernel is), like an agent appending a line.
void append_raw(const fs::path& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);
}

class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = fs::temp_directory_path() /
            fmt::format("tally-crash-{}-{}-{}", ::getpid(), tag, counter_++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    if (keep_) {
      return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void keep() { keep_ = true; }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
  bool keep_ = false;
};

// The tally under test: the one built with this test, or TALLY_CRASH_BINARY (to check that
// the test catches a deliberately broken build).
std::string binary() {
  const char* v = std::getenv("TALLY_CRASH_BINARY");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(TALLY_BINARY);
}

// ---------------------------------------------------------------------------------------
// Running tally: posix_spawn with a clean environment, output to files, so the test has the
// pid (to kill it) and never deadlocks on a pipe.

struct Outcome {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  double seconds = 0;
};

class Tally {
 public:
  Tally(const std::string& home, const std::string& data_dir, const std::vector<std::string>& args,
        const fs::path& scratch, const std::vector<std::string>& extra_env = {}) {
    static int counter = 0;
    const int n = counter++;
    out_ = scratch / fmt::format("run-{}.out", n);
    err_ = scratch / fmt::format("run-{}.err", n);
    std::vector<std::string> env = {"HOME=" + home, "TALLY_DATA_DIR=" + data_dir, "TZ=UTC",
                                    "PATH=/usr/bin:/bin"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    // A pinned clock: runs compared with each other print the same "as of" and windows
    // whenever the minute turns between them (the windows are exact to the millisecond).
    if (std::none_of(extra_env.begin(), extra_env.end(),
                     [](const std::string& e) { return e.rfind("TALLY_NOW=", 0) == 0; })) {
      env.push_back("TALLY_NOW=2026-11-23T12:00:00Z");
    }
    std::vector<std::string> argv = {binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (std::string& a : argv) {
      cargv.push_back(a.data());
    }
    cargv.push_back(nullptr);
    std::vector<char*> cenv;
    for (std::string& e : env) {
      cenv.push_back(e.data());
    }
    cenv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    start_ = Clock::now();
    if (posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, cargv.data(), cenv.data()) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  Tally(const Tally&) = delete;
  Tally& operator=(const Tally&) = delete;
  ~Tally() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return pid_ > 0; }
  Clock::time_point start() const { return start_; }

  // SIGKILL at `delay` after the start (if it is still running), then reap.
  Outcome kill_at(std::chrono::microseconds delay) {
    std::this_thread::sleep_until(start_ + delay);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
    }
    return wait();
  }

  Outcome wait() {
    Outcome o;
    if (pid_ <= 0) {
      return o;
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    o.seconds = seconds_since(start_);
    pid_ = -1;
    if (WIFEXITED(status)) {
      o.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      o.signal = WTERMSIG(status);
    }
    o.out = slurp(out_);
    o.err = slurp(err_);
    std::error_code ec;
    fs::remove(out_, ec);
    fs::remove(err_, ec);
    return o;
  }

 private:
  pid_t pid_ = -1;
  Clock::time_point start_;
  fs::path out_;
  fs::path err_;
};

Outcome run_tally(const std::string& home, const std::string& data_dir,
                  const std::vector<std::string>& args, const fs::path& scratch,
                  const std::vector<std::string>& extra_env = {}) {
  Tally t(home, data_dir, args, scratch, extra_env);
  return t.wait();
}

bool mentions_lock(const std::string& err) {
  std::string lower = err;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.find("locked") != std::string::npos || lower.find("busy") != std::string::npos;
}

// ---------------------------------------------------------------------------------------
// Report rows.

const char* kTokenFields[] = {"input_tokens",
                              "cache_read_tokens",
                              "cache_write_tokens",
                              "cache_write_1h_tokens",
                              "output_tokens",
                              "reasoning_tokens",
                              "requests"};

using Fields = std::map<std::string, std::int64_t>;
using ByModel = std::map<std::pair<std::string, std::string>, Fields>;

struct Row {
  Fields fields;
  double cost_usd = 0;
};
// (agent, model, cost_source) -> row.
using Rows = std::map<std::tuple<std::string, std::string, std::string>, Row>;

ByModel ground_truth() {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.load(kFixtures + "/ground_truth.json");
  ByModel out;
  for (auto [scenario, value] : root.get_object()) {
    const std::string agent{std::string_view(value["agent"])};
    for (auto [model, fields] : value["models"].get_object()) {
      Fields& f = out[{agent, std::string(model)}];
      for (const char* name : kTokenFields) {
        f[name] += int64_t(fields[name]);
      }
    }
  }
  return out;
}

// Parses `models --json`; nullopt (with a message) when it is not a report.
std::optional<Rows> parse_rows(const std::string& json, std::string* why = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    if (why != nullptr) {
      *why = "not JSON: " + json.substr(0, 200);
    }
    return std::nullopt;
  }
  simdjson::dom::array rows;
  if (root["rows"].get_array().get(rows) != simdjson::SUCCESS) {
    if (why != nullptr) {
      *why = "no rows: " + json.substr(0, 200);
    }
    return std::nullopt;
  }
  Rows out;
  for (simdjson::dom::element row : rows) {
    const std::string agent{std::string_view(row["agent"])};
    const std::string model{std::string_view(row["model"])};
    const std::string source{std::string_view(row["cost_source"])};
    Row& r = out[{agent, model, source}];
    for (const char* name : kTokenFields) {
      r.fields[name] += int64_t(row[name]);
    }
    r.cost_usd += double(row["cost_usd"]);
  }
  return out;
}

ByModel tokens_by_model(const Rows& rows) {
  ByModel out;
  for (const auto& [key, row] : rows) {
    Fields& f = out[{std::get<0>(key), std::get<1>(key)}];
    for (const auto& [name, value] : row.fields) {
      f[name] += value;
    }
  }
  return out;
}

std::int64_t total_requests(const Rows& rows) {
  std::int64_t n = 0;
  for (const auto& [key, row] : rows) {
    n += row.fields.at("requests");
  }
  return n;
}

// Empty when equal: identical token fields and requests, cost within 1e-9 (relative to the
// size of the figure once it is over $1).
std::string diff_rows(const Rows& want, const Rows& got) {
  std::string d;
  for (const auto& [key, row] : want) {
    const std::string name =
        fmt::format("{}/{}/{}", std::get<0>(key), std::get<1>(key), std::get<2>(key));
    auto it = got.find(key);
    if (it == got.end()) {
      d += fmt::format("missing row {}\n", name);
      continue;
    }
    for (const auto& [field, value] : row.fields) {
      if (it->second.fields.at(field) != value) {
        d +=
            fmt::format("{} {}: want {} got {}\n", name, field, value, it->second.fields.at(field));
      }
    }
    const double tol = 1e-9 * std::max(1.0, std::abs(row.cost_usd));
    if (std::abs(it->second.cost_usd - row.cost_usd) > tol) {
      d += fmt::format("{} cost_usd: want {:.12f} got {:.12f}\n", name, row.cost_usd,
                       it->second.cost_usd);
    }
  }
  for (const auto& [key, row] : got) {
    if (want.find(key) == want.end()) {
      d +=
          fmt::format("extra row {}/{}/{}\n", std::get<0>(key), std::get<1>(key), std::get<2>(key));
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// The ledger, seen directly through SQLite.

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, SqliteCloser>;

// Read-only, and without the checkpoint on close, so looking at a killed run's ledger leaves
// the files exactly as the kill did for the next tally. `writable` is for a copy only.
Db open_readonly(const fs::path& path, std::string* why, bool writable = false) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    *why = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return nullptr;
  }
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

// Every row of `sql`, one line each ('|' between columns); nullopt on error.
std::optional<std::string> dump(sqlite3* db, const std::string& sql, std::string* why) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    *why = sqlite3_errmsg(db);
    return std::nullopt;
  }
  std::string out;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int n = sqlite3_column_count(stmt);
    for (int i = 0; i < n; ++i) {
      if (i > 0) {
        out += '|';
      }
      const unsigned char* text = sqlite3_column_text(stmt, i);
      out += text == nullptr ? "NULL" : reinterpret_cast<const char*>(text);
    }
    out += '\n';
  }
  if (rc != SQLITE_DONE) {
    *why = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    return std::nullopt;
  }
  sqlite3_finalize(stmt);
  return out;
}

std::int64_t count(sqlite3* db, const std::string& table) {
  std::string why;
  auto s = dump(db, "SELECT COUNT(*) FROM " + table, &why);
  return s ? std::atoll(s->c_str()) : -1;
}

// Where a killed run got to, from what it committed.
struct Progress {
  std::int64_t files = -1;  // cursors stored
  std::int64_t bytes = -1;  // bytes the cursors have consumed, over all files
  std::int64_t records = -1;
  std::int64_t dirty = -1;  // sessions awaiting reconcile
  std::string check;        // PRAGMA quick_check
  std::string error;        // the ledger could not be read (not created yet, no schema yet)
};

Progress inspect(const fs::path& ledger, bool check_pages = true) {
  Progress p;
  if (!fs::exists(ledger)) {
    p.error = "no ledger yet";
    return p;
  }
  // A run killed during a new ledger's first load leaves a hot rollback journal, which a
  // read-only connection cannot roll back ("attempt to write a readonly database"). That
  // ledger is looked at on a copy, where SQLite rolls the journal back as the next tally
  // will; the files the next run finds stay exactly as the kill left them.
  std::unique_ptr<TempDir> copy;
  fs::path target = ledger;
  fs::path journal = ledger;
  journal += "-journal";
  std::error_code ec;
  if (fs::exists(journal) && fs::file_size(journal, ec) > 0 && !ec) {
    copy = std::make_unique<TempDir>("inspect");
    target = copy->path() / ledger.filename();
    fs::path target_journal = target;
    target_journal += "-journal";
    fs::copy_file(ledger, target, ec);
    if (!ec) {
      fs::copy_file(journal, target_journal, ec);
    }
    if (ec) {
      p.error = "cannot copy the ledger: " + ec.message();
      return p;
    }
  }
  Db db = open_readonly(target, &p.error, copy != nullptr);
  if (!db) {
    return p;
  }
  if (check_pages) {
    auto check = dump(db.get(), "PRAGMA quick_check", &p.error);
    if (!check) {
      return p;
    }
    p.check = *check;
    if (!p.check.empty() && p.check.back() == '\n') {
      p.check.pop_back();
    }
  }
  p.files = count(db.get(), "files");
  std::string why;
  auto bytes = dump(db.get(), "SELECT TOTAL(read_offset) FROM files", &why);
  p.bytes = bytes ? static_cast<std::int64_t>(std::atof(bytes->c_str())) : -1;
  p.records = count(db.get(), "usage");
  p.dirty = count(db.get(), "dirty_sessions");
  if (p.files < 0) {
    p.error = "no schema yet";
  }
  return p;
}

// The ledger's content, table by table, in a form two runs can be compared by. Left out:
// where a record was read from (a reply copied into two files keeps whichever copy was
// committed first, which depends on scanning threads, not on kills).
struct LedgerDump {
  std::map<std::string, std::string> tables;
  std::string integrity;
};

const std::vector<std::pair<std::string, std::string>>& dump_queries() {
  static const std::vector<std::pair<std::string, std::string>> q = {
      {"usage",
       "SELECT id, agent, kind, ts, session_id, parent_session_id, root_session, project, model, "
       "effort, speed, service_tier, request_id, input_tokens, cache_read_tokens, "
       "cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, total_tokens, "
       "web_search_requests, printf('%.12g', reported_cost_usd), printf('%.12g', cost_usd), "
       "cost_source, priced_as, sidechain, user_name, machine, team, inference_geo, "
       "printf('%.12g', standard_cost_usd) FROM usage ORDER BY id"},
      {"files",
       "SELECT path, agent, size, read_offset, lines, head_hash, head_len, parser_state FROM files "
       "ORDER BY path"},
      {"snapshots", "SELECT * FROM snapshots ORDER BY source_file, source_offset, model"},
      {"session_facts", "SELECT * FROM session_facts ORDER BY agent, session_id, file_key"},
      {"problems", "SELECT * FROM problems ORDER BY path, line"},
      {"dirty_sessions", "SELECT * FROM dirty_sessions ORDER BY agent, session_id"},
  };
  return q;
}

std::optional<LedgerDump> dump_ledger(const fs::path& ledger, std::string* why) {
  Db db = open_readonly(ledger, why);
  if (!db) {
    return std::nullopt;
  }
  LedgerDump d;
  auto integrity = dump(db.get(), "PRAGMA integrity_check", why);
  if (!integrity) {
    return std::nullopt;
  }
  d.integrity = *integrity;
  for (const auto& [name, sql] : dump_queries()) {
    auto rows = dump(db.get(), sql, why);
    if (!rows) {
      return std::nullopt;
    }
    d.tables[name] = std::move(*rows);
  }
  return d;
}

// Empty when equal; else the first differing row of each table that differs.
std::string diff_dumps(const LedgerDump& want, const LedgerDump& got) {
  std::string d;
  if (got.integrity != "ok\n") {
    d += "integrity_check: " + got.integrity.substr(0, 500);
  }
  for (const auto& [name, rows] : want.tables) {
    const std::string& other = got.tables.at(name);
    if (rows == other) {
      continue;
    }
    std::istringstream a(rows);
    std::istringstream b(other);
    std::string la;
    std::string lb;
    size_t line = 0;
    for (;;) {
      const bool ha = static_cast<bool>(std::getline(a, la));
      const bool hb = static_cast<bool>(std::getline(b, lb));
      ++line;
      if (!ha && !hb) {
        break;
      }
      if (!ha || !hb || la != lb) {
        d += fmt::format("table {} ({} vs {} rows) differs at row {}:\n", name,
                         std::count(rows.begin(), rows.end(), '\n'),
                         std::count(other.begin(), other.end(), '\n'), line);
        if (!ha || !hb) {
          d += fmt::format("  want {}\n  got  {}\n", ha ? la.substr(0, 300) : "(end)",
                           hb ? lb.substr(0, 300) : "(end)");
          break;
        }
        // The row's key, then each column that differs.
        auto split = [](const std::string& row) {
          std::vector<std::string> cols;
          std::istringstream in(row);
          for (std::string col; std::getline(in, col, '|');) {
            cols.push_back(col);
          }
          return cols;
        };
        const std::vector<std::string> ca = split(la);
        const std::vector<std::string> cb = split(lb);
        d += fmt::format("  want key {}\n  got  key {}\n", ca.empty() ? "" : ca[0],
                         cb.empty() ? "" : cb[0]);
        for (size_t col = 1; col < std::min(ca.size(), cb.size()); ++col) {
          if (ca[col] != cb[col]) {
            d += fmt::format("  column {}: want {} got {}\n", col, ca[col].substr(0, 120),
                             cb[col].substr(0, 120));
          }
        }
        break;
      }
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// The corpus: copy k of every fixture file, with its ids varied.
//
// Ids are varied by token, not by field: every maximal run of [A-Za-z0-9] of 8 or more
// characters that has both a digit and a letter (uuid groups, msg_/req_/resp_ suffixes,
// Gemini message ids, agent ids, short ids in file names, hashes) has its first 8 characters
// shifted by the base-6 digits of k, each within its class (0-9, a-f, g-z, A-Z). For one k
// that is a bijection on tokens, so distinct ids stay distinct and every reference to an id
// (a sub-agent's parent, a file name, a retried request in two files) stays consistent;
// copies differ from each other. Pure numbers (token counts, dates) and words are untouched.

char shift_char(char c, int s) {
  if (c >= '0' && c <= '9') {
    return static_cast<char>('0' + (c - '0' + s) % 10);
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<char>('a' + (c - 'a' + s) % 6);
  }
  if (c >= 'g' && c <= 'z') {
    return static_cast<char>('g' + (c - 'g' + s) % 20);
  }
  if (c >= 'A' && c <= 'Z') {
    return static_cast<char>('A' + (c - 'A' + s) % 26);
  }
  return c;
}

std::string vary_ids(std::string_view text, int copy) {
  std::string out(text);
  if (copy == 0) {
    return out;
  }
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  size_t i = 0;
  while (i < out.size()) {
    if (!alnum(out[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool digit = false;
    bool alpha = false;
    for (; j < out.size() && alnum(out[j]); ++j) {
      digit = digit || std::isdigit(static_cast<unsigned char>(out[j])) != 0;
      alpha = alpha || std::isalpha(static_cast<unsigned char>(out[j])) != 0;
    }
    // Not after a backslash: that is a JSON escape (\u00e9..., \n...), not an id.
    if (j - i >= 8 && digit && alpha && (i == 0 || out[i - 1] != '\\')) {
      int k = copy;
      for (size_t p = i; p < i + 8 && k > 0; ++p, k /= 6) {
        out[p] = shift_char(out[p], k % 6);
      }
    }
    i = j;
  }
  return out;
}

// Claude `attachment` lines (environment, skill listings, reminders) hold most of a real
// session's bytes and no usage: each is written `pad` extra times, so there is much to read.
std::string pad_claude(const std::string& text, int pad) {
  if (pad <= 0) {
    return text;
  }
  std::string out;
  out.reserve(text.size() * 2);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string::npos ? text.size() : nl + 1;
    const std::string_view line(text.data() + pos, end - pos);
    out.append(line);
    if (nl != std::string::npos && line.find("\"type\":\"attachment\"") != std::string_view::npos &&
        line.find("\"usage\"") == std::string_view::npos) {
      for (int i = 0; i < pad; ++i) {
        out.append(line);
      }
    }
    pos = end;
  }
  return out;
}

struct FixtureFile {
  std::string rel;      // path under home/
  std::string content;  // padded, ids as in the fixture
};

struct Corpus {
  std::unique_ptr<TempDir> dir;
  std::string home;
  int copies = 0;
  std::int64_t files = 0;
  std::int64_t bytes = 0;
  double build_seconds = 0;
  std::vector<FixtureFile> fixture;  // padded fixture files, copy 0 ids
};

// The relative path and content of copy `k` of fixture file `f`.
std::pair<std::string, std::string> copy_of(const FixtureFile& f, int k) {
  return {vary_ids(f.rel, k), vary_ids(f.content, k)};
}

bool fixtures_present() {
  return fs::exists(kFixtures + "/ground_truth.json") && fs::is_directory(kFixtures + "/home");
}

const Corpus& corpus() {
  static Corpus built = [] {
    Corpus c;
    const auto t0 = Clock::now();
    c.dir = std::make_unique<TempDir>("corpus");
    c.home = (c.dir->path() / "home").string();
    c.copies = env_int("TALLY_CRASH_COPIES", 150);
    const int pad = env_int("TALLY_CRASH_PAD", 1);
    const fs::path src = kFixtures + "/home";
    for (const auto& entry : fs::recursive_directory_iterator(src)) {
      if (!entry.is_regular_file()) {
        continue;
      }
      FixtureFile f;
      f.rel = fs::relative(entry.path(), src).string();
      f.content = slurp(entry.path());
      if (f.rel.starts_with(".claude/") && f.rel.ends_with(".jsonl")) {
        f.content = pad_claude(f.content, pad);
      }
      c.fixture.push_back(std::move(f));
    }
    std::sort(c.fixture.begin(), c.fixture.end(),
              [](const FixtureFile& a, const FixtureFile& b) { return a.rel < b.rel; });
    for (const FixtureFile& f : c.fixture) {
      if (f.rel == ".gemini/projects.json") {
        write_file(fs::path(c.home) / f.rel, f.content);
        ++c.files;
        c.bytes += static_cast<std::int64_t>(f.content.size());
        continue;
      }
      for (int k = 0; k < c.copies; ++k) {
        auto [rel, content] = copy_of(f, k);
        write_file(fs::path(c.home) / rel, content);
        ++c.files;
        c.bytes += static_cast<std::int64_t>(content.size());
      }
    }
    c.build_seconds = seconds_since(t0);
    if (std::getenv("TALLY_CRASH_KEEP_CORPUS") != nullptr) {
      c.dir->keep();
      std::printf("[ corpus   ] kept at %s\n", c.home.c_str());
    }
    return c;
  }();
  return built;
}

// A log written as its first part, with the rest still to come.
struct Growing {
  fs::path path;
  std::string rest;
};

// Writes every fixture copy under `home` as its own file (not sharing the corpus's inodes);
// `.jsonl` logs selected by `every` (1 = all) only up to the first line end after their middle,
// their remainders returned.
std::vector<Growing> write_halves(const Corpus& c, const fs::path& home, int every) {
  std::vector<Growing> growing;
  size_t n = 0;
  for (const FixtureFile& f : c.fixture) {
    const int copies = f.rel == ".gemini/projects.json" ? 1 : c.copies;
    for (int k = 0; k < copies; ++k) {
      auto [rel, content] = copy_of(f, k);
      const fs::path path = home / rel;
      if (!f.rel.ends_with(".jsonl") || n++ % static_cast<size_t>(every) != 0) {
        write_file(path, content);
        continue;
      }
      size_t cut = content.find('\n', content.size() / 2);
      cut = cut == std::string::npos ? content.size() : cut + 1;
      write_file(path, std::string_view(content).substr(0, cut));
      growing.push_back({path, content.substr(cut)});
    }
  }
  return growing;
}

void copy_dir(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// What an uninterrupted cold run gives, measured once.
struct Reference {
  std::string models_json;
  Rows rows;
  std::string problems_out;
  LedgerDump ledger;
  double cold_seconds = 0;
  Progress end;         // the finished ledger
  std::string failure;  // non-empty: the reference itself is wrong
};

const Reference& reference() {
  static Reference measured = [] {
    Reference r;
    const Corpus& c = corpus();
    TempDir scratch("ref");
    // Twice: the second also proves an uninterrupted run is deterministic, so any difference
    // after a kill is the kill's doing.
    std::vector<LedgerDump> dumps;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const std::string data = (scratch.path() / fmt::format("data{}", attempt)).string();
      Outcome run = run_tally(c.home, data, {"models", "--json"}, scratch.path());
      if (run.exit_code != 0) {
        r.failure = fmt::format("uninterrupted run failed ({}): {}", run.exit_code, run.err);
        return r;
      }
      std::string why;
      auto rows = parse_rows(run.out, &why);
      if (!rows) {
        r.failure = why;
        return r;
      }
      auto d = dump_ledger(fs::path(data) / "ledger.db", &why);
      if (!d) {
        r.failure = "cannot read the reference ledger: " + why;
        return r;
      }
      dumps.push_back(std::move(*d));
      if (attempt == 0) {
        r.cold_seconds = run.seconds;
        r.models_json = run.out;
        r.rows = std::move(*rows);
        Outcome problems = run_tally(c.home, data, {"problems"}, scratch.path());
        r.problems_out = problems.out;
        r.end = inspect(fs::path(data) / "ledger.db");
      } else {
        r.cold_seconds = std::min(r.cold_seconds, run.seconds);
        if (run.out != r.models_json) {
          r.failure = "two uninterrupted runs printed different models --json";
        }
        const std::string d2 = diff_dumps(dumps[0], dumps[1]);
        if (!d2.empty()) {
          r.failure = "two uninterrupted runs left different ledgers:\n" + d2;
        }
      }
    }
    r.ledger = std::move(dumps[0]);
    return r;
  }();
  return measured;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fixtures_present()) {
      GTEST_SKIP() << "fixtures absent: " << kFixtures;
    }
    const Corpus& c = corpus();
    static bool printed = false;
    if (!printed) {
      printed = true;
      std::printf(
          "[ corpus   ] %d copies of %zu fixture files: %lld files, %.1f MB, built in %.2f s\n",
          c.copies, c.fixture.size(), static_cast<long long>(c.files),
          static_cast<double>(c.bytes) / 1e6, c.build_seconds);
      const Reference& r = reference();
      std::printf("[ reference] uninterrupted cold run: %.3f s, %lld requests, %lld cursors\n",
                  r.cold_seconds, static_cast<long long>(total_requests(r.rows)),
                  static_cast<long long>(r.end.files));
      std::fflush(stdout);
    }
    const Reference& r = reference();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
  }

  // The checks every completed ledger must pass against the uninterrupted run.
  void expect_like_reference(const std::string& label, const std::string& data,
                             const Outcome& completion, const fs::path& scratch) {
    const Reference& ref = reference();
    ASSERT_EQ(completion.exit_code, 0) << label << ": " << completion.err;
    std::string why;
    auto rows = parse_rows(completion.out, &why);
    ASSERT_TRUE(rows.has_value()) << label << ": " << why;
    const std::string d = diff_rows(ref.rows, *rows);
    EXPECT_TRUE(d.empty()) << label << ": totals differ from the uninterrupted run:\n" << d;
    EXPECT_EQ(completion.out, ref.models_json) << label;
    Outcome problems = run_tally(corpus().home, data, {"problems"}, scratch);
    EXPECT_EQ(problems.exit_code, 0) << label << ": " << problems.err;
    EXPECT_EQ(problems.out, ref.problems_out) << label;
    auto dumped = dump_ledger(fs::path(data) / "ledger.db", &why);
    ASSERT_TRUE(dumped.has_value()) << label << ": " << why;
    const std::string dd = diff_dumps(ref.ledger, *dumped);
    EXPECT_TRUE(dd.empty()) << label << ": ledger differs from the uninterrupted run's:\n" << dd;
  }
};

// Where a kill landed, judged from what was committed: `start` is the ledger the run began
// with (nothing for a cold run), `end` the ledger of an uninterrupted run.
std::string describe(const Outcome& killed, const Progress& p, const Progress& start,
                     const Progress& end) {
  if (killed.signal == 0) {
    return fmt::format("exited {} before the kill ({:.0f} ms)", killed.exit_code,
                       killed.seconds * 1e3);
  }
  if (!p.error.empty()) {
    return p.error;
  }
  std::string phase;
  if (p.files <= std::max<std::int64_t>(start.files, 0) &&
      p.bytes <= std::max<std::int64_t>(start.bytes, 0)) {
    phase = "before the first commit";
  } else if (p.files < end.files || p.bytes < end.bytes) {
    phase = "between commits";
  } else if (p.dirty > 0) {
    phase = "all files committed, reconcile pending";
  } else {
    phase = "after reconcile";
  }
  return fmt::format(
      "{}: {}/{} cursors at {:.1f}/{:.1f} MB, {} records, {} dirty sessions, quick_check {}", phase,
      p.files, end.files, static_cast<double>(p.bytes) / 1e6, static_cast<double>(end.bytes) / 1e6,
      p.records, p.dirty, p.check);
}

// ---------------------------------------------------------------------------------------

TEST_F(CrashTest, UninterruptedRunIsCopiesTimesGroundTruth) {
  const Corpus& c = corpus();
  ByModel want;
  for (const auto& [key, fields] : ground_truth()) {
    for (const auto& [name, value] : fields) {
      want[key][name] = value * c.copies;
    }
  }
  const ByModel got = tokens_by_model(reference().rows);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(reference().ledger.tables.at("dirty_sessions").empty());
  EXPECT_EQ(reference().ledger.integrity, "ok\n");
  EXPECT_EQ(reference().problems_out, "No problems: every line tally read was usable.\n");
  // Cost is per copy too: copy 0 alone is the fixture tree.
  TempDir scratch("one");
  Outcome one = run_tally(kFixtures + "/home", (scratch.path() / "data").string(),
                          {"models", "--json"}, scratch.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto one_rows = parse_rows(one.out);
  ASSERT_TRUE(one_rows.has_value());
  for (const auto& [key, row] : *one_rows) {
    auto it = reference().rows.find(key);
    ASSERT_NE(it, reference().rows.end());
    EXPECT_NEAR(it->second.cost_usd, row.cost_usd * c.copies,
                1e-9 * std::max(1.0, it->second.cost_usd))
        << std::get<1>(key);
  }
}

// (a) Each kill point on its own fresh ledger: start, SIGKILL after the delay, run again to
// completion, compare with the uninterrupted run.
TEST_F(CrashTest, KilledAtAnyPointThenRerunEqualsUninterrupted) {
  const Reference& ref = reference();
  const int k = std::max(20, env_int("TALLY_CRASH_KILLS", 20));
  // A few kills in the first milliseconds (start-up, schema, discovery), then K spread over
  // 1.2 times the cold run time (so reconcile, the last transaction, is hit even when the
  // machine is busier than when the run time was measured). The run time is re-estimated
  // from runs that finished before their kill.
  std::vector<double> early_ms = {2, 6, 12, 18, 25, 35};
  double cold_ms = ref.cold_seconds * 1e3;
  const size_t points = early_ms.size() + static_cast<size_t>(k);
  TempDir scratch("kill");
  int killed_count = 0;
  std::map<std::string, int> phases;
  double check_seconds = 0;
  for (size_t i = 0; i < points; ++i) {
    const double delay_ms =
        i < early_ms.size()
            ? early_ms[i]
            : 1.2 * cold_ms * static_cast<double>(i - early_ms.size() + 1) / (k + 1);
    const std::string data = (scratch.path() / fmt::format("data{}", i)).string();
    Tally t(corpus().home, data, {"models", "--json"}, scratch.path());
    ASSERT_TRUE(t.started());
    const Outcome killed =
        t.kill_at(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1e3)));
    const Progress p = inspect(fs::path(data) / "ledger.db");
    const std::string where = describe(killed, p, Progress{}, ref.end);
    if (killed.signal != 0) {
      ++killed_count;
      phases[where.substr(0, where.find(':'))]++;
      if (p.error.empty()) {
        EXPECT_EQ(p.check, "ok") << "ledger damaged right after a kill at " << delay_ms << " ms";
      }
    } else {
      cold_ms = std::min(cold_ms, killed.seconds * 1e3);
    }
    const Outcome completion = run_tally(corpus().home, data, {"models", "--json"}, scratch.path());
    std::printf("[ kill %2zu  ] at %7.1f ms: %s; rerun %.0f ms\n", i, delay_ms, where.c_str(),
                completion.seconds * 1e3);
    std::fflush(stdout);
    const auto t0 = Clock::now();
    expect_like_reference(fmt::format("kill at {:.1f} ms", delay_ms), data, completion,
                          scratch.path());
    check_seconds += seconds_since(t0);
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  // Two kills on events rather than times, so these moments are always covered: right
  // after the first batch is committed, and once every file is committed (reconcile, the
  // run's last transaction, is then running or about to).
  const std::pair<const char*, std::function<bool(const Progress&)>> events[] = {
      {"first batch committed", [](const Progress& p) { return p.files > 0; }},
      {"all files committed",
       [&ref](const Progress& p) { return p.files == ref.end.files && p.bytes == ref.end.bytes; }},
  };
  for (const auto& [name, reached] : events) {
    const std::string data = (scratch.path() / "event").string();
    Tally t(corpus().home, data, {"models", "--json"}, scratch.path());
    ASSERT_TRUE(t.started());
    bool seen = false;
    while (!seen && seconds_since(t.start()) < 4 * ref.cold_seconds + 1) {
      seen = reached(inspect(fs::path(data) / "ledger.db", false));
      if (!seen) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    const Outcome killed = t.kill_at(std::chrono::microseconds(0));
    const Progress p = inspect(fs::path(data) / "ledger.db");
    const std::string where = describe(killed, p, Progress{}, ref.end);
    std::printf("[ kill on  ] %s (%.0f ms): %s\n", name, killed.seconds * 1e3, where.c_str());
    EXPECT_TRUE(seen) << name;
    EXPECT_NE(killed.signal, 0) << "the run ended before the kill on " << name;
    if (killed.signal != 0) {
      ++killed_count;
      phases[where.substr(0, where.find(':'))]++;
      EXPECT_EQ(p.check, "ok") << "ledger damaged right after a kill on " << name;
    }
    const Outcome completion = run_tally(corpus().home, data, {"models", "--json"}, scratch.path());
    expect_like_reference(fmt::format("kill on {}", name), data, completion, scratch.path());
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  std::printf("[ checks   ] %.2f s comparing ledgers\n", check_seconds);
  std::printf("[ kills    ] %d of %zu runs were killed mid-run;", killed_count, points + 2);
  for (const auto& [phase, n] : phases) {
    std::printf(" %s: %d;", phase.c_str(), n);
  }
  std::printf("\n");
  // Most kill points must land inside the run, or the test proves little.
  EXPECT_GE(killed_count, static_cast<int>(points) * 2 / 3);
}

// (a') The same with every file cut into parts of 3 records (scanner.h PartSink; real logs
// need ~4,000 records in one file before they are cut): an uninterrupted run in parts gives
// the reference ledger row for row (cursors and parser states included), and so does a run
// killed anywhere and completed, in parts or not.
TEST_F(CrashTest, InSmallPartsKilledAtAnyPointThenRerunEqualsUninterrupted) {
  const Reference& ref = reference();
  const std::vector<std::string> small_parts = {"TALLY_PART_RECORDS=3"};
  TempDir scratch("parts");
  {
    const std::string data = (scratch.path() / "whole").string();
    const Outcome run =
        run_tally(corpus().home, data, {"models", "--json"}, scratch.path(), small_parts);
    expect_like_reference("uninterrupted, in parts", data, run, scratch.path());
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  const int k = std::max(8, env_int("TALLY_CRASH_KILLS", 20) / 2);
  int killed_count = 0;
  for (int i = 0; i < k; ++i) {
    const double delay_ms = 1.1 * ref.cold_seconds * 1e3 * (i + 1) / (k + 1);
    const std::string data = (scratch.path() / fmt::format("data{}", i)).string();
    Tally t(corpus().home, data, {"models", "--json"}, scratch.path(), small_parts);
    ASSERT_TRUE(t.started());
    const Outcome killed =
        t.kill_at(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1e3)));
    const Progress p = inspect(fs::path(data) / "ledger.db");
    if (killed.signal != 0) {
      ++killed_count;
      if (p.error.empty()) {
        EXPECT_EQ(p.check, "ok") << "ledger damaged right after a kill at " << delay_ms << " ms";
      }
    }
    // Every other completion runs without parts: the ledger a killed run in parts leaves is
    // one any run can complete.
    const Outcome completion = run_tally(corpus().home, data, {"models", "--json"}, scratch.path(),
                                         i % 2 == 0 ? small_parts : std::vector<std::string>{});
    std::printf("[ kill %2d  ] at %7.1f ms: %s; rerun %.0f ms\n", i, delay_ms,
                describe(killed, p, Progress{}, ref.end).c_str(), completion.seconds * 1e3);
    std::fflush(stdout);
    expect_like_reference(fmt::format("in parts, kill at {:.1f} ms", delay_ms), data, completion,
                          scratch.path());
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  EXPECT_GE(killed_count, k / 2) << "most kill points must land inside the run";
}

// (b) One ledger, killed again and again as it makes progress, then completed.
TEST_F(CrashTest, RepeatedKillsOnOneLedgerThenRerunEqualsUninterrupted) {
  const Reference& ref = reference();
  const double cold_ms = ref.cold_seconds * 1e3;
  TempDir scratch("series");
  // Increasing delays: each run resumes what the killed ones committed.
  {
    const std::string data = (scratch.path() / "increasing").string();
    Progress prev;
    for (double f : {0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9}) {
      Tally t(corpus().home, data, {"models", "--json"}, scratch.path());
      ASSERT_TRUE(t.started());
      const Outcome killed =
          t.kill_at(std::chrono::microseconds(static_cast<std::int64_t>(f * cold_ms * 1e3)));
      const Progress p = inspect(fs::path(data) / "ledger.db");
      std::printf("[ series A ] kill at %6.1f ms: %s\n", f * cold_ms,
                  describe(killed, p, prev, ref.end).c_str());
      prev = p;
      if (killed.signal != 0 && p.error.empty()) {
        EXPECT_EQ(p.check, "ok");
      }
    }
    const Outcome completion = run_tally(corpus().home, data, {"models", "--json"}, scratch.path());
    expect_like_reference("increasing kills", data, completion, scratch.path());
  }
  // The same short delay every time (a statusline with a tight timeout): every run must
  // keep what it committed, so the runs finish the ingest between them. (The delay grows
  // only after a run that committed nothing, so a busy machine cannot fail the test.)
  {
    const std::string data = (scratch.path() / "fixed").string();
    double delay_ms = 0.3 * cold_ms;
    int runs = 0;
    bool finished = false;
    Progress prev;
    for (; runs < 20 && !finished; ++runs) {
      Tally t(corpus().home, data, {"models", "--json"}, scratch.path());
      ASSERT_TRUE(t.started());
      const Outcome killed =
          t.kill_at(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1e3)));
      const Progress p = inspect(fs::path(data) / "ledger.db");
      std::printf("[ series B ] run %d, kill at %6.1f ms: %s\n", runs, delay_ms,
                  describe(killed, p, prev, ref.end).c_str());
      finished = killed.signal == 0;
      if (!finished && p.error.empty()) {
        EXPECT_EQ(p.check, "ok");
        EXPECT_GE(p.files, prev.files) << "cursors went backwards";
        EXPECT_GE(p.bytes, prev.bytes) << "cursors went backwards";
        if (p.files == prev.files && p.bytes == prev.bytes && p.dirty == prev.dirty) {
          // Nothing committed in time (a busy machine): a longer timeout next time.
          delay_ms *= 1.5;
        }
        prev = p;
      }
    }
    std::fflush(stdout);
    EXPECT_TRUE(finished) << "20 killed runs never finished the ingest between them";
    const Outcome completion = run_tally(corpus().home, data, {"models", "--json"}, scratch.path());
    expect_like_reference("fixed-delay kills", data, completion, scratch.path());
  }
}

// (a, incremental) Kills while a run reads what was appended since the last one: every log
// was ingested when it was half written, then completed. Each kill point starts from a copy
// of that half-way ledger; the rerun must leave exactly the ledger of an uninterrupted run.
TEST_F(CrashTest, KilledDuringIncrementalIngestThenRerunEqualsUninterrupted) {
  const Reference& ref = reference();
  TempDir scratch("incremental");
  const fs::path home = scratch.path() / "home";
  const std::vector<Growing> growing = write_halves(corpus(), home, 1);
  const fs::path half = scratch.path() / "half";
  const Outcome populate =
      run_tally(home.string(), half.string(), {"models", "--json"}, scratch.path());
  ASSERT_EQ(populate.exit_code, 0) << populate.err;
  const Progress start = inspect(half / "ledger.db");
  for (const Growing& g : growing) {
    append_raw(g.path, g.rest);
  }
  // The uninterrupted incremental run.
  const fs::path whole = scratch.path() / "whole";
  copy_dir(half, whole);
  const Outcome full =
      run_tally(home.string(), whole.string(), {"models", "--json"}, scratch.path());
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(full.out, ref.models_json) << "an incremental run differs from a cold one";
  std::string why;
  const auto want = dump_ledger(whole / "ledger.db", &why);
  ASSERT_TRUE(want.has_value()) << why;
  EXPECT_EQ(want->tables.at("usage"), ref.ledger.tables.at("usage"))
      << "an incremental run left other records than a cold one";
  const Progress end = inspect(whole / "ledger.db");
  double run_ms = full.seconds * 1e3;
  std::printf("[ incr     ] half-way ledger %.1f MB read; uninterrupted incremental run %.0f ms\n",
              static_cast<double>(start.bytes) / 1e6, run_ms);

  const int points = 8;
  int killed_count = 0;
  for (int i = 1; i <= points; ++i) {
    const double delay_ms = run_ms * i / (points + 1);
    const fs::path data = scratch.path() / fmt::format("data{}", i);
    copy_dir(half, data);
    Tally t(home.string(), data.string(), {"models", "--json"}, scratch.path());
    ASSERT_TRUE(t.started());
    const Outcome killed =
        t.kill_at(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1e3)));
    const Progress p = inspect(data / "ledger.db");
    if (killed.signal != 0) {
      ++killed_count;
      EXPECT_EQ(p.check, "ok") << "ledger damaged right after a kill at " << delay_ms << " ms";
    } else {
      run_ms = std::min(run_ms, killed.seconds * 1e3);
    }
    std::printf("[ incr %2d  ] kill at %6.1f ms: %s\n", i, delay_ms,
                describe(killed, p, start, end).c_str());
    std::fflush(stdout);
    const Outcome completion =
        run_tally(home.string(), data.string(), {"models", "--json"}, scratch.path());
    const std::string label = fmt::format("incremental kill at {:.1f} ms", delay_ms);
    ASSERT_EQ(completion.exit_code, 0) << label << ": " << completion.err;
    EXPECT_EQ(completion.out, ref.models_json) << label;
    const auto got = dump_ledger(data / "ledger.db", &why);
    ASSERT_TRUE(got.has_value()) << why;
    const std::string d = diff_dumps(*want, *got);
    EXPECT_TRUE(d.empty()) << label << ": ledger differs from the uninterrupted run's:\n" << d;
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  EXPECT_GE(killed_count, points / 2);
}

// Starts the four reports of a busy desk at once on one ledger and waits for all.
struct Mix {
  std::vector<std::unique_ptr<Tally>> procs;
  std::vector<std::vector<std::string>> args = {
      {"models", "--json"}, {"daily", "--json"}, {"sessions", "--csv"}, {}};
};

void start_mix(Mix& mix, const std::string& home, const std::string& data,
               const fs::path& scratch) {
  for (const auto& a : mix.args) {
    mix.procs.push_back(std::make_unique<Tally>(home, data, a, scratch));
  }
}

// (c) Concurrency.
TEST_F(CrashTest, ConcurrentRunsAllSucceedWithCorrectTotals) {
  const Reference& ref = reference();
  const Corpus& c = corpus();
  TempDir scratch("concurrent");
  // What each report prints after an uninterrupted run, to compare the concurrent ones with.
  // (The summary is compared with one run right after, on the same ledger: its periods
  // are relative to the current day.)
  std::vector<std::string> want_out;
  {
    const std::string data = (scratch.path() / "sequential").string();
    Mix mix;
    for (const auto& a : mix.args) {
      Outcome o = run_tally(c.home, data, a, scratch.path());
      ASSERT_EQ(o.exit_code, 0) << o.err;
      want_out.push_back(o.out);
    }
  }
  for (int round = 0; round < env_int("TALLY_CRASH_COLD_ROUNDS", 1); ++round) {
    const std::string data = (scratch.path() / fmt::format("round{}", round)).string();
    Mix mix;
    const auto t0 = Clock::now();
    start_mix(mix, c.home, data, scratch.path());
    for (size_t i = 0; i < mix.procs.size(); ++i) {
      const Outcome o = mix.procs[i]->wait();
      const std::string label =
          fmt::format("round {} `tally {}`", round, fmt::join(mix.args[i], " "));
      EXPECT_EQ(o.exit_code, 0) << label << ": " << o.err;
      EXPECT_FALSE(mentions_lock(o.err)) << label << ": " << o.err;
      // Each run ingested everything before reporting, so each report is complete.
      EXPECT_EQ(o.out,
                mix.args[i].empty() ? run_tally(c.home, data, {}, scratch.path()).out : want_out[i])
          << label;
    }
    std::printf(
        "[ concur   ] round %d: 4 cold runs at once on a fresh ledger, all done in %.2f s\n", round,
        seconds_since(t0));
    const Outcome final_run = run_tally(c.home, data, {"models", "--json"}, scratch.path());
    expect_like_reference(fmt::format("concurrent round {}", round), data, final_run,
                          scratch.path());
  }

  // Some of them killed mid-run (a statusline hitting its timeout) and started again at
  // once, while the others go on: nobody fails, every completed report is whole.
  {
    const std::string data = (scratch.path() / "kills").string();
    Mix mix;
    const auto t0 = Clock::now();
    start_mix(mix, c.home, data, scratch.path());
    std::vector<std::vector<std::string>> args = mix.args;
    const double cold_ms = ref.cold_seconds * 1e3;
    int killed = 0;
    for (const auto& [which, at] :
         {std::pair<size_t, double>{3, 0.25}, {2, 0.5}, {3, 1.0}, {1, 1.5}}) {
      std::this_thread::sleep_until(
          t0 + std::chrono::microseconds(static_cast<std::int64_t>(at * cold_ms * 1e3)));
      const Outcome o = mix.procs[which]->kill_at(std::chrono::microseconds(0));
      if (o.signal != 0) {
        ++killed;
      } else {
        EXPECT_EQ(o.exit_code, 0) << o.err;
      }
      mix.procs[which] = std::make_unique<Tally>(c.home, data, args[which], scratch.path());
    }
    for (size_t i = 0; i < mix.procs.size(); ++i) {
      const Outcome o = mix.procs[i]->wait();
      const std::string label = fmt::format("kill round `tally {}`", fmt::join(args[i], " "));
      EXPECT_EQ(o.exit_code, 0) << label << ": " << o.err;
      EXPECT_FALSE(mentions_lock(o.err)) << label << ": " << o.err;
      EXPECT_EQ(o.out,
                args[i].empty() ? run_tally(c.home, data, {}, scratch.path()).out : want_out[i])
          << label;
    }
    std::printf(
        "[ concur   ] 4 cold runs at once, %d SIGKILLed mid-run and restarted at once: %.2f s\n",
        killed, seconds_since(t0));
    const Outcome final_run = run_tally(c.home, data, {"models", "--json"}, scratch.path());
    expect_like_reference("concurrent runs with kills", data, final_run, scratch.path());
  }

  // A populated ledger whose logs grow while four reports run. Every 8th log starts as its
  // first half (cut after a line); the rest is appended during the runs.
  const fs::path home2 = scratch.path() / "home2";
  const std::vector<Growing> growing = write_halves(c, home2, 8);
  const std::string data = (scratch.path() / "growing").string();
  const Outcome populate = run_tally(home2.string(), data, {"models", "--json"}, scratch.path());
  ASSERT_EQ(populate.exit_code, 0) << populate.err;
  auto before = parse_rows(populate.out);
  ASSERT_TRUE(before.has_value());
  for (int round = 0; round < 2; ++round) {
    Mix mix;
    const auto t0 = Clock::now();
    start_mix(mix, home2.string(), data, scratch.path());
    if (round == 0) {
      // Appends while they read: each tail in four pieces cut at arbitrary bytes (so mostly
      // mid-line), written at 0, 15, 40 and 80 ms into the runs.
      const int at_ms[] = {0, 15, 40, 80};
      for (int piece = 0; piece < 4; ++piece) {
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(at_ms[piece]));
        for (const Growing& g : growing) {
          const size_t from = g.rest.size() * static_cast<size_t>(piece) / 4;
          const size_t to = g.rest.size() * static_cast<size_t>(piece + 1) / 4;
          append_raw(g.path, std::string_view(g.rest).substr(from, to - from));
        }
      }
    }
    for (size_t i = 0; i < mix.procs.size(); ++i) {
      const Outcome o = mix.procs[i]->wait();
      const std::string label =
          fmt::format("growing round {} `tally {}`", round, fmt::join(mix.args[i], " "));
      EXPECT_EQ(o.exit_code, 0) << label << ": " << o.err;
      EXPECT_FALSE(mentions_lock(o.err)) << label << ": " << o.err;
      if (i == 0) {
        auto rows = parse_rows(o.out);
        ASSERT_TRUE(rows.has_value()) << label;
        EXPECT_GE(total_requests(*rows), total_requests(*before)) << label;
        EXPECT_LE(total_requests(*rows), total_requests(ref.rows)) << label;
      }
    }
    std::printf("[ concur   ] growing round %d: 4 runs at once on a populated ledger%s, %.2f s\n",
                round, round == 0 ? fmt::format(" while {} logs grew", growing.size()).c_str() : "",
                seconds_since(t0));
  }
  std::fflush(stdout);
  // The logs are whole again, so the ledger must be exactly the uninterrupted one's (paths
  // aside: compare the report, the problems and the usage rows).
  const Outcome final_run = run_tally(home2.string(), data, {"models", "--json"}, scratch.path());
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  auto rows = parse_rows(final_run.out);
  ASSERT_TRUE(rows.has_value());
  EXPECT_TRUE(diff_rows(ref.rows, *rows).empty()) << diff_rows(ref.rows, *rows);
  EXPECT_EQ(final_run.out, ref.models_json);
  std::string why;
  auto dumped = dump_ledger(fs::path(data) / "ledger.db", &why);
  ASSERT_TRUE(dumped.has_value()) << why;
  EXPECT_EQ(dumped->integrity, "ok\n");
  EXPECT_EQ(dumped->tables.at("usage"), ref.ledger.tables.at("usage"));
  EXPECT_TRUE(dumped->tables.at("problems").empty())
      << dumped->tables.at("problems").substr(0, 1000);
  EXPECT_TRUE(dumped->tables.at("dirty_sessions").empty());
}

// Many runs at the very first moment of a ledger (creating the file, switching it to WAL,
// migrating), on the small fixture tree so they all overlap: all succeed, none sees a lock.
TEST(ConcurrentStartTest, EightFirstRunsOnANewLedgerAllSucceed) {
  if (!fixtures_present()) {
    GTEST_SKIP() << "fixtures absent: " << kFixtures;
  }
  TempDir scratch("first");
  const std::string home = kFixtures + "/home";
  ByModel want = ground_truth();
  const int rounds = env_int("TALLY_CRASH_FIRST_ROUNDS", 10);
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::string data = (scratch.path() / fmt::format("data{}", round)).string();
    std::vector<std::unique_ptr<Tally>> procs;
    for (int i = 0; i < 8; ++i) {
      procs.push_back(std::make_unique<Tally>(
          home, data, std::vector<std::string>{"models", "--json"}, scratch.path()));
    }
    for (auto& p : procs) {
      const Outcome o = p->wait();
      const std::string label = fmt::format("round {}", round);
      EXPECT_EQ(o.exit_code, 0) << label << ": " << o.err;
      EXPECT_FALSE(mentions_lock(o.err)) << label << ": " << o.err;
      auto rows = parse_rows(o.out);
      if (o.exit_code != 0 || !rows || tokens_by_model(*rows) != want) {
        ++failures;
        ADD_FAILURE() << label << ": wrong totals: " << o.out.substr(0, 400);
      }
    }
    std::error_code ec;
    fs::remove_all(data, ec);
  }
  std::printf("[ first    ] %d rounds of 8 first runs at once on a new ledger: %d failures\n",
              rounds, failures);
}

}  // namespace
