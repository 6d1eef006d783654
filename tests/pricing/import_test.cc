#include "pricing/import.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "pricing/builtin_table.h"
#include "pricing/table_format.h"

namespace tally::pricing {
namespace {

const PriceRow* find_row(const std::vector<PriceRow>& rows, std::string_view key) {
  for (const PriceRow& row : rows) {
    if (row.key == key) {
      return &row;
    }
  }
  return nullptr;
}

// A few LiteLLM entries, shaped like the real file (values per token).
constexpr const char* kLiteLlm = R"({
  "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "mode": "chat"},
  "claude-sonnet-4-5": {
    "litellm_provider": "anthropic", "mode": "chat",
    "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
    "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06,
    "input_cost_per_token_above_200k_tokens": 6e-06,
    "output_cost_per_token_above_200k_tokens": 2.25e-05,
    "cache_read_input_token_cost_above_200k_tokens": 6e-07,
    "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06
  },
  "claude-opus-4-6": {
    "litellm_provider": "anthropic", "mode": "chat",
    "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
    "cache_creation_input_token_cost_above_1hr": 1e-05,
    "provider_specific_entry": {"us": 1.1, "fast": 6.0}
  },
  "GPT-5": {
    "litellm_provider": "openai", "mode": "chat",
    "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05,
    "cache_read_input_token_cost": 1.25e-07,
    "input_cost_per_token_priority": 2.5e-06, "output_cost_per_token_priority": 2e-05,
    "cache_read_input_token_cost_priority": 2.5e-07,
    "input_cost_per_token_flex": 6.25e-07, "output_cost_per_token_flex": 5e-06,
    "input_cost_per_token_batches": 6.25e-07
  },
  "gpt-5.4": {
    "litellm_provider": "openai", "mode": "responses",
    "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05,
    "input_cost_per_token_above_272k_tokens": 5e-06,
    "output_cost_per_token_above_272k_tokens": 2.25e-05
  },
  "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding",
    "input_cost_per_token": 2e-08, "output_cost_per_token": 0.0},
  "no-output-price": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06},
  "not-an-object": 3
})";

TEST(ImportLiteLlmTest, MapsTheFields) {
  auto report = import_litellm(kLiteLlm, ImportOptions{Date{2026, 2, 24}});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows.size(), 4u);
  EXPECT_EQ(report->skipped, 3u);  // embedding, no output price, not an object

  const PriceRow* sonnet = find_row(report->rows, "claude-sonnet-4-5");
  ASSERT_NE(sonnet, nullptr);
  EXPECT_EQ(sonnet->provider, "anthropic");
  EXPECT_EQ(sonnet->since, (Date{2026, 2, 24}));
  EXPECT_EQ(sonnet->standard, (Rates{3.0, 15.0, 0.3, 3.75, 6.0}));
  EXPECT_EQ(sonnet->long_context_threshold, 200'000);
  EXPECT_EQ(sonnet->long_context, (Rates{6.0, 22.5, 0.6, 7.5, 12.0}));

  const PriceRow* opus = find_row(report->rows, "claude-opus-4-6");
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->standard, (Rates{5.0, 25.0, 0.5, 6.25, 10.0}));
  EXPECT_DOUBLE_EQ(opus->fast_multiplier, 6.0);
  EXPECT_DOUBLE_EQ(opus->us_multiplier, 1.1);

  const PriceRow* gpt5 = find_row(report->rows, "gpt-5");  // key lower-cased
  ASSERT_NE(gpt5, nullptr);
  EXPECT_EQ(gpt5->provider, "openai");
  EXPECT_EQ(gpt5->standard, (Rates{1.25, 10.0, 0.125, 0.0, 0.0}));
  ASSERT_TRUE(gpt5->priority.has_value());
  EXPECT_EQ(*gpt5->priority, (Rates{2.5, 20.0, 0.25, 0.0, 0.0}));
  EXPECT_DOUBLE_EQ(gpt5->priority_multiplier, 2.0);
  EXPECT_DOUBLE_EQ(gpt5->flex_multiplier, 0.5);
  EXPECT_DOUBLE_EQ(gpt5->batch_multiplier, 0.5);

  const PriceRow* gpt54 = find_row(report->rows, "gpt-5.4");
  ASSERT_NE(gpt54, nullptr);
  EXPECT_EQ(gpt54->long_context_threshold, 272'000);
  EXPECT_EQ(gpt54->long_context, (Rates{5.0, 22.5, 0.5, 0.0, 0.0}));
}

