// `tally problems --ack` end to end (issue 17): reports warn about unusable lines until they
// are acknowledged, then only about new ones; the list itself always shows every one. The
// real binary on a copy of the derived real fixtures with malformed lines appended.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/permissions.h"
#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

struct TallyRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ProblemsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-problems-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(std::string(TALLY_TESTDATA) + "/real-logs/home", dir_ / "home",
             fs::copy_options::recursive);
    log_ = dir_ / "home/.claude/projects/-tmp-realcli-runs-claude-work-s1-hi/"
                  "db905aa5-c229-4a70-ae4e-b9ad3c3b48d5.jsonl";
    ASSERT_TRUE(fs::exists(log_));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void append(const std::string& text) { std::ofstream(log_, std::ios::app) << text; }

  // The number of lines of the log file now.
  std::int64_t lines() {
    std::ifstream in(log_);
    std::int64_t n = 0;
    for (std::string l; std::getline(in, l);) {
      ++n;
    }
    return n;
  }

  // `prefix` goes before the binary (a setpriv that makes permission bits bind).
  TallyRun tally(const std::string& args, const std::string& prefix = "") {
    const fs::path err = dir_ / "stderr";
    const std::string cmd = fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin {}'{}' {} 2>'{}'",
        (dir_ / "home").string(), (dir_ / "data").string(), prefix, TALLY_BINARY, args,
        err.string());
    TallyRun run;
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    run.out = shell.out;
    run.exit_code = shell.exit_code;
    std::ifstream in(err);
    std::stringstream s;
    s << in.rdbuf();
    run.err = s.str();
    return run;
  }

  fs::path dir_;
  fs::path log_;
};

std::string line_ref(const fs::path& file, std::int64_t line) {
  return fmt::format("{}:{})", file.filename().string(), line);
}

TEST_F(ProblemsCliTest, AcknowledgedLinesLeaveTheReportsUntilNewOnesAppear) {
  append("{\"type\":\"assistant\",\"message\": {broken\n");
  const std::int64_t first_bad = lines();
  const TallyRun before = tally("daily -q");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find(line_ref(log_, first_bad)), std::string::npos) << before.out;

  const TallyRun ack = tally("problems --ack -q");
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_NE(ack.out.find("acknowledged 1 unusable line"), std::string::npos) << ack.out;

  const TallyRun quiet = tally("daily -q");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out.find(line_ref(log_, first_bad)), std::string::npos) << quiet.out;
  EXPECT_NE(quiet.out.find("1 acknowledged unusable line not shown"), std::string::npos)
      << quiet.out;
  // The list still has it: acknowledging hides nothing from `tally problems`.
  const TallyRun list = tally("problems --csv -q");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(fmt::format(",{},", first_bad)), std::string::npos) << list.out;

  // A new bad line: warned about, alone.
  append("not json at all\n");
  const std::int64_t second_bad = lines();
  const TallyRun after = tally("-q");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(after.out.find(line_ref(log_, second_bad)), std::string::npos) << after.out;
  EXPECT_EQ(after.out.find(line_ref(log_, first_bad)), std::string::npos) << after.out;
}

TEST_F(ProblemsCliTest, NothingToAcknowledgeIsFineAndReadOnlyLedgersRefuse) {
  const TallyRun none = tally("problems --ack -q");
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("acknowledged 0 unusable lines"), std::string::npos) << none.out;
  // A ledger this user may not write (as root: without the capabilities that ignore it).
  fs::permissions(dir_ / "data", fs::perms::owner_read | fs::perms::owner_exec);
  for (const auto& e : fs::directory_iterator(dir_ / "data")) {
    fs::permissions(e.path(), fs::perms::owner_read);
  }
  const TallyRun ro = tally("problems --ack -q", tally::test::obey_permissions_prefix());
  EXPECT_EQ(ro.exit_code, 2) << ro.out << ro.err;
  EXPECT_NE(ro.err.find("read-only"), std::string::npos) << ro.err;
  fs::permissions(dir_ / "data", fs::perms::owner_all);
}

}  // namespace
