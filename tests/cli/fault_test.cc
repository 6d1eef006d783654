// Faults end to end (issue 15, "Faults, tested"), on the real binary:
//
// * A damaged ledger (garbage over its middle, cut short, overwritten header, not SQLite at
//   all) makes every command stop with one line that names the file and says to run
//   `tally doctor` and `tally rebuild`, never a raw SQLite message or a crash.
// * `tally doctor` tells a healthy ledger from a damaged one, a rollup out of step with its
//   records, a newer tally's ledger, and logs deleted since they were read.
// * `tally rebuild` makes a new ledger from the logs that still exist, keeps the old one
//   (with what only its WAL held), says what only the old one has, and leaves a whole
//   ledger in place wherever it is killed.
// * A full disk (a small tmpfs as the data dir; the test is skipped where mount is not
//   permitted) makes an ingest fail loudly and leaves the ledger intact; once space is
//   freed, the next run's totals are exactly those of a run that had room, for a first
//   load (rollback journal) and for a later one (WAL).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cli/fault_support.h"
#include "demo/corpus.h"
#include "support/shell.h"

namespace {

using namespace tally::test;

bool fixtures_present() { return fs::exists(kRealLogs + "/home"); }

fs::path ledger_of(const fs::path& data) { return data / "ledger.db"; }

// One SQL statement on a ledger, from outside tally (to put it out of step on purpose).
void sql(const fs::path& ledger, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err != nullptr ? err : "") << " in " << statement;
  sqlite3_free(err);
  sqlite3_close(db);
}

// Writes a row that only the ledger's WAL holds, as a run killed before its checkpoint
// leaves it.
void write_to_wal_only(const fs::path& ledger, const std::string& key) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  const std::string insert = fmt::format("INSERT INTO meta (key, value) VALUES ('{}', 'x')", key);
  EXPECT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(fs::exists(ledger.string() + "-wal"));
}

enum class Damage { garbage_in_the_middle, cut_short, header_overwritten, not_sqlite };

std::string name_of(Damage d) {
  switch (d) {
    case Damage::garbage_in_the_middle:
      return "GarbageInTheMiddle";
    case Damage::cut_short:
      return "CutShort";
    case Damage::header_overwritten:
      return "HeaderOverwritten";
    case Damage::not_sqlite:
      return "NotSqlite";
  }
  return "";
}

// Damages the ledger file the way a failing disk, a crash of the file system or a stray
// program would. The bytes are the same on every run (a fixed seed).
void damage(const fs::path& ledger, Damage d) {
  ASSERT_FALSE(fs::exists(fs::path(ledger.string() + "-wal"))) << "not checkpointed";
  std::string bytes = slurp(ledger);
  ASSERT_GT(bytes.size(), 4096U);
  std::mt19937 rng(15);
  auto garble = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      bytes[i] = static_cast<char>(rng() & 0xff);
    }
  };
  switch (d) {
    case Damage::garbage_in_the_middle:
      garble(bytes.size() / 4, bytes.size() * 3 / 4);
      break;
    case Damage::cut_short:
      bytes.resize(bytes.size() / 2 + 1000);
      break;
    case Damage::header_overwritten:
      garble(0, 100);
      break;
    case Damage::not_sqlite:
      bytes.clear();
      for (int i = 0; i < 500; ++i) {
        bytes += "these are somebody's notes, saved under the ledger's name\n";
      }
      break;
  }
  write_file(ledger, bytes);
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fixtures_present()) {
      GTEST_SKIP() << "fixtures absent: " << kRealLogs;
    }
    fs::copy(kRealLogs + "/home", home_.path(), fs::copy_options::recursive);
  }

  // Runs tally on this test's logs and data dir.
  Outcome tally(const std::vector<std::string>& args, const fs::path& data) {
    return run_tally(home_.str(), data.string(), args, scratch_.path());
  }

  ScratchDir scratch_{"fault"};
  ScratchDir home_{"fault-home"};
};

