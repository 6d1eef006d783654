#pragma once

// Escaping for HTML text and attribute values. Every string that reaches an HTML page comes
// through here: project paths, model names and session ids come from agent logs and may hold
// `<`, `&`, quotes, control characters or invalid UTF-8.

#include <string>
#include <string_view>

namespace tally::render {

// Returns `text` safe inside HTML text and inside a double- or single-quoted attribute value:
// `&`, `<`, `>`, `"` and `'` become character references, invalid UTF-8 becomes U+FFFD, and
// control characters become visible escapes ("\x1b"), as in terminal_safe().
std::string escape_html(std::string_view text);

}  // namespace tally::render
