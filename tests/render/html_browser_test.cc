// The HTML dashboard in a real browser: Debian's `chromium`, headless. A constructed ledger
// with a known shape (12 days of usage over 3 models with gaps, 7 projects with hostile
// names, sessions at known hours) becomes the page `tally --format html` writes; the browser
// must load it without an error or a resource request, and each chart must draw exactly the
// bars the data calls for, each with a non-zero rendered size.
//
// How: the page is loaded twice. As written (it has no script), to check chromium's log for
// console messages, failed loads and CSP refusals. Then a copy with a small checking script
// appended (and the page's Content-Security-Policy widened to let that one inline script
// run), which counts the rect.bar elements of each chart with a non-zero bounding box,
// records errors and resource loads, and writes the counts into the DOM that --dump-dom
// prints. Without chromium the test is skipped, loudly; CI installs it (scripts/deps.sh).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analytics/dashboard.h"
#include "analytics/summary.h"
#include "core/time.h"
#include "pricing/factory.h"
#include "render/dashboard_page.h"
#include "render/views.h"
#include "store/sqlite/sqlite_backend.h"
#include "support/shell.h"

namespace tally {
namespace {

namespace fs = std::filesystem;

// The chromium binary: $TALLY_CHROMIUM, else `chromium` or `chromium-browser` on PATH.
std::string find_chromium() {
  if (const char* env = std::getenv("TALLY_CHROMIUM"); env != nullptr && *env != '\0') {
    return env;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "/usr/bin:/bin" : path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) {
        return candidate.string();
      }
    }
  }
  return "";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

struct BrowserRun {
  int status = -1;
  std::string dom;
  std::string log;
};

// Loads `page` in headless chromium and returns the DOM after load, and chromium's log.
// `flags` adds chromium flags (a window size).
BrowserRun load_in_chromium(const std::string& chromium, const fs::path& page,
                            const fs::path& work, const std::string& flags = "") {
  const fs::path log = work / (page.stem().string() + ".log");
  const std::string cmd = fmt::format(
      "timeout 120 '{}' --headless=new --no-sandbox --disable-gpu --no-first-run "
      "--user-data-dir='{}' --enable-logging=stderr --v=0 --virtual-time-budget=5000 {} "
      "--dump-dom 'file://{}' 2>'{}'",
      chromium, (work / "profile").string(), flags, page.string(), log.string());
  BrowserRun run;
  const test::ShellRun shell = test::run_shell(cmd);
  run.dom = shell.out;
  run.status = shell.exit_code;
  run.log = read_file(log);
  return run;
}

// Lines of chromium's log that mean the page misbehaved: anything the page logged to the
// console, a failed or refused load.
std::vector<std::string> page_problems(const std::string& log) {
  std::vector<std::string> bad;
  std::stringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(":CONSOLE") != std::string::npos ||
        line.find("Failed to load resource") != std::string::npos ||
        line.find("net::ERR_") != std::string::npos ||
        line.find("Refused to") != std::string::npos ||
        line.find("Uncaught") != std::string::npos) {
      bad.push_back(line);
    }
  }
  return bad;
}

constexpr const char* kCheckScript = R"(<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push('error ' + e.message); }, true);
  console.error = function () {
    errors.push('console ' + Array.prototype.join.call(arguments, ' '));
  };
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('csp ' + e.blockedURI);
  });
  window.addEventListener('load', function () {
    var out = 'RESULT';
    ['daily', 'projects', 'concurrency'].forEach(function (id) {
      var svg = document.getElementById(id), drawn = 0, all = 0;
      if (svg) {
        svg.querySelectorAll('rect.bar').forEach(function (r) {
          all++;
          var b = r.getBoundingClientRect();
          if (b.width > 0 && b.height > 0) { drawn++; }
        });
      }
      out += ' ' + id + '=' + (svg ? drawn : -1) + ' ' + id + '_all=' + all;
    });
    out += ' resources=' + performance.getEntriesByType('resource').length;
    out += ' injected=' + document.querySelectorAll('evil, img, iframe, object').length;
    out += ' errors=' + errors.length + ' END ' + errors.join(' | ');
    var pre = document.createElement('pre');
    pre.id = 'tally-check';
    pre.textContent = out;
    document.body.appendChild(pre);
  });
})();
</script>
)";

int result_field(const std::string& dom, const std::string& name) {
  const std::regex re(" " + name + "=(-?[0-9]+)");
  std::smatch m;
  if (!std::regex_search(dom, m, re)) {
    return -100;
  }
  return std::stoi(m[1].str());
}