// ---------------------------------------------------------------------------------------
// A damaged ledger.

class DamagedLedgerTest : public FaultTest, public ::testing::WithParamInterface<Damage> {};

TEST_P(DamagedLedgerTest, EveryCommandNamesTheFileAndSaysWhatToDo) {
  const fs::path data = scratch_.path() / "data";
  const Outcome first = tally({"models", "--json"}, data);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  damage(ledger_of(data), GetParam());

  const std::string html = (scratch_.path() / "report.html").string();
  const std::vector<std::vector<std::string>> commands = {
      {},
      {"daily"},
      {"weekly", "--json"},
      {"monthly", "--csv"},
      {"sessions"},
      {"models", "--json"},
      {"models", "--no-ingest"},
      {"projects"},
      {"problems"},
      {"windows"},
      {"blocks"},
      {"concurrency"},
      {"session", "01a2054e"},
      {"prices", "check", "-q"},
      {"daily", "--format", "html", "-o", html},
  };
  for (const std::vector<std::string>& args : commands) {
    const std::string label = fmt::format("tally {}", fmt::join(args, " "));
    const Outcome run = tally(args, data);
    EXPECT_EQ(run.signal, 0) << label << ": killed by signal " << run.signal << "\n" << run.err;
    EXPECT_EQ(run.exit_code, 1) << label << "\n" << run.out << run.err;
    EXPECT_NE(run.err.find(ledger_of(data).string() + " is damaged"), std::string::npos)
        << label << ": " << run.err;
    EXPECT_NE(run.err.find("`tally doctor`"), std::string::npos) << label << ": " << run.err;
    EXPECT_NE(run.err.find("`tally rebuild`"), std::string::npos) << label << ": " << run.err;
    EXPECT_EQ(run.err.find("sqlite:"), std::string::npos) << label << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << label << ": " << run.err;
  }
  // A statusline never fails the prompt it is drawn in: it says "no status", and why.
  const Outcome status = tally({"statusline"}, data);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  if (status.out.find("no status") != std::string::npos) {
    EXPECT_NE(status.err.find("is damaged"), std::string::npos) << status.err;
  }

  const Outcome doctor = tally({"doctor"}, data);
  EXPECT_EQ(doctor.exit_code, 1) << doctor.out << doctor.err;
  EXPECT_NE(doctor.out.find("PROBLEM"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("The ledger is damaged"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("tally rebuild"), std::string::npos) << doctor.out;

  // The way out: a new ledger from the logs, the damaged file kept.
  const Outcome rebuild = tally({"rebuild", "-q"}, data);
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.out << rebuild.err;
  EXPECT_NE(rebuild.out.find(".bak"), std::string::npos) << rebuild.out;
  const Outcome after = tally({"models", "--json"}, data);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, first.out) << diff_reports(first.out, after.out);
  EXPECT_EQ(tally({"doctor"}, data).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Damages, DamagedLedgerTest,
                         ::testing::Values(Damage::garbage_in_the_middle, Damage::cut_short,
                                           Damage::header_overwritten, Damage::not_sqlite),
                         [](const auto& p) { return name_of(p.param); });

// A first load that a restart of the machine cut short: its mark (store/sqlite/first_load.h)
// is on the disk with another boot's id, and the file may hold torn pages no check finds.
// Every command refuses it and says what to do; doctor says so; rebuild makes a new ledger
// and keeps the old file with its mark.
TEST_F(FaultTest, AFirstLoadARestartCutShortIsRefusedUntilRebuilt) {
  const fs::path data = scratch_.path() / "data";
  const Outcome first = tally({"models", "--json"}, data);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string mark = ledger_of(data).string() + "-firstload";
  ASSERT_FALSE(fs::exists(mark)) << "a finished load leaves no mark";
  write_file(mark, "a-boot-before-the-crash\n4242\n");

  const Outcome models = tally({"models"}, data);
  EXPECT_NE(models.exit_code, 0);
  EXPECT_NE(models.err.find("cut short by a restart"), std::string::npos) << models.err;
  EXPECT_NE(models.err.find("tally rebuild"), std::string::npos) << models.err;
  EXPECT_NE(models.err.find(ledger_of(data).string()), std::string::npos) << models.err;
  const Outcome doctor = tally({"doctor"}, data);
  EXPECT_EQ(doctor.exit_code, 1) << doctor.out;
  EXPECT_NE(doctor.out.find("cut short by a restart"), std::string::npos) << doctor.out;

  const Outcome rebuild = tally({"rebuild", "-q"}, data);
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.out << rebuild.err;
  EXPECT_FALSE(fs::exists(mark));
  bool kept_with_backup = false;
  for (const auto& e : fs::directory_iterator(data)) {
    kept_with_backup = kept_with_backup || e.path().string().ends_with(".bak-firstload");
  }
  EXPECT_TRUE(kept_with_backup) << "the old file keeps its mark";
  const Outcome after = tally({"models", "--json"}, data);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, first.out) << diff_reports(first.out, after.out);
  EXPECT_EQ(tally({"doctor"}, data).exit_code, 0);
}

// A ledger this user may not write (a shared copy, a colleague's ledger; issue 17): every
// report reads it as it is, says once that it did not read the logs, and creates or changes
// nothing beside it. As root the run drops to nobody (root may write anything); as anyone
// else the file and its directory are made read-only.
TEST_F(FaultTest, AReadOnlyLedgerIsReportedWithoutWritingAnything) {
  const fs::path data = scratch_.path() / "data";
  const Outcome owner = tally({"models", "--json"}, data);
  ASSERT_EQ(owner.exit_code, 0) << owner.err;
  const fs::path ledger = ledger_of(data);
  const bool root = ::geteuid() == 0;
  std::string as_reader;
  if (root) {
    as_reader = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (tally::test::run_shell(as_reader + "test -x '" + binary() + "'").exit_code != 0) {
      GTEST_SKIP() << "nobody cannot run " << binary() << " (setpriv, or a private path)";
    }
    fs::permissions(data, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    fs::permissions(ledger, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
  } else {
    fs::permissions(ledger, fs::perms::owner_read);
    fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec);
  }
  // A new response in the logs: a run that ingested would count it.
  for (const auto& e : fs::recursive_directory_iterator(home_.path() / ".codex")) {
    if (e.path().extension() == ".jsonl") {
      fs::last_write_time(e.path(), fs::file_time_type::clock::now());
    }
  }
  const auto before = fs::last_write_time(ledger);
  auto run = [&](const std::string& args) {
    const fs::path err = scratch_.path() / "reader.err";
    tally::test::ShellRun r = tally::test::run_shell(fmt::format(
        "{}env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' {} 2>'{}'",
        as_reader, home_.str(), data.string(), binary(), args, err.string()));
    return std::make_pair(r, slurp(err));
  };
  const auto [models, models_err] = run("models --json");
  EXPECT_EQ(models.exit_code, 0) << models_err;
  EXPECT_EQ(models.out, owner.out) << diff_reports(owner.out, models.out);
  EXPECT_NE(models_err.find("is read-only for this user"), std::string::npos) << models_err;
  EXPECT_EQ(std::count(models_err.begin(), models_err.end(), '\n'), 1) << models_err;
  const auto [summary, summary_err] = run("");
  EXPECT_EQ(summary.exit_code, 0) << summary_err;
  const auto [quiet, quiet_err] = run("daily --no-ingest");
  EXPECT_EQ(quiet.exit_code, 0) << quiet_err;
  EXPECT_EQ(quiet_err.find("read-only"), std::string::npos) << "--no-ingest asked for it";
  const auto [status, status_err] = run("statusline < /dev/null");
  EXPECT_EQ(status.exit_code, 0) << status_err;
  for (const char* side : {"-wal", "-shm", "-journal", "-firstload"}) {
    EXPECT_FALSE(fs::exists(ledger.string() + side)) << side;
  }
  EXPECT_EQ(fs::last_write_time(ledger), before);
  fs::permissions(data, fs::perms::owner_all);
  fs::permissions(ledger, fs::perms::owner_read | fs::perms::owner_write);
}

// ---------------------------------------------------------------------------------------
// tally doctor.

TEST_F(FaultTest, DoctorFindsAHealthyLedgerHealthyAndNotesDeletedLogs) {
  const fs::path data = scratch_.path() / "data";
  const Outcome none = tally({"doctor"}, data);
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("no ledger yet"), std::string::npos) << none.out;

  ASSERT_EQ(tally({"models"}, data).exit_code, 0);
  const Outcome healthy = tally({"doctor", "--full"}, data);
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_NE(healthy.out.find("The ledger is healthy"), std::string::npos) << healthy.out;
  EXPECT_NE(healthy.out.find("integrity_check"), std::string::npos) << healthy.out;
  EXPECT_EQ(healthy.out.find("PROBLEM"), std::string::npos) << healthy.out;

  // Agents delete old logs: the ledger is then the only copy of their history.
  fs::remove_all(home_.path() / ".gemini");
  const Outcome gone = tally({"doctor"}, data);
  EXPECT_EQ(gone.exit_code, 0) << gone.out;
  EXPECT_NE(gone.out.find("2 of the"), std::string::npos) << gone.out;
  EXPECT_NE(gone.out.find("are gone"), std::string::npos) << gone.out;
  EXPECT_NE(gone.out.find("Keep it"), std::string::npos) << gone.out;
}

TEST_F(FaultTest, DoctorFindsARollupOutOfStepWithTheRecords) {
  const fs::path data = scratch_.path() / "data";
  ASSERT_EQ(tally({"models"}, data).exit_code, 0);
  sql(ledger_of(data),
      "UPDATE usage_rollup SET output_tokens = output_tokens + 7 WHERE (bucket, agent, model, "
      "project, cost_source) IN (SELECT bucket, agent, model, project, cost_source FROM "
      "usage_rollup LIMIT 1)");
  const Outcome doctor = tally({"doctor"}, data);
  EXPECT_EQ(doctor.exit_code, 1) << doctor.out;
  EXPECT_NE(doctor.out.find("rollup that reports read disagrees with the records in 1 of"),
            std::string::npos)
      << doctor.out;
  // The fast-mode count is checked too (issue 17: the share every report prints).
  ASSERT_EQ(tally({"rebuild", "-q"}, data).exit_code, 0);
  ASSERT_EQ(tally({"doctor"}, data).exit_code, 0);
  sql(ledger_of(data),
      "UPDATE usage_rollup SET fast_requests = fast_requests + 1 WHERE (bucket, agent, model, "
      "project, cost_source) IN (SELECT bucket, agent, model, project, cost_source FROM "
      "usage_rollup LIMIT 1)");
  const Outcome fast = tally({"doctor"}, data);
  EXPECT_EQ(fast.exit_code, 1) << fast.out;
  EXPECT_NE(fast.out.find("disagrees with the records in 1 of"), std::string::npos) << fast.out;
}

TEST_F(FaultTest, DoctorLeavesANewerTallysLedgerAlone) {
  const fs::path data = scratch_.path() / "data";
  ASSERT_EQ(tally({"models"}, data).exit_code, 0);
  sql(ledger_of(data), "PRAGMA user_version = 999");
  const Outcome doctor = tally({"doctor"}, data);
  EXPECT_EQ(doctor.exit_code, 1) << doctor.out;
  EXPECT_NE(doctor.out.find("newer tally"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("Upgrade tally"), std::string::npos) << doctor.out;
}

TEST_F(FaultTest, DoctorAndRebuildHelpTeach) {
  const fs::path data = scratch_.path() / "data";
  const Outcome doctor = tally({"doctor", "--help"}, data);
  EXPECT_EQ(doctor.exit_code, 0);
  for (const char* words : {"quick_check", "--full", "rollup", "tally rebuild", ".recover"}) {
    EXPECT_NE(doctor.out.find(words), std::string::npos) << words << "\n" << doctor.out;
  }
  const Outcome rebuild = tally({"rebuild", "--help"}, data);
  EXPECT_EQ(rebuild.exit_code, 0);
  for (const char* words : {".bak", "logs that still exist", "Safe to stop", "tally watch"}) {
    EXPECT_NE(rebuild.out.find(words), std::string::npos) << words << "\n" << rebuild.out;
  }
  EXPECT_FALSE(fs::exists(ledger_of(data))) << "--help must not touch the ledger";
}

// ---------------------------------------------------------------------------------------
// tally rebuild.

TEST_F(FaultTest, RebuildKeepsTheOldLedgerAndSaysWhatOnlyItHolds) {
  const fs::path data = scratch_.path() / "data";
  const Outcome before = tally({"models", "--json"}, data);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  // History that only the ledger still has, and a write only the WAL holds (a run killed
  // before its checkpoint): both must survive in the backup.
  fs::remove_all(home_.path() / ".gemini");
  write_to_wal_only(ledger_of(data), "wal-only");

  const Outcome rebuild = tally({"rebuild", "-q"}, data);
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.out << rebuild.err;
  std::vector<fs::path> backups;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() == ".bak") {
      backups.push_back(e.path());
    }
  }
  ASSERT_EQ(backups.size(), 1U) << rebuild.out;
  const fs::path bak = backups.front();
  EXPECT_NE(rebuild.out.find("kept as " + bak.string()), std::string::npos) << rebuild.out;
  EXPECT_FALSE(fs::exists(bak.string() + "-wal")) << "made one file before it was kept";
  // The Gemini fixtures hold 3 responses: only in the old ledger now, and said so.
  EXPECT_NE(rebuild.err.find("3 of the old ledger's"), std::string::npos) << rebuild.err;
  EXPECT_NE(rebuild.err.find(bak.string()), std::string::npos) << rebuild.err;

  // The new ledger: exactly a first run on the logs that are left.
  const Outcome now = tally({"models", "--json"}, data);
  const Outcome fresh = tally({"models", "--json"}, scratch_.path() / "fresh");
  ASSERT_EQ(now.exit_code, 0) << now.err;
  EXPECT_EQ(now.out, fresh.out) << diff_reports(fresh.out, now.out);
  // The backup: the old ledger, whole, with what only its WAL held.
  const fs::path old_dir = scratch_.path() / "old";
  fs::create_directories(old_dir);
  fs::copy_file(bak, ledger_of(old_dir));
  const Outcome old = tally({"models", "--json", "--no-ingest"}, old_dir);
  EXPECT_EQ(old.out, before.out) << diff_reports(before.out, old.out);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger_of(old_dir).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'wal-only'", -1, &stmt, nullptr);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(FaultTest, RebuildOfALedgerSqliteCannotOpenKeepsWhatItsWalHeld) {
  const fs::path data = scratch_.path() / "data";
  const Outcome before = tally({"models", "--json"}, data);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  write_to_wal_only(ledger_of(data), "wal-of-a-damaged-ledger");
  std::string bytes = slurp(ledger_of(data));
  bytes.replace(0, 16, "not SQLite at al");  // the header, as a stray write leaves it
  write_file(ledger_of(data), bytes);

  const Outcome rebuild = tally({"rebuild", "-q"}, data);
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.out << rebuild.err;
  // Nothing of the old ledger next to the new one; what its WAL held is in its backup,
  // checkpointed into it by SQLite or beside it.
  EXPECT_FALSE(fs::exists(ledger_of(data).string() + "-wal")) << "the old WAL stayed behind";
  EXPECT_FALSE(fs::exists(ledger_of(data).string() + "-shm"));
  int backups = 0;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.path().extension() == ".bak") {
      ++backups;
      const std::string kept = slurp(e.path()) + slurp(e.path().string() + "-wal");
      EXPECT_NE(kept.find("wal-of-a-damaged-ledger"), std::string::npos);
    }
  }
  EXPECT_EQ(backups, 1);
  const Outcome after = tally({"models", "--json"}, data);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out) << diff_reports(before.out, after.out);
}

