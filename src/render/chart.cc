#include "render/chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "render/utf8.h"

namespace tally::render {
namespace {

constexpr std::array<std::string_view, kMaxSeries> kFills = {"\u2588", "\u2593", "\u2592",
                                                             "\u2591"};  // █ ▓ ▒ ░
constexpr std::array<std::string_view, kMaxSeries> kColors = {"\x1b[36m", "\x1b[35m", "\x1b[33m",
                                                              "\x1b[32m"};
constexpr std::string_view kColorOff = "\x1b[39m";
// Index i holds i eighths of a cell (index 0 unused).
constexpr std::array<std::string_view, 8> kEighths = {"",       "\u258f", "\u258e", "\u258d",
                                                      "\u258c", "\u258b", "\u258a", "\u2589"};
constexpr std::string_view kPeak = " \u25c0 peak";  // ◀

void pad_right(std::string& s, size_t width) {
  const size_t used = display_width(s);
  if (used < width) {
    s.append(width - used, ' ');
  }
}

}  // namespace

std::string format_compact(double value) {
  const double a = std::fabs(value);
  if (a >= 1e9) {
    return fmt::format("{:.1f}B", value / 1e9);
  }
  if (a >= 1e6) {
    return fmt::format("{:.1f}M", value / 1e6);
  }
  if (a >= 1e3) {
    return fmt::format("{:.1f}K", value / 1e3);
  }
  return fmt::format("{:.0f}", value);
}

void render_bar_chart(const BarChart& chart, const ChartOptions& options, std::string& out) {
  if (!chart.title.empty()) {
    out += terminal_safe(chart.title) + "\n";
  }
  // Fold series beyond kMaxSeries - 1 into "other".
  std::vector<std::string> names = chart.series;
  const bool fold = names.size() > kMaxSeries;
  if (fold) {
    names.resize(kMaxSeries - 1);
    names.emplace_back("other");
  }
  std::vector<std::vector<double>> values(chart.labels.size(),
                                          std::vector<double>(names.size(), 0.0));
  std::vector<double> totals(chart.labels.size(), 0.0);
  for (size_t b = 0; b < chart.labels.size() && b < chart.values.size(); ++b) {
    for (size_t s = 0; s < chart.values[b].size() && s < chart.series.size(); ++s) {
      const double v = std::max(0.0, chart.values[b][s]);
      values[b][std::min(s, names.size() - 1)] += v;
      totals[b] += v;
    }
  }
  const auto peak_it = std::max_element(totals.begin(), totals.end());
  if (peak_it == totals.end() || *peak_it <= 0) {
    out += "no usage\n";
    return;
  }
  const size_t peak = static_cast<size_t>(peak_it - totals.begin());
  const double peak_value = *peak_it;

  size_t label_width = 0;
  size_t value_width = 0;
  std::vector<std::string> labels;
  std::vector<std::string> spelled;
  for (size_t b = 0; b < chart.labels.size(); ++b) {
    labels.push_back(terminal_safe(chart.labels[b]));
    label_width = std::max(label_width, display_width(labels.back()));
    spelled.push_back(chart.format_value ? chart.format_value(totals[b])
                                         : format_compact(totals[b]));
    if (b < chart.marks.size()) {
      spelled.back() += terminal_safe(chart.marks[b]);
    }
    value_width = std::max(value_width, display_width(spelled.back()));
  }
  // label, " │", bar, " ", value, peak marker (kept for every line, so widths agree).
  const size_t width = options.width > 0 ? static_cast<size_t>(options.width) : 80;
  const size_t fixed = label_width + 2 + 1 + value_width + display_width(kPeak);
  const size_t cells = width >= fixed + 10 ? width - fixed : 10;
  const double eighths_per_unit = static_cast<double>(cells * 8) / peak_value;

  for (size_t b = 0; b < labels.size(); ++b) {
    std::string line = labels[b];
    pad_right(line, label_width);
    line += " \u2502";
    // Cumulative rounding: series s covers eighths [bounds[s-1], bounds[s]), so the parts
    // always add up to the rounded total. A cell belongs to the series covering its middle;
    // the final partial cell to the series covering its start.
    std::vector<long> bounds;
    double running = 0;
    for (size_t s = 0; s < names.size(); ++s) {
      running += values[b][s];
      bounds.push_back(std::lround(running * eighths_per_unit));
    }
    auto owner = [&](long eighth) {
      for (size_t s = 0; s < bounds.size(); ++s) {
        if (eighth < bounds[s]) {
          return s;
        }
      }
      return bounds.size() - 1;
    };
    const long total_eighths = std::min(bounds.back(), static_cast<long>(cells) * 8);
    const long full = total_eighths / 8;
    const long rest = total_eighths % 8;
    size_t used_cells = 0;
    size_t current = kMaxSeries;  // the colour switched on, if any
    auto draw = [&](size_t series, std::string_view glyph) {
      const size_t colour = std::min(series, kColors.size() - 1);
      if (options.color && colour != current) {
        line += kColors[colour];
        current = colour;
      }
      line += glyph;
      ++used_cells;
    };
    for (long i = 0; i < full; ++i) {
      const size_t s = owner(i * 8 + 4);
      draw(s, kFills[std::min(s, kFills.size() - 1)]);
    }
    if (rest > 0) {
      draw(owner(full * 8), kEighths[static_cast<size_t>(rest)]);
    }
    if (options.color && current != kMaxSeries) {
      line += kColorOff;
    }
    line.append(cells - std::min(cells, used_cells), ' ');
    line += ' ';
    std::string value = spelled[b];
    line.append(value_width - std::min(value_width, display_width(value)), ' ');
    line += value;
    if (b == peak) {
      line += kPeak;
    }
    // A bar without a value (a day without usage) ends at its axis: no trailing blanks.
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  std::string legend = std::string(label_width, ' ') + "  ";
  for (size_t s = 0; s < names.size(); ++s) {
    const size_t colour = std::min(s, kColors.size() - 1);
    legend += s > 0 ? "  " : "";
    if (options.color) {
      legend += kColors[colour];
    }
    legend += kFills[colour];
    if (options.color) {
      legend += kColorOff;
    }
    legend += ' ';
    legend += terminal_safe(names[s]);
  }
  out += legend + "\n";
}

}  // namespace tally::render
