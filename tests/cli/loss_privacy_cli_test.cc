// End to end, the real binary on copies of the derived real fixtures: nothing is lost without
// a word (an unreadable directory is a warning with its path; a BOM changes nothing), and
// what tally writes is private (the data dir 0700 and the ledger 0600 whatever the umask;
// -o keeps the mode of the file it replaces).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "support/permissions.h"
#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kFixtures = std::string(TALLY_TESTDATA) + "/real-logs";
const std::string kS3Dir = "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn";

struct TallyRun {
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

// Runs tally with a clean environment (HOME, TALLY_DATA_DIR, TZ), under `umask` (octal
// text; empty: this process's), through `prefix` (e.g. obey_permissions_prefix()).
TallyRun run_tally(const std::string& home, const std::string& data_dir, const std::string& args,
                   const std::string& umask = "", const std::string& prefix = "") {
  const fs::path err_file =
      fs::temp_directory_path() / fmt::format("tally-loss-cli-{}.err", ::getpid());
  const std::string cmd = fmt::format(
      "{}env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin {}'{}' {} 2>'{}'",
      umask.empty() ? "" : "umask " + umask + "; ", home, data_dir, prefix, TALLY_BINARY, args,
      err_file.string());
  const tally::test::ShellRun shell = tally::test::run_shell(cmd);
  TallyRun run{shell.exit_code, shell.out, slurp(err_file.string())};
  fs::remove(err_file);
  return run;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            fmt::format("tally-loss-cli-test-{}-{}", ::getpid(), counter_++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }
  fs::path path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

int mode_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

// Requests per (agent, model) in a `--json` report's rows.
std::map<std::pair<std::string, std::string>, std::int64_t> requests_of(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not JSON: " << json;
    return out;
  }
  for (simdjson::dom::element row : root["rows"].get_array()) {
    out[{std::string(std::string_view(row["agent"])),
         std::string(std::string_view(row["model"]))}] += std::int64_t(row["requests"]);
  }
  return out;
}

// ground_truth.json's requests per (agent, model), without the scenario `except`.
std::map<std::pair<std::string, std::string>, std::int64_t> truth(const std::string& except = "") {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.load(kFixtures + "/ground_truth.json");
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  for (auto [scenario, value] : root.get_object()) {
    if (scenario == except) {
      continue;
    }
    const std::string agent{std::string_view(value["agent"])};
    for (auto [model, fields] : value["models"].get_object()) {
      out[{agent, std::string(model)}] += std::int64_t(fields["requests"]);
    }
  }
  return out;
}

// Keeps `path` chmod 0 for its lifetime (the owner must be able to remove the tree after).
class Locked {
 public:
  explicit Locked(fs::path path) : path_(std::move(path)) { ::chmod(path_.c_str(), 0); }
  ~Locked() { unlock(); }
  void unlock() { ::chmod(path_.c_str(), 0755); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  fs::path path_;
};

// Issue 15: a directory tally cannot list lost its requests without a word. Now every report
// warns with its path and errno's text, `tally problems` lists it, and the rest is counted;
// once readable again it is read, and the warning is gone (it is never stored).
TEST(LossCliTest, AnUnreadableDirectoryIsAWarningUntilItIsReadableAgain) {
  TempDir home;
  TempDir data;
  fs::copy(kFixtures + "/home", home.path(), fs::copy_options::recursive);
  const std::string locked_dir = home.str() + kS3Dir;
  Locked locked(locked_dir);
  const std::string prefix = tally::test::obey_permissions_prefix();
  if (tally::test::run_shell(fmt::format("{}test -r '{}'", prefix, locked_dir)).exit_code == 0) {
    GTEST_SKIP() << "a chmod 000 directory is readable here (setpriv missing or refused)";
  }
  TallyRun models = run_tally(home.str(), data.str(), "models --json", "", prefix);
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_EQ(requests_of(models.out), truth("s3-multiturn"));
  EXPECT_NE(models.out.find("\"unreadable-file\""), std::string::npos) << models.out;
  EXPECT_NE(models.out.find(locked_dir), std::string::npos) << models.out;
  EXPECT_NE(models.out.find("cannot list directory: Permission denied"), std::string::npos)
      << models.out;
  TallyRun table = run_tally(home.str(), data.str(), "daily", "", prefix);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(locked_dir), std::string::npos) << table.out;
  TallyRun problems = run_tally(home.str(), data.str(), "problems", "", prefix);
  ASSERT_EQ(problems.exit_code, 0) << problems.err;
  EXPECT_NE(problems.out.find(locked_dir), std::string::npos) << problems.out;
  EXPECT_NE(problems.out.find("Permission denied"), std::string::npos) << problems.out;

