#include "render/utf8.h"

#include <fmt/format.h>

namespace tally::render {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool in_range(unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; }

}  // namespace

Utf8Char decode_utf8(std::string_view text, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) {
    return Utf8Char{b0, 1, true};
  }
  // Table 3-7 of the Unicode standard: the lead byte fixes the length and narrows the
  // range of the first continuation byte (that is what excludes overlongs, surrogates
  // and values above U+10FFFF); later continuation bytes are always 80..BF.
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t cp = 0;
  if (in_range(b0, 0xC2, 0xDF)) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (in_range(b0, 0xE0, 0xEF)) {
    len = 3;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) {
      lo = 0xA0;
    } else if (b0 == 0xED) {
      hi = 0x9F;
    }
  } else if (in_range(b0, 0xF0, 0xF4)) {
    len = 4;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) {
      lo = 0x90;
    } else if (b0 == 0xF4) {
      hi = 0x8F;
    }
  } else {
    return Utf8Char{kReplacement, 1, false};
  }
  for (std::size_t i = 1; i < len; ++i) {
    if (pos + i >= text.size()) {
      return Utf8Char{kReplacement, i, false};
    }
    const auto b = static_cast<unsigned char>(text[pos + i]);
    if (!in_range(b, lo, hi)) {
      return Utf8Char{kReplacement, i, false};
    }
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return Utf8Char{cp, len, true};
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decode_utf8(text, pos);
    if (c.valid) {
      out.append(text.substr(pos, c.len));
    } else {
      append_utf8(kReplacement, out);
    }
    pos += c.len;
  }
  return out;
}

std::string terminal_safe(std::string_view text, KeepBreaks keep) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decode_utf8(text, pos);
    if (!c.valid) {
      append_utf8(kReplacement, out);
    } else if (keep == KeepBreaks::tab_and_line_ends &&
               (c.cp == '\t' || c.cp == '\n' || c.cp == '\r')) {
      out.push_back(static_cast<char>(c.cp));
    } else if (c.cp == '\n') {
      out += "\\n";
    } else if (c.cp == '\t') {
      out += "\\t";
    } else if (c.cp == '\r') {
      out += "\\r";
    } else if (c.cp < 0x20 || c.cp == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c.cp));
    } else if (c.cp >= 0x80 && c.cp < 0xA0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c.cp));
    } else {
      out.append(text.substr(pos, c.len));
    }
    pos += c.len;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += decode_utf8(text, pos).len) {
    ++width;
  }
  return width;
}

std::string truncate_display(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  if (width == 0) {
    return "";
  }
  std::size_t pos = 0;
  for (std::size_t kept = 0; kept + 1 < width; ++kept) {
    pos += decode_utf8(text, pos).len;
  }
  std::string out(text.substr(0, pos));
  out += "\u2026";  // …
  return out;
}

}  // namespace tally::render
