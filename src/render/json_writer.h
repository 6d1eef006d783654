#pragma once

// The one JSON writer: every JSON tally prints (reports, grids, the time views, the session
// anatomy, problems, the statusline, the watch panel, prices, the demo) goes through it, so
// strings are escaped one way and punctuation is placed one way. It writes punctuation and
// scalars in order; it is not a DOM and checks nothing (the caller opens and closes in pairs,
// and calls member() inside objects and element() inside arrays).
//
// Each container lays out its own elements (JsonLayout), so one document may mix layouts,
// e.g. `tally prices list --json`: an object on one line whose "models" array puts one row
// per line. A container opened without a layout takes its parent's.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tally::render {

enum class JsonLayout {
  pretty,   // one element per line, two spaces of indent per pretty level: {\n  "a": 1\n}
  compact,  // one line, no spaces: {"a":1,"b":[2,3]}
  line,     // one line, spaced for people: {"a": 1, "b": [2, 3]}
  flat,     // one element per line, no indent (a document of documents, e.g. the summary)
};

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer. `layout` is the outermost container's.
  // `indent` (pretty only): the level the outermost container sits at, for a document that
  // will be placed inside another at that depth.
  JsonWriter(std::string& out, JsonLayout layout, int indent = 0)
      : out_(out), layout_(layout), indent_(indent) {}

  // Opens '{' or '['; elements laid out as the parent's (or the writer's) layout, or `layout`.
  void open(char bracket);
  void open(char bracket, JsonLayout layout);
  // Closes the innermost container with `bracket` ('}' or ']'); an empty one prints {} or [].
  void close(char bracket);
  // Starts the next element of the innermost array.
  void element();
  // Starts the next member of the innermost object: its name and the colon.
  void member(std::string_view name);

  // Values.
  void string(std::string_view text);
  void integer(std::int64_t value);
  void boolean(bool value);
  void null();
  // `json` as it is: a number the caller spelled (fixed decimals), or a rendered document.
  void raw(std::string_view json);

 private:
  struct Level {
    JsonLayout layout;
    bool first = true;
  };
  void break_line(JsonLayout layout);

  std::string& out_;
  JsonLayout layout_;
  int indent_;
  std::vector<Level> levels_;
};

// Appends `text` to `out` as a quoted JSON string: `"` and `\` escaped, control characters
// (C0, DEL, C1) as \n \r \t \b \f or \u00XX, other characters passed through as UTF-8,
// invalid UTF-8 replaced by U+FFFD. The result is always a valid JSON string.
void append_json_string(std::string_view text, std::string& out);
// The same, as a new string.
std::string json_string(std::string_view text);

}  // namespace tally::render
