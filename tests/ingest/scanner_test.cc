#include "ingest/scanner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/permissions.h"
#include "test_ingest_support.h"

// scan_file() with a fake adapter whose parser turns each line it is handed into a record:
// which lines are read, with which numbers and offsets, and what the cursor says afterwards.

namespace tally::ingest {
namespace {

using test::append_file;
using test::append_long_line;
using test::fake_file;
using test::FakeAdapter;
using test::write_file;

class ScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/log.jsonl";
  }

  // Scans `path_` past `stored`; fails the test when the scan fails.
  ScanResult scan(const std::optional<store::FileCursor>& stored, bool whole_document = false) {
    auto r = scan_file(fake_file(path_, whole_document), adapter_, stored, scratch_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : ScanResult{};
  }

  // The lines the parser was handed, as "number@offset:text".
  static std::vector<std::string> seen(const ScanResult& r) {
    std::vector<std::string> out;
    if (r.batch) {
      for (const UsageRecord& rec : r.batch->records) {
        out.push_back(fmt::format("{}@{}:{}", rec.source_line, rec.source_offset, rec.request_id));
      }
    }
    return out;
  }

  // Lets the file's mtime move on, so a rewrite of the same size is seen as a change.
  static void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

  test::TempDir dir_;
  std::string path_;
  FakeAdapter adapter_;
  ScanScratch scratch_;  // reused across scans, as an ingest thread does
};

TEST_F(ScannerTest, ReadsCompleteLinesWithNumbersAndOffsets) {
  write_file(path_, "a\n\nbb\r\nccc");  // a blank line, a CRLF line, an incomplete last line
  const ScanResult r = scan(std::nullopt);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(seen(r), (std::vector<std::string>{"1@0:a", "3@3:bb"}));
  EXPECT_EQ(r.bytes_read, 10);
  EXPECT_EQ(r.lines, 2);  // blank lines are numbered, not counted
  const store::FileCursor& c = r.batch->cursor;
  EXPECT_EQ(c.path, path_);
  EXPECT_EQ(c.offset, 7);  // end of "bb\r\n": "ccc" is not complete yet
  EXPECT_EQ(c.lines, 3);
  EXPECT_EQ(c.size, 10);
  EXPECT_FALSE(r.batch->base.has_value());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(c.inode, static_cast<std::uint64_t>(st.st_ino));
  EXPECT_EQ(c.device, static_cast<std::uint64_t>(st.st_dev));
  // The head fingerprint covers what was consumed.
  EXPECT_EQ(c.head_len, 7);
  EXPECT_EQ(c.head_hash, fingerprint("a\n\nbb\r\n"));
  ASSERT_EQ(r.batch->sessions.size(), 1u);
  EXPECT_EQ(r.batch->sessions[0].user_prompts, 2);
}

TEST_F(ScannerTest, LongFileIsHandedOverInPartsThatResumeExactly) {
  const std::int64_t n = 2 * static_cast<std::int64_t>(kPartRecords) + 100;
  std::string text;
  for (std::int64_t i = 1; i <= n; ++i) {
    text += fmt::format("line-{}\n", i);
  }
  write_file(path_, text);
  const ScanResult whole = scan(std::nullopt);  // no sink: one batch
  ASSERT_TRUE(whole.batch);
  ASSERT_EQ(whole.batch->records.size(), static_cast<size_t>(n));

  std::vector<store::WriteBatch> parts;
  const PartSink sink = [&](store::WriteBatch&& b) -> Status {
    parts.push_back(std::move(b));
    return ok();
  };
  auto last = scan_file(fake_file(path_, false), adapter_, std::nullopt, scratch_, sink);
  ASSERT_TRUE(last) << last.error().message;
  ASSERT_TRUE(last->batch);
  ASSERT_EQ(parts.size(), 2u);

  // Each part ends at a line boundary and claims the file ends there, so a run that stops
  // after committing it finds the file changed; each batch extends the one before.
  std::vector<std::string> all;
  std::optional<store::FileCursor> before;
  for (const store::WriteBatch& part : parts) {
    ASSERT_EQ(part.records.size(), kPartRecords);
    EXPECT_EQ(part.cursor.size, part.cursor.offset);
    EXPECT_EQ(part.cursor.offset,
              part.records.back().source_offset +
                  static_cast<std::int64_t>(part.records.back().request_id.size() + 1));
    EXPECT_EQ(part.base.has_value(), before.has_value());
    if (before) {
      EXPECT_EQ(part.base->offset, before->offset);
      EXPECT_EQ(part.records.front().source_offset, before->offset);
    }
    for (const UsageRecord& r : part.records) {
      all.push_back(fmt::format("{}@{}:{}", r.source_line, r.source_offset, r.request_id));
    }
    before = part.cursor;
  }
  ASSERT_TRUE(last->batch->base);
  EXPECT_EQ(last->batch->base->offset, before->offset);
  EXPECT_EQ(last->batch->cursor.size, static_cast<std::int64_t>(text.size()));
  EXPECT_EQ(last->batch->cursor.offset, static_cast<std::int64_t>(text.size()));
  const std::vector<std::string> tail = seen(*last);
  all.insert(all.end(), tail.begin(), tail.end());
  EXPECT_EQ(all, seen(whole));  // nothing lost, nothing twice, same numbers and offsets
  EXPECT_EQ(last->lines, n);
  EXPECT_EQ(last->bytes_read, static_cast<std::int64_t>(text.size()));
  ASSERT_EQ(last->batch->sessions.size(), 1u);
  EXPECT_EQ(last->batch->sessions[0].user_prompts, n) << "the parser's state crosses parts";

  // A run that committed only the first part (then was killed) resumes right after it.
  const ScanResult resumed = scan(parts[0].cursor);
  ASSERT_TRUE(resumed.batch);
  ASSERT_TRUE(resumed.batch->base);
  ASSERT_EQ(resumed.batch->records.size(), static_cast<size_t>(n) - kPartRecords);
  EXPECT_EQ(resumed.batch->records.front().source_line,
            static_cast<std::int64_t>(kPartRecords) + 1);
  EXPECT_EQ(resumed.batch->sessions[0].user_prompts, n);
}

TEST_F(ScannerTest, NoPartIsCutWhileSnapshotsWaitForATimestamp) {
  std::string text;
  for (size_t i = 0; i < kPartRecords + 10; ++i) {
    text += "undated\n";
  }
  text += "dated-line\n";
  write_file(path_, text);
  size_t handed = 0;
  const PartSink sink = [&](store::WriteBatch&&) -> Status {
    ++handed;
    return ok();
  };
  auto r = scan_file(fake_file(path_, false), adapter_, std::nullopt, scratch_, sink);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(handed, 0u);
  ASSERT_TRUE(r->batch);
  EXPECT_EQ(r->batch->snapshots.size(), kPartRecords + 10);
  EXPECT_EQ(r->batch->records.size(), 1u);
}

TEST_F(ScannerTest, APartSinkErrorStopsTheScan) {
  std::string text;
  for (size_t i = 0; i < kPartRecords + 10; ++i) {
    text += "x\n";
  }
  write_file(path_, text);
  const PartSink refuse = [](store::WriteBatch&&) -> Status { return fail(Errc::io, "stopped"); };
  auto r = scan_file(fake_file(path_, false), adapter_, std::nullopt, scratch_, refuse);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "stopped");
}