  locked.unlock();
  TallyRun readable = run_tally(home.str(), data.str(), "models --json", "", prefix);
  ASSERT_EQ(readable.exit_code, 0) << readable.err;
  EXPECT_EQ(requests_of(readable.out), truth());
  EXPECT_EQ(readable.out.find(locked_dir), std::string::npos) << readable.out;
  EXPECT_EQ(readable.out.find("\"unreadable-file\""), std::string::npos) << readable.out;
}

// A UTF-8 BOM before the first line of every log (JSONL throughout the fixtures) changes
// nothing: the same requests, the same sessions with the same ids, no malformed line.
TEST(LossCliTest, AByteOrderMarkOnEveryLogChangesNothing) {
  TempDir home;
  TempDir plain_data;
  TempDir bom_data;
  fs::copy(kFixtures + "/home", home.path(), fs::copy_options::recursive);
  TallyRun plain = run_tally(home.str(), plain_data.str(), "sessions --json");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  int files = 0;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(home.path())) {
    if (e.is_regular_file() && e.path().extension() == ".jsonl") {
      const std::string text = slurp(e.path().string());
      std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "\xEF\xBB\xBF" << text;
      ++files;
    }
  }
  ASSERT_GT(files, 10);
  TallyRun bom = run_tally(home.str(), bom_data.str(), "sessions --json");
  ASSERT_EQ(bom.exit_code, 0) << bom.err;
  EXPECT_EQ(bom.out, plain.out);
  EXPECT_EQ(bom.out.find("malformed"), std::string::npos) << bom.out;
  TallyRun models = run_tally(home.str(), bom_data.str(), "models --json");
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_EQ(requests_of(models.out), truth());
}

// The ledger holds project paths, session titles and files touched. Under umask 022 it was
// 0644 in a 0755 directory: readable by every user.
TEST(PrivacyCliTest, TheDataDirAndTheLedgerArePrivateWhateverTheUmask) {
  for (const std::string umask : {"022", "000"}) {
    TempDir root;
    const fs::path data = root.path() / "share" / "tally";  // neither exists yet
    TallyRun run = run_tally(kFixtures + "/home", data.string(), "models --json", umask);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(mode_of(data), 0700) << "umask " << umask;
    EXPECT_EQ(mode_of(root.path() / "share"), 0700) << "umask " << umask;
    EXPECT_EQ(mode_of(data / "ledger.db"), 0600) << "umask " << umask;
    for (const char* companion : {"ledger.db-wal", "ledger.db-shm", "ledger.db-journal"}) {
      const int mode = mode_of(data / companion);
      EXPECT_TRUE(mode == -1 || mode == 0600) << companion << " " << mode;
    }
  }
}

// -o replaces the file through a temporary and a rename; the file keeps its mode (0600
// stays 0600, 0640 stays 0640), and a new one gets 0666 less the umask, as any new file.
TEST(PrivacyCliTest, OutputFileKeepsItsModeAndANewOneFollowsTheUmask) {
  TempDir dir;
  TempDir data;
  const std::string home = kFixtures + "/home";
  for (const int mode : {0600, 0640}) {
    const fs::path out = dir.path() / fmt::format("existing-{:o}.json", mode);
    std::ofstream(out) << "old";
    ASSERT_EQ(::chmod(out.c_str(), static_cast<mode_t>(mode)), 0);
    TallyRun run =
        run_tally(home, data.str(), fmt::format("models --json -o '{}'", out.string()), "022");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(mode_of(out), mode);
    EXPECT_EQ(requests_of(slurp(out.string())), truth());
  }
  for (const auto& [umask, mode] : {std::pair{"022", 0644}, std::pair{"027", 0640}}) {
    const fs::path out = dir.path() / fmt::format("new-{}.json", umask);
    TallyRun run =
        run_tally(home, data.str(), fmt::format("models --json -o '{}'", out.string()), umask);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(mode_of(out), mode) << "umask " << umask;
    EXPECT_EQ(requests_of(slurp(out.string())), truth());
  }
  // No temporary is left behind.
  int entries = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
    ++entries;
  }
  EXPECT_EQ(entries, 4);
}

}  // namespace
