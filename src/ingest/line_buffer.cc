#include "ingest/line_buffer.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace tally::ingest {

void LineBuffer::PageDelete::operator()(char* p) const {
  ::operator delete[](p, std::align_val_t{kPageBytes});
}

std::unique_ptr<char[], LineBuffer::PageDelete> LineBuffer::allocate(std::size_t bytes) {
  // Uninitialised: nothing is zero-filled needlessly.
  return std::unique_ptr<char[], PageDelete>(
      static_cast<char*>(::operator new[](bytes, std::align_val_t{kPageBytes})));
}

char* LineBuffer::prepare(std::size_t n, std::int64_t file_offset) {
  const std::size_t pending = size();
  // Where the unconsumed bytes start so that the room after them is at file_offset's
  // offset within a page (unsigned arithmetic wraps; kPageBytes is a power of two).
  const std::size_t lead = (static_cast<std::size_t>(file_offset) - pending) % kPageBytes;
  const std::size_t need = lead + pending + n + simdjson::SIMDJSON_PADDING;
  if (need > capacity_) {
    const std::size_t grown = std::max(need, 2 * capacity_);
    auto bigger = allocate(grown);
    if (pending > 0) {
      std::memcpy(bigger.get() + lead, data(), pending);
    }
    data_ = std::move(bigger);
    capacity_ = grown;
  } else if (begin_ != lead && pending > 0) {
    std::memmove(data_.get() + lead, data(), pending);
  }
  begin_ = lead;
  end_ = lead + pending;
  return data_.get() + end_;
}

void LineBuffer::commit(std::size_t n) {
  end_ += n;
  std::memset(data_.get() + end_, 0, simdjson::SIMDJSON_PADDING);
}

void LineBuffer::shrink(std::size_t keep) {
  if (capacity_ > 4 * keep && size() + simdjson::SIMDJSON_PADDING <= keep) {
    auto smaller = allocate(keep);
    if (size() > 0) {
      std::memcpy(smaller.get(), data(), size());
    }
    end_ = size();
    begin_ = 0;
    data_ = std::move(smaller);
    capacity_ = keep;
    std::memset(data_.get() + end_, 0, simdjson::SIMDJSON_PADDING);
  }
}

}  // namespace tally::ingest
