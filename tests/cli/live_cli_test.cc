// End-to-end tests of `tally statusline`, `tally watch` and `tally demo`: the real binary on
// a temporary copy of the real-log fixtures (tests/data/real-logs/home), with a throw-away
// ledger. Nothing here asserts on timing; waits are generous and poll for the outcome.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kFixtureHome = std::string(TALLY_TESTDATA) + "/real-logs/home";
// s4: a Claude session with one sub-agent transcript.
const std::string kS4Dir = "/.claude/projects/-tmp-realcli-runs-claude-work-s4-subagent";
const std::string kS4Id = "a6e0e7e2-b505-4c7a-b792-96d2925543e7";
const std::string kS1File =
    "/.claude/projects/-tmp-realcli-runs-claude-work-s1-hi/"
    "db905aa5-c229-4a70-ae4e-b9ad3c3b48d5.jsonl";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs tally with a clean environment (HOME, TALLY_DATA_DIR, TZ=UTC, and `env`: "NAME=value
// ..."), stdin from `input`.
RunResult run_tally(const std::string& home, const std::string& data_dir, const std::string& args,
                    const std::string& input_file = "/dev/null", const std::string& env = "") {
  const fs::path err_file =
      fs::temp_directory_path() / fmt::format("tally-live-{}.err", ::getpid());
  const std::string cmd = fmt::format(
      "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin {} '{}' {} <'{}' 2>'{}'",
      home, data_dir, env, TALLY_BINARY, args, input_file, err_file.string());
  RunResult run;
  const tally::test::ShellRun shell = tally::test::run_shell(cmd);
  run.out = shell.out;
  run.exit_code = shell.exit_code;
  run.err = slurp(err_file.string());
  fs::remove(err_file);
  return run;
}

class LiveCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("tally-live-test-{}-{}", ::getpid(), n_++);
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::copy(kFixtureHome, home(), fs::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string home() const { return (root_ / "home").string(); }
  std::string data() const { return (root_ / "data").string(); }
  std::string file(const std::string& name, const std::string& text) const {
    const std::string path = (root_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path root_;
  static inline int n_ = 0;
};

double session_cost_from_sessions_json(const std::string& json, const std::string& id) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    if (std::string_view(row["session_id"].get_string()) == id) {
      return double(row["cost_usd"]);
    }
  }
  ADD_FAILURE() << "session " << id << " not in: " << json;
  return -1;
}

TEST_F(LiveCliTest, StatuslineSessionCostMatchesTheSessionsReport) {
  const std::string transcript = home() + kS4Dir + "/" + kS4Id + ".jsonl";
  const std::string hook =
      file("hook.json",
           fmt::format(R"({{"hook_event_name":"Status","session_id":"{}","transcript_path":"{}",
        "cwd":"/tmp/realcli/runs/claude/work/s4-subagent","model":{{"id":"claude-opus-4-8",
        "display_name":"Opus"}},"workspace":{{"current_dir":"/x","project_dir":"/x"}},
        "version":"2.1.330","cost":{{"total_cost_usd":0.5}},"exceeds_200k_tokens":false}})",
                       kS4Id, transcript));

  // On a ledger no full walk has filled, the statusline walks every log once.
  const RunResult line = run_tally(home(), data(), "statusline --json", hook);
  ASSERT_EQ(line.exit_code, 0) << line.err;
  simdjson::dom::parser parser;
  simdjson::dom::element facts = parser.parse(line.out);
  ASSERT_FALSE(facts["session_cost_usd"].is_null()) << line.out;
  const double statusline_cost = double(facts["session_cost_usd"]);
  EXPECT_GT(statusline_cost, 0);
  EXPECT_EQ(int64_t(facts["context_window"]), 1'000'000);  // claude-opus-4-8
  EXPECT_GT(int64_t(facts["context_tokens"]), 0);

  const RunResult walked = run_tally(home(), data(), "sessions --json --no-ingest");
  ASSERT_EQ(walked.exit_code, 0) << walked.err;
  // A full ingest agrees on every session, and on this one's cost, sub-agent included.
  const RunResult sessions = run_tally(home(), data(), "sessions --json");
  ASSERT_EQ(sessions.exit_code, 0) << sessions.err;
  EXPECT_EQ(walked.out, sessions.out);
  simdjson::dom::parser p2;
  EXPECT_GT(p2.parse(sessions.out)["rows"].get_array().size(), 1u) << sessions.out;
  EXPECT_NEAR(statusline_cost, session_cost_from_sessions_json(sessions.out, kS4Id), 1e-6);

  const RunResult plain = run_tally(home(), data(), "statusline", hook);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.rfind("Opus · $", 0), 0u) << plain.out;
  EXPECT_NE(plain.out.find(" session · $0.00 today · ctx "), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find('\033'), std::string::npos);  // not a terminal: no colour
  EXPECT_EQ(std::count(plain.out.begin(), plain.out.end(), '\n'), 1);
}