TEST(ImportLiteLlmTest, ReadsBothSpellingsOfTheRegionalUplift) {
  constexpr const char* kJson = R"({
    "claude-opus-4-8": {
      "litellm_provider": "anthropic", "mode": "chat",
      "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
      "provider_specific_entry": {"us": 1.1, "fast": 2.0}
    },
    "gpt-5.5": {
      "litellm_provider": "openai", "mode": "chat",
      "input_cost_per_token": 5e-06, "output_cost_per_token": 3e-05,
      "regional_processing_uplift_multiplier_eu": 1.1,
      "regional_processing_uplift_multiplier_us": 1.1
    },
    "both-spellings": {
      "litellm_provider": "openai", "mode": "chat",
      "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
      "regional_processing_uplift_multiplier_us": 1.2,
      "provider_specific_entry": {"us": 1.1}
    },
    "bad-uplift": {
      "litellm_provider": "openai", "mode": "chat",
      "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
      "regional_processing_uplift_multiplier_us": -1,
      "regional_processing_uplift_multiplier_eu": "1.1"
    },
    "gpt-5.2": {
      "litellm_provider": "openai", "mode": "chat",
      "input_cost_per_token": 1.75e-06, "output_cost_per_token": 1.4e-05
    }
  })";
  auto report = import_litellm(kJson);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->rows.size(), 5u);

  const PriceRow* opus = find_row(report->rows, "claude-opus-4-8");
  ASSERT_NE(opus, nullptr);
  EXPECT_DOUBLE_EQ(opus->us_multiplier, 1.1);
  EXPECT_DOUBLE_EQ(opus->eu_multiplier, 1.0);
  EXPECT_DOUBLE_EQ(opus->fast_multiplier, 2.0);

  const PriceRow* gpt55 = find_row(report->rows, "gpt-5.5");
  ASSERT_NE(gpt55, nullptr);
  EXPECT_DOUBLE_EQ(gpt55->us_multiplier, 1.1);
  EXPECT_DOUBLE_EQ(gpt55->eu_multiplier, 1.1);

  const PriceRow* both = find_row(report->rows, "both-spellings");
  ASSERT_NE(both, nullptr);
  EXPECT_DOUBLE_EQ(both->us_multiplier, 1.2);  // the explicit field wins

  const PriceRow* bad = find_row(report->rows, "bad-uplift");  // ignored, not fatal
  ASSERT_NE(bad, nullptr);
  EXPECT_DOUBLE_EQ(bad->us_multiplier, 1.0);
  EXPECT_DOUBLE_EQ(bad->eu_multiplier, 1.0);

  const PriceRow* gpt52 = find_row(report->rows, "gpt-5.2");
  ASSERT_NE(gpt52, nullptr);
  EXPECT_DOUBLE_EQ(gpt52->us_multiplier, 1.0);
  EXPECT_DOUBLE_EQ(gpt52->eu_multiplier, 1.0);
}

