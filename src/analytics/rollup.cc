#include "analytics/rollup.h"

#include "analytics/session_list.h"
#include "pricing/model_lookup.h"
#include "sources/git_worktree.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace tally::analytics {
namespace {

constexpr std::int64_t kWarningLines = 10;

// One agent and model within a group.
struct Share {
  Agent agent;
  std::string model;
  Totals totals;
};

struct Accumulator {
  std::vector<std::pair<std::string, std::string>> keys;
  std::set<std::string, std::less<>> worktrees;  // project rows: worktree paths rolled in
  // The group's usage per agent and model; the group's totals are their sum, so that a
  // breakdown adds up to its row exactly. A group holds a handful of models: a linear search
  // finds one without building a key per ledger row.
  std::vector<Share> shares;
  TimeMs last_ts = 0;

  Totals& share(Agent agent, const std::string& model) {
    for (Share& s : shares) {
      if (s.agent == agent && s.model == model) {
        return s.totals;
      }
    }
    shares.push_back(Share{agent, model, {}});
    return shares.back().totals;
  }
};

std::string join(const std::set<std::string, std::less<>>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (s.empty()) {
      continue;
    }
    out += out.empty() ? "" : ",";
    out += s;
  }
  return out;
}

Date add_days(const Date& d, long n) { return civil_from_days(days_from_civil(d) + n); }

// Orders `shares` costliest first (then most tokens, then by agent and model) and returns
// their sum, added in that order: the order a reader of the breakdown adds them in.
Totals sum_shares(std::vector<Share>& shares) {
  std::sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) {
    if (a.totals.cost_usd != b.totals.cost_usd) {
      return a.totals.cost_usd > b.totals.cost_usd;
    }
    if (a.totals.tokens.total() != b.totals.tokens.total()) {
      return a.totals.tokens.total() > b.totals.tokens.total();
    }
    return std::pair(agent_name(a.agent), std::string_view(a.model)) <
           std::pair(agent_name(b.agent), std::string_view(b.model));
  });
  Totals sum;
  for (const Share& s : shares) {
    sum.add(s.totals);
  }
  return sum;
}

}  // namespace

Totals totals_of(const store::AggregateRow& row, bool standard_speed) {
  Totals t;
  t.requests = row.requests;
  t.fast_requests = row.fast_requests;
  t.tokens = row.tokens;
  t.cost_usd = standard_speed ? row.standard_cost_usd : row.cost_usd;
  t.standard_cost_usd = row.standard_cost_usd;
  t.cost_source = row.cost_source;
  if (row.cost_source == CostSource::unpriced) {
    t.unpriced_requests = row.requests;
  } else if (row.cost_source == CostSource::agent_reported) {
    t.reported_requests = row.requests;
  }
  return t;
}

store::RecordFilter make_filter(const ReportQuery& query, const Zone& zone) {
  store::RecordFilter f;
  if (query.exact) {
    f.since = query.since_ms;
    f.until = query.until_ms;
  } else {
    if (query.since) {
      f.since = zone.start_of(*query.since);
    }
    if (query.until) {
      f.until = zone.start_of(add_days(*query.until, 1));
    }
  }
  f.agent = query.agent;
  f.project = query.project;
  f.session = query.session;
  return f;
}

