#include "analytics/outcomes.h"

#include <algorithm>
#include <map>

#include "analytics/session_list.h"

namespace tally::analytics {
namespace {

void add_commit(OutcomeRow& row, const CommitOutcome& c) {
  if (!c.counted()) {
    return;
  }
  ++row.commits;
  row.lines_added += c.lines_added;
  row.lines_removed += c.lines_removed;
  row.reusable_lines +=
      c.class_lines.test + c.class_lines.instructions + c.class_lines.harness + c.class_lines.ci;
  if (c.merged()) {
    ++row.merged;
    row.merged_lines_added += c.lines_added;
    row.merged_lines_removed += c.lines_removed;
  }
}

void add_row(OutcomeRow& into, const OutcomeRow& r) {
  into.cost_usd += r.cost_usd;
  into.unpriced = into.unpriced || r.unpriced;
  into.tokens += r.tokens;
  into.requests += r.requests;
  into.commits += r.commits;
  into.merged += r.merged;
  into.lines_added += r.lines_added;
  into.lines_removed += r.lines_removed;
  into.merged_lines_added += r.merged_lines_added;
  into.merged_lines_removed += r.merged_lines_removed;
  into.reusable_lines += r.reusable_lines;
  into.unchecked += r.unchecked;
  into.pull_requests.insert(into.pull_requests.end(), r.pull_requests.begin(),
                            r.pull_requests.end());
  into.pull_requests_merged += r.pull_requests_merged;
  into.loop_tokens += r.loop_tokens;
  into.tail_tokens += r.tail_tokens;
  into.tail_cost += r.tail_cost;
}

// Splits the session tree's records into loops: each commit (by its log line's time) gets
// the records after the previous commit's, the tail the rest.
Status add_loops(store::Ledger& ledger, OutcomeRow& row) {
  if (row.commit_list.empty()) {
    row.tail_tokens = row.tokens;  // no commit: all of it is tail (as far as the range goes)
    row.tail_cost = row.cost_usd;
    return ok();
  }
  store::RecordFilter filter;
  filter.agent = row.agent;
  filter.root_session = row.session_id;
  auto events = ledger.events(filter);
  TALLY_TRY(events);
  std::vector<CommitOutcome*> order;
  for (CommitOutcome& c : row.commit_list) {
    order.push_back(&c);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const CommitOutcome* a, const CommitOutcome* b) { return a->ts < b->ts; });
  for (const store::UsageEvent& e : *events) {
    auto it = std::lower_bound(order.begin(), order.end(), e.ts,
                               [](const CommitOutcome* c, TimeMs ts) { return c->ts < ts; });
    if (it == order.end()) {
      row.tail_tokens += e.tokens.total();
      row.tail_cost += e.cost_usd;
    } else {
      (*it)->tokens_since_previous += e.tokens.total();
      (*it)->cost_since_previous += e.cost_usd;
    }
  }
  for (const CommitOutcome& c : row.commit_list) {
    if (c.counted() && c.merged()) {
      row.loop_tokens += c.tokens_since_previous;
    }
  }
  return ok();
}

std::string group_key(const OutcomeRow& r, OutcomeGrouping by, const Zone& zone) {
  switch (by) {
    case OutcomeGrouping::session:
      return r.session_id;
    case OutcomeGrouping::project:
      return r.project;
    case OutcomeGrouping::agent:
      return std::string(agent_name(r.agent));
    case OutcomeGrouping::day:
      return format_date(zone.local_date(r.first_ts));
    case OutcomeGrouping::week: {
      const Date d = zone.local_date(r.first_ts);
      return format_date(civil_from_days(days_from_civil(d) - (iso_weekday(d) - 1)));
    }
    case OutcomeGrouping::month: {
      const Date d = zone.local_date(r.first_ts);
      return format_date(Date{d.year, d.month, 1}).substr(0, 7);
    }
  }
  return r.session_id;
}

}  // namespace

std::optional<OutcomeGrouping> parse_outcome_grouping(std::string_view name) {
  for (auto [text, by] : {std::pair{"session", OutcomeGrouping::session},
                          {"project", OutcomeGrouping::project},
                          {"agent", OutcomeGrouping::agent},
                          {"day", OutcomeGrouping::day},
                          {"week", OutcomeGrouping::week},
                          {"month", OutcomeGrouping::month}}) {
    if (name == text) {
      return by;
    }
  }
  return std::nullopt;
}

