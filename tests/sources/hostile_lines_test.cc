// Hostile lines in genuine files, for every adapter (issue 15): a structurally broken line is a
// problem with its line number and changes nothing else; a count that is no count (negative,
// over 2^53, fractional, not a number) is a problem naming the key, and nothing of that line is
// stored, never a clamped, wrapped or zeroed copy of it.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "sources/claude.h"
#include "sources/codex.h"
#include "sources/fs_walk.h"
#include "sources/gemini.h"
#include "sources/json_fields.h"
#include "test_support.h"

namespace tally::sources {
namespace {

struct Case {
  std::unique_ptr<Adapter> (*make)();
  Agent agent;
  std::string path;  // under the fixtures' HOME
  std::string count_key;  // a token count every usage line of the file carries
};

std::vector<Case> cases() {
  return {
      {make_claude_adapter, Agent::claude,
       "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
       "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl",
       "input_tokens"},
      {make_claude_adapter, Agent::claude,
       "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
       "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl",
       "cacheCreationInputTokens"},  // cost-state
      {make_codex_adapter, Agent::codex,
       "/.codex/sessions/2026/11/22/"
       "rollout-2026-11-22T22-09-01-01a2054e-3591-7013-8cab-359a27a53c77.jsonl",
       "input_tokens"},
      {make_gemini_adapter, Agent::gemini,
       "/.gemini/tmp/g2-shell/chats/session-2026-11-22T22-07-ee6519bf.jsonl", "input"},
  };
}

SourceFile source(const Case& c) {
  const std::string path = test::real_home() + c.path;
  return SourceFile{c.agent, path, base_name(path), false, std::nullopt};
}

bool any_negative(const TokenCounts& t) {
  return t.input < 0 || t.cache_read < 0 || t.cache_write < 0 || t.cache_write_1h < 0 ||
         t.output < 0 || t.reasoning < 0;
}

// Every record and snapshot of `got` is one of `want`'s, unchanged (same id, same tokens).
void expect_subset(const ParseOutput& got, const ParseOutput& want) {
  const auto want_ids = test::by_id(want.records);
  for (const UsageRecord& r : got.records) {
    EXPECT_FALSE(any_negative(r.tokens)) << r.id;
    auto it = want_ids.find(r.id);
    ASSERT_NE(it, want_ids.end()) << "a record the genuine file does not have: " << r.id;
  }
  for (const CumulativeSnapshot& s : got.snapshots) {
    EXPECT_FALSE(any_negative(s.tokens)) << s.model;
    EXPECT_LE(s.tokens.total(), std::int64_t{4} * kMaxTokenCount);
  }
}

TEST(HostileLinesTest, StructurallyBrokenLinesAreProblemsAndChangeNothingElse) {
  const std::vector<std::string> broken = {
      R"({"":{""[""}]""})",
      R"({"":"","":e,"message":{"":"","":[{""""}],"":l,"usage":{"":{},"":"","cache_creation":{""::}:}""}""})",
      R"({"":"":"turn_context"""{""[]""""{""[""]}}""{""}})",
      R"({"type":"assistant","message":{"id":"m","usage":{"input_tokens" 5}}})",
      R"({"type":"token_usage_record","payload":{"usage":{"input_tokens":5,]}})",
      R"({"type":"gemini","id":"x","tokens":{"input":1 "output":2}})",
  };
  for (const Case& c : cases()) {
    const std::string text = test::read_file(source(c).path);
    ASSERT_FALSE(text.empty()) << c.path;
    const ParseOutput clean = test::parse_text(*c.make(), source(c), text);
    for (const std::string& line : broken) {
      // After the first line, so the session is known, and again at the end.
      const size_t first_nl = text.find('\n') + 1;
      const std::string hostile = text.substr(0, first_nl) + line + "\n" + text.substr(first_nl) +
                                  line + "\n";
      const ParseOutput got = test::parse_text(*c.make(), source(c), hostile);
      EXPECT_EQ(test::by_id(got.records).size(), test::by_id(clean.records).size()) << line;
      expect_subset(got, clean);
      EXPECT_EQ(got.snapshots.size(), clean.snapshots.size()) << c.path << " " << line;
      // A line the prefilter proves irrelevant is skipped unparsed (and so never a problem).
      if (!c.make()->open(source(c))->wants(line)) {
        EXPECT_EQ(got.problems.size(), clean.problems.size()) << c.path << " " << line;
        continue;
      }
      ASSERT_EQ(got.problems.size(), clean.problems.size() + 2) << c.path << " " << line;
      EXPECT_EQ(got.problems[clean.problems.size()].line, 2) << line;
      EXPECT_TRUE(got.problems.back().what.starts_with("malformed JSON"))
          << got.problems.back().what;
    }
  }
}

TEST(HostileLinesTest, CountsThatAreNoCountsAreReportedAndNotStored) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"-1000000", "negative"},
      {"-9223372036854775808", "negative"},
      {"9223372036854775807", "over 2^53"},
      {"18446744073709551615", "over 2^53"},
      {"1.5", "not an integer"},
      {"\"many\"", "not a number"},
  };
  for (const Case& c : cases()) {
    const std::string text = test::read_file(source(c).path);
    const ParseOutput clean = test::parse_text(*c.make(), source(c), text);
    // The first line that carries the key with a number.
    const std::regex key("\"" + c.count_key + "\":([0-9]+)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, key)) << c.path << " has no " << c.count_key;
    const auto pos = static_cast<size_t>(m.position(1));
    const std::int64_t line_no =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    for (const auto& [value, why] : values) {
      const std::string hostile =
          text.substr(0, pos) + value + text.substr(pos + static_cast<size_t>(m.length(1)));
      const ParseOutput got = test::parse_text(*c.make(), source(c), hostile);
      expect_subset(got, clean);
      bool reported = false;
      for (const ParseProblem& p : got.problems) {
        if (p.line == line_no && p.what.find(c.count_key) != std::string::npos &&
            p.what.find(why) != std::string::npos) {
          reported = true;
        }
      }
      EXPECT_TRUE(reported) << c.path << ":" << line_no << " " << c.count_key << "=" << value;
    }
  }
}

}  // namespace
}  // namespace tally::sources
