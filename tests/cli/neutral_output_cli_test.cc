// Neutral output end to end (issue 15): text from agent logs and from the statusline hook
// JSON never reaches a terminal with its control characters raw, and CSV text cells that a
// spreadsheet would run as formulas are neutralised with a leading '.
//
// The real binary runs on a hermetic HOME holding one Claude Code session whose model
// names, project paths (cwd), session id and directory name carry the hostile strings the
// issue names: OSC "\x1b]0;evil\x07" (retitles the window), CSI "\x1b[2J" (clears it), and
// the formulas =HYPERLINK("http://x","y"), +cmd|' /C calc'!A0 and @SUM(1). The records are
// dated a few minutes ago, so every view (summary, windows, blocks, watch) includes them.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

// JSON spellings (as a log holds them) and the raw strings they decode to.
constexpr std::string_view kOscJson = "\\u001b]0;evil\\u0007";
constexpr std::string_view kOsc = "\x1b]0;evil\x07";
constexpr std::string_view kOscShown = "\\x1b]0;evil\\x07";  // terminal_safe's spelling
constexpr std::string_view kClearJson = "\\u001b[2J";
constexpr std::string_view kClearShown = "\\x1b[2J";
constexpr std::string_view kHyperlinkJson = R"(=HYPERLINK(\"http://x\",\"y\"))";
constexpr std::string_view kCmd = "+cmd|' /C calc'!A0";
constexpr std::string_view kSum = "@SUM(1)";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TallyRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// "2026-11-22T22:06:41.000Z" for `minutes_ago` minutes before now.
std::string iso_minutes_ago(int minutes_ago) {
  const std::time_t t = std::time(nullptr) - minutes_ago * 60;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

// One assistant line of a Claude Code transcript with usage.
std::string claude_line(int n, std::string_view model_json, std::string_view cwd_json,
                        std::string_view session_json) {
  return fmt::format(
      R"({{"parentUuid":null,"isSidechain":false,"message":{{"id":"msg_neutral_{0}",)"
      R"("type":"message","role":"assistant","model":"{1}","content":[],)"
      R"("usage":{{"input_tokens":{0}00,"cache_creation_input_tokens":0,)"
      R"("cache_read_input_tokens":0,"output_tokens":{0}0}}}},"requestId":"req_neutral_{0}",)"
      R"("type":"assistant","uuid":"u-{0}","timestamp":"{2}","cwd":"{3}","sessionId":"{4}"}})"
      "\n",
      n, model_json, iso_minutes_ago(12 - n), cwd_json, session_json);
}

class NeutralOutputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / fmt::format("tally-neutral-test-{}", ::getpid());
    fs::remove_all(root_);
    // The directory name itself is hostile: problems name the file by its path.
    const fs::path dir = root_ / "home/.claude/projects" / fmt::format("-tmp-{}", kOsc);
    fs::create_directories(dir);
    const std::string session = fmt::format("evil-session{}", kClearJson);
    std::ofstream log(dir / "evil-session.jsonl", std::ios::binary);
    // The session's project is its first cwd; `watch` shows the project of its last.
    log << claude_line(1, kOscJson, kSum, session);
    log << claude_line(2, kHyperlinkJson, kCmd, session);
    log << claude_line(3, kSum, fmt::format("/tmp/proj{}", kClearJson), session);
    log << "{\"type\":\"assistant\",\"message\":{\"id\":\n";  // malformed: a problem
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Runs tally with a clean environment on the hostile HOME (one ledger for the suite).
  // `prefix` goes before the binary (e.g. a timeout), `input` is stdin.
  static TallyRun tally(const std::string& args, const std::string& input = "/dev/null",
                        const std::string& prefix = "") {
    const fs::path err = root_ / "stderr";
    const std::string cmd = fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin {} '{}' {} <'{}' 2>'{}'",
        (root_ / "home").string(), (root_ / "data").string(), prefix, TALLY_BINARY, args, input,
        err.string());
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    return TallyRun{shell.exit_code, shell.out, slurp(err)};
  }

  static fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = root_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static inline fs::path root_;
};

// The assertion of this file: no ESC, BEL or CSI-introducing C1 byte in what a terminal
// would be handed.
void expect_no_raw_controls(const std::string& text, const std::string& what) {
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << what << ":\n" << text;
  EXPECT_EQ(text.find('\x07'), std::string::npos) << what << ":\n" << text;
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << what << ":\n" << text;
}

