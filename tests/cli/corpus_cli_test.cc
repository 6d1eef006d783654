// End to end, the real binary on generated histories (src/demo/corpus.h) with every share of
// Claude sessions on a model no price list knows (tally_corpus_gen --unpriced-share, issue
// 16): the tokens per model are exactly the generator's manifest, and the unknown model is
// priced from the logs' own reported cost, never shown as a silent $0.

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

class CorpusCliTest : public ::testing::TestWithParam<double> {
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

TEST_P(CorpusCliTest, TokensPerModelAreTheManifestsAndUnknownModelsUseTheReportedCost) {
  tally::demo::CorpusOptions co;
  co.out = (dir_ / "home").string();
  co.mb = 3;
  co.end = 1'795'000'000'000;
  co.unpriced_share = GetParam();
  auto manifest_text = tally::demo::generate_corpus(co);
  ASSERT_TRUE(manifest_text) << manifest_text.error().message;

  simdjson::dom::parser mp;
  simdjson::dom::element manifest = mp.parse(*manifest_text);
  std::map<std::string, Usage> want;
  for (auto [key, value] : manifest["expected"].get_object()) {
    want[std::string(key)] = read_usage(value.get_object());
  }

  const tally::test::ShellRun run = tally::test::run_shell(fmt::format(
      "env -i HOME='{}' TALLY_DATA_DIR='{}' TZ=UTC PATH=/usr/bin:/bin '{}' models --json "
      "2>/dev/null",
      co.out, (dir_ / "data").string(), TALLY_BINARY));
  ASSERT_EQ(run.exit_code, 0);
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
    ASSERT_TRUE(got.count(key)) << key << " is missing from tally models";
    EXPECT_EQ(got[key], u) << key << ": tally " << show(got[key]) << ", manifest " << show(u);
  }
  EXPECT_EQ(got.size(), want.size());
  const bool unpriced = got.count("claude/claude-opus-5-5") != 0;
  EXPECT_EQ(unpriced, GetParam() > 0);
  if (unpriced) {
    const Usage& u = got["claude/claude-opus-5-5"];
    EXPECT_EQ(u.cost_source, "agent-reported");
    EXPECT_GT(u.cost, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(UnpricedShares, CorpusCliTest, ::testing::Values(0.0, 0.3, 1.0));

}  // namespace