Result<Report> build_report(store::Ledger& ledger, Grouping grouping, const ReportQuery& query,
                            const Zone& zone) {
  store::GroupBy group;
  group.agent = true;
  group.model = true;
  Report report;
  switch (grouping) {
    case Grouping::day:
      group.time_bucket = true;
      report.title = "Daily usage";
      report.key_names = {"date"};
      break;
    case Grouping::week:
      group.time_bucket = true;
      report.title = "Weekly usage (weeks start on Monday)";
      report.key_names = {"week"};
      break;
    case Grouping::month:
      group.time_bucket = true;
      report.title = "Monthly usage";
      report.key_names = {"month"};
      break;
    case Grouping::session:
      group.root_session = true;
      group.project = true;
      report.title = "Usage by session (sub-agents included)";
      report.key_names = {"session_id", "project", "last_activity"};
      break;
    case Grouping::model:
      report.title = "Usage by model";
      report.key_names = {};
      break;
    case Grouping::project:
      group.project = true;
      report.title = "Usage by project";
      report.key_names = {"project"};
      break;
  }
  if (group.time_bucket) {
    // Days, weeks and months are made of local days: the ledger may sum a day's quarter
    // hours before they reach here (a row per day and model, not per quarter hour).
    group.local_days = zone;
  }
  const store::RecordFilter filter = make_filter(query, zone);
  auto rows = ledger.aggregate(filter, group);
  TALLY_TRY(rows);

  // Local day per bucket (a quarter hour, or a day's start), computed once per bucket.
  std::map<std::int64_t, Date> day_of_bucket;
  auto local_day = [&](std::int64_t bucket) {
    auto it = day_of_bucket.find(bucket);
    if (it == day_of_bucket.end()) {
      it = day_of_bucket.emplace(bucket, zone.local_date(bucket)).first;
    }
    return it->second;
  };

  // A linked worktree's directory rolls into its repository (sources/git_worktree.h).
  sources::ProjectRoots roots;
  auto project_of = [&](const std::string& path) -> const std::string& { return roots.of(path); };

  std::map<std::vector<std::string>, Accumulator> groups;
  // A daily report sees thousands of rollup rows but a few dozen groups: the group of a
  // time bucket is found once per bucket, not once per row.
  std::unordered_map<std::int64_t, Accumulator*> group_of_bucket;
  const bool by_time = group.time_bucket;
  auto group_of = [&](const store::AggregateRow& row) -> Accumulator& {
    if (by_time) {
      if (auto it = group_of_bucket.find(row.bucket); it != group_of_bucket.end()) {
        return *it->second;
      }
    }
    std::vector<std::pair<std::string, std::string>> keys;
    switch (grouping) {
      case Grouping::day:
        keys = {{"date", format_date(local_day(row.bucket))}};
        break;
      case Grouping::week: {
        const Date d = local_day(row.bucket);
        keys = {{"week", format_date(add_days(d, -static_cast<long>(iso_weekday(d) - 1)))}};
        break;
      }
      case Grouping::month: {
        const Date d = local_day(row.bucket);
        keys = {{"month", fmt::format("{:04}-{:02}", d.year, d.month)}};
        break;
      }
      case Grouping::session:
        keys = {{"session_id", row.session}, {"project", row.project}};
        break;
      case Grouping::model:
        keys = {{"agent", std::string(agent_name(row.agent))}, {"model", row.model}};
        break;
      case Grouping::project:
        keys = {{"project", project_of(row.project)}};
        break;
    }
    std::vector<std::string> id;
    for (const auto& kv : keys) {
      id.push_back(kv.second);
    }
    Accumulator& acc = groups[id];
    if (grouping != Grouping::model) {
      acc.keys = std::move(keys);
    }
    if (by_time) {
      group_of_bucket.emplace(row.bucket, &acc);
    }
    return acc;
  };
  for (const store::AggregateRow& row : *rows) {
    Accumulator& acc = group_of(row);
    acc.share(row.agent, row.model).add(totals_of(row, query.standard_speed));
    acc.last_ts = std::max(acc.last_ts, row.last_ts);
    if (grouping == Grouping::project && project_of(row.project) != row.project) {
      acc.worktrees.insert(row.project);
    }
  }

  for (auto& [id, acc] : groups) {
    ReportRow r;
    r.keys = acc.keys;
    if (grouping == Grouping::session) {
      r.keys.emplace_back("last_activity", format_date(zone.local_date(acc.last_ts)));
    }
    std::set<std::string, std::less<>> agents;
    std::set<std::string, std::less<>> models;
    for (const Share& s : acc.shares) {
      agents.emplace(agent_name(s.agent));
      models.insert(s.model);
    }
    r.agent = join(agents);
    r.model = join(models);
    if (r.model.empty()) {
      r.model = "(unknown)";
    }
    if (grouping == Grouping::project) {
      r.keys.emplace_back("worktrees", join(acc.worktrees));
    }
    r.totals = sum_shares(acc.shares);
    if (query.breakdown) {
      for (Share& s : acc.shares) {
        r.breakdown.push_back(ModelShare{std::string(agent_name(s.agent)),
                                         s.model.empty() ? "(unknown)" : std::move(s.model),
                                         s.totals});
      }
    }
    report.totals.add(r.totals);
    report.rows.push_back(std::move(r));
  }
  report.breakdown = query.breakdown;
  if (grouping == Grouping::project) {
    // The worktrees a row rolls in are a detail: JSON and CSV list them, the table notes them.
    report.key_names = {"project", "worktrees"};
    report.table_keys = {"project"};
    std::size_t rolled = 0;
    for (const auto& [path, repo] : roots.seen()) {
      rolled += path != repo ? 1u : 0u;
    }
    if (rolled > 0) {
      report.notes.push_back(fmt::format(
          "{} git worktree director{} counted with {} repository (JSON and CSV: worktrees)",
          rolled, rolled == 1 ? "y" : "ies", rolled == 1 ? "its" : "their"));
    }
  }
  if (grouping == Grouping::session) {
    std::stable_sort(report.rows.begin(), report.rows.end(),
                     [](const ReportRow& a, const ReportRow& b) {
                       return a.keys.back().second < b.keys.back().second;
                     });
    TALLY_TRY(add_titles_and_short_ids(ledger, report));
  } else if (grouping == Grouping::model || grouping == Grouping::project) {
    std::stable_sort(report.rows.begin(), report.rows.end(),
                     [](const ReportRow& a, const ReportRow& b) {
                       if (a.totals.cost_usd != b.totals.cost_usd) {
                         return a.totals.cost_usd > b.totals.cost_usd;
                       }
                       return a.totals.tokens.total() > b.totals.tokens.total();
                     });
  }
  // Every report's rows are split by agent, model and cost source already: the pricing
  // warnings come from them, without another pass over the ledger.
  add_pricing_warnings(*rows, report);
  report.notes.push_back(fmt::format("timezone: {}", zone.name()));
  if (query.standard_speed) {
    report.notes.push_back("what-if: fast-mode and priority requests priced at standard rates");
  }
  return report;
}