TEST(ImportLiteLlmTest, RejectsNonObjects) {
  EXPECT_FALSE(import_litellm("[1, 2]"));
  EXPECT_FALSE(import_litellm("{\"a\": "));
  auto empty = import_litellm("{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->rows.empty());
}

TEST(ImportModelsDevTest, KeysFirstPartyModelsByIdAndOthersByProvider) {
  constexpr const char* kApi = R"({
    "anthropic": {"id": "anthropic", "models": {
      "claude-opus-4-5": {"id": "claude-opus-4-5",
        "cost": {"input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25}},
      "claude-sonnet-4-5": {"id": "claude-sonnet-4-5",
        "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75,
                 "context_over_200k": {"input": 6, "output": 22.5, "cache_read": 0.6,
                                       "cache_write": 7.5}}},
      "claude-free": {"id": "claude-free"}
    }},
    "openai": {"models": {"gpt-5": {"cost": {"input": 1.25, "output": 10, "cache_read": 0.125}}}},
    "openrouter": {"models": {"openai/gpt-5": {"cost": {"input": 1.25, "output": 10}}}}
  })";
  auto report = import_models_dev(kApi);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows.size(), 4u);
  EXPECT_EQ(report->skipped, 1u);
  const PriceRow* opus = find_row(report->rows, "claude-opus-4-5");
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->standard, (Rates{5.0, 25.0, 0.5, 6.25, 10.0}));
  const PriceRow* sonnet = find_row(report->rows, "claude-sonnet-4-5");
  ASSERT_NE(sonnet, nullptr);
  EXPECT_EQ(sonnet->long_context_threshold, 200'000);
  EXPECT_EQ(sonnet->long_context, (Rates{6.0, 22.5, 0.6, 7.5, 12.0}));
  const PriceRow* gpt5 = find_row(report->rows, "gpt-5");
  ASSERT_NE(gpt5, nullptr);
  EXPECT_EQ(gpt5->standard, (Rates{1.25, 10.0, 0.125, 0.0, 0.0}));
  const PriceRow* routed = find_row(report->rows, "openrouter/openai/gpt-5");
  ASSERT_NE(routed, nullptr);
  EXPECT_EQ(routed->provider, "openai");
  EXPECT_FALSE(import_models_dev("not json"));
}

// --- the saved LiteLLM copy (../shared/pricing, Feb 2026) ----------------------------------

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Built-in rows that deliberately differ from the Feb 2026 copy, and why.
const std::map<std::string, std::string, std::less<>>& deliberate_differences() {
  static const std::map<std::string, std::string, std::less<>> kDiffs = {
      // Newer upstream and Anthropic: 4.6 models have 1M context at the standard price, no
      // >200k tier (spec §1.3 note). The Feb copy still has one.
      {"claude-opus-4-6", "no >200k tier (dropped upstream after Feb 2026)"},
      // The Feb copy has Sonnet 4.6 without the us uplift; Anthropic bills 1.1x on all 4.6+.
      {"claude-sonnet-4-6", "no >200k tier (dropped upstream after Feb 2026), us uplift 1.1"},
      // LiteLLM gives every Claude 3 model a 1h write of $6 (copied from Sonnet); Anthropic's
      // rule is 2 x input.
      {"claude-3-5-haiku", "1h cache write 1.6 (2 x input), LiteLLM has 6"},
      {"claude-3-haiku", "1h cache write 0.5 (2 x input), LiteLLM has 6"},
      {"claude-3-opus", "1h cache write 30 (2 x input), LiteLLM has 6"},
      // LiteLLM's Gemini entries carry a $0.25 cache_creation above 200k (context-cache
      // storage pricing); Gemini bills no per-token cache writes.
      {"gemini-3-pro-preview", "no cache writes above 200k"},
      {"gemini-3.1-pro-preview", "no cache writes above 200k"},
      {"gemini-2.5-pro", "no cache writes above 200k"},
  };
  return kDiffs;
}

bool near(double a, double b) { return std::fabs(a - b) <= 1e-9; }

