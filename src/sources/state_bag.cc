#include "sources/state_bag.h"

#include <charconv>

namespace tally::sources {

std::string StateBag::get(const std::string& key, std::string fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

std::int64_t StateBag::get_int(const std::string& key, std::int64_t fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  std::int64_t v = 0;
  const char* b = it->second.data();
  const char* e = b + it->second.size();
  auto [p, ec] = std::from_chars(b, e, v);
  return ec == std::errc() && p == e ? v : fallback;
}

std::string StateBag::serialize() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    out += k;
    out += '=';
    for (char c : v) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

Result<StateBag> StateBag::parse(std::string_view text) {
  StateBag bag;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) {
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::parse, "malformed parser state line");
    }
    std::string value;
    const std::string_view raw = line.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        ++i;
        value += raw[i] == 'n' ? '\n' : raw[i];
      } else {
        value += raw[i];
      }
    }
    bag.values_[std::string(line.substr(0, eq))] = std::move(value);
  }
  return bag;
}

}  // namespace tally::sources
