#include "pricing/model_lookup.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tally::pricing {
namespace {

using Names = std::vector<std::string>;

TEST(StripProviderPrefixTest, StripsPathsAndDottedVendorSegments) {
  EXPECT_EQ(strip_provider_prefix("anthropic/claude-opus-4-6"), "claude-opus-4-6");
  EXPECT_EQ(strip_provider_prefix("anthropic.claude-opus-4-6-v1"), "claude-opus-4-6-v1");
  EXPECT_EQ(strip_provider_prefix("us.anthropic.claude-haiku-4-5"), "claude-haiku-4-5");
  EXPECT_EQ(strip_provider_prefix("bedrock/global.anthropic.claude-x"), "claude-x");
  EXPECT_EQ(strip_provider_prefix("azure_ai/claude-opus-4-6"), "claude-opus-4-6");
  EXPECT_EQ(strip_provider_prefix("openrouter/anthropic/claude-sonnet-4.5"), "claude-sonnet-4.5");
  EXPECT_EQ(strip_provider_prefix("GPT-5.5"), "gpt-5.5");
  EXPECT_EQ(strip_provider_prefix("gpt-5.5"), "gpt-5.5");  // its dot is not a prefix
}

TEST(StripDateSuffixTest, StripsDatesAndVersionTags) {
  EXPECT_EQ(strip_date_suffix("claude-opus-4-5-20251101"), "claude-opus-4-5");
  EXPECT_EQ(strip_date_suffix("gpt-5.5-2026-04-23"), "gpt-5.5");
  EXPECT_EQ(strip_date_suffix("claude-opus-4-5@20251101"), "claude-opus-4-5");
  EXPECT_EQ(strip_date_suffix("claude-sonnet-4-6@default"), "claude-sonnet-4-6");
  EXPECT_EQ(strip_date_suffix("claude-haiku-4-5-20251001-v1:0"), "claude-haiku-4-5");
  EXPECT_EQ(strip_date_suffix("claude-opus-4-6-v1"), "claude-opus-4-6");
  EXPECT_EQ(strip_date_suffix("claude-3-5-haiku-latest"), "claude-3-5-haiku");
}

TEST(StripDateSuffixTest, KeepsModelVersionNumbers) {
  EXPECT_EQ(strip_date_suffix("claude-opus-5-5"), "claude-opus-5-5");
  EXPECT_EQ(strip_date_suffix("gemini-3.5-flash-lite"), "gemini-3.5-flash-lite");
  EXPECT_EQ(strip_date_suffix("deepseek-v3"), "deepseek-v3");
  EXPECT_EQ(strip_date_suffix("gpt-4-vision"), "gpt-4-vision");
  EXPECT_EQ(strip_date_suffix("model-20251399"), "model-20251399");  // not a date
}

TEST(VersionVariantsTest, SwapsSeparatorsBetweenDigitsOnly) {
  EXPECT_EQ(version_variants("claude-opus-4.5"), (Names{"claude-opus-4-5"}));
  EXPECT_EQ(version_variants("gpt-5-5"), (Names{"gpt-5.5"}));
  EXPECT_EQ(version_variants("claude-3-5-haiku"), (Names{"claude-3.5-haiku"}));
  EXPECT_EQ(version_variants("gpt-5-mini"), Names{});
}

TEST(LookupCandidatesTest, AppliesStepsCumulativelyInOrder) {
  EXPECT_EQ(lookup_candidates("anthropic/claude-opus-4.5-20251101"),
            (Names{"anthropic/claude-opus-4.5-20251101", "claude-opus-4.5-20251101",
                   "claude-opus-4.5", "claude-opus-4-5"}));
  EXPECT_EQ(lookup_candidates("gpt-5.5"), (Names{"gpt-5.5", "gpt-5-5"}));
  EXPECT_EQ(lookup_candidates("claude-haiku-4-5"), (Names{"claude-haiku-4-5", "claude-haiku-4.5"}));
  EXPECT_EQ(lookup_candidates(""), Names{});
}

TEST(LookupCandidatesTest, UnknownModelsNeverReachANeighbour) {
  const Names c = lookup_candidates("claude-opus-5-5");
  EXPECT_EQ(std::find(c.begin(), c.end(), "claude-opus-5"), c.end());
  const Names g = lookup_candidates("gemini-3.8-flash");
  EXPECT_EQ(std::find(g.begin(), g.end(), "gemini-3-flash-preview"), g.end());
}

}  // namespace
}  // namespace tally::pricing