TEST_F(ScannerTest, UnchangedFileReadsNothing) {
  write_file(path_, "a\nb\n");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  const ScanResult second = scan(first.batch->cursor);
  EXPECT_FALSE(second.batch.has_value());
  EXPECT_EQ(second.bytes_read, 0);
}

TEST_F(ScannerTest, AppendedLinesAreReadFromTheCursorWithTheParsersState) {
  write_file(path_, "a\nbb\ncc");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  EXPECT_EQ(seen(first), (std::vector<std::string>{"1@0:a", "2@2:bb"}));
  append_file(path_, "c\nd\n");  // completes "ccc", adds "d"
  const ScanResult second = scan(first.batch->cursor);
  ASSERT_TRUE(second.batch);
  EXPECT_EQ(seen(second), (std::vector<std::string>{"3@5:ccc", "4@9:d"}));
  EXPECT_EQ(second.bytes_read, 11 - 5);  // only the bytes past the cursor
  ASSERT_TRUE(second.batch->base.has_value());
  EXPECT_EQ(second.batch->base->offset, first.batch->cursor.offset);
  EXPECT_EQ(second.batch->cursor.offset, 11);
  EXPECT_EQ(second.batch->cursor.lines, 4);
  ASSERT_EQ(second.batch->sessions.size(), 1u);
  EXPECT_EQ(second.batch->sessions[0].user_prompts, 4);  // state carried over: 2 + 2
  // The head fingerprint grows with the consumed part of a small file.
  EXPECT_EQ(second.batch->cursor.head_len, 11);
  EXPECT_EQ(second.batch->cursor.head_hash, fingerprint("a\nbb\nccc\nd\n"));
}