// One more response in s1's transcript: its last assistant line under new ids.
std::string another_response(const std::string& transcript, int n) {
  std::ifstream in(transcript);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find("\"type\":\"assistant\"") != std::string::npos &&
        line.find("\"usage\"") != std::string::npos) {
      last = line;
    }
  }
  EXPECT_FALSE(last.empty()) << transcript;
  last = std::regex_replace(last, std::regex(R"("id":"msg_[A-Za-z0-9]+")"),
                            fmt::format(R"("id":"msg_refresh{}")", n));
  return std::regex_replace(last, std::regex(R"("requestId":"req_[A-Za-z0-9]+")"),
                            fmt::format(R"("requestId":"req_refresh{}")", n)) +
         "\n";
}

// The fixture copy is seconds old, and a directory changed within seconds before a walk
// counts as changed after it (ingest/refresh.h, kTimestampSlackNs): the logs' directories
// get an hour-old mtime, as they have between sessions.
void age_directories(const std::string& home) {
  const auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::recursive_directory_iterator(home)) {
    if (entry.is_directory()) {
      fs::last_write_time(entry.path(), hour_ago);
    }
  }
  fs::last_write_time(home, hour_ago);
}

std::int64_t requests_in_ledger(const std::string& home, const std::string& data) {
  const RunResult daily = run_tally(home, data, "daily --json --no-ingest");
  EXPECT_EQ(daily.exit_code, 0) << daily.err;
  simdjson::dom::parser parser;
  return int64_t(parser.parse(daily.out)["totals"]["requests"]);
}

// Issue 17: the statusline of one session reads what another session wrote, without a full
// run; it walks every log directory when one changed or the last walk is 10 minutes old.
TEST_F(LiveCliTest, StatuslineReadsOtherSessionsAndNewLogs) {
  const std::string s4 = home() + kS4Dir + "/" + kS4Id + ".jsonl";
  const std::string hook = file(
      "hook.json", fmt::format(R"({{"session_id":"{}","transcript_path":"{}"}})", kS4Id, s4));
  const std::string s1 = home() + kS1File;
  age_directories(home());
  // s1 is old news: read once, then untouched for two days.
  fs::last_write_time(s1, fs::file_time_type::clock::now() - std::chrono::hours(48));
  ASSERT_EQ(run_tally(home(), data(), "daily -q").exit_code, 0);
  const std::int64_t before = requests_in_ledger(home(), data());
  // TALLY_TIMING says which way the refresh went: "recent file(s)" or "full walk".
  auto statusline = [&](std::string_view how) {
    const RunResult r =
        run_tally(home(), data(), "statusline --color never", hook, "TALLY_TIMING=1");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(how), std::string::npos) << r.err;
  };

  // Another session written lately: its new response reaches the ledger through s4's
  // statusline.
  std::ofstream(s1, std::ios::app) << another_response(s1, 1);
  ASSERT_EQ(run_tally(home(), data(), "daily -q").exit_code, 0);  // s1's mtime is now recent
  const std::int64_t with_one = requests_in_ledger(home(), data());
  EXPECT_EQ(with_one, before + 1);
  std::ofstream(s1, std::ios::app) << another_response(s1, 2);
  statusline("recent file(s), 1 changed");
  EXPECT_EQ(requests_in_ledger(home(), data()), with_one + 1) << "a recent log of another session";

  // A new log in a known directory: the directory's mtime sends the refresh to a full walk.
  const std::string fresh = fs::path(s1).parent_path() / "0a0a0a0a-new-session.jsonl";
  std::ofstream(fresh) << another_response(s1, 3);
  statusline("full walk (a log directory changed");
  EXPECT_EQ(requests_in_ledger(home(), data()), with_one + 2) << "a new log file";

  // A log idle for days that grows is left to the next walk, at most 10 minutes away.
  age_directories(home());  // the new file came an hour ago
  fs::last_write_time(s1, fs::file_time_type::clock::now() - std::chrono::hours(48));
  ASSERT_EQ(run_tally(home(), data(), "daily -q").exit_code, 0);  // its cursor is old now
  std::ofstream(s1, std::ios::app) << another_response(s1, 4);
  statusline("recent file(s), 0 changed");
  EXPECT_EQ(requests_in_ledger(home(), data()), with_one + 2) << "idle for days: not yet";
  const fs::path mark = fs::path(data()) / "ledger.db.walked";
  ASSERT_TRUE(fs::exists(mark));
  fs::last_write_time(mark, fs::file_time_type::clock::now() - std::chrono::minutes(11));
  statusline("full walk (the last full walk is over 10 minutes old)");
  EXPECT_EQ(requests_in_ledger(home(), data()), with_one + 3) << "the walk every 10 minutes";
}