// RFC 4180 records of `csv` (CRLF or LF line ends), cells unquoted.
std::vector<std::vector<std::string>> parse_csv(const std::string& csv) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
        ++i;
      }
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
    any = true;
  }
  if (rows.back().empty()) {
    rows.pop_back();
  }
  return any ? rows : std::vector<std::vector<std::string>>{};
}

bool is_number(const std::string& cell) {
  if (cell.empty()) {
    return false;
  }
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

// Every cell of `csv` is a number or does not start a formula; returns all cells, joined by
// '\n', for further checks.
std::string expect_neutral_csv(const std::string& csv, const std::string& what) {
  std::string cells;
  for (const std::vector<std::string>& row : parse_csv(csv)) {
    for (const std::string& cell : row) {
      cells += cell + "\n";
      if (cell.empty() || is_number(cell)) {
        continue;
      }
      EXPECT_EQ(std::string_view("=+-@\t\r").find(cell.front()), std::string_view::npos)
          << what << ": cell " << cell;
    }
  }
  return cells;
}

TEST_F(NeutralOutputTest, TablesEscapeEveryStringFromTheLogs) {
  struct Case {
    std::string args;
    std::vector<std::string> shown;  // escaped spellings that prove the hostile text arrived
  };
  const std::vector<Case> cases = {
      {"", {std::string(kOscShown), "! unpriced model"}},  // the default summary
      {"models", {std::string(kOscShown)}},
      {"projects", {std::string(kClearShown)}},
      {"sessions", {std::string(kClearShown)}},
      {"daily", {std::string(kOscShown)}},
      {"concurrency", {std::string(kSum)}},  // the session's project: its first cwd
      {"windows", {}},
      {"blocks", {}},
      {"prices check -q", {std::string(kOscShown)}},
      {"session evil-session", {std::string(kClearShown), std::string(kOscShown)}},
      {"problems", {std::string(kOscShown)}},
  };
  for (const Case& c : cases) {
    const TallyRun run = tally(c.args);
    EXPECT_EQ(run.exit_code, 0) << c.args << ": " << run.err;
    expect_no_raw_controls(run.out, "tally " + c.args + " stdout");
    expect_no_raw_controls(run.err, "tally " + c.args + " stderr");
    for (const std::string& s : c.shown) {
      EXPECT_NE(run.out.find(s), std::string::npos) << "tally " << c.args << ":\n" << run.out;
    }
  }
}

TEST_F(NeutralOutputTest, CsvWarningsOnStderrAreEscaped) {
  // The warnings name the unpriced models and the malformed line's file.
  for (const std::string args : {"models --csv", "projects --csv", "--csv"}) {
    const TallyRun run = tally(args);
    EXPECT_EQ(run.exit_code, 0) << args << ": " << run.err;
    expect_no_raw_controls(run.err, "tally " + args + " stderr");
    EXPECT_NE(run.err.find(kOscShown), std::string::npos) << args << ":\n" << run.err;
    EXPECT_NE(run.err.find("tally: warning:"), std::string::npos) << args << ":\n" << run.err;
  }
}

TEST_F(NeutralOutputTest, CsvTextCellsThatStartFormulasAreNeutralised) {
  const std::string hyperlink = R"('=HYPERLINK("http://x","y"))";
  const std::string cmd = "'" + std::string(kCmd);
  const std::string sum = "'" + std::string(kSum);
  struct Case {
    std::string args;
    std::vector<std::string> cells;  // whole cells, after CSV unquoting
  };
  const std::vector<Case> cases = {
      {"models --csv", {hyperlink, sum}},
      {"projects --csv", {cmd, sum}},
      {"sessions --csv", {cmd}},
      {"daily --csv", {}},
      {"--csv", {}},
      {"concurrency --csv", {}},
      {"windows --csv", {}},
      {"blocks --csv", {}},
      {"session evil-session --csv", {hyperlink, sum}},
      {"problems --csv", {}},
  };
  for (const Case& c : cases) {
    const TallyRun run = tally(c.args);
    EXPECT_EQ(run.exit_code, 0) << c.args << ": " << run.err;
    expect_no_raw_controls(run.out, "tally " + c.args + " stdout");
    expect_no_raw_controls(run.err, "tally " + c.args + " stderr");
    const std::string cells = expect_neutral_csv(run.out, "tally " + c.args);
    for (const std::string& want : c.cells) {
      EXPECT_NE(("\n" + cells).find("\n" + want + "\n"), std::string::npos)
          << "tally " << c.args << ": no cell " << want << " in\n"
          << run.out;
    }
  }
}

TEST_F(NeutralOutputTest, JsonKeepsTheStringsExactAndValid) {
  const TallyRun run = tally("models --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_no_raw_controls(run.out, "models --json");  // \u001b, not ESC
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
  std::vector<std::string> models;
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    models.emplace_back(std::string_view(row["model"]));
  }
  EXPECT_NE(std::find(models.begin(), models.end(), std::string(kOsc)), models.end());
  EXPECT_NE(std::find(models.begin(), models.end(), R"(=HYPERLINK("http://x","y"))"), models.end());
}

TEST_F(NeutralOutputTest, ProblemsPrintJsonAndCsv) {
  const TallyRun json = tally("problems --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  expect_no_raw_controls(json.out, "problems --json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  simdjson::dom::array problems;
  ASSERT_EQ(doc.get_array().get(problems), simdjson::SUCCESS) << json.out;
  ASSERT_EQ(problems.size(), 1u) << json.out;
  const std::string_view file = problems.at(0)["file"];
  EXPECT_NE(file.find(kOsc), std::string_view::npos) << file;  // exact, JSON-escaped
  EXPECT_EQ(int64_t(problems.at(0)["line"]), 4);
  EXPECT_GT(int64_t(problems.at(0)["offset"]), 0);
  EXPECT_FALSE(std::string_view(problems.at(0)["message"]).empty());

  const TallyRun compact = tally("problems --json --compact");
  EXPECT_EQ(std::count(compact.out.begin(), compact.out.end(), '\n'), 1) << compact.out;

  const TallyRun csv = tally("problems --csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::vector<std::string>> rows = parse_csv(csv.out);
  ASSERT_EQ(rows.size(), 2u) << csv.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"file", "line", "offset", "message"}));
  ASSERT_EQ(rows[1].size(), 4u);
  EXPECT_EQ(rows[1][1], "4");
  EXPECT_EQ(csv.out.substr(0, 26), "file,line,offset,message\r\n");

  const TallyRun html = tally("problems --format html");
  EXPECT_EQ(html.exit_code, 2) << html.out;
}

TEST_F(NeutralOutputTest, StatuslineEscapesTheHookDisplayName) {
  const fs::path hook =
      write("hook.json",
            fmt::format(
                R"({{"session_id":"x","model":{{"id":"claude-opus-4-8","display_name":"{}{}"}}}})",
                kOscJson, kClearJson));
  const TallyRun plain = tally("statusline --color never", hook.string());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  expect_no_raw_controls(plain.out, "statusline");
  expect_no_raw_controls(plain.err, "statusline stderr");
  EXPECT_EQ(plain.out.rfind(fmt::format("{}{} · ", kOscShown, kClearShown), 0), 0u) << plain.out;

  // With colour tally's own SGR codes are the only escapes: no OSC, no BEL, no clear.
  const TallyRun color = tally("statusline --color always", hook.string());
  ASSERT_EQ(color.exit_code, 0) << color.err;
  EXPECT_EQ(color.out.find("\x1b]"), std::string::npos) << color.out;
  EXPECT_EQ(color.out.find('\x07'), std::string::npos) << color.out;
  EXPECT_EQ(color.out.find("\x1b[2J"), std::string::npos) << color.out;
  EXPECT_NE(color.out.find(kOscShown), std::string::npos) << color.out;

  // --json is JSON: the name round-trips exactly.
  const TallyRun json = tally("statusline --json", hook.string());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  expect_no_raw_controls(json.out, "statusline --json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  EXPECT_EQ(std::string_view(doc["model"]), std::string(kOsc) + "\x1b[2J");

  // Without a display name the model id is shown, escaped too.
  const fs::path by_id =
      write("hook-id.json", fmt::format(R"({{"model":{{"id":"{}"}}}})", kOscJson));
  const TallyRun id = tally("statusline --color never", by_id.string());
  ASSERT_EQ(id.exit_code, 0) << id.err;
  expect_no_raw_controls(id.out, "statusline (model id)");
  EXPECT_EQ(id.out.rfind(kOscShown, 0), 0u) << id.out;
}

TEST_F(NeutralOutputTest, WatchPanelEscapesProjects) {
  // Piped, watch prints one snapshot at once; SIGINT after 3 s ends it (timeout then exits
  // 124, so the status is not checked).
  const TallyRun run = tally("watch", "/dev/null", "timeout -s INT 3");
  expect_no_raw_controls(run.out, "watch");
  expect_no_raw_controls(run.err, "watch stderr");
  EXPECT_NE(run.out.find(std::string("proj") + std::string(kClearShown)), std::string::npos)
      << run.out;
}

}  // namespace
