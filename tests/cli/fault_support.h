#pragma once

// What the fault and stress tests share: scratch directories, the real tally binary run as
// a process of its own (posix_spawn, a clean environment, output to files, so a test has
// its pid to kill and never deadlocks on a pipe), and `models --json` / `sessions --json`
// rows to compare totals by.

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tally::test {

namespace fs = std::filesystem;

inline const std::string kRealLogs = std::string(TALLY_TESTDATA) + "/real-logs";

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / fmt::format("tally-{}-{}-{}", tag, ::getpid(), counter++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

struct Outcome {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// The tally under test: the one built with the test, or TALLY_TEST_BINARY (another build:
// one with a fix, to see a disabled test pass, or a broken one, to see a test fail).
inline std::string binary() {
  const char* v = std::getenv("TALLY_TEST_BINARY");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(TALLY_BINARY);
}

// One tally process: HOME, TALLY_DATA_DIR, TZ=UTC and PATH only, plus `extra_env`.
class TallyProcess {
 public:
  TallyProcess(const std::string& home, const std::string& data_dir,
               const std::vector<std::string>& args, const fs::path& scratch,
               const std::vector<std::string>& extra_env = {}) {
    static int counter = 0;
    const int n = counter++;
    out_ = scratch / fmt::format("run-{}-{}.out", ::getpid(), n);
    err_ = scratch / fmt::format("run-{}-{}.err", ::getpid(), n);
    std::vector<std::string> env = {"HOME=" + home, "TALLY_DATA_DIR=" + data_dir, "TZ=UTC",
                                    "PATH=/usr/bin:/bin"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    // ASan's and UBSan's settings reach the child, so a sanitizer build reports there too.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
      if (const char* v = std::getenv(name)) {
        env.push_back(std::string(name) + "=" + v);
      }
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
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    start_ = std::chrono::steady_clock::now();
    if (posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, cargv.data(), cenv.data()) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  TallyProcess(const TallyProcess&) = delete;
  TallyProcess& operator=(const TallyProcess&) = delete;
  ~TallyProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove(out_, ec);
    fs::remove(err_, ec);
  }

  // SIGKILL `delay` after the start (if still running), then reap.
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
      o.err = "could not start " + binary();
      return o;
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) {
      o.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      o.signal = WTERMSIG(status);
    }
    o.out = slurp(out_);
    o.err = slurp(err_);
    return o;
  }

 private:
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point start_;
  fs::path out_;
  fs::path err_;
};

inline Outcome run_tally(const std::string& home, const std::string& data_dir,
                         const std::vector<std::string>& args, const fs::path& scratch,
                         const std::vector<std::string>& extra_env = {}) {
  TallyProcess p(home, data_dir, args, scratch, extra_env);
  return p.wait();
}

// The rows of `models --json` or `sessions --json`, keyed by their identifying fields, as
// one line of numbers each: what two runs' totals are compared by.
inline std::map<std::string, std::string> report_rows(const std::string& json) {
  std::map<std::string, std::string> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array rows;
  if (parser.parse(json).get(root) != simdjson::SUCCESS ||
      root["rows"].get_array().get(rows) != simdjson::SUCCESS) {
    out["(not a report)"] = json.substr(0, 300);
    return out;
  }
  for (simdjson::dom::element row : rows) {
    // Text members identify a row (agent, model, session, project, date, cost source);
    // numbers are its totals.
    std::string key;
    std::string value;
    simdjson::dom::object members;
    if (row.get_object().get(members) != simdjson::SUCCESS) {
      continue;
    }
    for (auto [name, v] : members) {
      std::string_view text;
      std::int64_t n = 0;
      double real = 0;
      if (v.get_string().get(text) == simdjson::SUCCESS) {
        key += fmt::format("{}={} ", name, text);
      } else if (v.get_int64().get(n) == simdjson::SUCCESS) {
        value += fmt::format("{}={} ", name, n);
      } else if (v.get_double().get(real) == simdjson::SUCCESS) {
        value += fmt::format("{}={:.9f} ", name, real);
      }
    }
    out[key] += value;
  }
  return out;
}

// Empty when `got` has exactly the rows of `want`; else the rows that differ.
inline std::string diff_reports(const std::string& want_json, const std::string& got_json) {
  const auto want = report_rows(want_json);
  const auto got = report_rows(got_json);
  std::string d;
  for (const auto& [key, value] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      d += fmt::format("  missing {}: {}\n", key, value);
    } else if (it->second != value) {
      d += fmt::format("  {}:\n    want {}\n    got  {}\n", key, value, it->second);
    }
  }
  for (const auto& [key, value] : got) {
    if (want.find(key) == want.end()) {
      d += fmt::format("  extra {}: {}\n", key, value);
    }
  }
  return d;
}

}  // namespace tally::test
