// The summary (`tally` with no subcommand): today so far against yesterday at the same time,
// yesterday, the rolling 24 h / 7 d / 30 d (or one --since/--until range), a bar chart of
// calendar days stacked by model, the top models and projects, and the plan notes.
//
// JSON: "periods" (a Report: one row per period, keys period, since, until in ISO-8601
// UTC, until exclusive), "models", "projects", "as_of", "timezone", "windows" (the grid the
// table shows: the same rows in local time), "last_24h" (the 24 h share of the 30 d and ratio
// to the previous 29 d; null for a range), "month" (month to date and its projection to
// month end at the last 7 d's pace; null for a range) and "daily" (per day and model, the
// chart's data).
// CSV is "periods". Every format prints the same periods (analytics/period.h).

#include <fmt/format.h>

#include "render/chart.h"
#include "render/grid.h"
#include "render/json_writer.h"
#include "render/number_format.h"
#include "render/utf8.h"
#include "render/views.h"

namespace tally::render {
namespace {

GridCell optional_percent(const std::optional<double>& r) {
  return r ? percent_cell(*r) : null_cell();
}

std::string percent_text(const std::optional<double>& r) {
  return r ? fmt::format("{:.1f}%", *r * 100) : "n/a";
}

// The periods as the table shows them; JSON "windows" is the same grid. The priced column
// is JSON/CSV only: the table marks the cost instead.
Grid windows_grid(const analytics::Summary& s, const Zone& zone) {
  Grid grid;
  grid.title = s.periods.title;
  grid.columns = {{"period", "Period", CellType::string},
                  {"since", "From", CellType::string},
                  {"until", "To", CellType::string},
                  {"requests", "Requests", CellType::integer},
                  {"total_tokens", "Tokens", CellType::integer},
                  {"cost_usd", "Cost (USD)", CellType::number},
                  {"cost_source", "Priced", CellType::string, /*in_table=*/false}};
  for (size_t i = 0; i < s.spans.size() && i < s.periods.rows.size(); ++i) {
    const analytics::Period& p = s.spans[i];
    const analytics::Totals& t = s.periods.rows[i].totals;
    // The last millisecond inside: "to 14:03" for a window ending now.
    const TimeMs last = p.until - 1;
    GridCell since = p.since ? short_time_cell(*p.since, zone) : GridCell{"first record", ""};
    grid.rows.push_back({text_cell(p.name), since,
                         short_time_cell(last, zone),
                         count_cell(t.requests), count_cell(t.tokens.total()),
                         marked_usd_cell(t), text_cell(cost_source_name(t.cost_source))});
  }
  bool unpriced = false;
  bool reported = false;
  for (const analytics::ReportRow& row : s.periods.rows) {
    unpriced = unpriced || row.totals.unpriced_requests > 0;
    reported = reported || row.totals.reported_requests > 0;
  }
  if (unpriced) {
    grid.notes.push_back("? partial: some requests have no price and count $0 (see warnings)");
  }
  if (reported) {
    grid.notes.push_back("~ includes the agent's own cost figure for models tally cannot price");
  }
  return grid;
}

Grid last_24h_grid(const analytics::RollingSummary& r) {
  Grid grid;
  grid.title = "Last 24 h against the rolling 30 d";
  grid.columns = {{"measure", "Measure", CellType::string},
                  {"share_of_30d", "Share of 30 d", CellType::number},
                  {"ratio_to_previous_29d", "vs previous 29 d", CellType::number}};
  grid.rows.push_back({text_cell("cost"), optional_percent(r.share_of_30d_cost),
                       optional_percent(r.ratio_to_previous_29d_cost)});
  grid.rows.push_back({text_cell("tokens"), optional_percent(r.share_of_30d_tokens),
                       optional_percent(r.ratio_to_previous_29d_tokens)});
  return grid;
}

// Month to date and its projection; JSON "month" (null for a range).
Grid month_grid(const analytics::MonthProjection& m) {
  Grid grid;
  grid.title = "Month to date, projected to month end at the last 7 d's pace";
  grid.columns = {{"first_day", "From", CellType::string},
                  {"last_day", "Month end", CellType::string},
                  {"cost_usd", "So far", CellType::number},
                  {"pace_usd_per_day", "Pace a day", CellType::number},
                  {"remaining_days", "Days left", CellType::number},
                  {"projected_cost_usd", "Projected", CellType::number},
                  {"partial", "Partial", CellType::string}};
  grid.rows.push_back({text_cell(format_date(m.first)), text_cell(format_date(m.last)),
                       usd_cell(m.so_far.cost_usd), usd_cell(m.pace_usd_per_day),
                       number_cell(m.remaining_days, 2), usd_cell(m.projected_usd),
                       text_cell(m.partial ? "yes" : "no")});
  return grid;
}

// Two lines of at most 80 columns under the periods table.
std::string month_lines(const analytics::MonthProjection& m) {
  return fmt::format(
      "month to date: {}{}; at the last 7 d's pace ({} a day)\n"
      "               about {} by {}{}\n",
      format_usd(m.so_far.cost_usd), m.partial ? "?" : "", format_usd(m.pace_usd_per_day),
      format_usd(m.projected_usd), format_date(m.last), m.partial ? " (at least: ? unpriced)" : "");
}

// "2026-11-07 to 2026-12-06": the chart's calendar days.
std::string days_span(const analytics::DailyByModel& d) {
  return d.days.empty() ? std::string()
                        : fmt::format("{} to {}", format_date(d.days.front()),
                                      format_date(d.days.back()));
}

Grid daily_grid(const analytics::DailyByModel& d) {
  Grid grid;
  grid.title = fmt::format("Daily usage by model, calendar days {}", days_span(d));
  grid.columns = {{"date", "Date", CellType::string},
                  {"model", "Model", CellType::string},
                  {"requests", "Requests", CellType::integer},
                  {"total_tokens", "Tokens", CellType::integer},
                  {"cost_usd", "Cost (USD)", CellType::number}};
  for (size_t i = 0; i < d.days.size(); ++i) {
    for (size_t m = 0; m < d.models.size(); ++m) {
      const analytics::Totals& t = d.values[i][m];
      if (t.requests == 0) {
        continue;
      }
      grid.rows.push_back({text_cell(format_date(d.days[i])), text_cell(d.models[m]),
                           count_cell(t.requests), count_cell(t.tokens.total()),
                           usd_cell(t.cost_usd)});
    }
  }
  if (d.peak_cost_day) {
    grid.notes.push_back(fmt::format("peak cost day: {}", format_date(d.days[*d.peak_cost_day])));
  }
  if (d.peak_tokens_day) {
    grid.notes.push_back(
        fmt::format("peak tokens day: {}", format_date(d.days[*d.peak_tokens_day])));
  }
  return grid;
}

// The chart shows cost; when nothing in its days is priced, tokens.
void render_daily_chart(const analytics::DailyByModel& d, const RenderOptions& options,
                        std::string& out) {
  bool any_cost = false;
  for (const auto& day : d.values) {
    for (const analytics::Totals& t : day) {
      any_cost = any_cost || t.cost_usd > 0;
    }
  }
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  BarChart chart;
  chart.title = fmt::format("Daily {}, calendar days {}, stacked by model",
                            any_cost ? "cost" : "tokens", days_span(d));
  chart.series = d.models;
  for (size_t i = 0; i < d.days.size(); ++i) {
    const Date& day = d.days[i];
    chart.labels.push_back(
        fmt::format("{} {} {:02}", kDays[iso_weekday(day) - 1], kMonths[day.month - 1], day.day));
    std::vector<double> values;
    for (const analytics::Totals& t : d.values[i]) {
      values.push_back(any_cost ? t.cost_usd : static_cast<double>(t.tokens.total()));
    }
    chart.values.push_back(std::move(values));
  }
  // A day without usage prints no figure, not "$0.0000"; a day with unpriced requests is
  // marked "?" (its cost is a floor), one with the agent's own figures "~".
  if (any_cost) {
    chart.format_value = [](double v) { return v == 0 ? std::string() : format_usd(v); };
    for (const auto& day : d.values) {
      analytics::Totals t;
      for (const analytics::Totals& m : day) {
        t.add(m);
      }
      chart.marks.push_back(t.unpriced_requests > 0   ? " ?"
                            : t.reported_requests > 0 ? " ~"
                                                      : "");
    }
  }
  ChartOptions co;
  co.color = options.color;
  co.width = options.width;
  render_bar_chart(chart, co, out);
}

// Warnings quote model names and paths from the logs: escaped, like every table string.
void append_warnings_and_notes(const analytics::Report& report, std::string& out) {
  for (const analytics::Warning& w : report.warnings) {
    out += "! " + terminal_safe(w.message);
    if (!w.file.empty()) {
      out += " (" + terminal_safe(w.file);
      out += w.line > 0 ? fmt::format(":{})", w.line) : std::string(")");
    }
    out += "\n";
  }
  for (const std::string& note : report.notes) {
    out += "note: " + terminal_safe(note) + "\n";
  }
}

}  // namespace

std::string render_summary(const analytics::Summary& s, const Zone& zone, Format format,
                           const RenderOptions& options) {
  std::string out;
  if (format == Format::json) {
    // One JSON document: the original three reports, then the rolling views.
    RenderOptions ro = options;
    ro.compact = false;
    std::string periods, models, projects;
    auto renderer = make_renderer(format, ro);
    renderer->render(s.periods, periods);
    renderer->render(s.models, models);
    renderer->render(s.projects, projects);
    std::string windows, last_24h = "null", month = "null", daily;
    render_grid_json(windows_grid(s, zone), false, 0, windows);
    if (s.rolling) {
      last_24h.clear();
      render_grid_json(last_24h_grid(*s.rolling), false, 0, last_24h);
    }
    if (s.month) {
      month.clear();
      render_grid_json(month_grid(*s.month), false, 0, month);
    }
    render_grid_json(daily_grid(s.daily), false, 0, daily);
    // Each member is a document of its own, starting on its own line, not indented.
    const std::pair<std::string_view, std::string> members[] = {
        {"periods", periods},
        {"models", models},
        {"projects", projects},
        {"as_of", json_string(format_iso8601(s.now))},
        {"timezone", json_string(zone.name())},
        {"windows", windows},
        {"last_24h", last_24h},
        {"month", month},
        {"daily", daily}};
    JsonWriter w(out, JsonLayout::flat);
    w.open('{');
    for (const auto& [name, json] : members) {
      w.member(name);
      w.raw(json);
    }
    w.close('}');
    out += "\n";
    return out;
  }
  if (format != Format::table) {
    make_renderer(format, options)->render(s.periods, out);
    return out;
  }
  render_grid_table(windows_grid(s, zone), options, out);
  if (s.rolling) {
    // Two lines of at most 80 columns.
    const analytics::RollingSummary& r = *s.rolling;
    out += fmt::format("last 24 h: {} of the last 30 d by cost ({} by tokens);\n",
                       percent_text(r.share_of_30d_cost), percent_text(r.share_of_30d_tokens));
    out += fmt::format("           {} of the 29 days before it by cost ({} by tokens)\n",
                       percent_text(r.ratio_to_previous_29d_cost),
                       percent_text(r.ratio_to_previous_29d_tokens));
  }
  if (s.month) {
    out += month_lines(*s.month);
  }
  out += "\n";
  render_daily_chart(s.daily, options, out);
  auto renderer = make_renderer(format, options);
  out += "\n";
  renderer->render(s.models, out);
  out += "\n";
  renderer->render(s.projects, out);
  out += "\n";
  append_warnings_and_notes(s.periods, out);
  out += "More: tally windows | blocks | daily | sessions | models | projects (--help)\n";
  return out;
}

}  // namespace tally::render
