#include "render/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "render/html_escape.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::render {
namespace {

// Margins of the vertical chart: room for tick labels left and category labels below.
constexpr double kLeft = 64;
constexpr double kRight = 8;
constexpr double kTop = 10;
constexpr double kBottom = 28;
constexpr double kBarFill = 0.75;  // share of a category's slot its bar covers

// Horizontal chart: label column, value column, row height, bar thickness, axis strip.
constexpr double kLabelWidth = 210;
constexpr double kValueWidth = 90;
constexpr double kRowHeight = 22;
constexpr double kBarHeight = 14;
constexpr double kAxisHeight = 24;
constexpr std::size_t kLabelChars = 30;

constexpr std::array<std::string_view, 10> kPalette = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

// A coordinate with at most two decimals and no trailing zeros: "12", "12.5", "12.25".
std::string num(double v) {
  if (std::abs(v) < 0.005) {
    return "0";
  }
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') {
    s.pop_back();
  }
  if (s.back() == '.') {
    s.pop_back();
  }
  return s;
}

double value_at(const StackedBars& data, std::size_t category, std::size_t series) {
  if (category >= data.values.size() || series >= data.values[category].size()) {
    return 0;
  }
  const double v = data.values[category][series];
  return std::isfinite(v) && v > 0 ? v : 0;
}

std::string svg_open(const ChartOptions& o, int height) {
  std::string out = "<svg";
  if (!o.id.empty()) {
    out += fmt::format(" id=\"{}\"", escape_html(o.id));
  }
  out += fmt::format(
      " class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
      "aria-label=\"{2}\">\n",
      o.width, height, escape_html(o.label));
  return out;
}

std::string bar_rect(const Rect& r, std::string_view fill, const ChartOptions& o,
                     std::string_view category, std::string_view series, double value,
                     std::string_view title) {
  std::string out = fmt::format(
      "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
      "data-{}=\"{}\"",
      num(r.x), num(r.y), num(r.width), num(r.height), fill, escape_html(o.category_attr),
      escape_html(category));
  if (!series.empty()) {
    out += fmt::format(" data-{}=\"{}\"", escape_html(o.series_attr), escape_html(series));
  }
  out += fmt::format(" data-{}=\"{}\"><title>{}</title></rect>\n", escape_html(o.value_attr),
                     format_decimal(value), escape_html(title));
  return out;
}

// `text` (valid UTF-8) cut to its last `width` code points after a leading "…": labels are
// mostly paths, whose end tells them apart.
std::string keep_tail(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) {
    return text;
  }
  std::vector<std::size_t> starts;  // byte offset of every code point
  for (std::size_t pos = 0; pos < text.size(); pos += decode_utf8(text, pos).len) {
    starts.push_back(pos);
  }
  return "\u2026" + text.substr(starts[starts.size() - (width - 1)]);
}

}  // namespace

Axis nice_axis(double max_value, int target_ticks, bool integer) {
  target_ticks = std::max(target_ticks, 1);
  Axis axis;
  if (!std::isfinite(max_value) || max_value <= 0) {
    max_value = integer ? target_ticks : 1;
  }
  const double raw = max_value / target_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  double step = 10 * magnitude;
  for (const double candidate : {1.0, 2.0, 2.5, 5.0}) {
    // A little tolerance, so 5 / 5 picks 1 rather than 2 after rounding error.
    if (normalized <= candidate * (1 + 1e-9)) {
      step = candidate * magnitude;
      break;
    }
  }
  if (integer) {
    step = std::max(1.0, std::round(step));
  }
  const auto steps = static_cast<std::int64_t>(std::ceil(max_value / step - 1e-9));
  axis.step = step;
  axis.top = static_cast<double>(std::max<std::int64_t>(steps, 1)) * step;
  for (std::int64_t i = 0; i <= std::max<std::int64_t>(steps, 1); ++i) {
    axis.ticks.push_back(static_cast<double>(i) * step);
  }
  return axis;
}

std::string format_value(double value, ValueKind kind) {
  if (kind == ValueKind::usd) {
    return format_usd(value);
  }
  return format_count(std::llround(value));
}

std::string format_tick(double value, double step, ValueKind kind) {
  int decimals = 0;
  while (decimals < 6) {
    const double scaled = step * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) {
      break;
    }
    ++decimals;
  }
  const std::string_view prefix = kind == ValueKind::usd ? "$" : "";
  if (decimals == 0) {
    return fmt::format("{}{}", prefix, format_count(std::llround(value)));
  }
  return fmt::format("{}{:.{}f}", prefix, value, decimals);
}

StackedLayout layout_stacked_bars(const StackedBars& data, const ChartOptions& options) {
  StackedLayout layout;
  layout.plot = Rect{kLeft, kTop, std::max(1.0, options.width - kLeft - kRight),
                     std::max(1.0, options.height - kTop - kBottom)};
  double max_total = 0;
  for (std::size_t c = 0; c < data.categories.size(); ++c) {
    double total = 0;
    for (std::size_t s = 0; s < data.series.size(); ++s) {
      total += value_at(data, c, s);
    }
    max_total = std::max(max_total, total);
  }
  layout.axis = nice_axis(max_total, 5, options.kind == ValueKind::count);
  if (data.categories.empty()) {
    return layout;
  }
  const Rect& p = layout.plot;
  const double slot = p.width / static_cast<double>(data.categories.size());
  const double bar_width = slot * kBarFill;
  const double bottom = p.y + p.height;
  for (std::size_t c = 0; c < data.categories.size(); ++c) {
    const double x = p.x + static_cast<double>(c) * slot + (slot - bar_width) / 2;
    double stacked = 0;
    for (std::size_t s = 0; s < data.series.size(); ++s) {
      const double v = value_at(data, c, s);
      if (v <= 0) {
        continue;
      }
      const double h = v / layout.axis.top * p.height;
      layout.segments.push_back(Segment{c, s, v, Rect{x, bottom - stacked - h, bar_width, h}});
      stacked += h;
    }
  }
  return layout;
}

