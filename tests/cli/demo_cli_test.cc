// `tally demo` end to end (issue 17): the month it writes is a heavy user's, and the views
// show it as they would show one: $8-12k and 10-15B tokens in 30 days, most of them cache
// reads; busy days with 10-15 sessions in flight; fast-mode days; plans; projects with git
// worktrees that roll into their repository; sessions whose edits name their files. The demo
// is written once (pinned with TALLY_NOW, so it is the same month on every run) and read
// through the real binary; ctest runs each test in a process of its own, so the properties are
// the parts of one test rather than tests of their own (a demo takes seconds to write, many
// more under the sanitizers).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNow = "2026-12-07T16:00:00Z";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

// 12345 -> "12,345", as the table prints counts.
std::string with_commas(std::int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

// Runs tally in a clean environment with the clock pinned at kNow.
RunResult run_tally(const fs::path& root, const std::string& args) {
  const fs::path err = root / "stderr";
  const tally::test::ShellRun shell = tally::test::run_shell(
      fmt::format("env -i HOME='{0}/home' TALLY_DATA_DIR='{0}/data' TZ=UTC TALLY_NOW={1} "
                  "PATH=/usr/bin:/bin '{2}' {3} 2>'{4}'",
                  root.string(), kNow, TALLY_BINARY, args, err.string()));
  return RunResult{shell.exit_code, shell.out, slurp(err.string())};
}

class DemoCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("tally-demo-cli-{}", ::getpid());
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
    const RunResult demo = run_tally(root_, "demo -q");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void month_costs_and_weighs_what_a_heavy_users_does();
  void busy_days_have_ten_to_fifteen_sessions_in_flight();
  void some_days_run_in_fast_mode();
  void worktrees_roll_into_their_repository();
  void the_demo_user_is_on_plans();
  void session_views_name_the_files_their_edits_touched();

  // `tally <args> --demo --json`, parsed; fails the test on a bad exit, throws on bad JSON.
  simdjson::dom::element report(const std::string& args) {
    const RunResult r = run_tally(root_, args + " --demo --json");
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return parser_.parse(r.out).value();  // valid until the next call
  }
  std::string demo_dir() const { return (root_ / "data" / "demo").string(); }

  fs::path root_;
  simdjson::dom::parser parser_;
};

