// `--breakdown` end to end: the real binary on the genuine logs (../shared/fixtures/real-logs,
// three agents, a model priced from Claude's own figure and two with no price at all). Every
// grouped report's per-model lines add up to their row exactly in JSON and in CSV, the two
// formats carry the same figures, adding --breakdown changes no number of a row, and a
// model without a price is marked on its own line in every format. Skips when ../shared is
// absent.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const fs::path kRealHome = fs::path(TALLY_SHARED_DIR) / "fixtures/real-logs/home";

// Costs are printed with up to 10 decimals: a sum of printed shares may differ from the
// printed row in the 10th decimal, never by more than this (far below a cent).
constexpr double kCostSlack = 1e-9;

const char* const kIntegerFields[] = {"requests",           "input_tokens",
                                      "cache_read_tokens",  "cache_write_tokens",
                                      "cache_write_1h_tokens", "output_tokens",
                                      "reasoning_tokens",   "total_tokens"};
const char* const kCostFields[] = {"cost_usd", "standard_cost_usd"};

struct TallyRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class BreakdownCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kRealHome)) {
      GTEST_SKIP() << "SKIPPED: no " << kRealHome.string() << "; --breakdown was NOT checked "
                   << "on the genuine logs";
    }
    dir_ = fs::temp_directory_path() / fmt::format("tally-breakdown-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs tally on the genuine logs with a throw-away ledger, in UTC.
  TallyRun tally(const std::string& args) {
    const fs::path err = dir_ / "stderr";
    const std::string cmd = fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' {} 2>'{}'",
        kRealHome.string(), (dir_ / "data").string(), TALLY_BINARY, args, err.string());
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    std::ifstream in(err);
    std::stringstream ss;
    ss << in.rdbuf();
    return TallyRun{shell.exit_code, shell.out, ss.str()};
  }

  // (agent, model) -> cost_source, from `tally models --json`.
  std::map<std::string, std::string> model_sources() {
    const TallyRun r = tally("models --json -q");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    simdjson::dom::parser parser;
    std::map<std::string, std::string> out;
    for (simdjson::dom::element row : parser.parse(r.out)["rows"].get_array()) {
      out[std::string(std::string_view(row["agent"])) + "/" +
          std::string(std::string_view(row["model"]))] = std::string(row["cost_source"]);
    }
    return out;
  }

  fs::path dir_;
};

// Checks every row of a report's JSON against its breakdown; returns the shares seen, as
// "agent/model" -> cost_source of each line.
std::vector<std::pair<std::string, std::string>> check_json_sums(const std::string& json,
                                                                 const std::string& what) {
  std::vector<std::pair<std::string, std::string>> seen;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << what << ": " << json;
  simdjson::dom::array rows;
  EXPECT_EQ(doc["rows"].get_array().get(rows), simdjson::SUCCESS) << what;
  EXPECT_GT(rows.size(), 0u) << what;
  for (simdjson::dom::element row : rows) {
    simdjson::dom::array shares;
    EXPECT_EQ(row["breakdown"].get_array().get(shares), simdjson::SUCCESS) << what;
    EXPECT_GT(shares.size(), 0u) << what;
    std::map<std::string, std::int64_t> ints;
    std::map<std::string, double> costs;
    for (simdjson::dom::element share : shares) {
      for (const char* f : kIntegerFields) {
        ints[f] += std::int64_t(share[f]);
      }
      for (const char* f : kCostFields) {
        costs[f] += double(share[f]);
      }
      EXPECT_EQ(std::string_view(share["model"]).find(','), std::string_view::npos) << what;
      seen.emplace_back(std::string(std::string_view(share["agent"])) + "/" +
                            std::string(std::string_view(share["model"])),
                        std::string(std::string_view(share["cost_source"])));
    }
    for (const char* f : kIntegerFields) {
      EXPECT_EQ(ints[f], std::int64_t(row[f])) << what << ": " << f;
    }
    for (const char* f : kCostFields) {
      EXPECT_NEAR(costs[f], double(row[f]), kCostSlack) << what << ": " << f;
    }
  }
  return seen;
}

TEST_F(BreakdownCliTest, JsonLinesAddUpToTheirRowInEveryGroupedReport) {
  const std::map<std::string, std::string> sources = model_sources();
  for (const char* command : {"daily", "weekly", "monthly", "sessions", "projects"}) {
    const TallyRun r = tally(fmt::format("{} --breakdown --json -q", command));
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
    std::map<std::string, int> marked;
    for (const auto& [model, source] : check_json_sums(r.out, command)) {
      // Every line is priced as its model is: unpriced stays unpriced, never a silent 0.
      ASSERT_TRUE(sources.count(model)) << model;
      EXPECT_EQ(source, sources.at(model)) << command << ": " << model;
      ++marked[source];
    }
    EXPECT_GT(marked["unpriced"], 0) << command;
    EXPECT_GT(marked["agent-reported"], 0) << command;
    EXPECT_GT(marked["computed"], 0) << command;
  }
}

TEST_F(BreakdownCliTest, BreakdownChangesNoNumberOfTheRows) {
  for (const char* command : {"daily", "sessions", "projects"}) {
    const TallyRun plain = tally(fmt::format("{} --json -q", command));
    const TallyRun split = tally(fmt::format("{} --breakdown --json -q", command));
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    ASSERT_EQ(split.exit_code, 0) << split.err;
    EXPECT_EQ(plain.out.find("\"breakdown\""), std::string::npos);
    simdjson::dom::parser p1;
    simdjson::dom::parser p2;
    simdjson::dom::array a = p1.parse(plain.out)["rows"].get_array();
    simdjson::dom::array b = p2.parse(split.out)["rows"].get_array();
    ASSERT_EQ(a.size(), b.size()) << command;
    for (std::size_t i = 0; i < a.size(); ++i) {
      for (const auto field : a.at(i).get_object()) {
        EXPECT_EQ(simdjson::to_string(field.value), simdjson::to_string(b.at(i)[field.key]))
            << command << " row " << i << ": " << field.key;
      }
    }
  }
}

