#pragma once

#include <cstddef>
#include <string_view>

namespace tally::sources {

// Reads the leading members of a JSON object line written compactly (no whitespace between
// tokens, as every agent writes its logs) without parsing the line. The prefilters
// (FileParser::wants) use it to learn a line's kind from its first bytes, so that the lines
// that never carry usage, which hold most of the bytes, are skipped unparsed.
//
// The walk goes member by member over strings and scalars, byte by byte over what it
// reads, and stops at the first nested value, which it can enter. Anything it does not
// understand ends the walk: whitespace, an escaped key, a value cut by the window, a line
// that does not start with '{'. A stopped walk only means the caller does not know the
// kind, and parses the line after all. It never reads past `window` bytes, so its cost
// does not depend on the length of the line.
//
// It replaces substring searches such as find("\"attachment\":"), whose cost was a memchr
// and a memcmp at every quote of the head (7% of a cold ingest's CPU), and which could
// match a key inside a string value.
class JsonHead {
 public:
  enum class Kind { string, scalar, object, array };
  struct Member {
    std::string_view key;
    Kind kind = Kind::scalar;
    // A string's contents as written (escapes are not decoded); a scalar's text
    // (`false`, `12`); empty for an object or an array.
    std::string_view value;
  };

  JsonHead(std::string_view line, std::size_t window);

  // Reads the next member of the current object into `m`. False at the object's end and
  // wherever the walk stops. After an object or array member, the walk stops unless
  // enter() is called.
  bool next(Member& m);
  // Makes the object member that next() just returned the current object.
  bool enter();

  // Walks on over string and scalar members to the member `key` of the current object and
  // returns its string value; "" when the walk stops first or the value is not a string.
  std::string_view find_string(std::string_view key);
  // Walks on to the member `key` of the current object and enters it; false when the walk
  // stops first or the value is not an object.
  bool enter_object(std::string_view key);

 private:
  void stop() { stopped_ = true; }

  std::string_view text_;   // the line, cut at the window
  std::size_t pos_ = 0;     // where the next ',' or '}' or the first member starts
  std::size_t opener_ = 0;  // the '{' of the object member just returned
  bool first_ = true;       // no member of the current object read yet
  bool stopped_ = false;
  bool nested_ = false;  // the member just returned is an object or array
};

}  // namespace tally::sources
