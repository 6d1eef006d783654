// End-to-end tests of the tally binary on the derived real fixtures
// (tests/data/real-logs, scrubbed copies of genuine Claude Code / Codex / Gemini CLI logs
// with the usage the API billed in ground_truth.json).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kFixtures = std::string(TALLY_TESTDATA) + "/real-logs";

struct Result {
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

// Runs tally with a clean environment: only HOME, TALLY_DATA_DIR, TZ and what `extra` adds.
Result run_tally(const std::string& home, const std::string& data_dir, const std::string& args,
                 const std::string& extra = "") {
  const fs::path err_file = fs::temp_directory_path() / fmt::format("tally-cli-{}.err", ::getpid());
  const std::string cmd = fmt::format(
      "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin {} '{}' {} 2>'{}'", home,
      data_dir, extra, TALLY_BINARY, args, err_file.string());
  Result run;
  const tally::test::ShellRun shell = tally::test::run_shell(cmd);
  run.out = shell.out;
  run.exit_code = shell.exit_code;
  run.err = slurp(err_file.string());
  fs::remove(err_file);
  return run;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / fmt::format("tally-cli-test-{}-{}", ::getpid(), counter_++);
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

using Fields = std::map<std::string, std::int64_t>;
using ByModel = std::map<std::pair<std::string, std::string>, Fields>;

const char* kTokenFields[] = {"input_tokens",
                              "cache_read_tokens",
                              "cache_write_tokens",
                              "cache_write_1h_tokens",
                              "output_tokens",
                              "reasoning_tokens",
                              "requests"};

// ground_truth.json "models", summed per (agent, model).
ByModel ground_truth() {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.load(kFixtures + "/ground_truth.json");
  ByModel out;
  for (auto [scenario, value] : root.get_object()) {
    const std::string agent{std::string_view(value["agent"])};
    for (auto [model, fields] : value["models"].get_object()) {
      Fields& f = out[{agent, std::string(model)}];
      for (const char* name : kTokenFields) {
        f[name] += int64_t(fields[name]);
      }
    }
  }
  return out;
}

ByModel rows_of(const std::string& json, std::map<std::string, std::string>* sources = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  ByModel out;
  for (simdjson::dom::element row : root["rows"].get_array()) {
    const std::string agent{std::string_view(row["agent"])};
    const std::string model{std::string_view(row["model"])};
    Fields& f = out[{agent, model}];
    for (const char* name : kTokenFields) {
      f[name] += int64_t(row[name]);
    }
    if (sources != nullptr) {
      (*sources)[model] = std::string{std::string_view(row["cost_source"])};
    }
  }
  return out;
}

TEST(CliTest, ModelsJsonMatchesBilledGroundTruthExactly) {
  TempDir data;
  Result run = run_tally(kFixtures + "/home", data.str(), "models --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> sources;
  const ByModel got = rows_of(run.out, &sources);
  const ByModel want = ground_truth();
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, fields] : want) {
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key.first << "/" << key.second;
    for (const auto& [name, value] : fields) {
      EXPECT_EQ(it->second.at(name), value) << key.first << "/" << key.second << " " << name;
    }
  }
  // Models in no price list are never a silent $0.
  EXPECT_EQ(sources["claude-opus-5-5"], "agent-reported");
  EXPECT_EQ(sources["gpt-6-sol"], "unpriced");
  EXPECT_EQ(sources["gemini-3.8-flash"], "unpriced");
  EXPECT_NE(run.out.find("\"unpriced-model\""), std::string::npos);
}

TEST(CliTest, SecondRunAndDeletedLogsGiveIdenticalReports) {
  TempDir home;
  TempDir data;
  fs::copy(kFixtures + "/home", home.path(), fs::copy_options::recursive);
  Result first = run_tally(home.str(), data.str(), "daily --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Result second = run_tally(home.str(), data.str(), "daily --json");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(first.out, second.out);
  // Agents delete old logs; the ledger keeps what it read.
  for (const char* dir : {".claude", ".codex", ".gemini"}) {
    fs::remove_all(home.path() / dir);
  }
  Result after = run_tally(home.str(), data.str(), "daily --json");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(rows_of(first.out), rows_of(after.out));
  Result models = run_tally(home.str(), data.str(), "models --json");
  EXPECT_EQ(rows_of(models.out), ground_truth());
}

TEST(CliTest, MalformedLinesAreWarnedWithFileAndLineAndTheRunGoesOn) {
  TempDir home;
  TempDir data;
  fs::copy(kFixtures + "/home", home.path(), fs::copy_options::recursive);
  const fs::path codex = home.path() / ".codex/sessions/2026/11/22";
  const fs::path bad = codex / "rollout-2026-11-22T23-00-00-garbage.jsonl";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "{\"timestamp\":\"2026-11-22T23:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":"
           "\"x\"}}\n";
    out << "{\"timestamp\":\"2026-11-22T23:00:01Z\",\"type\":\"token_usage_record\",\"payload\":{"
           "\n";
    out << std::string("\x00\x01\xff\xfe garbage", 12) << "\n";
  }
  Result run = run_tally(home.str(), data.str(), "models --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(rows_of(run.out), ground_truth());
  EXPECT_NE(run.out.find("\"malformed-line\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(bad.filename().string()), std::string::npos);
  EXPECT_NE(run.out.find("\"line\": 2"), std::string::npos) << run.out;
}

TEST(CliTest, NoLogsSaysWhereItLooked) {
  TempDir home;
  TempDir data;
  Result run = run_tally(home.str(), data.str(), "");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Looked in"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(home.str() + "/.claude/projects"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(home.str() + "/.codex/sessions"), std::string::npos) << run.out;
}

TEST(CliTest, UsageErrorsExitTwoWithOneClearLine) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  Result typo = run_tally(home, data.str(), "dailly");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("did you mean 'daily'"), std::string::npos) << typo.err;
  Result date = run_tally(home, data.str(), "daily --since 2026-13-45");
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_NE(date.err.find("--since"), std::string::npos) << date.err;
  Result zone = run_tally(home, data.str(), "daily --timezone Mars/Olympus");
  EXPECT_EQ(zone.exit_code, 2);
  EXPECT_NE(zone.err.find("Mars/Olympus"), std::string::npos) << zone.err;
  Result agent = run_tally(home, data.str(), "daily --agent cursor");
  EXPECT_EQ(agent.exit_code, 2);
  Result both = run_tally(home, data.str(), "daily --json --csv");
  EXPECT_EQ(both.exit_code, 2);
}

// TZ as POSIX and glibc read it (issue 17): ":/etc/localtime" and ":Asia/Tokyo" made every
// command exit 2. Each form of one zone gives the same days and says which zone it is.
TEST(CliTest, EveryFormOfTzThatPosixAllowsWorksAndIsNamed) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  // The fixtures ran at 22:06-22:09 UTC on 2026-11-22: 07:06 on the 23rd in Tokyo.
  for (const auto& [form, name] : std::vector<std::pair<std::string, std::string>>{
           {"Asia/Tokyo", "Asia/Tokyo"},
           {":Asia/Tokyo", "Asia/Tokyo"},
           {":/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"},
           {"JST-9", "JST-9"}}) {
    Result json = run_tally(home, data.str(), "daily --json", "TZ='" + form + "'");
    ASSERT_EQ(json.exit_code, 0) << form << ": " << json.err;
    EXPECT_NE(json.out.find("\"date\": \"2026-11-23\""), std::string::npos) << form << json.out;
    Result text = run_tally(home, data.str(), "daily", "TZ='" + form + "'");
    EXPECT_NE(text.out.find("timezone: " + name + "\n"), std::string::npos) << form << text.out;
  }
  Result system = run_tally(home, data.str(), "daily", "TZ=:/etc/localtime");
  EXPECT_EQ(system.exit_code, 0) << system.err;
  EXPECT_EQ(system.out.find("timezone: local"), std::string::npos) << system.out;
  Result wrong = run_tally(home, data.str(), "daily", "TZ=:Mars/Olympus");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("POSIX rule"), std::string::npos) << wrong.err;
}