TEST_F(BreakdownCliTest, SortedAndCutRowsKeepTheirLines) {
  const TallyRun r = tally("sessions --breakdown --sort cost --top 2 --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  check_json_sums(r.out, "sessions --top 2");
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(r.out)["rows"].get_array().size(), 2u);
}

// A CSV line's cells (RFC 4180: quoted cells may hold commas and doubled quotes).
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back().push_back(c);
    }
  }
  return cells;
}

TEST_F(BreakdownCliTest, CsvModelLinesAddUpToTheirRowAndMatchJson) {
  const TallyRun csv = tally("daily --breakdown --csv -q");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(csv.out);
  for (std::string line; std::getline(in, line);) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\r');
    line.pop_back();
    lines.push_back(csv_cells(line));
  }
  ASSERT_GE(lines.size(), 3u);
  const std::vector<std::string>& header = lines[0];
  ASSERT_EQ(header.back(), "row_type");
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) {
    col[header[i]] = i;
  }

  // The same figures as JSON, line for line: each row, then its breakdown.
  const TallyRun json = tally("daily --breakdown --json -q");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  simdjson::dom::parser parser;
  std::vector<simdjson::dom::element> json_lines;
  for (simdjson::dom::element row : parser.parse(json.out)["rows"].get_array()) {
    json_lines.push_back(row);
    for (simdjson::dom::element share : row["breakdown"].get_array()) {
      json_lines.push_back(share);
    }
  }
  ASSERT_EQ(json_lines.size(), lines.size() - 1);

  std::size_t total_line = 0;
  std::map<std::string, std::int64_t> ints;
  std::map<std::string, double> costs;
  auto check_row = [&] {
    if (total_line == 0) {
      return;
    }
    const std::vector<std::string>& row = lines[total_line];
    for (const char* f : kIntegerFields) {
      EXPECT_EQ(ints[f], std::stoll(row[col[f]])) << "line " << total_line << ": " << f;
    }
    for (const char* f : kCostFields) {
      EXPECT_NEAR(costs[f], std::stod(row[col[f]]), kCostSlack) << "line " << total_line;
    }
  };
  std::map<std::string, int> kinds;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string>& line = lines[i];
    ASSERT_EQ(line.size(), header.size()) << "line " << i;
    const std::string& type = line[col["row_type"]];
    ++kinds[type];
    for (const char* f : kIntegerFields) {
      EXPECT_EQ(std::stoll(line[col[f]]), std::int64_t(json_lines[i - 1][f])) << "line " << i;
    }
    EXPECT_EQ(std::stod(line[col["cost_usd"]]), double(json_lines[i - 1]["cost_usd"]));
    EXPECT_EQ(line[col["model"]], std::string_view(json_lines[i - 1]["model"]));
    EXPECT_EQ(line[col["cost_source"]], std::string_view(json_lines[i - 1]["cost_source"]));
    if (type == "total") {
      check_row();
      total_line = i;
      ints.clear();
      costs.clear();
      continue;
    }
    ASSERT_EQ(type, "model") << "line " << i;
    ASSERT_NE(total_line, 0u) << "a model line before any row";
    EXPECT_EQ(line[col["date"]], lines[total_line][col["date"]]) << "the key is repeated";
    for (const char* f : kIntegerFields) {
      ints[f] += std::stoll(line[col[f]]);
    }
    for (const char* f : kCostFields) {
      costs[f] += std::stod(line[col[f]]);
    }
  }
  check_row();
  EXPECT_GT(kinds["total"], 0);
  EXPECT_GT(kinds["model"], kinds["total"]);  // the genuine day has five models
}

TEST_F(BreakdownCliTest, TableMarksEachModelLine) {
  const std::map<std::string, std::string> sources = model_sources();
  const TallyRun r = tally("daily --breakdown -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int unpriced = 0;
  int reported = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const std::size_t branch = line.find("\u2500 ");
    if (branch == std::string::npos || line.rfind("\u2500\u2500", 0) == 0) {
      continue;  // not a model line (a row, a rule, the header)
    }
    const std::string rest = line.substr(branch + std::string("\u2500 ").size());
    const std::string model = rest.substr(0, rest.find(' '));
    for (const auto& [key, source] : sources) {
      if (key.substr(key.find('/') + 1) != model) {
        continue;
      }
      if (source == "unpriced") {
        ++unpriced;
        EXPECT_NE(line.find("unpriced ?"), std::string::npos) << line;
      } else if (source == "agent-reported") {
        ++reported;
        EXPECT_NE(line.find(" ~"), std::string::npos) << line;
      }
    }
  }
  EXPECT_GT(unpriced, 0) << r.out;
  EXPECT_GT(reported, 0) << r.out;
}

TEST_F(BreakdownCliTest, ModelsTakesNoBreakdownAndHelpTeachesIt) {
  const TallyRun models = tally("models --breakdown -q");
  EXPECT_EQ(models.exit_code, 2) << models.out;
  const TallyRun help = tally("daily --help");
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--breakdown"), std::string::npos);
  EXPECT_NE(help.out.find("tally daily --breakdown"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("row_type"), std::string::npos) << help.out;
}

}  // namespace
