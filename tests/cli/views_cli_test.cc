// End-to-end tests of the time views on the derived real fixtures (tests/data/real-logs):
// `tally` (summary), `tally windows`, `tally blocks`, `tally concurrency`. TALLY_NOW pins the
// clock to the evening of the fixtures' day (2026-11-22, UTC), so every answer is fixed.
// Totals are checked against `tally models --json` on the same ledger, not hard-coded.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kHome = std::string(TALLY_TESTDATA) + "/real-logs/home";
constexpr const char* kNow = "2026-11-22T23:00:00Z";

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ViewsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-views-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs tally in a clean environment (HOME = the fixtures, a throw-away ledger, TZ=UTC).
  Output tally(const std::string& args, const std::string& now = kNow,
               const std::string& extra = "") {
    const fs::path err = dir_ / "stderr";
    const std::string cmd = fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC TALLY_NOW='{}' PATH=/usr/bin:/bin {} "
        "'{}' {} 2>'{}'",
        kHome, (dir_ / "data").string(), now, extra, TALLY_BINARY, args, err.string());
    Output run;
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    run.out = shell.out;
    run.exit_code = shell.exit_code;
    std::ifstream in(err);
    std::stringstream ss;
    ss << in.rdbuf();
    run.err = ss.str();
    return run;
  }

  // Total tokens and requests of every record, from `tally models --json`.
  std::pair<std::int64_t, std::int64_t> ledger_totals() {
    const Output r = tally("models --json -q");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(r.out);
    return {int64_t(root["totals"]["total_tokens"]), int64_t(root["totals"]["requests"])};
  }

  fs::path dir_;
};

TEST_F(ViewsCliTest, SummaryJsonKeepsItsShapeAndAddsTheRollingViews) {
  const auto [tokens, requests] = ledger_totals();
  ASSERT_GT(tokens, 0);
  const Output r = tally("--json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(r.out).get(root), simdjson::SUCCESS) << r.out;
  // One definition of every period: "periods" and "windows" are the same rows, with their
  // bounds, and the top models cover "last 30 d" exactly.
  simdjson::dom::array periods = root["periods"]["rows"];
  simdjson::dom::array windows = root["windows"]["rows"];
  ASSERT_EQ(periods.size(), 7u);
  ASSERT_EQ(windows.size(), 7u);
  const char* names[] = {"today",     "yesterday, same time", "yesterday", "month to date",
                         "last 24 h", "last 7 d",             "last 30 d"};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(std::string_view(periods.at(i)["period"]), names[i]);
    EXPECT_EQ(std::string_view(windows.at(i)["period"]), names[i]);
    EXPECT_EQ(int64_t(periods.at(i)["total_tokens"]), int64_t(windows.at(i)["total_tokens"]));
    EXPECT_EQ(double(periods.at(i)["cost_usd"]), double(windows.at(i)["cost_usd"]));
  }
  EXPECT_EQ(std::string_view(periods.at(6)["since"]), "2026-10-23T23:00:00.000Z");
  EXPECT_EQ(std::string_view(periods.at(6)["until"]), "2026-11-22T23:00:00.001Z");
  EXPECT_EQ(double(root["models"]["totals"]["cost_usd"]), double(periods.at(6)["cost_usd"]));
  EXPECT_EQ(std::string_view(root["models"]["title"]), "Top models, last 30 d");
  EXPECT_TRUE(root["projects"]["rows"].is_array());
  // Everything happened today, within the last 24 h.
  EXPECT_EQ(std::string_view(root["as_of"]), "2026-11-22T23:00:00.000Z");
  EXPECT_EQ(int64_t(windows.at(0)["total_tokens"]), tokens);
  EXPECT_EQ(int64_t(windows.at(0)["requests"]), requests);
  EXPECT_EQ(int64_t(windows.at(1)["total_tokens"]), 0);       // yesterday, same time
  EXPECT_EQ(int64_t(windows.at(3)["total_tokens"]), tokens);  // month to date
  EXPECT_EQ(int64_t(windows.at(4)["total_tokens"]), tokens);  // last 24 h
  EXPECT_EQ(int64_t(windows.at(6)["total_tokens"]), tokens);  // last 30 d
  // Month to date and its projection: the rest of the month at the last 7 d's pace.
  simdjson::dom::element month = root["month"]["rows"].at(0);
  EXPECT_NEAR(double(month["cost_usd"]), double(periods.at(3)["cost_usd"]), 1e-6);
  EXPECT_NEAR(double(month["pace_usd_per_day"]), double(periods.at(5)["cost_usd"]) / 7, 1e-6);
  EXPECT_NEAR(double(month["projected_cost_usd"]),
              double(month["cost_usd"]) +
                  double(month["pace_usd_per_day"]) * double(month["remaining_days"]),
              1e-3);
  EXPECT_GT(double(month["projected_cost_usd"]), double(month["cost_usd"]));
  simdjson::dom::array last = root["last_24h"]["rows"];
  EXPECT_EQ(double(last.at(0)["share_of_30d"]), 1.0);
  EXPECT_TRUE(last.at(0)["ratio_to_previous_29d"].is_null());  // nothing before: no ratio
  std::int64_t daily_tokens = 0;
  for (simdjson::dom::element row : root["daily"]["rows"].get_array()) {
    EXPECT_EQ(std::string_view(row["date"]), "2026-11-22");
    daily_tokens += int64_t(row["total_tokens"]);
  }
  EXPECT_EQ(daily_tokens, tokens);
}