// `page` with `script` appended and its Content-Security-Policy widened to let that one
// inline script run.
std::string with_script(const std::string& page, const std::string& script) {
  const std::string csp = "content=\"default-src 'none'; style-src 'unsafe-inline'\"";
  std::string checked = page;
  const std::size_t csp_at = checked.find(csp);
  if (csp_at == std::string::npos) {
    ADD_FAILURE() << "the page lost its Content-Security-Policy";
    return checked;
  }
  checked.replace(csp_at, csp.size(),
                  "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src "
                  "'unsafe-inline'\"");
  checked.insert(checked.rfind("</body>"), script);
  return checked;
}

// What the second script reads from the laid-out page: each card (period, data-usd,
// data-tokens, the cost as printed) and, for every table's "Cost (USD)" header and cells,
// how many end past the right edge of the window.
constexpr const char* kCardScript = R"(<script>
window.addEventListener('load', function () {
  var out = 'RESULT';
  document.querySelectorAll('.card').forEach(function (c) {
    out += '\nCARD\t' + c.dataset.period + '\t' + c.dataset.usd + '\t' + c.dataset.tokens +
        '\t' + c.querySelector('.cost').textContent;
  });
  var costs = 0, hidden = 0;
  document.querySelectorAll('th, td.cost').forEach(function (cell) {
    if (cell.tagName === 'TH' && cell.textContent !== 'Cost (USD)') { return; }
    costs++;
    var b = cell.getBoundingClientRect();
    if (b.right > window.innerWidth || b.width === 0) { hidden++; }
  });
  out += '\nCOSTS\t' + costs + '\t' + hidden + '\twidth=' + window.innerWidth + '\nEND';
  var pre = document.createElement('pre');
  pre.id = 'tally-check';
  pre.textContent = out;
  document.body.appendChild(pre);
});
</script>
)";

UsageRecord record(int n, const std::string& ts, const std::string& model,
                   const std::string& project) {
  UsageRecord r;
  r.id = fmt::format("r{}", n);
  r.agent = Agent::claude;
  r.ts = *parse_iso8601(ts);
  r.session_id = fmt::format("session-{}", n);
  r.project = project;
  r.model = model;
  r.tokens.input = 2000 + 100 * n;
  r.tokens.output = 300;
  r.source_file = "/logs/x.jsonl";
  return r;
}