// `--sort FIELD --limit N` (issue 17: "my 10 costliest sessions"): the rows are the
// report's own, largest first, cut to N, and the totals still cover every row.
TEST(CliTest, SortAndLimitFindTheCostliestRowsAndKeepTheTotals) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  struct Row {
    std::string key;
    double cost = 0;
    std::int64_t tokens = 0;
    std::int64_t requests = 0;
  };
  struct Parsed {
    std::vector<Row> rows;
    double total_cost = 0;
    std::int64_t total_requests = 0;
    std::vector<std::string> notes;
  };
  auto parse = [](const std::string& json, const char* key) {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(json);
    Parsed p;
    for (simdjson::dom::element r : root["rows"].get_array()) {
      p.rows.push_back(Row{std::string(std::string_view(r[key])), double(r["cost_usd"]),
                           int64_t(r["total_tokens"]), int64_t(r["requests"])});
    }
    p.total_cost = double(root["totals"]["cost_usd"]);
    p.total_requests = int64_t(root["totals"]["requests"]);
    for (simdjson::dom::element n : root["notes"].get_array()) {
      p.notes.emplace_back(std::string_view(n));
    }
    return p;
  };
  Result all_run = run_tally(home, data.str(), "sessions --json");
  ASSERT_EQ(all_run.exit_code, 0) << all_run.err;
  const Parsed all = parse(all_run.out, "session_id");
  ASSERT_GT(all.rows.size(), 3u);
  std::vector<Row> by_cost = all.rows;
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [](const Row& a, const Row& b) { return a.cost > b.cost; });

  Result top_run = run_tally(home, data.str(), "sessions --json --sort cost --top 3");
  ASSERT_EQ(top_run.exit_code, 0) << top_run.err;
  const Parsed top = parse(top_run.out, "session_id");
  ASSERT_EQ(top.rows.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(top.rows[i].key, by_cost[i].key) << i;
  }
  EXPECT_GE(top.rows[0].cost, top.rows[1].cost);
  EXPECT_EQ(top.total_cost, all.total_cost) << "the total covers every row";
  EXPECT_EQ(top.total_requests, all.total_requests);
  const std::string note = fmt::format(
      "showing the top 3 of {} sessions by cost; the total "
      "covers all {}",
      all.rows.size(), all.rows.size());
  EXPECT_NE(std::find(top.notes.begin(), top.notes.end(), note), top.notes.end()) << top_run.out;

  Result tokens_run = run_tally(home, data.str(), "models --json --sort tokens");
  ASSERT_EQ(tokens_run.exit_code, 0) << tokens_run.err;
  const Parsed tokens = parse(tokens_run.out, "model");
  for (size_t i = 1; i < tokens.rows.size(); ++i) {
    EXPECT_GE(tokens.rows[i - 1].tokens, tokens.rows[i].tokens) << i;
  }
  Result limited = run_tally(home, data.str(), "daily --csv --limit 1");
  EXPECT_EQ(limited.exit_code, 0) << limited.err;

  Result bad = run_tally(home, data.str(), "sessions --sort price");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("cost, tokens, requests or date"), std::string::npos) << bad.err;
  EXPECT_EQ(run_tally(home, data.str(), "sessions --limit -1").exit_code, 2);
}

