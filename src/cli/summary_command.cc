// `tally` with no subcommand: today so far against yesterday at the same time, yesterday,
// the rolling 24 h / 7 d / 30 d, a 30-day bar chart stacked by model, the top models and
// projects, and the plan comparison when a plan is configured.
//
// JSON keeps the original members ("periods", "models", "projects": calendar periods as
// Reports) and adds "as_of", "timezone", "windows" (a grid of the rows the table shows),
// "last_24h" (the 24 h share of the 30 d and ratio to the previous 29 d) and "daily"
// (per day and model, the chart's data). CSV stays the calendar periods, as before.

#include "cli/summary_command.h"

#include <fmt/format.h>

#include <cstdlib>

#include "analytics/plans_view.h"
#include "analytics/rollup.h"
#include "cli/common.h"
#include "cli/html_command.h"
#include "render/chart.h"
#include "render/grid.h"
#include "render/json_renderer.h"
#include "render/number_format.h"
#include "render/utf8.h"

namespace tally::cli {
namespace {

using render::GridCell;

GridCell optional_percent(const std::optional<double>& r) {
  return r ? render::percent_cell(*r) : render::null_cell();
}

std::string percent_text(const std::optional<double>& r) {
  return r ? fmt::format("{:.1f}%", *r * 100) : "n/a";
}

void add_totals_row(render::Grid& grid, std::string period, TimeMs since, TimeMs until,
                    const analytics::Totals& t, const Zone& zone) {
  grid.rows.push_back(
      {render::text_cell(period), render::text_cell(analytics::format_local_time(since, zone)),
       render::text_cell(analytics::format_local_time(until, zone)), render::count_cell(t.requests),
       render::count_cell(t.tokens.total()), render::usd_cell(t.cost_usd),
       render::text_cell(cost_source_name(t.cost_source))});
}

render::Grid windows_grid(const analytics::Summary& s, const Zone& zone) {
  render::Grid grid;
  grid.title =
      fmt::format("Spend as of {} ({})", analytics::format_local_time(s.now, zone), zone.name());
  grid.columns = {{"period", "Period", render::CellType::string},
                  {"since", "Since", render::CellType::string},
                  {"until", "Until", render::CellType::string},
                  {"requests", "Requests", render::CellType::integer},
                  {"total_tokens", "Tokens", render::CellType::integer},
                  {"cost_usd", "Cost (USD)", render::CellType::number},
                  {"cost_source", "Priced", render::CellType::string}};
  const Date today = zone.local_date(s.now);
  const TimeMs today_start = zone.start_of(today);
  const TimeMs yesterday_start = zone.start_of(civil_from_days(days_from_civil(today) - 1));
  add_totals_row(grid, "today so far", today_start, s.now, s.today_so_far, zone);
  add_totals_row(grid, "yesterday, same time", yesterday_start, s.yesterday_until,
                 s.yesterday_same_time, zone);
  if (s.periods.rows.size() > 1) {
    add_totals_row(grid, "yesterday", yesterday_start, today_start, s.periods.rows[1].totals, zone);
  }
  add_totals_row(grid, "last 24 h", s.rolling.since_24h, s.now, s.rolling.last_24h, zone);
  add_totals_row(grid, "last 7 d", s.rolling.since_7d, s.now, s.rolling.last_7d, zone);
  add_totals_row(grid, "last 30 d", s.rolling.since_30d, s.now, s.rolling.last_30d, zone);
  return grid;
}

render::Grid last_24h_grid(const analytics::RollingSummary& r) {
  render::Grid grid;
  grid.title = "Last 24 h against the rolling 30 d";
  grid.columns = {{"measure", "Measure", render::CellType::string},
                  {"share_of_30d", "Share of 30 d", render::CellType::number},
                  {"ratio_to_previous_29d", "vs previous 29 d", render::CellType::number}};
  grid.rows.push_back({render::text_cell("cost"), optional_percent(r.share_of_30d_cost),
                       optional_percent(r.ratio_to_previous_29d_cost)});
  grid.rows.push_back({render::text_cell("tokens"), optional_percent(r.share_of_30d_tokens),
                       optional_percent(r.ratio_to_previous_29d_tokens)});
  return grid;
}

render::Grid daily_grid(const analytics::DailyByModel& d) {
  render::Grid grid;
  grid.title = "Daily usage by model, last 30 days";
  grid.columns = {{"date", "Date", render::CellType::string},
                  {"model", "Model", render::CellType::string},
                  {"requests", "Requests", render::CellType::integer},
                  {"total_tokens", "Tokens", render::CellType::integer},
                  {"cost_usd", "Cost (USD)", render::CellType::number}};
  for (size_t i = 0; i < d.days.size(); ++i) {
    for (size_t m = 0; m < d.models.size(); ++m) {
      const analytics::Totals& t = d.values[i][m];
      if (t.requests == 0) {
        continue;
      }
      grid.rows.push_back({render::text_cell(format_date(d.days[i])),
                           render::text_cell(d.models[m]), render::count_cell(t.requests),
                           render::count_cell(t.tokens.total()), render::usd_cell(t.cost_usd)});
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

// The chart shows cost; when nothing in the 30 days is priced, tokens.
void render_daily_chart(const analytics::DailyByModel& d, const render::RenderOptions& options,
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
  render::BarChart chart;
  chart.title = any_cost ? "Daily cost, last 30 days, stacked by model"
                         : "Daily tokens, last 30 days, stacked by model";
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
  if (any_cost) {
    chart.format_value = [](double v) { return render::format_usd(v); };
  }
  render::ChartOptions co;
  co.color = options.color;
  co.width = options.width;
  render::render_bar_chart(chart, co, out);
}

// Warnings quote model names and paths from the logs: escaped, like every table string.
void append_warnings_and_notes(const analytics::Report& report, std::string& out) {
  for (const analytics::Warning& w : report.warnings) {
    out += "! " + render::terminal_safe(w.message) + "\n";
  }
  for (const std::string& note : report.notes) {
    out += "note: " + render::terminal_safe(note) + "\n";
  }
}

}  // namespace

Result<TimeMs> view_now() {
  const char* pinned = std::getenv("TALLY_NOW");
  if (pinned == nullptr || *pinned == '\0') {
    return now_ms();
  }
  const std::optional<TimeMs> t = parse_iso8601(pinned);
  if (!t) {
    return fail(Errc::invalid_argument, fmt::format("TALLY_NOW '{}' is not an ISO-8601 time like "
                                                    "2026-11-23T14:07:00Z",
                                                    pinned));
  }
  return *t;
}

std::string render_summary(const analytics::Summary& s, const Zone& zone, render::Format format,
                           const render::RenderOptions& options) {
  std::string out;
  if (format == render::Format::json) {
    // One JSON document: the original three reports, then the rolling views.
    render::RenderOptions ro = options;
    ro.compact = false;
    std::string periods, models, projects;
    auto renderer = render::make_renderer(format, ro);
    renderer->render(s.periods, periods);
    renderer->render(s.models, models);
    renderer->render(s.projects, projects);
    std::string windows, last_24h, daily;
    render::render_grid_json(windows_grid(s, zone), false, 0, windows);
    render::render_grid_json(last_24h_grid(s.rolling), false, 0, last_24h);
    render::render_grid_json(daily_grid(s.daily), false, 0, daily);
    std::string as_of, tz;
    render::append_json_string(format_iso8601(s.now), as_of);
    render::append_json_string(zone.name(), tz);
    out = fmt::format(
        "{{\n\"periods\": {},\n\"models\": {},\n\"projects\": {},\n\"as_of\": {},\n"
        "\"timezone\": {},\n\"windows\": {},\n\"last_24h\": {},\n\"daily\": {}\n}}\n",
        periods, models, projects, as_of, tz, windows, last_24h, daily);
    return out;
  }
  if (format != render::Format::table) {
    render::make_renderer(format, options)->render(s.periods, out);
    return out;
  }
  render::render_grid_table(windows_grid(s, zone), options, out);
  const analytics::RollingSummary& r = s.rolling;
  out += fmt::format(
      "last 24 h: {} of the rolling 30 d and {} of the previous 29 d by cost "
      "({} and {} by tokens)\n",
      percent_text(r.share_of_30d_cost), percent_text(r.ratio_to_previous_29d_cost),
      percent_text(r.share_of_30d_tokens), percent_text(r.ratio_to_previous_29d_tokens));
  out += "\n";
  render_daily_chart(s.daily, options, out);
  auto renderer = render::make_renderer(format, options);
  out += "\n";
  renderer->render(s.models, out);
  out += "\n";
  renderer->render(s.projects, out);
  out += "\n";
  append_warnings_and_notes(s.periods, out);
  out +=
      "More: tally windows | blocks | concurrency | daily | sessions | models | projects   "
      "(tally --help)\n";
  return out;
}

int run_summary(const ReportOptions& options) {
  std::optional<analytics::ReportQuery> query;
  std::optional<Context> ctx;
  if (auto done = start_report(options, query, ctx, /*html_and_output=*/true)) {
    return *done;
  }
  auto now = view_now();
  if (!now) {
    return error_exit(now.error());
  }
  auto summary = analytics::build_summary(*ctx->ledger, *query, *ctx->zone, *now);
  if (!summary) {
    return error_exit(summary.error());
  }
  auto warned = analytics::add_warnings(*ctx->ledger, analytics::make_filter(*query, *ctx->zone),
                                        ctx->ingest.file_errors, summary->periods,
                                        /*pricing=*/false);
  if (!warned) {
    return error_exit(warned.error());
  }
  const Date today = ctx->zone->local_date(*now);
  auto planned = analytics::add_plan_notes(
      *ctx->ledger, ctx->plans, analytics::make_filter(*query, *ctx->zone), *ctx->zone,
      civil_from_days(days_from_civil(today) - 29), today, "last 30 days", summary->periods);
  if (!planned) {
    return error_exit(planned.error());
  }
  const render::Format format = format_of(options);
  if (format == render::Format::html) {
    return write_html_dashboard(*ctx, *query, *summary, *now, options);
  }
  const int status =
      deliver(options, render_summary(*summary, *ctx->zone, format, render_options(options)));
  if (format == render::Format::csv) {
    warnings_to_stderr(summary->periods);
  }
  return status;
}

std::string render_grid_view(const render::Grid& grid, std::string_view key, TimeMs now,
                             const Zone& zone, render::Format format,
                             const render::RenderOptions& options, std::string_view note) {
  std::string out;
  if (format == render::Format::json) {
    std::string body;
    render::render_grid_json(grid, options.compact, options.compact ? 0 : 1, body);
    std::string as_of, tz;
    render::append_json_string(format_iso8601(now), as_of);
    render::append_json_string(zone.name(), tz);
    out = render::json_object({{"as_of", as_of}, {"timezone", tz}, {std::string(key), body}},
                              options.compact);
    out += "\n";
  } else if (format == render::Format::csv) {
    render::render_grid_csv(grid, out);
  } else {
    render::render_grid_table(grid, options, out);
    out += fmt::format("note: as of {} ({}){}\n", analytics::format_local_time(now, zone),
                       zone.name(), note);
  }
  return out;
}

}  // namespace tally::cli