TEST(HtmlBrowserTest, DashboardLoadsCleanlyAndDrawsTheExpectedBars) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "SKIPPED: no `chromium` on PATH (Debian: apt-get install chromium, or "
                    "scripts/deps.sh); the HTML report was NOT checked in a browser";
  }

  // The ledger: 12 of the last 30 days carry usage (today back to 22 days ago, with gaps),
  // 3 models whose presence varies by day, 7 projects with names that need escaping.
  const std::vector<int> days_ago = {0, 1, 2, 4, 5, 6, 8, 11, 13, 17, 20, 22};
  const std::vector<std::string> models = {"claude-opus-4-8", "claude-sonnet-5", "claude-opus-4-5"};
  std::vector<std::string> projects;
  for (int p = 0; p < 7; ++p) {
    projects.push_back(fmt::format("/home/me/<evil>&\"p{}\"'", p));
  }
  const TimeMs now = *parse_iso8601("2026-11-23T18:00:00Z");
  const Date today{2026, 11, 23};
  std::vector<UsageRecord> records;
  std::set<std::pair<int, int>> cells;  // (day, model) with usage: one bar segment each
  std::set<int> busy_hours;             // days ago within the 7-day timeline
  int n = 0;
  for (std::size_t i = 0; i < days_ago.size(); ++i) {
    const Date day = civil_from_days(days_from_civil(today) - days_ago[i]);
    for (int m = 0; m < 3; ++m) {
      // Model m is absent on every (m + 2)-th day: gaps in the stacks.
      if (m > 0 && i % static_cast<std::size_t>(m + 2) == 0) {
        continue;
      }
      records.push_back(record(n, fmt::format("{}T12:{:02}:00Z", format_date(day), 10 * m),
                               models[static_cast<std::size_t>(m)],
                               projects[static_cast<std::size_t>(n) % projects.size()]));
      ++n;
      cells.insert({days_ago[i], m});
      if (days_ago[i] < 7) {
        busy_hours.insert(days_ago[i]);  // every session of a day runs in its 12:00 hour
      }
    }
  }
  ASSERT_GE(n, 14);  // every project gets at least two records

  auto opened = store::open_sqlite_ledger(":memory:");
  ASSERT_TRUE(opened) << opened.error().message;
  std::unique_ptr<store::Ledger> ledger = std::move(*opened);
  const auto pricer = pricing::make_builtin_pricer();
  std::vector<store::WriteBatch> batches(1);
  batches[0].cursor.path = "/logs/x.jsonl";
  batches[0].records = records;
  auto committed = ledger->commit(batches, *pricer);
  ASSERT_TRUE(committed) << committed.error().message;

  auto zone = Zone::use("UTC");
  ASSERT_TRUE(zone);
  auto summary = analytics::build_summary(*ledger, {}, *zone, now);
  ASSERT_TRUE(summary) << summary.error().message;
  auto dashboard = analytics::build_dashboard(*ledger, {}, *zone, summary->daily.days.front(),
                                              summary->daily.days.back(), summary->main);
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  const std::string page = render::dashboard_page(*summary, *dashboard, *zone);

  const fs::path work = fs::temp_directory_path() / fmt::format("tally-html-browser-{}", getpid());
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path plain = work / "dashboard.html";
  write_file(plain, page);

  // 1. The page as written: loads, logs nothing, requests nothing.
  const BrowserRun first = load_in_chromium(chromium, plain, work);
  ASSERT_EQ(first.status, 0) << "chromium failed:\n" << first.log;
  EXPECT_NE(first.dom.find("<svg id=\"daily\""), std::string::npos) << first.dom.substr(0, 500);
  for (const std::string& line : page_problems(first.log)) {
    ADD_FAILURE() << "chromium reported: " << line;
  }

  // 2. With the checking script.
  ASSERT_NE(page.find("</body>"), std::string::npos);
  const fs::path checked = work / "checked.html";
  write_file(checked, with_script(page, kCheckScript));
  const BrowserRun second = load_in_chromium(chromium, checked, work);
  ASSERT_EQ(second.status, 0) << "chromium failed:\n" << second.log;
  const std::string marker = "<pre id=\"tally-check\">";
  const std::size_t result = second.dom.find(marker);
  ASSERT_NE(result, std::string::npos) << "the checking script did not run:\n" << second.log;
  const std::string line = second.dom.substr(
      result + marker.size(), second.dom.find("</pre>", result) - result - marker.size());
  SCOPED_TRACE(line);
  std::printf("chromium: %s\n", line.c_str());

  EXPECT_EQ(result_field(line, "errors"), 0);
  EXPECT_EQ(result_field(line, "resources"), 0);
  EXPECT_EQ(result_field(line, "injected"), 0);  // the hostile project names stayed text
  // Daily: one segment per (day, model) with usage; all 12 days are within the 30.
  EXPECT_EQ(result_field(line, "daily"), static_cast<int>(cells.size()));
  EXPECT_EQ(result_field(line, "daily_all"), static_cast<int>(cells.size()));
  // Projects: 7, fewer than the top 8, so no "other" bar.
  EXPECT_EQ(result_field(line, "projects"), 7);
  EXPECT_EQ(result_field(line, "projects_all"), 7);
  // Concurrency: one bar per busy hour of the last 7 days (12:00 on each day with usage).
  EXPECT_EQ(result_field(line, "concurrency"), static_cast<int>(busy_hours.size()));
  EXPECT_EQ(result_field(line, "concurrency_all"), static_cast<int>(busy_hours.size()));
  for (const std::string& l : page_problems(second.log)) {
    ADD_FAILURE() << "chromium reported: " << l;
  }
  fs::remove_all(work);
}