TEST_F(ScannerTest, IncompleteLastLineIsNotConsumedUntilCompleted) {
  write_file(path_, "a\n{\"partial\":");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  EXPECT_EQ(seen(first), (std::vector<std::string>{"1@0:a"}));
  EXPECT_EQ(first.batch->cursor.offset, 2);
  // More of the line, still no newline: nothing new is handed to the parser.
  append_file(path_, "1");
  const ScanResult middle = scan(first.batch->cursor);
  if (middle.batch) {
    EXPECT_TRUE(middle.batch->records.empty());
    EXPECT_EQ(middle.batch->cursor.offset, 2);
  }
  append_file(path_, "}\n");
  const ScanResult last = scan(middle.batch ? middle.batch->cursor : first.batch->cursor);
  ASSERT_TRUE(last.batch);
  EXPECT_EQ(seen(last), (std::vector<std::string>{"2@2:{\"partial\":1}"}));
}

TEST_F(ScannerTest, TruncatedFileIsReadFromTheStart) {
  write_file(path_, "first line\nsecond line\n");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  tick();
  write_file(path_, "new\n");  // same inode, shorter than the cursor
  const ScanResult second = scan(first.batch->cursor);
  ASSERT_TRUE(second.batch);
  EXPECT_FALSE(second.batch->base.has_value());
  EXPECT_EQ(seen(second), (std::vector<std::string>{"1@0:new"}));
  ASSERT_EQ(second.batch->sessions.size(), 1u);
  EXPECT_EQ(second.batch->sessions[0].user_prompts, 1);  // fresh parser state
}

TEST_F(ScannerTest, RewrittenFileWithAnotherHeadIsReadFromTheStart) {
  write_file(path_, "aaaa\n");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  tick();
  write_file(path_, "bbbb\ncccc\n");  // same inode, longer, different head
  const ScanResult second = scan(first.batch->cursor);
  ASSERT_TRUE(second.batch);
  EXPECT_FALSE(second.batch->base.has_value());
  EXPECT_EQ(seen(second), (std::vector<std::string>{"1@0:bbbb", "2@5:cccc"}));
}

TEST_F(ScannerTest, ReplacedFileWithANewInodeIsReadFromTheStart) {
  write_file(path_, "aaaa\n");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  // Same head plus more: only the inode tells it apart from an append.
  const std::string tmp = dir_.path() + "/log.jsonl.tmp";
  write_file(tmp, "aaaa\nbbbb\n");
  ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  const ScanResult second = scan(first.batch->cursor);
  ASSERT_TRUE(second.batch);
  EXPECT_FALSE(second.batch->base.has_value());
  EXPECT_EQ(seen(second), (std::vector<std::string>{"1@0:aaaa", "2@5:bbbb"}));
}

