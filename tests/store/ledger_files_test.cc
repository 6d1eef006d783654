// The files beside a ledger file (store/ledger_files.h): what rebuilds leave, and the swap
// that keeps the old ledger as a backup.

#include "store/ledger_files.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tally::store {
namespace {

namespace fs = std::filesystem;

class LedgerFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-ledger-files-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ledger_ = (dir_ / "ledger.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
  std::string ledger_;
};

TEST_F(LedgerFilesTest, ListsBackupsAndStoppedRebuildsAndRemovesOnlyTheStopped) {
  write(ledger_, "ledger");
  write(ledger_ + ".20261122T220907Z.bak", "old");
  // No process has pid 999999999 (above any pid_max), so this rebuild was stopped.
  const std::string stopped = ledger_ + ".rebuild-999999999";
  write(stopped, "partial");
  write(stopped + "-wal", "partial wal");
  const std::string running = rebuild_path(ledger_);  // this process's own: running
  write(running, "new");
  write(ledger_ + ".rebuild-x1", "not a rebuild's");

  const std::vector<LeftoverFile> found = rebuild_leftovers(ledger_);
  ASSERT_EQ(found.size(), 3U);
  EXPECT_EQ(found[0].path, ledger_ + ".20261122T220907Z.bak");
  EXPECT_NE(found[0].what.find("an older ledger"), std::string::npos);
  EXPECT_EQ(found[1].path, running);
  EXPECT_NE(found[1].what.find("is running"), std::string::npos);
  EXPECT_EQ(found[2].path, stopped);
  EXPECT_NE(found[2].what.find("was stopped"), std::string::npos);

  remove_stopped_rebuilds(ledger_);
  EXPECT_FALSE(fs::exists(stopped));
  EXPECT_FALSE(fs::exists(stopped + "-wal"));
  EXPECT_TRUE(fs::exists(running));
  EXPECT_TRUE(fs::exists(ledger_ + ".rebuild-x1"));
}

TEST_F(LedgerFilesTest, SwapWithoutAnOldLedgerOnlyRenames) {
  const std::string fresh = rebuild_path(ledger_);
  write(fresh, "new ledger");
  auto swapped = swap_in_ledger(fresh, ledger_);
  ASSERT_TRUE(swapped) << swapped.error().message;
  EXPECT_EQ(swapped->backup, "");
  EXPECT_FALSE(swapped->side_files);
  EXPECT_EQ(read(ledger_), "new ledger");
  EXPECT_FALSE(fs::exists(fresh));
}

// Side files that go along with a damaged ledger are tests/cli/fault_test.cc's: only a real
// SQLite file can keep its WAL through the attempt to consolidate it.
TEST_F(LedgerFilesTest, SwapKeepsTheOldLedgerAsABackupAndDropsTheIndexOfItsWal) {
  write(ledger_, "old ledger");
  write(ledger_ + "-shm", "index of the wal");
  const std::string fresh = rebuild_path(ledger_);
  write(fresh, "new ledger");

  auto swapped = swap_in_ledger(fresh, ledger_);
  ASSERT_TRUE(swapped) << swapped.error().message;
  ASSERT_NE(swapped->backup, "");
  EXPECT_EQ(swapped->backup.rfind(ledger_ + ".", 0), 0U);
  EXPECT_EQ(read(swapped->backup), "old ledger");
  EXPECT_EQ(read(ledger_), "new ledger");
  EXPECT_FALSE(fs::exists(ledger_ + "-shm"));
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(rebuild_leftovers(ledger_).size(), 1U);  // the backup

  remove_ledger_files(swapped->backup);
  EXPECT_FALSE(fs::exists(swapped->backup));
}

}  // namespace
}  // namespace tally::store
