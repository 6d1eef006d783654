// The app layer's contracts: the ledger lock, explained errors, the atomic report file, and
// prepare() on the scrubbed real logs, with progress told to an Observer.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/atomic_file.h"
#include "app/config.h"
#include "app/context.h"
#include "app/explained_ledger.h"
#include "app/ledger_lock.h"
#include "core/agent.h"

namespace tally::app {
namespace {

namespace fs = std::filesystem;

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-app-test-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(AppTest, SharedLocksCoexistAndAnExclusiveOneWaitsThenSaysWhoHoldsIt) {
  const std::string ledger = path("ledger.db");
  auto first = LedgerLock::take(ledger, LedgerLock::Mode::shared, std::chrono::milliseconds(0));
  ASSERT_TRUE(first) << first.error().message;
  auto second = LedgerLock::take(ledger, LedgerLock::Mode::shared, std::chrono::milliseconds(0));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(fs::exists(ledger_lock_path(ledger)));

  auto exclusive =
      LedgerLock::take(ledger, LedgerLock::Mode::exclusive, std::chrono::milliseconds(20));
  ASSERT_FALSE(exclusive);
  EXPECT_EQ(exclusive.error().code, Errc::unsupported);
  EXPECT_NE(exclusive.error().message.find("another tally process"), std::string::npos);

  *first = LedgerLock();
  *second = LedgerLock();
  exclusive = LedgerLock::take(ledger, LedgerLock::Mode::exclusive, std::chrono::milliseconds(0));
  EXPECT_TRUE(exclusive) << exclusive.error().message;
}

TEST(ExplainLedgerErrorTest, NamesTheFileOfANewerLedgerAndPassesOthersThrough) {
  const Error newer{Errc::unsupported, "the ledger has schema version 99"};
  EXPECT_EQ(explain_ledger_error(newer, "/data/ledger.db").message,
            "the ledger /data/ledger.db has schema version 99");
  const Error other{Errc::io, "something else"};
  EXPECT_EQ(explain_ledger_error(other, "/data/ledger.db").message, "something else");
}

TEST_F(AppTest, AtomicFileReplacesContentAndKeepsThePrivateMode) {
  const std::string report = path("report.html");
  {
    std::ofstream out(report);
    out << "old";
  }
  ASSERT_EQ(::chmod(report.c_str(), 0600), 0);
  auto written = write_file_atomically(report, "new report");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(read_file(report), "new report");
  struct stat st {};
  ASSERT_EQ(::stat(report.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  auto refused = write_file_atomically(path("missing-dir/report.html"), "x");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::io);
}

TEST_F(AppTest, PrepareIngestsTheLogsUnderHomeAndTellsTheObserver) {
  ::setenv("HOME", TALLY_TESTDATA "/real-logs/home", 1);
  ::setenv("TALLY_DATA_DIR", path("data").c_str(), 1);
  ::setenv("TALLY_CONFIG", path("no-config.toml").c_str(), 1);
  ::setenv("TZ", "UTC", 1);
  for (Agent agent : registered_agents()) {
    for (const std::string& var : agent_info(agent).env_vars) {
      ::unsetenv(var.c_str());
    }
  }
  std::int64_t last_total = -1;
  int done = 0;
  std::vector<std::string> notes;
  Observer observer;
  observer.progress = [&](std::int64_t, std::int64_t total) { last_total = total; };
  observer.done = [&] { ++done; };
  observer.note = [&](std::string_view text) { notes.emplace_back(text); };

  auto ctx = prepare(ContextOptions{}, observer);
  ASSERT_TRUE(ctx) << ctx.error().message;
  EXPECT_TRUE(ctx->ingested);
  EXPECT_GT(ctx->ingest.files_found, 0);
  EXPECT_GT(last_total, 0);
  EXPECT_EQ(done, 1);
  EXPECT_TRUE(notes.empty());  // only demo data is noted
  EXPECT_TRUE(fs::exists(path("data/ledger.db")));
  auto records = ctx->ledger->record_count();
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_GT(*records, 0);

  // The demo without `tally demo` first: not found, and the user's ledger untouched.
  ContextOptions demo;
  demo.demo = true;
  auto missing = prepare(demo, observer);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_TRUE(notes.empty());
}

TEST_F(AppTest, MoneyDecimalsComeFromTheConfigOrTheEnvironmentAndAreChecked) {
  ::setenv("TALLY_CONFIG", path("config.toml").c_str(), 1);
  ::unsetenv("TALLY_MONEY_DECIMALS");
  std::ofstream(path("config.toml")) << "money_decimals = 4\n";
  auto c = load_config();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->money_decimals, 4);
  ::setenv("TALLY_MONEY_DECIMALS", "0", 1);  // the environment wins over the file
  c = load_config();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->money_decimals, 0);
  EXPECT_EQ(c->origin["money_decimals"], "env TALLY_MONEY_DECIMALS");
  ::setenv("TALLY_MONEY_DECIMALS", "7", 1);
  EXPECT_FALSE(load_config());
  ::unsetenv("TALLY_MONEY_DECIMALS");
  for (const char* bad : {"money_decimals = 9\n", "money_decimals = \"2\"\n",
                          "money_decimals = -1\n"}) {
    std::ofstream(path("config.toml")) << bad;
    auto r = load_config();
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("money_decimals"), std::string::npos);
  }
  ::unsetenv("TALLY_CONFIG");
}

}  // namespace
}  // namespace tally::app