TEST_F(ScannerTest, UnreadableParserStateRestartsFromTheStart) {
  write_file(path_, "a\n");
  ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  append_file(path_, "b\n");
  store::FileCursor stored = first.batch->cursor;
  stored.parser_state = "bad";
  const ScanResult second = scan(stored);
  ASSERT_TRUE(second.batch);
  EXPECT_FALSE(second.batch->base.has_value());
  EXPECT_EQ(seen(second), (std::vector<std::string>{"1@0:a", "2@2:b"}));
  ASSERT_EQ(second.batch->sessions.size(), 1u);
  EXPECT_EQ(second.batch->sessions[0].user_prompts, 2);  // not 1 + 2
}

TEST_F(ScannerTest, GrowingButOnlyMetadataChangedIsNothingNew) {
  write_file(path_, "a\npartial");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  tick();
  // touch: mtime changes, nothing else.
  ASSERT_EQ(::utimensat(AT_FDCWD, path_.c_str(), nullptr, 0), 0);
  const ScanResult second = scan(first.batch->cursor);
  if (second.batch) {
    EXPECT_TRUE(second.batch->records.empty());
    EXPECT_EQ(second.batch->cursor.offset, first.batch->cursor.offset);
  }
}

TEST_F(ScannerTest, PrefilteredLinesAreCountedAsSkipped) {
  write_file(path_, "skip me\nkeep\nskip too\n");
  const ScanResult r = scan(std::nullopt);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(seen(r), (std::vector<std::string>{"2@8:keep"}));
  EXPECT_EQ(r.lines, 3);
  EXPECT_EQ(r.skipped_lines, 2);
  EXPECT_EQ(r.batch->cursor.offset, 22);
}

TEST_F(ScannerTest, ProblemsCarryLineNumbersAndTheScanGoesOn) {
  write_file(path_, "a\nbad one\nb\n");
  const ScanResult r = scan(std::nullopt);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(seen(r), (std::vector<std::string>{"1@0:a", "3@10:b"}));
  ASSERT_EQ(r.batch->problems.size(), 1u);
  EXPECT_EQ(r.batch->problems[0].line, 2);
  EXPECT_EQ(r.batch->problems[0].offset, 2);
}

TEST_F(ScannerTest, LinesAcrossChunkBoundariesArriveWholeAndPadded) {
  // Lines of many lengths across the scanner's reads (256 KiB), including one of 1.5 MiB. Each line
  // says where it starts, so the offsets can be checked against the text.
  std::string text;
  std::vector<std::string> expected;
  std::int64_t number = 0;
  for (int i = 0; text.size() < (3u << 20); ++i) {
    const size_t len = i == 7 ? (3u << 19) : 100 + static_cast<size_t>(i * 7919) % 60000;
    std::string body = fmt::format("line {} at {} ", i, text.size());
    body.resize(len, static_cast<char>('a' + i % 26));
    ++number;
    expected.push_back(fmt::format("{}@{}:{}", number, text.size(), body.substr(0, 64)));
    text += body;
    text += '\n';
  }
  write_file(path_, text);
  const ScanResult r = scan(std::nullopt);
  ASSERT_TRUE(r.batch);
  EXPECT_EQ(seen(r), expected);
  EXPECT_EQ(r.batch->cursor.offset, static_cast<std::int64_t>(text.size()));
  EXPECT_EQ(r.bytes_read, static_cast<std::int64_t>(text.size()));
  EXPECT_TRUE(r.batch->problems.empty());
  // Every record's input is its line's length: no line was cut or merged.
  std::int64_t total = 0;
  for (const UsageRecord& rec : r.batch->records) {
    total += rec.tokens.input;
  }
  EXPECT_EQ(total, static_cast<std::int64_t>(text.size()) - number);
}

