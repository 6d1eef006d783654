#include "ingest/line_buffer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string>

// LineBuffer's contract: unconsumed bytes survive every prepare(), the room prepare() returns
// sits at its file offset's offset within a page (so the kernel's copy into it runs with
// source and destination aligned alike), and simdjson's padding after the bytes is zero.

namespace tally::ingest {
namespace {

std::size_t page_offset(const char* p) {
  return reinterpret_cast<std::uintptr_t>(p) % LineBuffer::kPageBytes;
}

// Writes `text` the way the scanner does: prepare(), copy, commit().
void append(LineBuffer& buf, const std::string& text, std::int64_t file_offset) {
  char* room = buf.prepare(text.size(), file_offset);
  std::memcpy(room, text.data(), text.size());
  buf.commit(text.size());
}

bool padding_is_zero(const LineBuffer& buf) {
  const char* end = buf.data() + buf.size();
  for (std::size_t i = 0; i < simdjson::SIMDJSON_PADDING; ++i) {
    if (end[i] != 0) {
      return false;
    }
  }
  return true;
}

TEST(LineBufferTest, RoomSitsAtTheFileOffsetsPlaceInAPage) {
  for (const std::int64_t offset : {0L, 1L, 7L, 16L, 4095L, 4096L, 262144L, 1000003L}) {
    LineBuffer buf;
    char* room = buf.prepare(256 << 10, offset);
    EXPECT_EQ(page_offset(room), static_cast<std::size_t>(offset) % LineBuffer::kPageBytes)
        << "file offset " << offset;
  }
}

TEST(LineBufferTest, UnconsumedBytesMoveSoTheNextReadStaysAligned) {
  LineBuffer buf;
  append(buf, "{\"a\":1}\n{\"partial", 0);  // 17 bytes: one line and the start of the next
  buf.consume(8);
  ASSERT_EQ(buf.view(), "{\"partial");
  // The next chunk comes from file offset 17; the 9 pending bytes must end right there.
  for (const std::int64_t next : {17L, 4096L + 17, 8191L}) {
    char* room = buf.prepare(1024, next);
    EXPECT_EQ(buf.view(), "{\"partial") << "next read at " << next;
    EXPECT_EQ(room, buf.data() + buf.size());
    EXPECT_EQ(page_offset(room), static_cast<std::size_t>(next) % LineBuffer::kPageBytes);
  }
  std::memcpy(buf.prepare(3, 17), "\":2", 3);
  buf.commit(3);
  EXPECT_EQ(buf.view(), "{\"partial\":2");
  EXPECT_TRUE(padding_is_zero(buf));
}

TEST(LineBufferTest, PendingBytesLongerThanTheFileOffsetWrapIntoThePageBefore) {
  // Not a state the scanner reaches (the pending bytes start at a file offset >= 0), but the
  // arithmetic must hold: 9 pending bytes ending at offset 3 start at page offset 4090.
  LineBuffer buf;
  append(buf, "abcdefghi", 0);
  char* room = buf.prepare(8, 3);
  EXPECT_EQ(page_offset(buf.data()), LineBuffer::kPageBytes - 6);
  EXPECT_EQ(page_offset(room), 3U);
  EXPECT_EQ(buf.view(), "abcdefghi");
}

TEST(LineBufferTest, GrowsForALongLineKeepingItsBytesAndAlignment) {
  LineBuffer buf;
  std::string line;
  std::int64_t offset = 5;  // the file's first 5 bytes were consumed earlier
  for (int chunk = 0; chunk < 12; ++chunk) {
    const std::string bytes(100000, static_cast<char>('a' + chunk));
    char* room = buf.prepare(bytes.size(), offset);
    ASSERT_EQ(page_offset(room), static_cast<std::size_t>(offset) % LineBuffer::kPageBytes);
    std::memcpy(room, bytes.data(), bytes.size());
    buf.commit(bytes.size());
    line += bytes;
    offset += static_cast<std::int64_t>(bytes.size());
    ASSERT_EQ(buf.view(), line) << "after chunk " << chunk;
    ASSERT_TRUE(padding_is_zero(buf));
  }
  EXPECT_GE(buf.capacity(), line.size() + simdjson::SIMDJSON_PADDING);
}

TEST(LineBufferTest, ShrinkGivesBackAGrownBufferOnlyWhenLittleIsLeft) {
  LineBuffer buf;
  append(buf, std::string(1 << 20, 'x') + "\ntail", 0);
  buf.shrink(4096);
  EXPECT_GT(buf.capacity(), 1U << 20) << "most bytes are still unconsumed";
  buf.consume((1 << 20) + 1);
  buf.shrink(4096);
  EXPECT_EQ(buf.capacity(), 4096U);
  EXPECT_EQ(buf.view(), "tail");
  EXPECT_TRUE(padding_is_zero(buf));
  // Still usable, and aligned, after shrinking.
  char* room = buf.prepare(10, (1 << 20) + 6);
  EXPECT_EQ(buf.view(), "tail");
  EXPECT_EQ(page_offset(room), static_cast<std::size_t>((1 << 20) + 6) % LineBuffer::kPageBytes);
}

}  // namespace
}  // namespace tally::ingest
