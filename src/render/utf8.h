#pragma once

// UTF-8 helpers shared by the renderers. Report strings come from agent logs (model names,
// project paths, session ids) and may hold anything, including invalid UTF-8 and terminal
// escape sequences; every renderer must still produce well-formed output.

#include <cstddef>
#include <string>
#include <string_view>

namespace tally::render {

// One decoded character. When `valid` is false, `cp` is U+FFFD and `len` is the length of
// the maximal invalid subpart (Unicode §3.9 "best practice"), so each broken sequence
// becomes exactly one U+FFFD. `len` is always at least 1.
struct Utf8Char {
  char32_t cp = 0;
  std::size_t len = 1;
  bool valid = true;
};

// Decodes the character starting at `text[pos]`; `pos` must be < text.size(). Rejects
// overlong forms, surrogates and code points above U+10FFFF.
Utf8Char decode_utf8(std::string_view text, std::size_t pos);

// Appends the UTF-8 encoding of `cp` (which must be a valid scalar value) to `out`.
void append_utf8(char32_t cp, std::string& out);

// Returns `text` with every invalid sequence replaced by U+FFFD; valid text is unchanged.
std::string sanitize_utf8(std::string_view text);

// Which whitespace controls terminal_safe() passes through as they are.
enum class KeepBreaks {
  none,               // escape them too: one line of text, aligned columns (tables, messages)
  tab_and_line_ends,  // keep TAB, LF and CR: CSV cells, where quoting carries them
};

// Returns `text` made safe for a terminal: invalid UTF-8 becomes U+FFFD and control
// characters (C0, DEL, C1) become visible escapes ("\n", "\t", "\x1b", "\u009b"), so a
// hostile project path cannot retitle the window (OSC "\x1b]0;...\x07"), clear it, move the
// cursor or break the table's alignment. Valid UTF-8 text is otherwise unchanged. This is
// the one escaper for strings from logs and hooks on their way to a terminal (tables, the
// statusline, warnings and errors on stderr); HTML (html_escape.h) and CSV (csv_renderer.h)
// build on it, JSON has its own \u escapes (json_renderer.h).
std::string terminal_safe(std::string_view text, KeepBreaks keep = KeepBreaks::none);

// The display width of `text`, counted in code points (an invalid sequence counts as the
// one U+FFFD it renders as). East Asian wide and zero-width characters are not special-cased.
std::size_t display_width(std::string_view text);

// Returns `text` cut to at most `width` code points, ending in "…" when anything was cut.
// `text` must be valid UTF-8 (e.g. from terminal_safe()).
std::string truncate_display(std::string_view text, std::size_t width);

}  // namespace tally::render
