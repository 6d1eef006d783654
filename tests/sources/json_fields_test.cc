// The shared JSON helpers: a line is walked whole before any read (so a structural error is a
// problem, never a crash or half a record), and counts are read strictly (issue 15).

#include "sources/json_fields.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "sources/test_support.h"

namespace tally::sources {
namespace {

using test::PaddedText;

// open_line_object() on `text`; "" or the problem.
std::string open(std::string_view text) {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  object root;
  PaddedText padded(text);
  return open_line_object(parser, doc, padded.view(), root);
}

TEST(OpenLineObjectTest, AcceptsWellFormedObjects) {
  EXPECT_EQ(open(R"({})"), "");
  EXPECT_EQ(open(R"({"a":1,"b":[1,{"c":[]}],"d":{"e":"x\"y"},"f":null,"g":true})"), "");
  EXPECT_EQ(open("  {\"a\" : [ 1 , 2 ] }  "), "");
}

// The minimised crashers of ../shared/fixtures/crashes: each broke simdjson's iterator in the
// middle of an adapter's reads, and the next read dereferenced a null parser.
TEST(OpenLineObjectTest, StructuralErrorsAreProblemsNotCrashes) {
  for (const char* text : {
           R"({"":{""[""}]""})",  // gemini-segv
           R"({"":"","":e,"message":{"":"","":[{""""}],"":l,"usage":{"":{},"":"","cache_creation":{""::}:}""}""})",  // claude-segv
           R"({"":"":"turn_context"""{""[]""""{""[""]}}""{""}})",  // codex-segv
           R"({"a" 1})",       // missing colon
           R"({"a":1 "b":2})",  // missing comma
           R"({"a":[1,2}})",   // bracket closes the wrong container
           R"({"a":{"b":1]})",
           R"({"a":1,})",
           R"({"a":1)",  // truncated
           R"({"type":"token_usage_record":}})",  // a walk of the On Demand iterator passed it
           "{\"a\":\"\x01\"}",  // a raw control character in a string
           "{\"a\":tru}",
       }) {
    const std::string why = open(text);
    EXPECT_TRUE(why.starts_with("malformed JSON")) << text << " -> '" << why << "'";
  }
}

TEST(OpenLineObjectTest, RejectsNonObjectsTrailingBytesAndExcessiveNesting) {
  EXPECT_EQ(open("[1,2]"), "malformed JSON: line is not an object");
  EXPECT_TRUE(open(R"({"a":1} {"b":2})").starts_with("malformed JSON")) << open(R"({"a":1} {"b":2})");
  std::string deep = "{\"a\":";
  for (int i = 0; i < 2000; ++i) {
    deep += "[";
  }
  for (int i = 0; i < 2000; ++i) {
    deep += "]";
  }
  deep += "}";
  EXPECT_TRUE(open(deep).starts_with("malformed JSON")) << open(deep);
}

// read_count() on the value of {"n": <json>}: the reason, and the count when there is none.
std::pair<std::string, std::int64_t> count(std::string_view json) {
  const std::string text = "{\"n\":" + std::string(json) + "}";
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  object root;
  PaddedText padded(text);
  EXPECT_EQ(open_line_object(parser, doc, padded.view(), root), "") << text;
  value v;
  EXPECT_EQ(root.find_field_unordered("n").get(v), simdjson::SUCCESS);
  std::int64_t out = -7;
  std::string why = read_count(v, out);
  return {why, out};
}

TEST(ReadCountTest, AcceptsIntegersFromZeroTo2To53) {
  EXPECT_EQ(count("0"), std::make_pair(std::string(), std::int64_t{0}));
  EXPECT_EQ(count("123456"), std::make_pair(std::string(), std::int64_t{123456}));
  EXPECT_EQ(count("9007199254740992"), std::make_pair(std::string(), kMaxTokenCount));
  EXPECT_EQ(count("null"), std::make_pair(std::string(), std::int64_t{0}));
  EXPECT_EQ(count("12.0"), std::make_pair(std::string(), std::int64_t{12}));
  EXPECT_EQ(count("1e3"), std::make_pair(std::string(), std::int64_t{1000}));
}

TEST(ReadCountTest, RefusesWhatIsNoCountAndLeavesTheTargetAlone) {
  EXPECT_EQ(count("-1000000"), std::make_pair(std::string("negative (-1000000)"), std::int64_t{-7}));
  EXPECT_EQ(count("-9223372036854775808").first, "negative (-9223372036854775808)");
  EXPECT_EQ(count("9007199254740993").first, "over 2^53 (9007199254740993)");
  EXPECT_EQ(count("9223372036854775807").first, "over 2^53 (9223372036854775807)");
  EXPECT_EQ(count("18446744073709551615").first, "over 2^53 (18446744073709551615)");
  EXPECT_EQ(count("1.5").first, "not an integer (1.5)");
  EXPECT_EQ(count("-0.5").first, "not an integer (-0.5)");
  EXPECT_EQ(count("1e300").first.substr(0, 9), "over 2^53");
  EXPECT_EQ(count("\"12\"").first, "not a number");
  EXPECT_EQ(count("{}").first, "not a number");
  EXPECT_EQ(count("true").second, -7);
}

TEST(ReadCostTest, AcceptsNonNegativeNumbersOnly) {
  const auto cost = [](std::string_view json) {
    const std::string text = "{\"c\":" + std::string(json) + "}";
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    object root;
    PaddedText padded(text);
    EXPECT_EQ(open_line_object(parser, doc, padded.view(), root), "");
    value v;
    EXPECT_EQ(root.find_field_unordered("c").get(v), simdjson::SUCCESS);
    std::optional<double> out;
    std::string why = read_cost(v, out);
    return std::make_pair(why, out);
  };
  EXPECT_EQ(cost("0.25"), std::make_pair(std::string(), std::optional<double>(0.25)));
  EXPECT_EQ(cost("null"), std::make_pair(std::string(), std::optional<double>()));
  EXPECT_EQ(cost("-3.5").first, "negative (-3.5)");
  EXPECT_EQ(cost("1e300").first.substr(0, 9), "over 2^53");
  EXPECT_EQ(cost("\"1\"").first, "not a number");
}

}  // namespace
}  // namespace tally::sources
