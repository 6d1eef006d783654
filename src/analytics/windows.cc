#include "analytics/windows.h"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "analytics/rollup.h"

namespace tally::analytics {

Result<TimeMs> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return fail(Errc::invalid_argument,
                fmt::format("'{}' is not a duration like 90m, 5h, 2d or 1w", text));
  };
  if (text.size() < 2) {
    return bad();
  }
  std::int64_t n = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size() - 1;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr != end || n <= 0) {
    return bad();
  }
  TimeMs unit = 0;
  switch (text.back()) {
    case 'm':
      unit = 60LL * 1000;
      break;
    case 'h':
      unit = 60LL * 60 * 1000;
      break;
    case 'd':
      unit = 24LL * 60 * 60 * 1000;
      break;
    case 'w':
      unit = 7LL * 24 * 60 * 60 * 1000;
      break;
    default:
      return bad();
  }
  // Ten years is more than any ledger holds; the bound keeps n * unit from overflowing.
  if (n > 3660LL * 24 * 60 * 60 * 1000 / unit) {
    return fail(Errc::invalid_argument, fmt::format("duration '{}' is too long", text));
  }
  return n * unit;
}

Result<std::vector<WindowSpec>> parse_windows(std::string_view list) {
  std::vector<WindowSpec> specs;
  std::set<TimeMs> seen;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) {
      comma = list.size();
    }
    const std::string_view item = list.substr(pos, comma - pos);
    auto d = parse_duration(item);
    TALLY_TRY(d);
    if (!seen.insert(*d).second) {
      return fail(Errc::invalid_argument, fmt::format("window '{}' is listed twice", item));
    }
    specs.push_back({std::string(item), *d});
    pos = comma + 1;
  }
  return specs;
}

TimeMs window_start(TimeMs now, TimeMs duration) { return now - duration; }

Result<Totals> totals_between(store::Ledger& ledger, store::RecordFilter filter, TimeMs since,
                              TimeMs until, bool standard_speed) {
  filter.since = since;
  filter.until = until;
  auto rows = ledger.aggregate(filter, store::GroupBy{});
  TALLY_TRY(rows);
  Totals t;
  for (const store::AggregateRow& r : *rows) {
    t.add(totals_of(r, standard_speed));
  }
  return t;
}

Result<std::vector<WindowTotals>> build_windows(store::Ledger& ledger,
                                                const store::RecordFilter& filter,
                                                const std::vector<WindowSpec>& specs, TimeMs now,
                                                bool standard_speed) {
  std::vector<WindowTotals> out;
  for (const WindowSpec& spec : specs) {
    WindowTotals w;
    w.spec = spec;
    w.since = window_start(now, spec.duration);
    w.until = now;
    auto totals = totals_between(ledger, filter, w.since, now + 1, standard_speed);
    TALLY_TRY(totals);
    w.totals = *totals;
    auto previous =
        totals_between(ledger, filter, w.since - spec.duration, w.since, standard_speed);
    TALLY_TRY(previous);
    w.previous = *previous;
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<double> ratio(double a, double b) {
  if (b == 0) {
    return std::nullopt;
  }
  return a / b;
}

}  // namespace tally::analytics