void add_pricing_warnings(const std::vector<store::AggregateRow>& rows, Report& report) {
  // Rows may be split finer (by day, project, ...): sum per agent, model and source first.
  std::map<std::tuple<Agent, std::string, CostSource>, std::pair<std::int64_t, std::int64_t>> sums;
  for (const store::AggregateRow& row : rows) {
    if (row.cost_source != CostSource::computed) {
      auto& [requests, tokens] = sums[{row.agent, row.model, row.cost_source}];
      requests += row.requests;
      tokens += row.tokens.total();
    }
  }
  for (const auto& [key, value] : sums) {
    const auto& [agent, raw_model, source] = key;
    const auto [requests, tokens] = value;
    const std::string model = raw_model.empty() ? "(unknown model)" : raw_model;
    if (source == CostSource::unpriced) {
      report.warnings.push_back(Warning{
          "unpriced-model",
          fmt::format(
              "unpriced model {} ({}): {} request{}, {} tokens not in the cost; set a price "
              "or an alias in the config",
              model, agent_name(agent), requests, requests == 1 ? "" : "s", tokens),
          "", 0});
    } else {
      report.warnings.push_back(Warning{
          "agent-reported-cost",
          fmt::format("model {} ({}) is not in the price table: its cost is the agent's own "
                      "figure ({} request{})",
                      model, agent_name(agent), requests, requests == 1 ? "" : "s"),
          "", 0});
    }
  }
}

Status add_warnings(store::Ledger& ledger, const store::RecordFilter& filter,
                    const std::vector<ParseProblem>& file_errors, Report& report, bool pricing) {
  if (pricing) {
    store::GroupBy by_model;
    by_model.agent = true;
    by_model.model = true;
    auto rows = ledger.aggregate(filter, by_model);
    TALLY_TRY(rows);
    add_pricing_warnings(*rows, report);
  }
  // Acknowledged problems (tally problems --ack) stay out until new ones appear.
  auto problems = ledger.new_problems(kWarningLines);
  TALLY_TRY(problems);
  for (const ParseProblem& p : problems->first) {
    report.warnings.push_back(Warning{"malformed-line", p.what, p.file, p.line});
  }
  if (problems->total > static_cast<std::int64_t>(problems->first.size())) {
    report.warnings.push_back(Warning{
        "malformed-line",
        fmt::format("... and {} more unusable lines (tally problems lists them all; tally "
                    "problems --ack hides them from reports)",
                    problems->total - static_cast<std::int64_t>(problems->first.size())),
        "", 0});
  }
  if (problems->acknowledged > 0) {
    report.notes.push_back(fmt::format("{} acknowledged unusable line{} not shown (tally problems)",
                                       problems->acknowledged,
                                       problems->acknowledged == 1 ? "" : "s"));
  }
  for (const ParseProblem& p : file_errors) {
    report.warnings.push_back(Warning{"unreadable-file", p.what, p.file, 0});
  }
  return ok();
}

Result<ReportQuery> parse_query(const QueryText& o) {
  ReportQuery q;
  // Relative days (today, 7d, ...) are checked here and resolved by start_report() once the
  // zone is known; dates are taken now.
  const Date any_day{2000, 1, 1};
  if (!o.since.empty()) {
    if (!parse_day(o.since, any_day)) {
      return fail(Errc::invalid_argument,
                  fmt::format("--since '{}' is not a day: {}", o.since, kDayForms));
    }
    q.since = parse_date(o.since);
  }
  if (!o.until.empty()) {
    if (!parse_day(o.until, any_day, /*last=*/true)) {
      return fail(Errc::invalid_argument,
                  fmt::format("--until '{}' is not a day: {}", o.until, kDayForms));
    }
    q.until = parse_date(o.until);
  }
  if (q.since && q.until && *q.until < *q.since) {
    return fail(Errc::invalid_argument, "--until is before --since");
  }
  if (!o.agent.empty()) {
    // Agent names are lower case; people write "Claude" (issue 17).
    q.agent = parse_agent(pricing::ascii_lower(o.agent));
    if (!q.agent) {
      return fail(Errc::invalid_argument,
                  fmt::format("--agent '{}' is not one of {}", o.agent, agent_names()));
    }
  }
  q.project = o.project;
  if (!o.speed.empty()) {
    if (o.speed != "standard") {
      return fail(Errc::invalid_argument,
                  fmt::format("--speed '{}': the only what-if speed is 'standard'", o.speed));
    }
    q.standard_speed = true;
  }
  q.breakdown = o.breakdown;
  return q;
}

}  // namespace tally::analytics
