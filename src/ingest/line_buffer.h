#pragma once

// The scanner's read buffer: unconsumed bytes [begin, end) of a file, read in chunks, with
// simdjson's padding always readable (and zeroed) after `end`, so a complete line can be
// parsed in place without a copy. Never zero-fills what it is about to overwrite (that was
// the largest cost of a cold ingest), grows geometrically for long lines, and gives memory
// back once a long line is gone. Reused across files by one ingest thread.
//
// Reads land at the same offset within a page as the file offset they come from (the
// storage is page-aligned and the unconsumed bytes are moved to suit). The kernel copies
// page-cache pages into the buffer; with source and destination at different offsets in
// their pages that copy ran ~3x slower on the benchmark VM (1 GB read in 256 KB chunks:
// ~0.55 s of CPU against ~0.16 s), which made it the largest single cost of a cold ingest.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace tally::ingest {

class LineBuffer {
 public:
  // The alignment reads keep with their file offsets.
  static constexpr std::size_t kPageBytes = 4096;

  // Unconsumed bytes.
  const char* data() const { return data_.get() + begin_; }
  std::size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data(), size()}; }
  std::size_t capacity() const { return capacity_; }

  // Marks the first `n` unconsumed bytes consumed.
  void consume(std::size_t n) { begin_ += n; }
  void clear() { begin_ = end_ = 0; }

  // Returns room for at least `n` bytes after the unconsumed ones, for bytes read from
  // `file_offset`: the room starts at the same offset within a page as `file_offset` (the
  // unconsumed bytes are moved to just before it, and the buffer grows as needed). Call
  // commit() with how many were written there.
  char* prepare(std::size_t n, std::int64_t file_offset);
  // Appends the `n` bytes written at prepare()'s pointer and re-zeroes the padding after them.
  void commit(std::size_t n);

  // Frees a buffer grown far beyond `keep` bytes when little is unconsumed.
  void shrink(std::size_t keep);

 private:
  struct PageDelete {
    void operator()(char* p) const;
  };
  static std::unique_ptr<char[], PageDelete> allocate(std::size_t bytes);

  std::unique_ptr<char[], PageDelete> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace tally::ingest