TEST_F(ViewsCliTest, SummaryAndHtmlFollowSinceAndUntil) {
  const auto [tokens, requests] = ledger_totals();
  // A range without the fixtures' day: nothing, and the range is named.
  const Output before = tally("--json -q --since 2026-11-01 --until 2026-11-21");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(before.out);
  simdjson::dom::array rows = root["periods"]["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::string_view(rows.at(0)["period"]), "2026-11-01 to 2026-11-21");
  EXPECT_EQ(int64_t(rows.at(0)["total_tokens"]), 0);
  EXPECT_TRUE(root["last_24h"].is_null());
  EXPECT_EQ(root["daily"]["title"].get_string().value(),
            "Daily usage by model, calendar days 2026-11-01 to 2026-11-21");
  // Relative forms: "yesterday" is empty, "today" holds everything.
  const Output today = tally("--json -q --no-ingest --since today");
  ASSERT_EQ(today.exit_code, 0) << today.err;
  simdjson::dom::element t = parser.parse(today.out);
  EXPECT_EQ(std::string_view(t["periods"]["rows"].at(0)["period"]), "since 2026-11-22");
  EXPECT_EQ(int64_t(t["periods"]["rows"].at(0)["total_tokens"]), tokens);
  EXPECT_EQ(int64_t(t["models"]["totals"]["requests"]), requests);
  // The HTML report's title and card follow the range.
  const fs::path page = dir_ / "range.html";
  const Output html = tally(fmt::format("--format html -q --no-ingest --since 2026-11-20 "
                                        "--until 2026-11-22 -o '{}'",
                                        page.string()));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  std::ifstream in(page);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("<title>tally: usage 2026-11-20 to 2026-11-22</title>"), std::string::npos);
  EXPECT_EQ(text.find("Last 30 days"), std::string::npos);
  EXPECT_NE(text.find(fmt::format("data-period=\"2026-11-20 to 2026-11-22\" "
                                  "data-since=\"2026-11-20T00:00:00.000Z\" "
                                  "data-until=\"2026-11-22T23:00:00.001Z\"")),
            std::string::npos)
      << text.substr(0, 3000);
  EXPECT_NE(text.find(fmt::format("data-tokens=\"{}\"", tokens)), std::string::npos);
}