TEST_F(LiveCliTest, StatuslineBadInputGivesOnePlainLineAndExitZero) {
  const std::string garbage = file("garbage", "this is not { json");
  const RunResult bad = run_tally(home(), data(), "statusline", garbage);
  EXPECT_EQ(bad.exit_code, 0);
  EXPECT_EQ(bad.out, "tally: no status (input is not statusline JSON)\n");

  const std::string huge = file("huge", std::string(3 << 20, ' ') + "{}");
  const RunResult big = run_tally(home(), data(), "statusline", huge);
  EXPECT_EQ(big.exit_code, 0);
  EXPECT_EQ(big.out, "tally: no status (unreadable input)\n");

  const RunResult empty = run_tally(home(), data(), "statusline --color never");
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "$0.00 today\n");
}

// Waits up to `seconds` for `pred()` to hold.
template <typename Pred>
bool eventually(Pred pred, int seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST_F(LiveCliTest, WatchPrintsANewSnapshotWhenALogGrows) {
  const std::string out_path = (root_ / "watch.out").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    const std::string home_env = "HOME=" + home();
    const std::string data_env = "TALLY_DATA_DIR=" + data();
    char* const envp[] = {const_cast<char*>(home_env.c_str()), const_cast<char*>(data_env.c_str()),
                          const_cast<char*>("TZ=UTC"), nullptr};
    char* const argv[] = {const_cast<char*>("tally"), const_cast<char*>("watch"), nullptr};
    ::execve(TALLY_BINARY, argv, envp);
    ::_exit(127);
  }
  const auto snapshots = [&] { return count_of(slurp(out_path), "tally watch  as of"); };
  ASSERT_TRUE(eventually([&] { return snapshots() >= 1; }, 60)) << slurp(out_path);
  EXPECT_EQ(snapshots(), 1u);

  // A new response in s1: a copy of its last assistant line under new ids.
  const std::string log = home() + kS1File;
  std::string last;
  {
    std::ifstream in(log);
    for (std::string l; std::getline(in, l);) {
      if (l.find("\"type\":\"assistant\"") != std::string::npos &&
          l.find("\"usage\"") != std::string::npos) {
        last = l;
      }
    }
  }
  ASSERT_FALSE(last.empty());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"msg_01lW5uor7V3E79xJUHC6QTIF",
                                                                     "msg_01LiveWatchTest000001"},
                                 {"req_01W8rvxULraDgBPiqJFnpfEK", "req_01LiveWatchTest000001"}}) {
    const size_t at = last.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    last.replace(at, from.size(), to);
  }
  std::ofstream(log, std::ios::app) << last << "\n";

  EXPECT_TRUE(eventually([&] { return snapshots() >= 2; }, 60)) << slurp(out_path);
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);  // Ctrl-C is a clean exit
  const std::string out = slurp(out_path);
  EXPECT_NE(out.find("\n\ntally watch  as of"), std::string::npos) << out;  // blank-line split
  EXPECT_EQ(out.find('\033'), std::string::npos);  // not a terminal: no escapes
}

TEST_F(LiveCliTest, DemoFillsItsOwnLedgerAndLeavesTheUsersAlone) {
  const RunResult mine = run_tally(home(), data(), "sessions --json");
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  const std::string ledger_before = slurp(data() + "/ledger.db");
  ASSERT_FALSE(ledger_before.empty());

  const RunResult before_demo = run_tally(home(), data(), "daily --demo --json");
  EXPECT_EQ(before_demo.exit_code, 1);
  EXPECT_NE(before_demo.err.find("run `tally demo` first"), std::string::npos) << before_demo.err;

  const RunResult demo = run_tally(home(), data(), "demo");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.out.find("tally daily --demo"), std::string::npos) << demo.out;
  EXPECT_TRUE(fs::exists(data() + "/demo/ledger.db"));

  const RunResult daily = run_tally(home(), data(), "daily --demo --json");
  ASSERT_EQ(daily.exit_code, 0) << daily.err;
  EXPECT_NE(daily.err.find("DEMO DATA"), std::string::npos) << daily.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(daily.out);
  const size_t days = doc["rows"].get_array().size();
  EXPECT_GE(days, 20u) << daily.out;  // a month, give or take quiet days
  EXPECT_LE(days, 31u) << daily.out;
  EXPECT_GT(double(doc["totals"]["cost_usd"]), 0) << daily.out;
  EXPECT_GT(int64_t(doc["totals"]["total_tokens"]), 0) << daily.out;

  // The user's ledger: same bytes, same report.
  EXPECT_EQ(slurp(data() + "/ledger.db"), ledger_before);
  const RunResult again = run_tally(home(), data(), "sessions --json --no-ingest");
  EXPECT_EQ(again.out, mine.out);
}

}  // namespace