// --since/--until take the days people say (issue 17), in the report's zone, as of the
// views' now: the fixtures ran on 2026-11-22 (UTC).
TEST(CliTest, SinceAndUntilTakeRelativeDays) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  auto days = [&](const std::string& args, const std::string& now) {
    Result r = run_tally(home, data.str(), "daily --json " + args, "TALLY_NOW=" + now);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    for (simdjson::dom::element row : parser.parse(r.out)["rows"].get_array()) {
      out.emplace_back(std::string_view(row["date"]));
    }
    return out;
  };
  const std::vector<std::string> that_day = {"2026-11-22"};
  const std::vector<std::string> none;
  EXPECT_EQ(days("--since yesterday", "2026-11-23T10:00:00Z"), that_day);
  EXPECT_EQ(days("--since today", "2026-11-23T10:00:00Z"), none);
  EXPECT_EQ(days("--since today", "2026-11-22T23:59:00Z"), that_day);
  EXPECT_EQ(days("--since 2d", "2026-11-23T10:00:00Z"), that_day);
  EXPECT_EQ(days("--since 1d", "2026-11-23T10:00:00Z"), none);
  EXPECT_EQ(days("--since mtd", "2026-11-30T10:00:00Z"), that_day);
  EXPECT_EQ(days("--since last-month --until last-month", "2026-12-05T10:00:00Z"), that_day);
  EXPECT_EQ(days("--since last-month --until last-month", "2027-01-05T10:00:00Z"), none);
  // In Tokyo the fixtures' day is the 23rd, and so is "today" at 10:00 UTC on the 23rd.
  EXPECT_EQ(days("--since today --timezone Asia/Tokyo", "2026-11-23T10:00:00Z"),
            (std::vector<std::string>{"2026-11-23"}));
  Result bad = run_tally(home, data.str(), "daily --since 7days");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("yesterday, Nd"), std::string::npos) << bad.err;
  Result backwards = run_tally(home, data.str(), "daily --since today --until yesterday");
  EXPECT_EQ(backwards.exit_code, 2);
  EXPECT_NE(backwards.err.find("is before --since"), std::string::npos) << backwards.err;
}

