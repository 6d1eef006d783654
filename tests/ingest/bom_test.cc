// A UTF-8 byte order mark at the start of a file, through the scanner and the real adapters:
// a Claude JSONL file, a Gemini JSONL file and an older Gemini whole document give the same
// records, problems and session facts (the session id included) with a BOM as without; only
// the byte offsets move by the BOM's three bytes.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/scanner.h"
#include "sources/claude.h"
#include "sources/gemini.h"
#include "test_ingest_support.h"

namespace tally::ingest {
namespace {

const std::string kBom = "\xEF\xBB\xBF";
const std::string kRealHome = TALLY_TESTDATA "/real-logs/home";

// What a scan produced, offsets apart (given separately, so the shift can be checked).
struct Scanned {
  std::vector<std::string> records;
  std::vector<std::int64_t> offsets;
  std::vector<std::string> sessions;
  std::vector<std::string> problems;
  std::int64_t cursor_offset = 0;
  std::int64_t cursor_lines = 0;
};

Scanned scan(const sources::Adapter& adapter, const std::string& path, bool whole_document) {
  ScanScratch scratch;
  const sources::SourceFile file{adapter.agent(), path,
                                 std::filesystem::path(path).filename().string(), whole_document,
                                 std::nullopt};
  auto r = scan_file(file, adapter, std::nullopt, scratch);
  EXPECT_TRUE(r) << r.error().message;
  Scanned out;
  if (!r || !r->batch) {
    return out;
  }
  for (const UsageRecord& rec : r->batch->records) {
    out.records.push_back(fmt::format(
        "{} ts={} session={} model={} project={} line={} in={} cr={} "
        "cw={} out={} rs={}",
        rec.id, rec.ts, rec.session_id, rec.model, rec.project, rec.source_line, rec.tokens.input,
        rec.tokens.cache_read, rec.tokens.cache_write, rec.tokens.output, rec.tokens.reasoning));
    out.offsets.push_back(rec.source_offset);
  }
  for (const SessionFacts& s : r->batch->sessions) {
    out.sessions.push_back(fmt::format(
        "session={} project={} title={} prompts={} responses={} "
        "first={} last={}",
        s.session_id, s.project, s.title, s.user_prompts, s.responses, s.first_ts, s.last_ts));
  }
  for (const ParseProblem& p : r->batch->problems) {
    out.problems.push_back(fmt::format("{}: {}", p.line, p.what));
  }
  out.cursor_offset = r->batch->cursor.offset;
  out.cursor_lines = r->batch->cursor.lines;
  return out;
}

// Scans `text` at `path` as it is and with a BOM before it; both must agree.
void expect_same_with_bom(const sources::Adapter& adapter, const std::string& path,
                          const std::string& text, bool whole_document) {
  test::write_file(path, text);
  const Scanned plain = scan(adapter, path, whole_document);
  test::write_file(path, kBom + text);
  const Scanned bom = scan(adapter, path, whole_document);
  ASSERT_FALSE(plain.records.empty()) << path;
  EXPECT_EQ(bom.records, plain.records);
  EXPECT_EQ(bom.sessions, plain.sessions);
  EXPECT_EQ(bom.problems, plain.problems);
  EXPECT_TRUE(bom.problems.empty()) << bom.problems.front();
  ASSERT_FALSE(bom.sessions.empty());
  EXPECT_EQ(bom.sessions.front().find("session= "), std::string::npos) << bom.sessions.front();
  ASSERT_EQ(bom.offsets.size(), plain.offsets.size());
  for (size_t i = 0; i < bom.offsets.size(); ++i) {
    EXPECT_EQ(bom.offsets[i], plain.offsets[i] + 3) << i;
  }
  EXPECT_EQ(bom.cursor_offset, plain.cursor_offset + 3);
  EXPECT_EQ(bom.cursor_lines, plain.cursor_lines);
}

TEST(ByteOrderMarkTest, ClaudeJsonlGivesTheSameRecordsAndSession) {
  test::TempDir dir;
  const std::string text =
      test::read_file(kRealHome +
                      "/.claude/projects/-tmp-realcli-runs-claude-work-s3-multiturn/"
                      "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl");
  ASSERT_FALSE(text.empty());
  expect_same_with_bom(*sources::make_claude_adapter(),
                       dir.path() +
                           "/.claude/projects/-work-app/"
                           "5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl",
                       text, false);
}

// Gemini's JSONL starts with the session header: with the BOM left in, line 1 was malformed
// and the session lost its id.
TEST(ByteOrderMarkTest, GeminiJsonlKeepsItsSessionId) {
  test::TempDir dir;
  const std::string text = test::read_file(
      kRealHome + "/.gemini/tmp/g1-hi/chats/session-2026-11-22T22-07-13f98ce9.jsonl");
  ASSERT_FALSE(text.empty());
  expect_same_with_bom(
      *sources::make_gemini_adapter(),
      dir.path() + "/.gemini/tmp/g1-hi/chats/session-2026-11-22T22-07-13f98ce9.jsonl", text, false);
}

TEST(ByteOrderMarkTest, GeminiWholeDocumentKeepsItsSessionId) {
  test::TempDir dir;
  const std::string document = R"({
  "sessionId": "5f2e8c1a-0b7d-4a51-9c3e-2d6f8e4a1b90",
  "projectHash": "13bbde17d36c40c24f30abaeabb63dee76f95f2b5395aa7c3977a017241739ae",
  "startTime": "2025-08-01T09:00:00.000Z",
  "lastUpdated": "2025-08-01T09:05:00.000Z",
  "messages": [
    { "id": "m1", "timestamp": "2025-08-01T09:00:01.000Z", "type": "user", "content": "hi" },
    { "id": "m2", "timestamp": "2025-08-01T09:00:03.000Z", "type": "gemini", "content": "hello",
      "tokens": { "input": 8000, "output": 30, "cached": 0, "thoughts": 12, "tool": 0, "total": 8042 },
      "model": "gemini-2.5-pro" }
  ]
}
)";
  expect_same_with_bom(
      *sources::make_gemini_adapter(),
      dir.path() + "/.gemini/tmp/13bbde17/chats/session-2025-08-01T09-00-5f2e8c1a.json", document,
      true);
}

}  // namespace
}  // namespace tally::ingest
