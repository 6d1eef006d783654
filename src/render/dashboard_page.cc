#include "render/dashboard_page.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "render/html_escape.h"
#include "render/html_renderer.h"
#include "render/number_format.h"
#include "render/svg_chart.h"

namespace tally::render {
namespace {

constexpr TimeMs kHourMs = 60 * 60 * 1000;
constexpr TimeMs kDayMs = 24 * kHourMs;

// `t` on the local clock of `zone`: "2026-11-20 14:00".
std::string local_hour(const Zone& zone, TimeMs t) {
  const TimeMs local = t + zone.utc_offset(t) * 1000;
  TimeMs day = local / kDayMs;
  if (local % kDayMs < 0) {
    --day;
  }
  const TimeMs hour = (local - day * kDayMs) / kHourMs;
  return fmt::format("{} {:02}:00", format_date(civil_from_days(static_cast<long>(day))), hour);
}

// A cost with the marker of the weakest source in `t`, as the tables show it.
std::string cost_text(const analytics::Totals& t) {
  std::string text = format_usd(t.cost_usd);
  if (t.unpriced_requests > 0) {
    text += " ?";
  } else if (t.reported_requests > 0) {
    text += " ~";
  }
  return text;
}

std::string daily_chart(const analytics::Dashboard& d) {
  StackedBars data;
  data.series = d.daily.models;
  data.values = d.daily.usd;
  const std::size_t n = d.daily.days.size();
  const std::size_t every = n > 10 ? (n + 9) / 10 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const Date& day = d.daily.days[i];
    data.categories.push_back(format_date(day));
    data.labels.push_back(i % every == 0 ? fmt::format("{:02}-{:02}", day.month, day.day) : "");
  }
  ChartOptions o;
  o.id = "daily";
  o.label = "Daily cost by model";
  o.category_attr = "day";
  o.series_attr = "model";
  o.value_attr = "usd";
  std::string out = stacked_bar_chart(data, o);
  // A series or day with unpriced requests draws short: the legend and a note say so.
  std::vector<std::string> legend = d.daily.models;
  for (std::size_t m = 0; m < legend.size() && m < d.daily.unpriced_model.size(); ++m) {
    if (d.daily.unpriced_model[m]) {
      legend[m] += " ? (no price: counts $0)";
    }
  }
  out += chart_legend(legend);
  std::vector<std::string> short_days;
  for (std::size_t i = 0; i < n && i < d.daily.unpriced_requests.size(); ++i) {
    if (d.daily.unpriced_requests[i] > 0) {
      short_days.push_back(format_date(d.daily.days[i]));
    }
  }
  if (!short_days.empty()) {
    std::string list;
    for (std::size_t i = 0; i < short_days.size() && i < 10; ++i) {
      list += (i == 0 ? "" : ", ") + short_days[i];
    }
    if (short_days.size() > 10) {
      list += fmt::format(" and {} more", short_days.size() - 10);
    }
    out += fmt::format(
        "<p class=\"note\" id=\"daily-unpriced\">? partial days (requests with no price count "
        "$0, so their bars are short): {}</p>\n",
        list);
  }
  return out;
}

std::string projects_chart(const analytics::Dashboard& d) {
  std::vector<LabeledValue> bars;
  for (const analytics::ProjectCost& p : d.projects) {
    bars.push_back(LabeledValue{p.other             ? "other projects"
                                : p.project.empty() ? "(no project)"
                                                    : p.project,
                                p.usd});
  }
  ChartOptions o;
  o.id = "projects";
  o.label = "Cost by project";
  o.category_attr = "project";
  o.value_attr = "usd";
  return horizontal_bar_chart(bars, o);
}

std::string concurrency_chart(const analytics::Dashboard& d, const Zone& zone) {
  StackedBars data;
  data.series = {"sessions"};
  for (const analytics::HourPeak& h : d.hours) {
    const std::string hour = local_hour(zone, h.start);
    data.categories.push_back(hour);
    // A label under each local midnight: "11-20".
    data.labels.push_back(hour.ends_with(" 00:00") ? hour.substr(5, 5) : "");
    data.values.push_back({static_cast<double>(h.sessions)});
  }
  ChartOptions o;
  o.id = "concurrency";
  o.label = "Sessions in flight, peak per hour";
  o.kind = ValueKind::count;
  o.category_attr = "hour";
  o.series_attr = "series";
  o.value_attr = "sessions";
  return stacked_bar_chart(data, o);
}

}  // namespace