TEST_F(FaultTest, RebuildKilledAnywhereLeavesAWholeLedgerOldOrNew) {
  // Enough logs for the rebuild to take a while: the real ones and a generated history.
  tally::demo::CorpusOptions co;
  co.out = (scratch_.path() / "gen").string();
  co.mb = 3;
  co.end = 1'795'000'000'000;
  ASSERT_TRUE(tally::demo::generate_corpus(co)) << "corpus";
  fs::copy(co.out, home_.path(), fs::copy_options::recursive | fs::copy_options::skip_existing);
  const fs::path data = scratch_.path() / "data";
  const Outcome old = tally({"models", "--json"}, data);
  ASSERT_EQ(old.exit_code, 0) << old.err;
  fs::remove_all(home_.path() / ".gemini");  // the old and the new ledger differ
  const fs::path pristine = scratch_.path() / "pristine.db";
  fs::copy_file(ledger_of(data), pristine);

  const auto t0 = std::chrono::steady_clock::now();
  const Outcome full = tally({"rebuild", "-q"}, data);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const Outcome fresh = tally({"models", "--json", "--no-ingest"}, data);
  ASSERT_NE(fresh.out, old.out);

  const int kills = 12;
  int old_seen = 0;
  int new_seen = 0;
  for (int k = 0; k < kills; ++k) {
    for (const auto& e : fs::directory_iterator(data)) {
      fs::remove_all(e.path());
    }
    fs::copy_file(pristine, ledger_of(data));
    // Spread over twice the time a whole rebuild took: runs under load take longer.
    const auto delay = std::chrono::duration_cast<std::chrono::microseconds>(took) * 2 * k / kills;
    TallyProcess p(home_.str(), data.string(), {"rebuild", "-q"}, scratch_.path());
    const Outcome killed = p.kill_at(delay);
    const std::string label = fmt::format("killed at {} us", delay.count());
    EXPECT_TRUE(killed.signal == SIGKILL || killed.exit_code == 0) << label << ": " << killed.err;
    ASSERT_TRUE(fs::exists(ledger_of(data))) << label;
    const Outcome after = tally({"models", "--json", "--no-ingest"}, data);
    ASSERT_EQ(after.exit_code, 0) << label << ": " << after.err;
    if (after.out == old.out) {
      ++old_seen;
    } else {
      EXPECT_EQ(after.out, fresh.out) << label << ": neither the old nor the new ledger\n"
                                      << diff_reports(fresh.out, after.out);
      ++new_seen;
    }
  }
  EXPECT_GT(old_seen, 0);  // the first kill is at once
  std::printf("[ kills    ] %d left the old ledger, %d the new one\n", old_seen, new_seen);
  // What a stopped rebuild left is cleaned up by the next one.
  {
    TallyProcess p(home_.str(), data.string(), {"rebuild", "-q"}, scratch_.path());
    (void)p.kill_at(std::chrono::duration_cast<std::chrono::microseconds>(took) / 2);
  }
  const Outcome last = tally({"rebuild", "-q"}, data);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  for (const auto& e : fs::directory_iterator(data)) {
    EXPECT_EQ(e.path().filename().string().find(".rebuild-"), std::string::npos) << e.path();
  }
  EXPECT_EQ(tally({"doctor"}, data).exit_code, 0);
}

