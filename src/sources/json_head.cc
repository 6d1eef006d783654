#include "sources/json_head.h"

#include <cstring>

namespace tally::sources {
namespace {

constexpr std::size_t kNone = std::string_view::npos;

// The index of the quote that closes a string whose contents start at `from`, or kNone.
// A quote preceded by an odd number of backslashes is escaped.
std::size_t closing_quote(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size()) {
    const void* hit = std::memchr(text.data() + i, '"', text.size() - i);
    if (hit == nullptr) {
      return kNone;
    }
    const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    std::size_t backslashes = 0;
    while (at - backslashes > from && text[at - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return at;
    }
    i = at + 1;
  }
  return kNone;
}

// Characters of `true`, `false`, `null` and numbers.
bool scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
         c == 'E';
}

}  // namespace

JsonHead::JsonHead(std::string_view line, std::size_t window)
    : text_(line.substr(0, window)), pos_(1) {
  if (text_.empty() || text_.front() != '{') {
    stop();
  }
}

bool JsonHead::next(Member& m) {
  if (stopped_ || nested_) {
    stop();
    return false;
  }
  if (!first_) {
    if (pos_ >= text_.size() || text_[pos_] != ',') {
      stop();  // '}' ends the object; anything else is not compact JSON
      return false;
    }
    ++pos_;
  }
  // "key":
  if (pos_ >= text_.size() || text_[pos_] != '"') {
    stop();
    return false;
  }
  const std::size_t key_start = pos_ + 1;
  const std::size_t key_end = closing_quote(text_, key_start);
  if (key_end == kNone || key_end + 1 >= text_.size() || text_[key_end + 1] != ':') {
    stop();
    return false;
  }
  m.key = text_.substr(key_start, key_end - key_start);
  if (m.key.find('\\') != std::string_view::npos) {
    stop();  // an escaped key would have to be decoded to be compared
    return false;
  }
  std::size_t v = key_end + 2;
  if (v >= text_.size()) {
    stop();
    return false;
  }
  first_ = false;
  const char c = text_[v];
  if (c == '"') {
    const std::size_t end = closing_quote(text_, v + 1);
    if (end == kNone) {
      stop();
      return false;
    }
    m.kind = Kind::string;
    m.value = text_.substr(v + 1, end - v - 1);
    pos_ = end + 1;
    return true;
  }
  if (c == '{' || c == '[') {
    m.kind = c == '{' ? Kind::object : Kind::array;
    m.value = {};
    opener_ = v;
    nested_ = true;
    return true;
  }
  std::size_t end = v;
  while (end < text_.size() && scalar_char(text_[end])) {
    ++end;
  }
  if (end == v || end >= text_.size()) {
    stop();  // not a scalar, or one the window may have cut
    return false;
  }
  m.kind = Kind::scalar;
  m.value = text_.substr(v, end - v);
  pos_ = end;
  return true;
}

bool JsonHead::enter() {
  if (stopped_ || !nested_ || text_[opener_] != '{') {
    stop();
    return false;
  }
  nested_ = false;
  first_ = true;
  pos_ = opener_ + 1;
  return true;
}

std::string_view JsonHead::find_string(std::string_view key) {
  Member m;
  while (next(m)) {
    if (m.key == key) {
      return m.kind == Kind::string ? m.value : std::string_view();
    }
  }
  return {};
}

bool JsonHead::enter_object(std::string_view key) {
  Member m;
  while (next(m)) {
    if (m.key == key) {
      return m.kind == Kind::object && enter();
    }
  }
  return false;
}

}  // namespace tally::sources