std::string dashboard_page(const analytics::Summary& summary, const analytics::Dashboard& d,
                           const Zone& zone, bool demo) {
  std::string body;
  // The title and cards follow the summary's periods: "as of" now, or the range.
  const std::string heading =
      summary.range ? fmt::format("usage {}", summary.main.name)
                    : fmt::format("usage as of {}", format_local_time(summary.now, zone));
  body += fmt::format("<h1>tally: {} ({})</h1>\n", escape_html(heading), escape_html(zone.name()));
  body += fmt::format(
      "<p class=\"sub\">Calendar days {} to {}: {} tokens, {} in {} requests</p>\n",
      format_date(d.first_day), format_date(d.last_day), format_count(d.totals.tokens.total()),
      escape_html(cost_text(d.totals)), format_count(d.totals.requests));
  if (demo) {
    body +=
        "<ul class=\"warnings\"><li>DEMO DATA: synthetic usage from `tally demo`, not "
        "yours</li></ul>\n";
  }
  // Warnings first and in a box: a total with unpriced requests is incomplete, and the page
  // must say so before it shows the number.
  analytics::Report periods = summary.periods;
  if (!periods.warnings.empty()) {
    body += "<ul class=\"warnings\">\n";
    for (const analytics::Warning& w : periods.warnings) {
      std::string where;
      if (!w.file.empty()) {
        where = w.line > 0 ? fmt::format(" ({}:{})", w.file, w.line) : fmt::format(" ({})", w.file);
      }
      body += fmt::format("<li>{}{}</li>\n", escape_html(w.message), escape_html(where));
    }
    body += "</ul>\n";
    periods.warnings.clear();  // shown above; the table below would repeat them
  }
  body += "<div class=\"cards\">\n";
  for (const analytics::ReportRow& row : summary.periods.rows) {
    // Each card is one row of `tally --json` "periods": its name, cost and tokens, with the
    // exact bounds in data attributes (the browser test compares them).
    const std::string name = row.keys.empty() ? "" : row.keys.front().second;
    std::string since, until;
    for (const auto& [key, value] : row.keys) {
      if (key == "since") {
        since = value;
      } else if (key == "until") {
        until = value;
      }
    }
    body += fmt::format(
        "<div class=\"card\" data-period=\"{}\" data-since=\"{}\" data-until=\"{}\" "
        "data-usd=\"{}\" data-tokens=\"{}\"><div class=\"name\">{}</div>"
        "<div class=\"cost\">{}</div><div class=\"tokens\">{} tokens</div></div>\n",
        escape_html(name), escape_html(since), escape_html(until),
        format_decimal(row.totals.cost_usd), row.totals.tokens.total(), escape_html(name),
        escape_html(cost_text(row.totals)), format_count(row.totals.tokens.total()));
  }
  body += "</div>\n";
  if (summary.month) {
    const analytics::MonthProjection& m = *summary.month;
    body += fmt::format(
        "<p class=\"note\" id=\"month\" data-projected-usd=\"{}\">Month to date {}{}: about "
        "{} by {} at the last 7 days' pace ({} a day){}.</p>\n",
        format_decimal(m.projected_usd), escape_html(format_usd(m.so_far.cost_usd)),
        m.partial ? "?" : "", escape_html(format_usd(m.projected_usd)), format_date(m.last),
        escape_html(format_usd(m.pace_usd_per_day)),
        m.partial ? ", at least: some requests have no price" : "");
  }
  if (d.totals.unpriced_requests > 0) {
    body +=
        "<p class=\"note\">? cost incomplete: requests with no known price count as $0 (see "
        "warnings)</p>\n";
  }
  if (d.totals.reported_requests > 0) {
    body +=
        "<p class=\"note\">~ includes cost reported by the agent (model not in tally's price "
        "table)</p>\n";
  }

  body += fmt::format("<h2>Daily cost by model, calendar days {} to {}</h2>\n",
                      format_date(d.first_day), format_date(d.last_day));
  body += daily_chart(d);
  body += fmt::format("<h2>Cost by project, {}</h2>\n", escape_html(summary.main.name));
  body += projects_chart(d);
  body += fmt::format("<h2>Sessions in flight, {} days to {} (peak per hour)</h2>\n",
                      d.timeline_days, format_date(d.last_day));
  body += concurrency_chart(d, zone);
  body += fmt::format(
      "<p class=\"note\">Peak: {} at once. A session is in flight from its first to "
      "its last event; an idle gap longer than {} minutes splits it (tally concurrency "
      "--help).</p>\n",
      d.peak_sessions == 1 ? std::string("1 session") : fmt::format("{} sessions", d.peak_sessions),
      d.idle_limit_ms / 60000);

  render_html_section(periods, body, /*chart=*/false);
  render_html_section(summary.models, body, /*chart=*/false);
  render_html_section(summary.projects, body, /*chart=*/false);
  return html_page("tally: " + heading, body);
}

}  // namespace tally::render