TEST(CliTest, UnwritableLedgerIsARuntimeFailure) {
  TempDir dir;
  const fs::path file = dir.path() / "not-a-dir";
  std::ofstream(file) << "x";
  Result run = run_tally(kFixtures + "/home", (file / "sub").string(), "daily");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("tally: error:"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

TEST(CliTest, DailyBucketsInTheRequestedZoneAndFilters) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  // The fixtures ran at 22:06-22:09 UTC on 2026-11-22: 07:06 on the 23rd in Tokyo.
  Result utc = run_tally(home, data.str(), "daily --json --timezone UTC");
  ASSERT_EQ(utc.exit_code, 0) << utc.err;
  EXPECT_NE(utc.out.find("\"date\": \"2026-11-22\""), std::string::npos) << utc.out;
  Result tokyo = run_tally(home, data.str(), "daily --json --timezone Asia/Tokyo");
  ASSERT_EQ(tokyo.exit_code, 0) << tokyo.err;
  EXPECT_NE(tokyo.out.find("\"date\": \"2026-11-23\""), std::string::npos) << tokyo.out;
  Result none = run_tally(home, data.str(), "daily --json --timezone UTC --since 2026-11-23");
  ASSERT_EQ(none.exit_code, 0);
  EXPECT_TRUE(rows_of(none.out).empty()) << none.out;
  Result capital = run_tally(home, data.str(), "models --json --agent Codex");
  EXPECT_EQ(capital.exit_code, 0) << "agent names are case-insensitive: " << capital.err;
  Result codex = run_tally(home, data.str(), "models --json --agent codex");
  EXPECT_EQ(capital.out, codex.out);
  const ByModel rows = rows_of(codex.out);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& [key, fields] : rows) {
    EXPECT_EQ(key.first, "codex");
  }
}

TEST(CliTest, CsvHasTheJsonFieldNamesAndWarningsGoToStderr) {
  TempDir data;
  Result run = run_tally(kFixtures + "/home", data.str(), "projects --csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string header = run.out.substr(0, run.out.find('\n'));
  for (const char* field :
       {"project", "agent", "model", "requests", "input_tokens", "cost_usd", "cost_source"}) {
    EXPECT_NE(header.find(field), std::string::npos) << header;
  }
  EXPECT_NE(run.err.find("unpriced model gpt-6-sol"), std::string::npos) << run.err;
}

}  // namespace

