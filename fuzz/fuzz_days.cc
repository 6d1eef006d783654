// What people type for time (issue 17): POSIX TZ rules and TZ names (core/tz_spec.h) and
// the days of --since/--until (core/time.h parse_day). The input is one such text.
//
// Checks: a day parse_day returns is a real calendar day, never after `today` (every form
// looks back), and an "Nd" form is today - (N - 1); read_tz_spec accepts every rule the
// grammar accepts, and names every zone it accepts. Texts naming an absolute path
// are not given to read_tz_spec: it would open whatever file the fuzzer names.

#include <string>
#include <string_view>

#include "core/time.h"
#include "core/tz_spec.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using tally::Date;
  const Date today{2026, 3, 1};
  const long today_days = tally::days_from_civil(today);
  for (const bool last : {false, true}) {
    if (const std::optional<Date> day = tally::parse_day(text, today, last)) {
      FUZZ_CHECK(day->month >= 1 && day->month <= 12 && day->day >= 1 && day->day <= 31);
      FUZZ_CHECK(tally::parse_date(tally::format_date(*day)) == day);
      const bool dated = tally::parse_date(text).has_value();
      FUZZ_CHECK(dated || tally::days_from_civil(*day) <= today_days);
      if (!dated && text.size() >= 2 && text.back() == 'd' && text.front() >= '0' &&
          text.front() <= '9') {
        const long n = std::stol(std::string(text.substr(0, text.size() - 1)));
        FUZZ_CHECK(tally::days_from_civil(*day) == today_days - (n - 1));
      }
    }
  }
  const bool rule = tally::is_posix_tz_rule(text);
  const bool path = text.find('/') != std::string_view::npos &&
                    (text.front() == '/' || text.starts_with(":/"));
  const bool nul = text.find('\0') != std::string_view::npos;
  if (!path && !nul) {
    const std::optional<tally::TzSpec> spec = tally::read_tz_spec(text);
    FUZZ_CHECK(!spec || !spec->name.empty());
    // A rule the grammar takes is a zone whatever the database holds.
    FUZZ_CHECK(!rule || spec.has_value());
  }
  return 0;
}
