#include "ingest/line_buffer.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace tally::ingest {

char* LineBuffer::prepare(std::size_t n) {
  const std::size_t pending = size();
  const std::size_t need = pending + n + simdjson::SIMDJSON_PADDING;
  if (need > capacity_) {
    const std::size_t grown = std::max(need, 2 * capacity_);
    // new char[] leaves the bytes uninitialised: nothing is zero-filled needlessly.
    std::unique_ptr<char[]> bigger(new char[grown]);
    if (pending > 0) {
      std::memcpy(bigger.get(), data(), pending);
    }
    data_ = std::move(bigger);
    capacity_ = grown;
  } else if (begin_ > 0) {
    if (pending > 0) {
      std::memmove(data_.get(), data(), pending);
    }
  }
  begin_ = 0;
  end_ = pending;
  return data_.get() + end_;
}

void LineBuffer::commit(std::size_t n) {
  end_ += n;
  std::memset(data_.get() + end_, 0, simdjson::SIMDJSON_PADDING);
}

void LineBuffer::shrink(std::size_t keep) {
  if (capacity_ > 4 * keep && size() + simdjson::SIMDJSON_PADDING <= keep) {
    std::unique_ptr<char[]> smaller(new char[keep]);
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