OutcomeReport group_outcomes(OutcomeReport report, OutcomeGrouping by, const Zone& zone) {
  if (by == OutcomeGrouping::session) {
    return report;
  }
  std::map<std::string, OutcomeRow> groups;
  for (OutcomeRow& r : report.rows) {
    const std::string key = group_key(r, by, zone);
    auto [it, inserted] = groups.try_emplace(key);
    OutcomeRow& g = it->second;
    if (inserted) {
      g.session_id = key;
      g.short_id = key;
      g.agent = r.agent;
      g.first_ts = r.first_ts;
      g.last_ts = r.last_ts;
    }
    g.first_ts = std::min(g.first_ts, r.first_ts);
    g.last_ts = std::max(g.last_ts, r.last_ts);
    add_row(g, r);
    g.commit_list.insert(g.commit_list.end(), r.commit_list.begin(), r.commit_list.end());
  }
  static constexpr std::string_view kNames[] = {"session", "project", "agent",
                                                "day",     "week",    "month"};
  report.key_name = std::string(kNames[static_cast<int>(by)]);
  report.rows.clear();
  for (auto& [key, g] : groups) {
    report.rows.push_back(std::move(g));
  }
  return report;
}

Result<OutcomeReport> build_outcome_report(store::Ledger& ledger, const store::RecordFilter& filter,
                                           const std::vector<SessionFacts>& facts,
                                           std::vector<SessionOutcome> found,
                                           std::vector<OutcomeWarning> warnings) {
  store::GroupBy by;
  by.agent = true;
  by.root_session = true;
  auto rows = ledger.aggregate(filter, by);
  TALLY_TRY(rows);
  std::map<std::pair<Agent, std::string>, OutcomeRow> sessions;
  for (const store::AggregateRow& a : *rows) {
    OutcomeRow& r = sessions[{a.agent, a.session}];
    if (r.requests == 0) {
      r.agent = a.agent;
      r.session_id = a.session;
      r.first_ts = a.first_ts;
      r.last_ts = a.last_ts;
    }
    r.first_ts = std::min(r.first_ts, a.first_ts);
    r.last_ts = std::max(r.last_ts, a.last_ts);
    r.cost_usd += a.cost_usd;
    r.unpriced = r.unpriced || a.cost_source == CostSource::unpriced;
    r.tokens += a.tokens.total();
    r.requests += a.requests;
  }
  std::vector<std::string> ids;
  for (const auto& [key, row] : sessions) {
    ids.push_back(key.second);
  }
  for (const SessionFacts& f : facts) {
    if (!f.parent_session_id.empty()) {
      continue;
    }
    ids.push_back(f.session_id);
    auto it = sessions.find({f.agent, f.session_id});
    if (it != sessions.end()) {
      if (it->second.project.empty()) {
        it->second.project = f.project;
      }
      if (it->second.title.empty()) {
        it->second.title = f.title;
      }
    }
  }
  const ShortIds short_ids(std::move(ids));
  for (auto& [key, row] : sessions) {
    row.short_id = short_ids.of(key.second);
  }
  OutcomeReport report;
  std::vector<std::string> in_range;
  for (SessionOutcome& s : found) {
    auto it = sessions.find({s.agent, s.session_id});
    if (it == sessions.end()) {
      continue;  // no records in the range
    }
    in_range.push_back(s.session_id);
    for (const CommitOutcome& c : s.commits) {
      add_commit(it->second, c);
    }
    it->second.unchecked = s.unchecked;
    for (const PullRequestOutcome& pr : s.pull_requests) {
      it->second.pull_requests_merged += pr.merged.value_or(false) ? 1 : 0;
    }
    it->second.pull_requests = std::move(s.pull_requests);
    it->second.commit_list = std::move(s.commits);
    TALLY_TRY(add_loops(ledger, it->second));
  }
  for (auto& [key, row] : sessions) {
    if (row.commit_list.empty()) {
      TALLY_TRY(add_loops(ledger, row));
    }
    if (row.no_yield()) {
      ++report.sessions_no_yield;
      report.cost_no_yield += row.cost_usd;
    }
    add_row(report.total, row);
    report.rows.push_back(std::move(row));
  }
  std::stable_sort(report.rows.begin(), report.rows.end(),
                   [](const OutcomeRow& a, const OutcomeRow& b) { return a.first_ts < b.first_ts; });
  report.sessions = static_cast<std::int64_t>(report.rows.size());
  for (OutcomeWarning& w : warnings) {
    if (std::find(in_range.begin(), in_range.end(), w.session_id) != in_range.end()) {
      report.warnings.push_back(std::move(w));
    }
  }
  return report;
}

}  // namespace tally::analytics
