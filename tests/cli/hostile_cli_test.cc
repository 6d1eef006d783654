// The inputs that crashed or corrupted tally (../shared/fixtures/crashes, found by fuzzing), end
// to end: each is laid over a copy of the genuine logs as its README says, and every command
// must exit 0, warn with the file and line, and give the genuine logs' exact totals, on the
// first run and on every run after it (the old defects struck again on every run until the
// file was deleted). Skips when ../shared is absent.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const fs::path kShared = TALLY_SHARED_DIR;
const fs::path kRealHome = kShared / "fixtures/real-logs/home";
const fs::path kCrashes = kShared / "fixtures/crashes";

struct TallyRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TallyRun tally(const fs::path& home, const fs::path& data, const std::string& args) {
  const fs::path err = fs::temp_directory_path() / fmt::format("tally-hostile-{}.err", ::getpid());
  const std::string cmd =
      fmt::format("env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' {} 2>'{}'",
                  home.string(), data.string(), TALLY_BINARY, args, err.string());
  const tally::test::ShellRun shell = tally::test::run_shell(cmd);
  TallyRun run{shell.exit_code, shell.out, slurp(err)};
  fs::remove(err);
  return run;
}

class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : path_(fs::temp_directory_path() / fmt::format("tally-hostile-{}-{}", ::getpid(), name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// session id -> (input, cache read, cache write, cache write 1h, output, reasoning, requests, cost)
using Sessions = std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t,
                                                  std::int64_t, std::int64_t, std::int64_t,
                                                  std::int64_t, double>>;

Sessions sessions_of(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  Sessions out;
  for (simdjson::dom::element row : root["rows"].get_array()) {
    const std::string id{std::string_view(row["session_id"])};
    out[id] = {int64_t(row["input_tokens"]),         int64_t(row["cache_read_tokens"]),
               int64_t(row["cache_write_tokens"]),    int64_t(row["cache_write_1h_tokens"]),
               int64_t(row["output_tokens"]),         int64_t(row["reasoning_tokens"]),
               int64_t(row["requests"]),              double(row["cost_usd"])};
  }
  return out;
}

class HostileCliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!fs::exists(kRealHome) || !fs::exists(kCrashes / GetParam())) {
      GTEST_SKIP() << "no " << (kCrashes / GetParam()).string();
    }
  }
};

TEST_P(HostileCliTest, ExitsZeroWarnsWithFileAndLineAndKeepsExactTotals) {
  Scratch base_home("base-home");
  Scratch base_data("base-data");
  fs::copy(kRealHome, base_home.path(), fs::copy_options::recursive);
  const TallyRun base = tally(base_home.path(), base_data.path(), "sessions --json");
  ASSERT_EQ(base.exit_code, 0) << base.err;

  Scratch home("home");
  Scratch data("data");
  fs::copy(kRealHome, home.path(), fs::copy_options::recursive);
  const fs::path overlay = kCrashes / GetParam() / "home";
  fs::copy(overlay, home.path(),
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  std::string hostile_file;  // the overlay's one file, by name
  for (const auto& entry : fs::recursive_directory_iterator(overlay)) {
    if (entry.is_regular_file()) {
      hostile_file = entry.path().filename().string();
    }
  }
  ASSERT_FALSE(hostile_file.empty());

  for (int pass = 1; pass <= 2; ++pass) {
    const TallyRun models = tally(home.path(), data.path(), "models --json");
    ASSERT_EQ(models.exit_code, 0) << "pass " << pass << ": " << models.err;
    if (pass == 1) {
      // The warning names the file and a line number.
      EXPECT_NE(models.out.find(hostile_file), std::string::npos) << models.out;
      EXPECT_NE(models.out.find("\"line\": "), std::string::npos) << models.out;
    }
    const TallyRun sessions = tally(home.path(), data.path(), "sessions --json");
    ASSERT_EQ(sessions.exit_code, 0) << "pass " << pass << ": " << sessions.err;
    EXPECT_EQ(sessions_of(sessions.out), sessions_of(base.out)) << "pass " << pass;
    const TallyRun problems = tally(home.path(), data.path(), "problems");
    EXPECT_EQ(problems.exit_code, 0) << problems.err;
    EXPECT_NE(problems.out.find(hostile_file), std::string::npos) << problems.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Crashes, HostileCliTest,
                         ::testing::Values("claude-segv", "codex-segv", "gemini-segv",
                                           "overflow-A", "overflow-B"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
