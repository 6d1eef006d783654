#include "render/html_escape.h"

#include "render/utf8.h"

namespace tally::render {

std::string escape_html(std::string_view text) {
  const std::string safe = terminal_safe(text);
  std::string out;
  out.reserve(safe.size() + safe.size() / 8);
  for (const char ch : safe) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

}  // namespace tally::render