void DemoCliTest::month_costs_and_weighs_what_a_heavy_users_does() {
  const simdjson::dom::element totals = report("models")["totals"];
  const double cost = double(totals["cost_usd"]);
  const auto tokens = int64_t(totals["total_tokens"]);
  EXPECT_GE(cost, 8'000);
  EXPECT_LE(cost, 12'000);
  EXPECT_GE(tokens, 10'000'000'000);
  EXPECT_LE(tokens, 15'000'000'000);
  // Most tokens are cache reads, as in real heavy use; output is a sliver.
  const auto cache_read = int64_t(totals["cache_read_tokens"]);
  EXPECT_GE(static_cast<double>(cache_read), 0.85 * static_cast<double>(tokens));
  EXPECT_LT(static_cast<double>(int64_t(totals["output_tokens"])),
            0.01 * static_cast<double>(tokens));
  EXPECT_GT(int64_t(totals["cache_write_tokens"]), int64_t(totals["output_tokens"]));
}

void DemoCliTest::busy_days_have_ten_to_fifteen_sessions_in_flight() {
  const simdjson::dom::element doc = report("concurrency");
  const auto peak = int64_t(doc["max_in_flight"]);
  EXPECT_GE(peak, 10);
  EXPECT_LE(peak, 15);
  int busy = 0, calm = 0;
  for (simdjson::dom::element day : doc["days"]["rows"].get_array()) {
    const auto max = int64_t(day["max_in_flight"]);
    busy += max >= 10 ? 1 : 0;
    calm += max <= 4 ? 1 : 0;
  }
  EXPECT_GE(busy, 3) << "busy days";
  EXPECT_GE(calm, 10) << "ordinary days and weekends";
}

void DemoCliTest::some_days_run_in_fast_mode() {
  const simdjson::dom::element doc = report("daily");
  int fast_days = 0, days = 0;
  std::int64_t fast_requests = 0;
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    ++days;
    // A fast day's Opus requests cost twice the standard price.
    const bool dearer = double(row["cost_usd"]) > double(row["standard_cost_usd"]) + 1.0;
    fast_days += dearer ? 1 : 0;
    // The requests that ran fast or at priority are counted on the days they cost more, and
    // a day without any costs what it would at standard speed.
    const auto fast = int64_t(row["fast_requests"]);
    fast_requests += fast;
    if (dearer) {
      EXPECT_GT(fast, 0) << str(row["date"]);
    }
    if (fast == 0) {
      EXPECT_NEAR(double(row["cost_usd"]), double(row["standard_cost_usd"]), 1e-6)
          << str(row["date"]);
    }
  }
  EXPECT_GE(fast_days, 2);
  EXPECT_LE(fast_days, 6) << "of " << days << " days";
  const simdjson::dom::element totals = doc["totals"];
  EXPECT_GT(double(totals["cost_usd"]), 1.03 * double(totals["standard_cost_usd"]));
  EXPECT_EQ(int64_t(totals["fast_requests"]), fast_requests);
  EXPECT_GT(fast_requests, 0);
  EXPECT_LT(fast_requests, int64_t(totals["requests"]) / 2);
  // The table says the share under the table, with the same counts.
  const RunResult table = run_tally(root_, "daily --demo");
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(fmt::format("fast mode or priority: {} of ",
                                       with_commas(fast_requests))),
            std::string::npos)
      << table.out;
}

void DemoCliTest::worktrees_roll_into_their_repository() {
  const std::string src = fs::path(demo_dir() + "/logs/src").lexically_normal().string();
  // The agents ran in the worktrees: the sessions report shows their directories...
  std::set<std::string> session_dirs;
  for (simdjson::dom::element row : report("sessions")["rows"].get_array()) {
    session_dirs.insert(str(row["project"]));
  }
  EXPECT_TRUE(session_dirs.count(src + "/webapp/.worktrees/wt2")) << src;
  // ...and the projects report counts them with their repository.
  std::map<std::string, std::string> worktrees;
  for (simdjson::dom::element row : report("projects")["rows"].get_array()) {
    const std::string project = str(row["project"]);
    EXPECT_EQ(project.find("/.worktrees/"), std::string::npos) << project;
    worktrees[project] = str(row["worktrees"]);
  }
  ASSERT_TRUE(worktrees.count(src + "/webapp"));
  EXPECT_EQ(worktrees[src + "/webapp"],
            fmt::format("{0}/webapp/.worktrees/wt1,{0}/webapp/.worktrees/wt2,"
                        "{0}/webapp/.worktrees/wt3",
                        src));
  ASSERT_TRUE(worktrees.count(src + "/api"));
  EXPECT_EQ(worktrees[src + "/api"], src + "/api/.worktrees/wt1");
  EXPECT_GE(worktrees.size(), 5u) << "several projects";
}

void DemoCliTest::the_demo_user_is_on_plans() {
  std::string notes;
  for (simdjson::dom::element note : report("monthly")["notes"].get_array()) {
    notes += str(note) + "\n";
  }
  EXPECT_NE(notes.find("plan Claude Max 20x (claude, $200.00/month)"), std::string::npos) << notes;
  EXPECT_NE(notes.find("plan ChatGPT Pro (codex, $200.00/month)"), std::string::npos) << notes;
}

void DemoCliTest::session_views_name_the_files_their_edits_touched() {
  // The costliest session of each agent that edits files, and every session's title.
  std::map<std::string, std::pair<double, std::string>> costliest;
  std::map<std::string, std::string> project_of;
  for (simdjson::dom::element row : report("sessions")["rows"].get_array()) {
    const std::string agent = str(row["agent"]);
    const std::string id = str(row["session_id"]);
    EXPECT_FALSE(std::string_view(row["title"]).empty()) << id;
    project_of[id] = str(row["project"]);
    if (double(row["cost_usd"]) > costliest[agent].first) {
      costliest[agent] = {double(row["cost_usd"]), id};
    }
  }
  for (const char* agent : {"claude", "codex"}) {
    const std::string id = costliest[agent].second;
    ASSERT_FALSE(id.empty()) << agent;
    const simdjson::dom::element view = report("session " + id);
    const auto edits = int64_t(view["edit_calls"]);
    const simdjson::dom::array files = view["files_touched"].get_array();
    EXPECT_GT(edits, 0) << agent;
    EXPECT_GT(files.size(), 0u) << agent << " session " << id << ": edits name no file";
    EXPECT_LE(files.size(), static_cast<size_t>(edits));
    for (simdjson::dom::element f : files) {
      const std::string_view path(f);
      // Claude's Edit and Write name absolute paths, Codex's patches paths in the project.
      if (std::string_view(agent) == "claude") {
        EXPECT_EQ(path.rfind(project_of[id] + "/", 0), 0u) << path;
      } else {
        EXPECT_NE(path.front(), '/') << path;
      }
      EXPECT_NE(path.find('.'), std::string_view::npos) << path;  // a file name, not filler
    }
  }
}

TEST_F(DemoCliTest, IsAHeavyUsersMonthInEveryView) {
  {
    SCOPED_TRACE("the month's cost and tokens");
    month_costs_and_weighs_what_a_heavy_users_does();
  }
  {
    SCOPED_TRACE("sessions in flight");
    busy_days_have_ten_to_fifteen_sessions_in_flight();
  }
  {
    SCOPED_TRACE("fast mode");
    some_days_run_in_fast_mode();
  }
  {
    SCOPED_TRACE("projects and worktrees");
    worktrees_roll_into_their_repository();
  }
  {
    SCOPED_TRACE("plans");
    the_demo_user_is_on_plans();
  }
  {
    SCOPED_TRACE("session views");
    session_views_name_the_files_their_edits_touched();
  }
}

// Same clock, same seed, same month: a demo can be reproduced (here a small one).
TEST(DemoCliReproducibleTest, SameNowSameMonth) {
  const fs::path root = fs::temp_directory_path() / fmt::format("tally-demo-rep-{}", ::getpid());
  fs::remove_all(root);
  fs::create_directories(root / "home");
  std::string first;
  for (int run = 0; run < 2; ++run) {
    const RunResult demo = run_tally(root, "demo -q --reset --mb 4");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    const RunResult daily = run_tally(root, "daily --demo --json");
    ASSERT_EQ(daily.exit_code, 0) << daily.err;
    EXPECT_NE(daily.out.find("\"cache_read_tokens\""), std::string::npos);
    if (run == 0) {
      first = daily.out;
    } else {
      EXPECT_EQ(daily.out, first);
    }
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace
