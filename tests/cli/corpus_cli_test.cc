// End to end, the real binary on generated histories (src/demo/corpus.h) with every share of
// Claude sessions on a model no price list knows (tally_corpus_gen --unpriced-share, issue
// 16): the tokens per model are exactly the generator's manifest, and the unknown model is
// priced from the logs' own reported cost, never shown as a silent $0. The same holds for the
// heavy-user profile of `tally demo` (issue 17), whose lines name real files and fast mode.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "demo/corpus.h"
#include "support/shell.h"

namespace {

namespace fs = std::filesystem;

struct Usage {
  std::int64_t requests = 0, input = 0, cache_read = 0, cache_write = 0, output = 0;
  double cost = 0;
  std::string cost_source;
  bool operator==(const Usage& o) const {
    return requests == o.requests && input == o.input && cache_read == o.cache_read &&
           cache_write == o.cache_write && output == o.output;
  }
};

std::string show(const Usage& u) {
  return fmt::format("{} requests, {} in, {} cache read, {} cache write, {} out", u.requests,
                     u.input, u.cache_read, u.cache_write, u.output);
}

Usage read_usage(simdjson::dom::object o) {
  Usage u;
  u.requests = o["requests"].get_int64().value();
  u.input = o["input_tokens"].get_int64().value();
  u.cache_read = o["cache_read_tokens"].get_int64().value();
  u.cache_write = o["cache_write_tokens"].get_int64().value();
  u.output = o["output_tokens"].get_int64().value();
  return u;
}

// A temporary directory for a corpus (home/) and a ledger (data/).
class CorpusDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("tally-corpus-cli-{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

class CorpusCliTest : public CorpusDirTest, public ::testing::WithParamInterface<double> {};

// Generates `co` and runs `tally models --json` on it: the tokens per agent and model must be
// the manifest's. Returns tally's rows by "agent/model".
std::map<std::string, Usage> check_models_against_manifest(const tally::demo::CorpusOptions& co,
                                                           const fs::path& dir) {
  auto manifest_text = tally::demo::generate_corpus(co);
  EXPECT_TRUE(manifest_text) << manifest_text.error().message;
  if (!manifest_text) {
    return {};
  }

  simdjson::dom::parser mp;
  simdjson::dom::element manifest = mp.parse(*manifest_text);
  std::map<std::string, Usage> want;
  for (auto [key, value] : manifest["expected"].get_object()) {
    want[std::string(key)] = read_usage(value.get_object());
  }

  const tally::test::ShellRun run = tally::test::run_shell(fmt::format(
      "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' models --json "
      "2>/dev/null",
      co.out, (dir / "data").string(), TALLY_BINARY));
  EXPECT_EQ(run.exit_code, 0);
  if (run.exit_code != 0) {
    return {};
  }
  simdjson::dom::parser tp;
  simdjson::dom::element report = tp.parse(run.out);
  std::map<std::string, Usage> got;
  for (simdjson::dom::element row : report["rows"].get_array()) {
    const std::string key = fmt::format("{}/{}", std::string_view(row["agent"].get_string()),
                                        std::string_view(row["model"].get_string()));
    Usage u = read_usage(row.get_object());
    u.cost = row["cost_usd"].get_double().value();
    u.cost_source = std::string(row["cost_source"].get_string().value());
    got[key] = u;
  }

  for (const auto& [key, u] : want) {
    EXPECT_TRUE(got.count(key)) << key << " is missing from tally models";
    EXPECT_EQ(got[key], u) << key << ": tally " << show(got[key]) << ", manifest " << show(u);
  }
  EXPECT_EQ(got.size(), want.size());
  return got;
}

TEST_P(CorpusCliTest, TokensPerModelAreTheManifestsAndUnknownModelsUseTheReportedCost) {
  tally::demo::CorpusOptions co;
  co.out = (dir_ / "home").string();
  co.mb = 3;
  co.end = 1'795'000'000'000;
  co.unpriced_share = GetParam();
  std::map<std::string, Usage> got = check_models_against_manifest(co, dir_);
  ASSERT_FALSE(got.empty());
  const bool unpriced = got.count("claude/claude-opus-5-5") != 0;
  EXPECT_EQ(unpriced, GetParam() > 0);
  if (unpriced) {
    const Usage& u = got["claude/claude-opus-5-5"];
    EXPECT_EQ(u.cost_source, "agent-reported");
    EXPECT_GT(u.cost, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(UnpricedShares, CorpusCliTest, ::testing::Values(0.0, 0.3, 1.0));

class HeavyCorpusCliTest : public CorpusDirTest {};

TEST_F(HeavyCorpusCliTest, TokensPerModelAreTheManifestsInTheDemosProfile) {
  tally::demo::CorpusOptions co;
  co.out = (dir_ / "home").string();
  co.mb = 6;
  co.end = 1'795'000'000'000;
  co.profile = tally::demo::Profile::heavy_user;
  std::map<std::string, Usage> got = check_models_against_manifest(co, dir_);
  ASSERT_FALSE(got.empty());
  EXPECT_TRUE(got.count("claude/claude-opus-4-8"));
  EXPECT_TRUE(got.count("codex/gpt-5.5"));
  // The checkouts the sessions ran in, with a worktree's git files.
  EXPECT_TRUE(fs::is_directory(dir_ / "home/src/webapp/.git"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "home/src/webapp/.worktrees/wt2/.git"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "home/src/webapp/.git/worktrees/wt2/commondir"));
}

}  // namespace