namespace {

TEST(CliPricesTest, CheckComparesTallysPriceWithTheAgentsOwnFigure) {
  TempDir data;
  // Four decimals (the user's setting) show the small figures these fixtures have.
  Result run = run_tally(kFixtures + "/home", data.str(), "prices check -q",
                         "TALLY_MONEY_DECIMALS=4");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // claude-haiku-4-5 is in the table and Claude Code reported its cost: they agree.
  EXPECT_NE(run.out.find("claude-haiku-4-5 (claude)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("+0.00%"), std::string::npos) << run.out;
  // claude-opus-5-5 is in no price list: priced from the agent's own figure.
  EXPECT_NE(run.out.find("claude-opus-5-5 (claude)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("$0.4606"), std::string::npos) << run.out;
  // Models without any price are listed.
  EXPECT_NE(run.out.find("gpt-6-sol (codex)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("gemini-3.8-flash (gemini)"), std::string::npos) << run.out;
}

TEST(CliPricesTest, AnAliasRepricesHistoryAndShowsTheDifference) {
  TempDir data;
  TempDir config_dir;
  const std::string config = config_dir.str() + "/config.toml";
  std::ofstream(config) << "[pricing.aliases]\n\"claude-opus-5-5\" = \"claude-opus-4-8\"\n";
  const std::string home = kFixtures + "/home";
  Result before = run_tally(home, data.str(), "models --json");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  Result after =
      run_tally(home, data.str(), "prices check -q",
                fmt::format("TALLY_CONFIG='{}' TALLY_MONEY_DECIMALS=4", config));
  ASSERT_EQ(after.exit_code, 0) << after.err;
  // Priced as opus-4-8 ($5/$25) the 17 requests cost $0.6056 against $0.4606 reported.
  EXPECT_NE(after.out.find("$0.6056"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("+31.49%"), std::string::npos) << after.out;
  Result models =
      run_tally(home, data.str(), "models --json", fmt::format("TALLY_CONFIG='{}'", config));
  std::map<std::string, std::string> sources;
  rows_of(models.out, &sources);
  EXPECT_EQ(sources["claude-opus-5-5"], "computed");
}

TEST(CliPricesTest, ShowExplainsTheMatchAndUnknownModelsFail) {
  TempDir data;
  const std::string home = kFixtures + "/home";
  Result show = run_tally(home, data.str(), "prices show anthropic/claude-opus-4-6-20260101");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("priced as claude-opus-4-6"), std::string::npos) << show.out;
  Result unknown = run_tally(home, data.str(), "prices show gpt-6-sol");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no price for 'gpt-6-sol'"), std::string::npos) << unknown.err;
}

TEST(CliPricesTest, ImportingLiteLlmLayersItsPricesOffline) {
  const std::string litellm = std::string(TALLY_SHARED_DIR) + "/pricing/litellm_model_prices.json";
  if (!fs::exists(litellm)) {
    GTEST_SKIP() << "no " << litellm;
  }
  TempDir data;
  const std::string home = kFixtures + "/home";
  Result imported = run_tally(home, data.str(), "prices import '" + litellm + "'");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("Imported"), std::string::npos) << imported.out;
  EXPECT_TRUE(fs::exists(data.path() / "imported_prices.toml"));
  // A key only the community list has is now known.
  Result show = run_tally(home, data.str(), "prices show gemini/gemini-2.5-pro");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  Result models = run_tally(home, data.str(), "models --json");
  EXPECT_EQ(rows_of(models.out), ground_truth());
}

TEST(CliPricesTest, PlansAndTheStandardSpeedWhatIf) {
  TempDir data;
  TempDir config_dir;
  const std::string config = config_dir.str() + "/config.toml";
  std::ofstream(config) << "plan = \"claude-max-20x\"\n";
  const std::string home = kFixtures + "/home";
  Result monthly = run_tally(home, data.str(), "monthly --json --timezone UTC",
                             fmt::format("TALLY_CONFIG='{}'", config));
  ASSERT_EQ(monthly.exit_code, 0) << monthly.err;
  EXPECT_NE(monthly.out.find("plan Claude Max 20x (claude, $200.00/month): 2026-11 API-equivalent"),
            std::string::npos)
      << monthly.out;
  // No fixture ran in fast mode: the what-if changes nothing and says what it did.
  Result what_if = run_tally(home, data.str(), "models --json --speed standard");
  ASSERT_EQ(what_if.exit_code, 0) << what_if.err;
  EXPECT_NE(what_if.out.find("what-if"), std::string::npos);
  Result bad = run_tally(home, data.str(), "models --speed turbo");
  EXPECT_EQ(bad.exit_code, 2);
  // A plan tally does not know is an error that names the file and the known plans.
  std::ofstream(config) << "plan = \"claude-max-50x\"\n";
  Result bad_plan = run_tally(home, data.str(), "models", fmt::format("TALLY_CONFIG='{}'", config));
  EXPECT_EQ(bad_plan.exit_code, 1);
  EXPECT_NE(bad_plan.err.find("config.toml"), std::string::npos) << bad_plan.err;
  EXPECT_NE(bad_plan.err.find("claude-max-20x"), std::string::npos) << bad_plan.err;
}

}  // namespace