TEST_F(ScannerTest, WholeDocumentIsOneLineAndNeverResumed) {
  write_file(path_, "{\"messages\":[1]}\n");
  const ScanResult first = scan(std::nullopt, true);
  ASSERT_TRUE(first.batch);
  EXPECT_EQ(seen(first), (std::vector<std::string>{"1@0:{\"messages\":[1]}\n"}));
  EXPECT_FALSE(scan(first.batch->cursor, true).batch.has_value());
  tick();
  write_file(path_, "{\"messages\":[1,2]}");  // rewritten in place, no final newline
  const ScanResult second = scan(first.batch->cursor, true);
  ASSERT_TRUE(second.batch);
  EXPECT_FALSE(second.batch->base.has_value());
  EXPECT_EQ(seen(second), (std::vector<std::string>{"1@0:{\"messages\":[1,2]}"}));
  EXPECT_EQ(second.batch->cursor.offset, 18);
}

// A UTF-8 BOM at offset 0 is not part of line 1: the parser never sees it, and offsets stay
// file offsets, so the cursor after line 1 resumes exactly. A BOM anywhere else is the
// line's own bytes.
TEST_F(ScannerTest, AByteOrderMarkAtTheStartIsSkippedAndOffsetsStayFileOffsets) {
  const std::string bom = "\xEF\xBB\xBF";
  write_file(path_, bom + "a\nbb\n");
  const ScanResult first = scan(std::nullopt);
  ASSERT_TRUE(first.batch);
  EXPECT_EQ(seen(first), (std::vector<std::string>{"1@3:a", "2@5:bb"}));
  EXPECT_EQ(first.batch->cursor.offset, 8);
  EXPECT_EQ(first.batch->cursor.lines, 2);
  append_file(path_, "cc\n" + bom + "dd\n");
  const ScanResult resumed = scan(first.batch->cursor);
  ASSERT_TRUE(resumed.batch);
  EXPECT_EQ(seen(resumed), (std::vector<std::string>{"3@8:cc", "4@11:" + bom + "dd"}));
  EXPECT_EQ(resumed.batch->sessions.at(0).user_prompts, 4);  // resumed, not re-read

  // A BOM still being written: nothing is consumed until line 1 is complete.
  write_file(path_, bom.substr(0, 2));
  const ScanResult partial = scan(std::nullopt);
  ASSERT_TRUE(partial.batch);
  EXPECT_TRUE(seen(partial).empty());
  EXPECT_EQ(partial.batch->cursor.offset, 0);
  append_file(path_, bom.substr(2) + "x\n");
  const ScanResult completed = scan(partial.batch->cursor);
  EXPECT_EQ(seen(completed), (std::vector<std::string>{"1@3:x"}));

  // A whole document likewise.
  write_file(path_, bom + "{\"messages\":[]}");
  const ScanResult doc = scan(std::nullopt, true);
  EXPECT_EQ(seen(doc), (std::vector<std::string>{"1@3:{\"messages\":[]}"}));
  EXPECT_EQ(doc.batch->cursor.offset, 18);
}

TEST_F(ScannerTest, MissingFileAndDirectoryAreErrors) {
  auto missing =
      scan_file(fake_file(dir_.path() + "/nope.jsonl"), adapter_, std::nullopt, scratch_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  std::filesystem::create_directories(dir_.path() + "/dir.jsonl");
  auto dir = scan_file(fake_file(dir_.path() + "/dir.jsonl"), adapter_, std::nullopt, scratch_);
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, Errc::io);
}

