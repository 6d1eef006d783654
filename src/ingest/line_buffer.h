#pragma once

// The scanner's read buffer: unconsumed bytes [begin, end) of a file, read in chunks, with
// simdjson's padding always readable (and zeroed) after `end`, so a complete line can be
// parsed in place without a copy. Never zero-fills what it is about to overwrite (that was
// the largest cost of a cold ingest), grows geometrically for long lines, and gives memory
// back once a long line is gone. Reused across files by one ingest thread.

#include <cstddef>
#include <memory>
#include <string_view>

namespace tally::ingest {

class LineBuffer {
 public:
  // Unconsumed bytes.
  const char* data() const { return data_.get() + begin_; }
  std::size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data(), size()}; }

  // Marks the first `n` unconsumed bytes consumed.
  void consume(std::size_t n) { begin_ += n; }
  void clear() { begin_ = end_ = 0; }

  // Returns room for at least `n` bytes after the unconsumed ones (moving those to the front
  // and growing as needed); call commit() with how many were written there.
  char* prepare(std::size_t n);
  // Appends the `n` bytes written at prepare()'s pointer and re-zeroes the padding after them.
  void commit(std::size_t n);

  // Frees a buffer grown far beyond `keep` bytes when little is unconsumed.
  void shrink(std::size_t keep);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace tally::ingest
