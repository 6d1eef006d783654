#include "sources/json_head.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tally::sources {
namespace {

// "key=value" for every member the walk reads, nested ones as "key={" or "key=[".
std::vector<std::string> walk(std::string_view line, std::size_t window = 512) {
  JsonHead head(line, window);
  std::vector<std::string> out;
  JsonHead::Member m;
  while (head.next(m)) {
    std::string value(m.value);
    if (m.kind == JsonHead::Kind::object) {
      value = "{";
    } else if (m.kind == JsonHead::Kind::array) {
      value = "[";
    }
    out.push_back(std::string(m.key) + "=" + value);
  }
  return out;
}

using Members = std::vector<std::string>;

TEST(JsonHeadTest, ReadsStringAndScalarMembersUpToTheFirstNestedValue) {
  const std::string line = R"({"parentUuid":"55ecada1","isSidechain":false,"n":-1.5e3,"x":null,)"
                           R"("attachment":{"type":"skill_listing"},"type":"attachment"})";
  EXPECT_EQ(walk(line), (Members{"parentUuid=55ecada1", "isSidechain=false", "n=-1.5e3", "x=null",
                                 "attachment={"}));
  EXPECT_EQ(walk(R"({"a":[1,2],"b":"c"})"), (Members{"a=["}));
  EXPECT_EQ(walk(R"({"a":"b","c":1})"), (Members{"a=b", "c=1"}));
  EXPECT_EQ(walk("{}"), Members{});
}

TEST(JsonHeadTest, StringValuesMayHoldEscapedQuotesAndLookAlikeKeys) {
  // A key inside a string value is not a member: a substring search would have found it.
  const std::string line =
      R"({"a":"say \"attachment\":{ here","b":"ends in a backslash \\","c":"\\\"q"})";
  EXPECT_EQ(walk(line), (Members{R"(a=say \"attachment\":{ here)", R"(b=ends in a backslash \\)",
                                 R"(c=\\\"q)"}));
}

TEST(JsonHeadTest, StopsAtWhatItCannotReadWithoutParsing) {
  EXPECT_EQ(walk(R"({ "a":"b"})"), Members{});                 // whitespace
  EXPECT_EQ(walk(R"({"a": "b"})"), Members{});                 // whitespace
  EXPECT_EQ(walk(R"({"a":"b" ,"c":"d"})"), (Members{"a=b"}));  // whitespace
  EXPECT_EQ(walk(R"({"a\"b":"c"})"), Members{});               // escaped key
  EXPECT_EQ(walk(R"(["a","b"])"), Members{});                  // not an object
  EXPECT_EQ(walk(""), Members{});
  EXPECT_EQ(walk(R"({"a":"b)"), Members{});   // truncated string
  EXPECT_EQ(walk(R"({"a":tru)"), Members{});  // a scalar cut by the end
  EXPECT_EQ(walk(R"({"a":)"), Members{});
  EXPECT_EQ(walk(R"({"a")"), Members{});
  EXPECT_EQ(walk(R"({"a":"b"}garbage)"), (Members{"a=b"}));  // the object ends; nothing more
}

TEST(JsonHeadTest, NeverReadsPastTheWindow) {
  const std::string line = R"({"type":"queue-operation","sessionId":"abc"})";
  // The window cuts the second value: the walk stops instead of reading a partial value.
  EXPECT_EQ(walk(line, 30), (Members{"type=queue-operation"}));
  EXPECT_EQ(walk(line, line.size()), (Members{"type=queue-operation", "sessionId=abc"}));
  EXPECT_EQ(walk(line, 8), Members{});
  // A scalar that reaches the window's end may be cut ("12" of "123"): not returned.
  EXPECT_EQ(walk(R"({"a":123,"b":1})", 8), Members{});
}

TEST(JsonHeadTest, EntersNestedObjectsToReadACodexEventKind) {
  const std::string line =
      R"({"timestamp":"2026-11-22T22:09:01.533Z","ordinal":8,"type":"event_msg",)"
      R"("payload":{"type":"item_completed","thread_id":"t","turn_id":"u",)"
      R"("item":{"type":"UserMessage","id":"i","content":[{"type":"text"}]}}})";
  JsonHead head(line, 400);
  EXPECT_EQ(head.find_string("type"), "event_msg");
  ASSERT_TRUE(head.enter_object("payload"));
  EXPECT_EQ(head.find_string("type"), "item_completed");
  ASSERT_TRUE(head.enter_object("item"));
  EXPECT_EQ(head.find_string("type"), "UserMessage");
  // The next member is an array: nothing more to find.
  EXPECT_EQ(head.find_string("content"), "");
  EXPECT_FALSE(head.enter_object("anything"));
}

TEST(JsonHeadTest, FindsOnlyWhatComesBeforeTheFirstOtherNestedValue) {
  // "type" after the payload is not reached: the walk does not skip nested values.
  JsonHead late(R"({"payload":{"type":"x"},"type":"event_msg"})", 400);
  EXPECT_EQ(late.find_string("type"), "");
  // A key whose value is not of the kind asked for.
  JsonHead number(R"({"type":7,"payload":{}})", 400);
  EXPECT_EQ(number.find_string("type"), "");
  JsonHead text(R"({"payload":"x"})", 400);
  EXPECT_FALSE(text.enter_object("payload"));
  JsonHead array(R"({"payload":[{"type":"x"}]})", 400);
  EXPECT_FALSE(array.enter_object("payload"));
}

}  // namespace
}  // namespace tally::sources
