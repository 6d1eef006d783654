#include "pricing/table_format.h"

#include <gtest/gtest.h>

#include <set>

#include "pricing/builtin_table.h"

namespace tally::pricing {
namespace {

TEST(BuiltinTableTest, EmbeddedTableParses) {
  EXPECT_FALSE(builtin_price_text().empty());
  auto table = load_builtin_price_table();
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_GE(table->model_count(), 50u);
}

TEST(BuiltinTableTest, CoversTheCurrentModels) {
  const PriceTable& table = builtin_price_table();
  for (const char* key : {"claude-opus-4-8",
                          "claude-opus-4-7",
                          "claude-opus-4-6",
                          "claude-opus-4-5",
                          "claude-sonnet-5",
                          "claude-sonnet-4-6",
                          "claude-sonnet-4-5",
                          "claude-haiku-4-5",
                          "claude-fable-5",
                          "claude-sonnet-4",
                          "claude-opus-4",
                          "claude-3-5-haiku",
                          "claude-3-7-sonnet",
                          "gpt-5.5",
                          "gpt-5.5-pro",
                          "gpt-5.4",
                          "gpt-5.4-mini",
                          "gpt-5.4-nano",
                          "gpt-5.3-codex",
                          "gpt-5.2",
                          "gpt-5.2-codex",
                          "gpt-5",
                          "gpt-5-codex",
                          "gpt-5.1-codex",
                          "gpt-5.1-codex-max",
                          "gpt-5.1-codex-mini",
                          "gpt-5-mini",
                          "gemini-3-pro-preview",
                          "gemini-3.1-pro-preview",
                          "gemini-3-flash-preview",
                          "gemini-2.5-pro",
                          "gemini-2.5-flash",
                          "gemini-2.5-flash-lite",
                          "gpt-4.1",
                          "gpt-4o",
                          "o3",
                          "o4-mini"}) {
    EXPECT_TRUE(table.contains(key)) << key;
  }
}

TEST(BuiltinTableTest, LeavesTheFixtureOnlyModelsUnpriced) {
  const PriceTable& table = builtin_price_table();
  for (const char* key :
       {"claude-opus-5-5", "gpt-6-sol", "gemini-3.8-flash", "gemini-3.5-flash-lite"}) {
    EXPECT_FALSE(table.contains(key)) << key;
  }
}

TEST(BuiltinTableTest, KeysAreLowerCase) {
  for (const PriceRow& row : builtin_price_table().rows()) {
    for (const char c : row.key) {
      EXPECT_FALSE(c >= 'A' && c <= 'Z') << row.key;
    }
  }
}

TEST(TableFormatTest, WriteThenParseRoundTripsTheBuiltinTable) {
  const std::vector<PriceRow> rows = builtin_price_table().rows();
  const std::string text = write_price_table(rows, "exported\nby a test");
  EXPECT_EQ(text.rfind("# exported\n# by a test\n", 0), 0u);
  auto back = parse_price_table(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, rows);
}

TEST(TableFormatTest, ReadsDefaultsAndBothDateForms) {
  auto rows = parse_price_table(R"(
[[model]]
key = "a"
provider = "openai"
since = "2025-06-10"
input = 2
output = 8

[[model]]
key = "b"
input = 1.5
output = 3.0
long_context = { threshold = 1000, input = 3.0, output = 6.0 }
priority = { input = 3.0, output = 6.0 }
fast_multiplier = 2.0
flex_multiplier = 0.25
)");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const PriceRow& a = (*rows)[0];
  EXPECT_EQ(a.since, (Date{2025, 6, 10}));
  EXPECT_EQ(a.standard, (Rates{2.0, 8.0, 0.2, 0.0, 0.0}));
  const PriceRow& b = (*rows)[1];
  EXPECT_EQ(b.since, (Date{1970, 1, 1}));
  EXPECT_EQ(b.provider, "");
  EXPECT_EQ(b.standard, (Rates{1.5, 3.0, 0.15, 1.875, 3.0}));
  EXPECT_EQ(b.long_context_threshold, 1000);
  EXPECT_EQ(b.long_context, (Rates{3.0, 6.0, 0.3, 3.75, 6.0}));
  EXPECT_DOUBLE_EQ(b.priority_multiplier, 2.0);
  EXPECT_DOUBLE_EQ(b.fast_multiplier, 2.0);
  EXPECT_DOUBLE_EQ(b.flex_multiplier, 0.25);
  EXPECT_DOUBLE_EQ(b.batch_multiplier, 0.5);
}

TEST(TableFormatTest, ErrorsNameTheLine) {
  auto typo = parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\noutput = 2\ncache_wirte = 3\n",
                                "t.toml");
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().code, Errc::parse);
  EXPECT_NE(typo.error().message.find("t.toml:5:"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find("cache_wirte"), std::string::npos);

  auto wrong_type = parse_price_table("[[model]]\nkey = \"a\"\ninput = \"1\"\noutput = 2\n");
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("'input' must be a number"), std::string::npos);

  auto bad_toml = parse_price_table("[[model]\n", "t.toml");
  ASSERT_FALSE(bad_toml);
  EXPECT_NE(bad_toml.error().message.find("t.toml:1:"), std::string::npos);

  EXPECT_FALSE(parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\n"));  // no output
  EXPECT_FALSE(
      parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\noutput = 1\nsince = "
                        "\"2025-02-30\"\n"));
  EXPECT_FALSE(
      parse_price_table("[[model]]\nkey = \"a\"\ninput = 1\noutput = 1\n"
                        "long_context = { input = 2, output = 2 }\n"));  // no threshold
  EXPECT_FALSE(parse_price_table("[models]\n"));
}

TEST(TableFormatTest, EmptyTextIsAnEmptyTable) {
  auto rows = parse_price_table("# nothing yet\n");
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
}

TEST(TableFormatTest, QuotesAwkwardKeys) {
  PriceRow row;
  row.key = "odd \"model\"\\x";
  const std::vector<PriceRow> rows{row};
  auto back = parse_price_table(write_price_table(rows));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].key, row.key);
}

}  // namespace
}  // namespace tally::pricing
