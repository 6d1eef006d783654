// The one JSON writer: each layout's punctuation, layouts mixed per container, and the
// indent a document nested in another starts at.

#include "render/json_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace tally::render {
namespace {

// {"a": 1, "b": [true, null], "c": {}} in `layout`.
std::string sample(JsonLayout layout, int indent = 0) {
  std::string out;
  JsonWriter w(out, layout, indent);
  w.open('{');
  w.member("a");
  w.integer(1);
  w.member("b");
  w.open('[');
  w.element();
  w.boolean(true);
  w.element();
  w.null();
  w.close(']');
  w.member("c");
  w.open('{');
  w.close('}');
  w.close('}');
  return out;
}

TEST(JsonWriterTest, EachLayoutPlacesPunctuationItsWay) {
  EXPECT_EQ(sample(JsonLayout::compact), R"({"a":1,"b":[true,null],"c":{}})");
  EXPECT_EQ(sample(JsonLayout::line), R"({"a": 1, "b": [true, null], "c": {}})");
  EXPECT_EQ(sample(JsonLayout::pretty),
            "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ],\n  \"c\": {}\n}");
  EXPECT_EQ(sample(JsonLayout::flat), "{\n\"a\": 1,\n\"b\": [\ntrue,\nnull\n],\n\"c\": {}\n}");
}

TEST(JsonWriterTest, AnIndentedDocumentClosesAtItsIndent) {
  EXPECT_EQ(sample(JsonLayout::pretty, 1),
            "{\n    \"a\": 1,\n    \"b\": [\n      true,\n      null\n    ],\n    \"c\": {}\n  }");
}

TEST(JsonWriterTest, ContainersKeepTheirOwnLayout) {
  // The shape of `tally prices list --json`: one line, but a row per line in "models".
  std::string out;
  JsonWriter w(out, JsonLayout::line);
  w.open('{');
  w.member("models");
  w.open('[', JsonLayout::pretty);
  for (const char* key : {"x", "y"}) {
    w.element();
    w.open('{', JsonLayout::line);
    w.member("key");
    w.string(key);
    w.member("input");
    w.raw("1.5");
    w.close('}');
  }
  w.close(']');
  w.member("aliases");
  w.open('{');
  w.close('}');
  w.close('}');
  EXPECT_EQ(out,
            "{\"models\": [\n  {\"key\": \"x\", \"input\": 1.5},\n  {\"key\": \"y\", \"input\": "
            "1.5}\n], \"aliases\": {}}");
}

TEST(JsonWriterTest, StringsAreEscapedAndNamesToo) {
  std::string out;
  JsonWriter w(out, JsonLayout::compact);
  w.open('{');
  w.member("a\"b");
  w.string("line\nbreak\x1b[31m\xff");
  w.close('}');
  EXPECT_EQ(out, "{\"a\\\"b\":\"line\\nbreak\\u001b[31m\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace tally::render