// ---------------------------------------------------------------------------------------
// A full disk.

// A tmpfs of `bytes` at `dir` for the test's life, unmounted (lazily, should a file still
// be open) however the test ends.
class Tmpfs {
 public:
  Tmpfs(const fs::path& dir, std::uint64_t bytes) : dir_(dir) {
    fs::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, fmt::format("size={}", bytes).c_str()) != 0) {
      error_ = std::strerror(errno);
    }
  }
  ~Tmpfs() {
    if (error_.empty()) {
      ::umount2(dir_.c_str(), MNT_DETACH);
    }
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  const std::string& error() const { return error_; }
  std::uint64_t free_bytes() const {
    struct statvfs st {};
    return ::statvfs(dir_.c_str(), &st) == 0 ? st.f_bavail * st.f_frsize : 0;
  }

 private:
  fs::path dir_;
  std::string error_;
};

// Fills `dir` with a file that leaves `keep` bytes free on `fs`.
void fill(const Tmpfs& mount, const fs::path& file, std::uint64_t keep) {
  const std::uint64_t free = mount.free_bytes();
  ASSERT_GT(free, keep);
  write_file(file, std::string(free - keep, '\0'));
}

TEST_F(FaultTest, FullDiskFailsLoudlyThenSpaceFreedGivesExactTotals) {
  tally::demo::CorpusOptions co;
  co.out = (scratch_.path() / "gen").string();
  co.mb = 2;
  co.end = 1'795'000'000'000;
  ASSERT_TRUE(tally::demo::generate_corpus(co)) << "corpus";
  fs::copy(co.out, home_.path(), fs::copy_options::recursive | fs::copy_options::skip_existing);
  // What a run with room gives, and how much room it needs.
  const fs::path roomy = scratch_.path() / "roomy";
  const Outcome want = tally({"models", "--json"}, roomy);
  ASSERT_EQ(want.exit_code, 0) << want.err;
  const std::uint64_t ledger_bytes = fs::file_size(ledger_of(roomy));

  const fs::path mnt = scratch_.path() / "mnt";
  Tmpfs disk(mnt, ledger_bytes * 4 + (1 << 20));
  if (!disk.error().empty()) {
    GTEST_SKIP() << "cannot mount a tmpfs (" << disk.error() << "): the full-disk test needs "
                 << "root (CI runs as root)";
  }
  const fs::path data = mnt / "data";
  const fs::path filler = mnt / "filler";
  auto expect_full = [&](const Outcome& run, const std::string& label) {
    EXPECT_EQ(run.signal, 0) << label;
    EXPECT_EQ(run.exit_code, 1) << label << ": " << run.out << run.err;
    EXPECT_NE(run.err.find("is full"), std::string::npos) << label << ": " << run.err;
    EXPECT_NE(run.err.find(ledger_of(data).string()), std::string::npos)
        << label << ": " << run.err;
    EXPECT_NE(run.err.find("free some space"), std::string::npos) << label << ": " << run.err;
  };

  // A first load that does not fit.
  fill(disk, filler, ledger_bytes / 3);
  expect_full(tally({"models", "--json"}, data), "first load");
  fs::remove(filler);
  const Outcome doctor = tally({"doctor"}, data);
  EXPECT_EQ(doctor.exit_code, 0) << "the ledger is intact after the failure\n" << doctor.out;
  const Outcome first = tally({"models", "--json"}, data);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, want.out) << diff_reports(want.out, first.out);

  // More logs later, on a ledger in WAL mode, and no room for them.
  ASSERT_TRUE(tally::demo::append_corpus(co, 60.0)) << "append";
  fs::copy(co.out, home_.path(),
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  const Outcome want_more = tally({"models", "--json"}, scratch_.path() / "roomy-more");
  ASSERT_EQ(want_more.exit_code, 0) << want_more.err;
  fill(disk, filler, 64 << 10);
  expect_full(tally({"models", "--json"}, data), "later load");
  fs::remove(filler);
  const Outcome more = tally({"models", "--json"}, data);
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_EQ(more.out, want_more.out) << diff_reports(want_more.out, more.out);
  EXPECT_EQ(tally({"doctor"}, data).exit_code, 0);
}

}  // namespace