TEST_F(ScannerTest, UnreadableFileIsAnError) {
  write_file(path_, "a\n");
  ASSERT_EQ(::chmod(path_.c_str(), 0), 0);
  const tally::test::ObeyPermissions obey;  // as root too
  if (const int fd = ::open(path_.c_str(), O_RDONLY); fd >= 0) {
    ::close(fd);
    GTEST_SKIP() << "a chmod 000 file is readable here (capabilities not dropped)";
  }
  auto r = scan_file(fake_file(path_), adapter_, std::nullopt, scratch_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_EQ(r.error().message, std::string("cannot open: ") + std::strerror(EACCES));
}

TEST_F(ScannerTest, EmptyAndBinaryFilesDoNotCrash) {
  write_file(path_, "");
  const ScanResult empty = scan(std::nullopt);
  ASSERT_TRUE(empty.batch);
  EXPECT_TRUE(empty.batch->records.empty());
  EXPECT_EQ(empty.batch->cursor.offset, 0);
  std::string garbage;
  for (int i = 0; i < 200000; ++i) {
    garbage += static_cast<char>((static_cast<unsigned>(i) * 2654435761u) >> 24);
  }
  write_file(path_, garbage);
  const ScanResult binary = scan(std::nullopt);
  ASSERT_TRUE(binary.batch);
  const size_t last_nl = garbage.rfind('\n');
  ASSERT_NE(last_nl, std::string::npos);
  EXPECT_EQ(binary.batch->cursor.offset, static_cast<std::int64_t>(last_nl + 1));
}

// --- Over-long lines (longer than kMaxLineBytes) ----------------------------------
// One file holds every case, so the ~270 MB are written and scanned once. The slowest test
// here: about 1.5 s (it took ~14 s while the scanner re-copied a growing line per chunk).

TEST_F(ScannerTest, OverLongLinesAreSkippedOrReportedAndTheScanGoesOn) {
  const std::int64_t kLong = kMaxLineBytes + (2 << 20) + 123;
  // Past the first 65 MiB of a line: beyond what the scanner holds when it gives up on it.
  const std::int64_t kLate = kMaxLineBytes + (1 << 20) + 5000;
  write_file(path_, "first\n");
  // Line 2: wanted head, no needle anywhere: skipped silently.
  append_long_line(path_, "{\"type\":\"blob\",\"data\":\"", kLong);
  append_file(path_, "third\n");
  // Line 4: wanted head, needle far beyond the in-memory limit: reported.
  append_long_line(path_, "{\"type\":\"assistant\",\"x\":\"", kLong, "usage", kLate);
  append_file(path_, "fifth\n");
  // Line 6: a head the parser refuses (wants() == false) is skipped whatever it holds.
  append_long_line(path_, "skip-this-kind:", kLong, "usage", kLate);
  append_file(path_, "seventh\n");
  // Line 8: wanted head, needle early: reported.
  append_long_line(path_, "{\"type\":\"assistant\",\"usage\":", kLong);
  append_file(path_, "ninth\n");
  // Line 10: still being written (no newline yet): not consumed, not reported.
  append_long_line(path_, "{\"type\":\"assistant\",\"usage\":", kLong, {}, 0, false);

  const auto started = std::chrono::steady_clock::now();
  const ScanResult r = scan(std::nullopt);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(r.batch);
  std::vector<std::string> lines;
  for (const UsageRecord& rec : r.batch->records) {
    lines.push_back(fmt::format("{}:{}", rec.source_line, rec.request_id));
  }
  EXPECT_EQ(lines,
            (std::vector<std::string>{"1:first", "3:third", "5:fifth", "7:seventh", "9:ninth"}));
  std::vector<std::int64_t> reported;
  for (const ParseProblem& p : r.batch->problems) {
    reported.push_back(p.line);
    EXPECT_EQ(p.file, path_);
  }
  EXPECT_EQ(reported, (std::vector<std::int64_t>{4, 8}));
  // Offsets of the lines after the long ones are exact.
  const std::int64_t line_len = kLong + 1;
  ASSERT_EQ(r.batch->records.size(), 5u);
  EXPECT_EQ(r.batch->records[1].source_offset, 6 + line_len);
  EXPECT_EQ(r.batch->records[4].source_offset, 6 + 6 + 6 + 8 + 4 * line_len);
  // The cursor stops before the unfinished long line.
  const std::int64_t size = static_cast<std::int64_t>(std::filesystem::file_size(path_));
  EXPECT_EQ(r.batch->cursor.offset, size - kLong);
  EXPECT_EQ(r.batch->cursor.lines, 9);
  EXPECT_LT(seconds, 10.0) << "streaming past long lines is too slow";
  RecordProperty("scan_seconds", static_cast<int>(seconds * 1000));
}

}  // namespace
}  // namespace tally::ingest
