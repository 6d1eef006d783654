// The statusline hook reader (sources/claude_hook.h): the input is the JSON Claude Code
// writes to `tally statusline`'s stdin. It goes the command's way: parse_hook(),
// gather_status() (analytics/status.h) over a ledger (an empty in-memory one: the fuzzed
// part is the hook), format_status() and status_json() (render/status_renderer.h); then the
// line again with the hook's own figures standing in for the ledger's, so the formatting
// sees fuzzed costs, token counts and windows.
//
// Checks: --json output is one JSON object whose "model" reads back as the model shown (when
// that name is valid UTF-8); and (strict, issue 15 item 4: the statusline fix) the plain line
// holds no control characters from the hook.

#include <simdjson.h>

#include <memory>

#include "analytics/status.h"
#include "core/time.h"
#include "fuzz_support.h"
#include "render/status_renderer.h"
#include "sources/claude_hook.h"
#include "store/sqlite/sqlite_backend.h"

namespace {

using tally::analytics::StatusFacts;

bool has_control_chars(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

void check_lines(const StatusFacts& facts) {
  (void)tally::render::format_status(facts, /*color=*/true);
  const std::string plain = tally::render::format_status(facts, /*color=*/false);
  FUZZ_CHECK(!has_control_chars(plain));

  const std::string json = tally::render::status_json(facts);
  static simdjson::dom::parser parser;
  simdjson::dom::object object;
  const bool valid_name = simdjson::validate_utf8(facts.model.data(), facts.model.size());
  const bool parsed = parser.parse(json).get_object().get(object) == simdjson::SUCCESS;
  if (valid_name) {
    FUZZ_CHECK(parsed);
    std::string_view model;
    FUZZ_CHECK(object["model"].get_string().get(model) == simdjson::SUCCESS);
    FUZZ_CHECK(model == facts.model);
  } else {
    FUZZ_CHECK(parsed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<tally::store::Ledger> ledger = [] {
    auto opened = tally::store::open_sqlite_ledger(":memory:");
    FUZZ_CHECK(opened.has_value());
    return std::move(*opened);
  }();
  static const tally::Zone zone = [] {
    auto utc = tally::Zone::use("UTC");
    FUZZ_CHECK(utc.has_value());
    return *utc;
  }();
  constexpr tally::TimeMs kNow = 1'795'000'000'000;  // fixed: runs must be reproducible

  auto hook = tally::sources::parse_hook(tally::fuzz::as_text(data, size));
  if (!hook) {
    return 0;
  }
  auto facts = tally::analytics::gather_status(*ledger, zone, *hook, kNow);
  FUZZ_CHECK(facts.has_value());
  check_lines(*facts);

  StatusFacts from_hook = *facts;
  if (hook->agent_cost_usd) {
    from_hook.session_found = true;
    from_hook.session_cost = *hook->agent_cost_usd;
    from_hook.burn_per_hour = *hook->agent_cost_usd;
  }
  from_hook.context_tokens = hook->context_window_size;
  from_hook.context_window = tally::analytics::context_window_for(hook->model_id);
  check_lines(from_hook);
  from_hook.context_window = hook->context_window_size;
  from_hook.context_tokens = 150'000;
  check_lines(from_hook);
  return 0;
}
