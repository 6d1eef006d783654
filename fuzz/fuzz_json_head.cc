// The JSON head prefilter (sources/json_head.h): the input is one log line.
//
// Checks, for the walk that enters every object member it meets:
//  * every key and value it returns lies inside the window;
//  * a walk with a smaller window returns a prefix of the walk with the whole line: a window
//    may stop the walk early, never make it read something else;
//  * on a line that is a valid JSON object, each member agrees with simdjson's parse (key,
//    kind, and the value where no escape needs decoding): a prefilter that misread a line
//    would skip a line that carries usage.
// Then it makes the calls the adapters' prefilters make (claude.cc, codex.cc).

#include <simdjson.h>

#include <string>
#include <vector>

#include "fuzz_support.h"
#include "sources/json_head.h"

namespace {

using tally::sources::JsonHead;

struct Seen {
  std::string key;
  JsonHead::Kind kind;
  std::string value;
  bool operator==(const Seen&) const = default;
};

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// Walks `line` cut at `window`, entering every object member.
std::vector<Seen> walk(std::string_view line, std::size_t window) {
  std::vector<Seen> seen;
  const std::string_view visible = line.substr(0, window);
  JsonHead head(line, window);
  JsonHead::Member m;
  while (head.next(m)) {
    FUZZ_CHECK(inside(m.key, visible));
    FUZZ_CHECK(inside(m.value, visible));
    FUZZ_CHECK(m.kind == JsonHead::Kind::string || m.kind == JsonHead::Kind::scalar ||
               m.value.empty());
    seen.push_back(Seen{std::string(m.key), m.kind, std::string(m.value)});
    if (m.kind == JsonHead::Kind::object && !head.enter()) {
      break;
    }
  }
  return seen;
}

JsonHead::Kind kind_of(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      return JsonHead::Kind::object;
    case simdjson::dom::element_type::ARRAY:
      return JsonHead::Kind::array;
    case simdjson::dom::element_type::STRING:
      return JsonHead::Kind::string;
    default:
      return JsonHead::Kind::scalar;
  }
}

// Compares the walk with simdjson's reading of the same (valid) object.
void compare_with_dom(const std::vector<Seen>& seen, simdjson::dom::object object) {
  auto field = object.begin();
  for (const Seen& s : seen) {
    FUZZ_CHECK(field != object.end());
    const simdjson::dom::key_value_pair kv = *field;
    FUZZ_CHECK(kv.key == s.key);
    FUZZ_CHECK(kind_of(kv.value) == s.kind);
    if (s.kind == JsonHead::Kind::string && s.value.find('\\') == std::string::npos) {
      FUZZ_CHECK(kv.value.get_string().value_unsafe() == s.value);
    }
    if (s.kind == JsonHead::Kind::scalar && !kv.value.is_number()) {
      FUZZ_CHECK(s.value == (kv.value.is_null()                   ? "null"
                             : kv.value.get_bool().value_unsafe() ? "true"
                                                                  : "false"));
    }
    if (s.kind == JsonHead::Kind::object) {
      object = kv.value.get_object().value_unsafe();
      field = object.begin();
    } else {
      ++field;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line = tally::fuzz::as_text(data, size);
  const std::vector<Seen> full = walk(line, line.size());
  // The windows the adapters use (codex.cc 400, claude.cc 512), the wants() prefix, and a few
  // cuts that land inside the line.
  for (const std::size_t window :
       {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{400}, std::size_t{512},
        tally::sources::kWantsPrefixBytes, size / 3, size / 2, size - size / 8}) {
    if (window >= size) {
      continue;
    }
    const std::vector<Seen> cut = walk(line, window);
    FUZZ_CHECK(cut.size() <= full.size());
    FUZZ_CHECK(std::equal(cut.begin(), cut.end(), full.begin()));
  }

  static simdjson::dom::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) == simdjson::SUCCESS) {
    compare_with_dom(full, object);
  }

  JsonHead codex(line, 400);
  if (codex.find_string("type") == "response_item") {
    (void)(codex.enter_object("payload") ? codex.find_string("type") : std::string_view());
  }
  JsonHead claude(line, 512);
  JsonHead::Member m;
  while (claude.next(m)) {
    if (m.key == "message" && m.kind == JsonHead::Kind::object) {
      (void)claude.enter_object("usage");
      break;
    }
  }
  return 0;
}