// Compares the rates both tables know; returns what differs, "" when they agree.
std::string compare(const PriceRow& builtin, const PriceRow& imported) {
  std::string diff;
  const auto check = [&diff](const char* what, double a, double b) {
    if (!near(a, b)) {
      diff += std::string(what) + " " + std::to_string(a) + " vs " + std::to_string(b) + "; ";
    }
  };
  check("input", builtin.standard.input, imported.standard.input);
  check("output", builtin.standard.output, imported.standard.output);
  check("cache_read", builtin.standard.cache_read, imported.standard.cache_read);
  check("cache_write_5m", builtin.standard.cache_write_5m, imported.standard.cache_write_5m);
  check("cache_write_1h", builtin.standard.cache_write_1h, imported.standard.cache_write_1h);
  if (builtin.long_context_threshold != imported.long_context_threshold) {
    diff += "long-context threshold " + std::to_string(builtin.long_context_threshold) + " vs " +
            std::to_string(imported.long_context_threshold) + "; ";
  } else if (builtin.has_long_context()) {
    check("long input", builtin.long_context.input, imported.long_context.input);
    check("long output", builtin.long_context.output, imported.long_context.output);
    check("long cache_read", builtin.long_context.cache_read, imported.long_context.cache_read);
    check("long cache_write_5m", builtin.long_context.cache_write_5m,
          imported.long_context.cache_write_5m);
  }
  if (imported.fast_multiplier != 1.0) {
    check("fast", builtin.fast_multiplier, imported.fast_multiplier);
  }
  check("us uplift", builtin.us_multiplier, imported.us_multiplier);
  check("eu uplift", builtin.eu_multiplier, imported.eu_multiplier);
  return diff;
}

TEST(ImportLiteLlmTest, SavedCopyAgreesWithTheBuiltinTable) {
  const std::string path = std::string(TALLY_SHARED_DIR) + "/pricing/litellm_model_prices.json";
  const std::string json = read_file(path);
  if (json.empty()) {
    GTEST_SKIP() << "no saved LiteLLM copy at " << path;
  }
  auto report = import_litellm(json, ImportOptions{Date{2026, 2, 24}});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GT(report->rows.size(), 1500u);

  // LiteLLM keys Claude models with and without a date ("claude-3-5-haiku-20241022");
  // compare through the same normalisation lookup uses.
  std::map<std::string, const PriceRow*, std::less<>> imported;
  for (const PriceRow& row : report->rows) {
    imported.emplace(row.key, &row);
  }
  const auto find_imported = [&imported](const std::string& key) -> const PriceRow* {
    for (const std::string& k : {key, key + "-20241022", key + "-20240307", key + "-20240229",
                                 key + "-20250219", key + "-20250514", key + "-20240620"}) {
      if (const auto it = imported.find(k); it != imported.end()) {
        return it->second;
      }
    }
    return nullptr;
  };

  const PriceTable& builtin = builtin_price_table();
  size_t compared = 0;
  std::set<std::string> differing;
  for (const PriceRow& row : builtin.rows()) {
    // Compare each model's price as of the copy's date (its latest row then).
    if (builtin.find(row.key, start_of_day_utc(Date{2026, 2, 24}))->since != row.since) {
      continue;
    }
    const PriceRow* theirs = find_imported(row.key);
    if (theirs == nullptr) {
      continue;  // newer than the copy, or keyed differently there
    }
    ++compared;
    const std::string diff = compare(row, *theirs);
    if (diff.empty()) {
      continue;
    }
    differing.insert(row.key);
    EXPECT_TRUE(deliberate_differences().count(row.key) != 0)
        << row.key << " differs from LiteLLM (Feb 2026): " << diff;
  }
  EXPECT_GE(compared, 30u);
  // Every listed difference is real: the list must not go stale.
  for (const auto& [key, why] : deliberate_differences()) {
    EXPECT_TRUE(differing.count(key) != 0)
        << key << " now agrees with LiteLLM; drop it from the list";
  }
}

TEST(ImportLiteLlmTest, SavedCopyRoundTripsThroughTheTableFormat) {
  const std::string json =
      read_file(std::string(TALLY_SHARED_DIR) + "/pricing/litellm_model_prices.json");
  if (json.empty()) {
    GTEST_SKIP() << "no saved LiteLLM copy";
  }
  auto report = import_litellm(json);
  ASSERT_TRUE(report) << report.error().message;
  auto back = parse_price_table(write_price_table(report->rows));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, report->rows);
  auto table = PriceTable::from_rows(*back);
  EXPECT_TRUE(table) << (table ? "" : table.error().message);
}

}  // namespace
}  // namespace tally::pricing