std::string stacked_bar_chart(const StackedBars& data, const ChartOptions& options) {
  const StackedLayout layout = layout_stacked_bars(data, options);
  const Rect& p = layout.plot;
  const double bottom = p.y + p.height;
  std::string out = svg_open(options, options.height);
  out += "<g class=\"axis\">\n";
  for (const double tick : layout.axis.ticks) {
    const double y = bottom - tick / layout.axis.top * p.height;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>"
        "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        num(p.x), num(y), num(p.x + p.width), num(p.x - 6), num(y + 4),
        escape_html(format_tick(tick, layout.axis.step, options.kind)));
  }
  const std::size_t n = data.categories.size();
  const double slot = n == 0 ? 0 : p.width / static_cast<double>(n);
  for (std::size_t c = 0; c < n; ++c) {
    const std::string& text = data.labels.empty()      ? data.categories[c]
                              : c < data.labels.size() ? data.labels[c]
                                                       : data.categories[c];
    if (text.empty()) {
      continue;
    }
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       num(p.x + (static_cast<double>(c) + 0.5) * slot), num(bottom + 16),
                       escape_html(text));
  }
  out += "</g>\n";
  if (layout.segments.empty()) {
    out += fmt::format(
        "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no usage in this "
        "range</text>\n",
        num(p.x + p.width / 2), num(p.y + p.height / 2));
  }
  out += "<g class=\"bars\">\n";
  for (const Segment& seg : layout.segments) {
    const std::string& category = data.categories[seg.category];
    const std::string& series = data.series[seg.series];
    double total = 0;
    for (std::size_t s = 0; s < data.series.size(); ++s) {
      total += value_at(data, seg.category, s);
    }
    std::string title =
        fmt::format("{} · {}: {}", category, series, format_value(seg.value, options.kind));
    if (data.series.size() > 1) {
      title += fmt::format(" (of {})", format_value(total, options.kind));
    }
    out += bar_rect(seg.rect, series_color(seg.series), options, category,
                    data.series.size() > 1 ? std::string_view(series) : std::string_view(),
                    seg.value, title);
  }
  out += "</g>\n</svg>\n";
  return out;
}

HorizontalLayout layout_horizontal_bars(const std::vector<LabeledValue>& bars,
                                        const ChartOptions& options) {
  HorizontalLayout layout;
  layout.row_height = kRowHeight;
  layout.plot = Rect{kLabelWidth, kTop, std::max(1.0, options.width - kLabelWidth - kValueWidth),
                     kRowHeight * static_cast<double>(bars.size())};
  double max_value = 0;
  for (const LabeledValue& b : bars) {
    if (std::isfinite(b.value)) {
      max_value = std::max(max_value, b.value);
    }
  }
  layout.axis = nice_axis(max_value, 5, options.kind == ValueKind::count);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double v = std::isfinite(bars[i].value) && bars[i].value > 0 ? bars[i].value : 0;
    layout.bars.push_back(
        Rect{layout.plot.x,
             layout.plot.y + static_cast<double>(i) * kRowHeight + (kRowHeight - kBarHeight) / 2,
             v / layout.axis.top * layout.plot.width, kBarHeight});
  }
  return layout;
}

std::string horizontal_bar_chart(const std::vector<LabeledValue>& bars,
                                 const ChartOptions& options) {
  const HorizontalLayout layout = layout_horizontal_bars(bars, options);
  const Rect& p = layout.plot;
  const double bottom = p.y + p.height;
  const int height = static_cast<int>(std::ceil(bottom + kAxisHeight));
  std::string out = svg_open(options, height);
  out += "<g class=\"axis\">\n";
  for (const double tick : layout.axis.ticks) {
    const double x = p.x + tick / layout.axis.top * p.width;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        num(x), num(p.y), num(bottom), num(bottom + 16),
        escape_html(format_tick(tick, layout.axis.step, options.kind)));
  }
  out += "</g>\n";
  if (bars.empty()) {
    out += fmt::format(
        "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no usage in this "
        "range</text>\n",
        num(p.x + p.width / 2), num(p.y + 12));
  }
  out += "<g class=\"bars\">\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Rect& r = layout.bars[i];
    const double mid = r.y + r.height / 2 + 4;
    const std::string shown = keep_tail(terminal_safe(bars[i].label), kLabelChars);
    out += fmt::format(
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}<title>{}</title></text>\n",
        num(p.x - 6), num(mid), escape_html(shown), escape_html(bars[i].label));
    if (r.width > 0) {
      out +=
          bar_rect(r, series_color(i), options, bars[i].label, "", bars[i].value,
                   fmt::format("{}: {}", bars[i].label, format_value(bars[i].value, options.kind)));
    }
    out +=
        fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>\n", num(r.x + r.width + 6),
                    num(mid), escape_html(format_value(bars[i].value, options.kind)));
  }
  out += "</g>\n</svg>\n";
  return out;
}

std::string series_color(std::size_t index) {
  return std::string(kPalette[index % kPalette.size()]);
}

std::string chart_legend(const std::vector<std::string>& series) {
  std::string out = "<ul class=\"legend\">\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    out += fmt::format("<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>\n",
                       series_color(i), escape_html(series[i]));
  }
  out += "</ul>\n";
  return out;
}

}  // namespace tally::render
