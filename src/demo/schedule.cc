#include "demo/schedule.h"

#include <algorithm>
#include <cmath>

namespace tally::corpus {
namespace {

constexpr Millis kHour = 3'600'000;
constexpr Millis kDay = 24 * kHour;
constexpr size_t kFastDays = 4;

// Working hours, as offsets from midnight: [begin, end).
struct Window {
  Millis begin = 0, end = 0;
  Millis length() const { return end > begin ? end - begin : 0; }
};
constexpr Window kQuietHours{10 * kHour, 20 * kHour};
constexpr Window kOrdinaryHours{8 * kHour, 18 * kHour + kHour / 2};
// A busy day: most sessions start in the crowd, the rest in the afternoon.
constexpr Window kCrowdHours{9 * kHour + 3 * kHour / 4, 12 * kHour + kHour / 4};
constexpr Window kAfternoonHours{13 * kHour, 18 * kHour};
constexpr double kCrowdShare = 0.85;
// Sessions on a day, in ordinary days' worth.
constexpr double kBusyWeight = 3.0;
constexpr double kQuietWeight = 0.25;

// Monday = 0 ... Sunday = 6, for a day starting at `midnight` (1970-01-01 was a Thursday).
int weekday(Millis midnight) { return static_cast<int>((midnight / kDay + 3) % 7); }

}  // namespace

Month::Month(Millis end, Millis span, Rng& rng) : end_(end) {
  const Millis first = ((end - span) / kDay + 1) * kDay;
  std::vector<size_t> weekdays;
  for (Millis d = first; d <= end; d += kDay) {
    Day day;
    day.start = d;
    day.kind = weekday(d) >= 5 ? Kind::quiet : Kind::ordinary;
    if (day.kind == Kind::ordinary) {
      weekdays.push_back(days_.size());
    }
    days_.push_back(day);
  }
  // A third of the weekdays are busy; four (some of them busy too) are fast-mode days.
  for (size_t i = weekdays.size(); i > 1; --i) {
    std::swap(weekdays[i - 1], weekdays[rng.range(0, i - 1)]);
  }
  const size_t busy = (weekdays.size() + 1) / 3;
  for (size_t i = 0; i < busy; ++i) {
    days_[weekdays[i]].kind = Kind::busy;
  }
  // Fast-mode days: two busy, two ordinary (the list is shuffled, so these are any).
  for (size_t i = busy >= kFastDays / 2 ? busy - kFastDays / 2 : 0;
       i < weekdays.size() && i < busy + kFastDays / 2; ++i) {
    days_[weekdays[i]].fast = true;
  }
}

std::vector<Millis> Month::starts(size_t n, Rng& rng) const {
  // Each day's windows and weight; end's day keeps only its hours before `end`.
  struct Plan {
    Millis start;
    Window main, extra;  // `extra` only on busy days
    double main_share;
    double weight;
  };
  std::vector<Plan> plans;
  double total = 0;
  for (const Day& d : days_) {
    Plan p{d.start, kOrdinaryHours, Window{}, 1.0, 1.0};
    if (d.kind == Kind::quiet) {
      p.main = kQuietHours;
      p.weight = kQuietWeight;
    } else if (d.kind == Kind::busy) {
      p.main = kCrowdHours;
      p.extra = kAfternoonHours;
      p.main_share = kCrowdShare;
      p.weight = kBusyWeight;
    }
    if (d.start + kDay > end_) {
      const Millis now = end_ - d.start;
      const double full = static_cast<double>(p.main.length() + p.extra.length());
      p.main.end = std::min(p.main.end, now);
      p.extra.end = std::min(p.extra.end, now);
      if (p.main.length() + p.extra.length() == 0) {
        // Before the working day: a little night work in the last hours.
        p.main = Window{std::max<Millis>(0, now - 3 * kHour), now};
        p.extra = Window{};
        p.main_share = 1.0;
        p.weight = kQuietWeight;
      } else {
        p.weight *= static_cast<double>(p.main.length() + p.extra.length()) / full;
        if (p.main.length() == 0) {
          p.main_share = 0;
        }
      }
    }
    total += p.weight;
    plans.push_back(p);
  }
  // Largest remainders: the shares add up to exactly n.
  std::vector<size_t> count(plans.size());
  std::vector<std::pair<double, size_t>> remainders;
  size_t given = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    const double exact = static_cast<double>(n) * plans[i].weight / total;
    count[i] = static_cast<size_t>(std::floor(exact));
    given += count[i];
    remainders.emplace_back(exact - std::floor(exact), i);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (size_t k = 0; given < n && k < remainders.size(); ++k, ++given) {
    ++count[remainders[k].second];
  }
  // Within a window the starts are stratified (one per equal slice, at a random point in
  // it), so a busy day's crowd is steady rather than lumpy. Across days they are interleaved:
  // the k-th of a day's c starts is keyed (k + 1/2) / c, and every prefix of the result
  // spreads over the days as the whole does.
  struct Start {
    double key;
    size_t day;
    Millis t;
  };
  std::vector<Start> all;
  all.reserve(n);
  std::vector<Millis> day;
  for (size_t i = 0; i < plans.size(); ++i) {
    const Plan& p = plans[i];
    day.clear();
    const auto spread = [&](const Window& w, size_t m) {
      const auto length = static_cast<double>(w.length());
      for (size_t j = 0; j < m; ++j) {
        const double at = (static_cast<double>(j) + rng.unit()) * length / static_cast<double>(m);
        day.push_back(p.start + w.begin + static_cast<Millis>(at));
      }
    };
    const size_t main =
        p.extra.length() == 0
            ? count[i]
            : static_cast<size_t>(std::lround(static_cast<double>(count[i]) * p.main_share));
    spread(p.main, main);
    spread(p.extra, count[i] - main);
    for (size_t k = day.size(); k > 1; --k) {
      std::swap(day[k - 1], day[rng.range(0, k - 1)]);
    }
    for (size_t k = 0; k < day.size(); ++k) {
      all.push_back({(static_cast<double>(k) + 0.5) / static_cast<double>(day.size()), i, day[k]});
    }
  }
  std::sort(all.begin(), all.end(), [](const Start& a, const Start& b) {
    return a.key < b.key || (a.key == b.key && a.day < b.day);
  });
  std::vector<Millis> out;
  out.reserve(all.size());
  for (const Start& st : all) {
    out.push_back(st.t);
  }
  return out;
}

bool Month::fast(Millis t) const {
  for (const Day& d : days_) {
    if (t >= d.start && t < d.start + kDay) {
      return d.fast;
    }
  }
  return false;
}

}  // namespace tally::corpus
