// `--format html` and `-o/--output` end to end: the real binary on the derived fixtures
// (tests/data/real-logs), as a user would run it.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

const std::string kHome = std::string(TALLY_TESTDATA) + "/real-logs/home";

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

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

class HtmlCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-html-cli-{}-{}", getpid(), n_++);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    fs::create_directories(dir_ / "out");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs tally with a clean environment, "now" pinned to the day after the fixtures.
  TallyRun tally(const std::string& args) {
    const fs::path err = dir_ / "stderr";
    const std::string cmd = fmt::format(
        "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC TALLY_NOW=2026-11-23T12:00:00Z "
        "PATH=/usr/bin:/bin '{}' {} 2>'{}'",
        kHome, (dir_ / "data").string(), TALLY_BINARY, args, err.string());
    TallyRun run;
    const tally::test::ShellRun shell = tally::test::run_shell(cmd);
    run.out = shell.out;
    run.exit_code = shell.exit_code;
    run.err = slurp(err);
    return run;
  }

  // How many rows of `tally <command> --json` have a positive cost_usd.
  std::size_t rows_with_cost(const std::string& command) {
    const TallyRun run = tally(command + " --json -q");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(run.out).get(doc), simdjson::SUCCESS) << run.out;
    std::size_t n = 0;
    for (simdjson::dom::element row : doc["rows"].get_array()) {
      double cost = 0;
      if (row["cost_usd"].get(cost) == simdjson::SUCCESS && cost > 0) {
        ++n;
      }
    }
    return n;
  }

  fs::path dir_;
  static inline int n_ = 0;
};

TEST_F(HtmlCliTest, DashboardGoesToTheOutputFileWithThreeCharts) {
  const fs::path file = dir_ / "out" / "usage.html";
  const TallyRun run = tally(fmt::format("--format html -q -o '{}'", file.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");  // everything went to the file
  const std::string page = slurp(file);
  ASSERT_EQ(page.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(page.substr(page.size() - 8), "</html>\n");
  EXPECT_EQ(count(page, "<svg id=\"daily\""), 1u);
  EXPECT_EQ(count(page, "<svg id=\"projects\""), 1u);
  EXPECT_EQ(count(page, "<svg id=\"concurrency\""), 1u);
  EXPECT_EQ(page.find("http:"), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  // The fixtures' usage all falls on one day: one segment per model with a priced cost.
  ASSERT_EQ(rows_with_cost("daily"), 1u);
  const std::size_t priced_models = rows_with_cost("models --since 2026-10-25");
  ASSERT_GT(priced_models, 0u);
  const std::size_t daily_begin = page.find("<svg id=\"daily\"");
  const std::string daily =
      page.substr(daily_begin, page.find("</svg>", daily_begin) - daily_begin);
  EXPECT_EQ(count(daily, "<rect class=\"bar\""), priced_models);
  // Unpriced models in the fixtures: the page says so before any number.
  EXPECT_LT(page.find("<ul class=\"warnings\">"), page.find("<div class=\"cards\">"));
  EXPECT_NE(page.find("unpriced model"), std::string::npos);
  // Written atomically: no temporary file is left beside it.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_ / "out")) {
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(HtmlCliTest, ReportsRenderAsAPageWithABarPerDay) {
  const TallyRun run = tally("daily --format html -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(count(run.out, "<rect class=\"bar\""), rows_with_cost("daily"));
  const TallyRun models = tally("models --format html -q");
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_EQ(models.out.find("<svg"), std::string::npos);  // not grouped by time
  EXPECT_NE(models.out.find("<table>"), std::string::npos);
}

TEST_F(HtmlCliTest, FormatNamesTheSameOutputAsTheOldFlags) {
  EXPECT_EQ(tally("models --format json -q").out, tally("models --json -q").out);
  EXPECT_EQ(tally("models --format csv -q").out, tally("models --csv -q").out);
  EXPECT_EQ(tally("models --format table -q").out, tally("models -q").out);
}

TEST_F(HtmlCliTest, OutputReplacesAnExistingFile) {
  const fs::path file = dir_ / "out" / "models.json";
  std::ofstream(file) << "old contents that are longer than nothing";
  const TallyRun run = tally(fmt::format("models --json -q --output '{}'", file.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(slurp(file), tally("models --json -q").out);
}

TEST_F(HtmlCliTest, BadFormatsAndPathsAreClearErrors) {
  const TallyRun bad = tally("daily --format xml -q");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("table,json,csv,html"), std::string::npos) << bad.err;
  const TallyRun both = tally("daily --json --format csv -q");
  EXPECT_EQ(both.exit_code, 2);
  // Commands that cannot write HTML or a file yet refuse rather than print something else.
  const TallyRun unsupported = tally("windows --format html -q");
  EXPECT_EQ(unsupported.exit_code, 2);
  EXPECT_NE(unsupported.err.find("not here yet"), std::string::npos) << unsupported.err;
  const TallyRun nowhere = tally("daily --format html -q -o /nonexistent-dir/x.html");
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("cannot write /nonexistent-dir/x.html"), std::string::npos)
      << nowhere.err;
}

}  // namespace