TEST(HtmlBrowserTest, CardsEqualTheJsonForTheSameRangeAndCostIsVisibleAt1024Px) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "SKIPPED: no `chromium` on PATH (Debian: apt-get install chromium, or "
                    "scripts/deps.sh); the HTML report was NOT checked in a browser";
  }
  // Ten days of usage in long-named projects, one model without a price (its days and the
  // range's card carry "?").
  std::vector<UsageRecord> records;
  for (int i = 0; i < 40; ++i) {
    UsageRecord r = record(i, fmt::format("2026-11-{:02}T{:02}:17:00Z", 10 + i % 10, 8 + i % 9),
                           i % 7 == 0 ? "house-model-x" : i % 2 ? "claude-opus-4-8"
                                                                : "claude-sonnet-5",
                           fmt::format("/home/me/src/a-project-with-a-long-name-{}/{}", i % 6,
                                       std::string(static_cast<std::size_t>(i % 3 * 20), 'w')));
    r.tokens.cache_read = 1234567 * (i + 1);
    records.push_back(std::move(r));
  }
  auto opened = store::open_sqlite_ledger(":memory:");
  ASSERT_TRUE(opened) << opened.error().message;
  std::unique_ptr<store::Ledger> ledger = std::move(*opened);
  const auto pricer = pricing::make_builtin_pricer();
  std::vector<store::WriteBatch> batches(1);
  batches[0].cursor.path = "/logs/x.jsonl";
  batches[0].records = records;
  ASSERT_TRUE(ledger->commit(batches, *pricer));
  auto zone = Zone::use("UTC");
  ASSERT_TRUE(zone);

  const fs::path work =
      fs::temp_directory_path() / fmt::format("tally-html-cards-{}", getpid());
  fs::remove_all(work);
  fs::create_directories(work);
  const TimeMs now = *parse_iso8601("2026-11-23T18:00:00Z");
  struct Case {
    const char* name;
    std::optional<Date> since;
    std::optional<Date> until;
  };
  for (const Case& c : {Case{"as-of", std::nullopt, std::nullopt},
                        Case{"range", Date{2026, 11, 12}, Date{2026, 11, 17}}}) {
    SCOPED_TRACE(c.name);
    analytics::ReportQuery query;
    query.since = c.since;
    query.until = c.until;
    auto summary = analytics::build_summary(*ledger, query, *zone, now);
    ASSERT_TRUE(summary) << summary.error().message;
    auto dashboard = analytics::build_dashboard(*ledger, query, *zone, summary->daily.days.front(),
                                                summary->daily.days.back(), summary->main);
    ASSERT_TRUE(dashboard) << dashboard.error().message;
    const std::string json =
        render::render_summary(*summary, *zone, render::Format::json, render::RenderOptions{});
    const std::string page = render::dashboard_page(*summary, *dashboard, *zone);
    const fs::path file = work / fmt::format("{}.html", c.name);
    write_file(file, with_script(page, kCardScript));
    const BrowserRun run = load_in_chromium(chromium, file, work, "--window-size=1024,768");
    ASSERT_EQ(run.status, 0) << "chromium failed:\n" << run.log;
    const std::string marker = "<pre id=\"tally-check\">";
    const std::size_t at = run.dom.find(marker);
    ASSERT_NE(at, std::string::npos) << "the checking script did not run:\n" << run.log;
    std::stringstream lines(
        run.dom.substr(at + marker.size(), run.dom.find("</pre>", at) - at - marker.size()));
    std::vector<std::vector<std::string>> cards;
    std::vector<std::string> costs;
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> fields;
      std::stringstream f(line);
      for (std::string field; std::getline(f, field, '\t');) {
        fields.push_back(field);
      }
      if (!fields.empty() && fields[0] == "CARD") {
        cards.push_back(fields);
      } else if (!fields.empty() && fields[0] == "COSTS") {
        costs = fields;
      }
    }
    // The cards are `tally --json`'s periods, row for row, to the cent and the token.
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
    simdjson::dom::array rows = root["periods"]["rows"];
    ASSERT_EQ(cards.size(), rows.size());
    ASSERT_GE(cards.size(), 1u);
    size_t i = 0;
    for (simdjson::dom::element row : rows) {
      ASSERT_EQ(cards[i].size(), 5u);
      EXPECT_EQ(cards[i][1], std::string_view(row["period"]));
      EXPECT_EQ(std::stod(cards[i][2]), double(row["cost_usd"]));
      EXPECT_EQ(std::stoll(cards[i][3]), int64_t(row["total_tokens"]));
      // Unpriced requests in the period: the card's cost says so.
      const bool unpriced = std::string_view(row["cost_source"]) == "unpriced";
      EXPECT_EQ(cards[i][4].find('?') != std::string::npos, unpriced) << cards[i][4];
      ++i;
    }
    if (c.since) {
      EXPECT_EQ(cards[0][1], "2026-11-12 to 2026-11-17");
    }
    // Every Cost header and cell of every table is inside the 1024-pixel window.
    ASSERT_EQ(costs.size(), 4u);
    EXPECT_GT(std::stoi(costs[1]), 6) << costs[3];
    EXPECT_EQ(costs[2], "0") << costs[1] << " cost cells, " << costs[2] << " past the edge, "
                             << costs[3];
    EXPECT_EQ(costs[3], "width=1024");
  }
  fs::remove_all(work);
}

}  // namespace
}  // namespace tally