TEST_F(ViewsCliTest, SummaryTableHasTheChartAndNoEscapesWhenNotATerminal) {
  const Output r = tally("-q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Spend as of 2026-11-22 23:00 (UTC)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("yesterday, same time"), std::string::npos);
  EXPECT_NE(r.out.find("stacked by model"), std::string::npos);
  EXPECT_NE(r.out.find("Sun Nov 22 \u2502"), std::string::npos);
  EXPECT_NE(r.out.find("\u25c0 peak"), std::string::npos);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  // Fits 80 columns, and a day without usage prints no "$0.0000".
  std::istringstream lines(r.out.substr(0, r.out.find("Top models")));
  for (std::string line; std::getline(lines, line);) {
    // Every character here is one column wide: count UTF-8 lead bytes.
    size_t columns = 0;
    for (const char c : line) {
      columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    EXPECT_LE(columns, 80u) << line;
  }
  EXPECT_EQ(r.out.find("$0.0000"), std::string::npos) << r.out;
}

TEST_F(ViewsCliTest, WindowsMatchTheLedgerAndRejectBadDurations) {
  const auto [tokens, requests] = ledger_totals();
  const Output r = tally("windows --window 5h,24h,30d --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::array rows = parser.parse(r.out)["windows"]["rows"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::string_view(rows.at(0)["window"]), "5h");
  EXPECT_EQ(std::string_view(rows.at(0)["since"]), "2026-11-22T18:00:00.000Z");  // exact
  for (simdjson::dom::element row : rows) {
    EXPECT_EQ(int64_t(row["total_tokens"]), tokens);
    EXPECT_EQ(int64_t(row["requests"]), requests);
  }
  // An hour before the first record, the 5-hour window is empty.
  const Output early = tally("windows --window 15m --json -q --no-ingest", "2026-11-22T00:30:00Z");
  ASSERT_EQ(early.exit_code, 0) << early.err;
  EXPECT_EQ(int64_t(parser.parse(early.out)["windows"]["rows"].at(0)["total_tokens"]), 0);

  const Output bad = tally("windows --window 10x -q");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not a duration"), std::string::npos) << bad.err;
  const Output csv = tally("windows --csv -q --no-ingest");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("window,duration_minutes,since,", 0), 0u) << csv.out;
}

TEST_F(ViewsCliTest, BlocksShowTheActiveBlockWithItsBurnRate) {
  const auto [tokens, requests] = ledger_totals();
  const Output r = tally("blocks --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::array rows = parser.parse(r.out)["blocks"]["rows"];
  std::int64_t sum = 0;
  std::int64_t active = 0;
  for (simdjson::dom::element row : rows) {
    sum += int64_t(row["total_tokens"]);
    if (bool(row["active"])) {
      ++active;
      EXPECT_GT(double(row["tokens_per_minute"]), 0);
      EXPECT_GE(double(row["projected_tokens"]), double(int64_t(row["total_tokens"])));
    }
  }
  EXPECT_EQ(sum, tokens);
  EXPECT_EQ(active, 1);
  const Output only = tally("blocks --active --csv -q --no-ingest");
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_NE(only.out.find(",true,"), std::string::npos) << only.out;
  // A day later nothing is active.
  const Output later = tally("blocks --active --json -q --no-ingest", "2026-11-24T12:00:00Z");
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_EQ(parser.parse(later.out)["blocks"]["rows"].get_array().size(), 0u);
}

TEST_F(ViewsCliTest, ConcurrencyCountsSessionsAndExposesTheTimeline) {
  const Output r = tally("concurrency --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(r.out);
  EXPECT_EQ(int64_t(root["idle_minutes"]), 15);
  const std::int64_t max = int64_t(root["max_in_flight"]);
  EXPECT_GE(max, 2);  // the fixtures' sub-agents run alongside their parents
  simdjson::dom::array days = root["days"]["rows"];
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(int64_t(days.at(0)["max_in_flight"]), max);

  const Output timeline = tally("concurrency --timeline --csv -q --no-ingest");
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_EQ(timeline.out.rfind("ts,sessions\r\n", 0), 0u);
  EXPECT_NE(timeline.out.find(",0\r\n"), std::string::npos);  // ends with nothing in flight
  std::int64_t peak = 0;
  std::istringstream lines(timeline.out);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    peak = std::max<std::int64_t>(peak, std::stoll(line.substr(line.find(',') + 1)));
  }
  EXPECT_EQ(peak, max);

  const Output bad = tally("concurrency --idle 15 -q --no-ingest");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--idle"), std::string::npos) << bad.err;
}

TEST_F(ViewsCliTest, HelpStatesTheDefinitions) {
  const Output r = tally("concurrency --help");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("sub-agent counts as its own session"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ACTIVE time"), std::string::npos);
  const Output blocks = tally("blocks --help");
  EXPECT_NE(blocks.out.find("floored to the UTC hour"), std::string::npos) << blocks.out;
}

TEST_F(ViewsCliTest, ABadTallyNowIsAUsageError) {
  const Output r = tally("blocks -q", "yesterday");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("TALLY_NOW"), std::string::npos) << r.err;
}

}  // namespace
