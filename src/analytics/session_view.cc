#include "analytics/session_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace tally::analytics {
namespace {

Instant at(TimeMs ms, const Zone* zone) {
  return Instant{ms, zone != nullptr && ms != 0 ? zone->utc_offset(ms) : 0};
}

const std::string& root_of(const SessionFacts& f) {
  return f.parent_session_id.empty() ? f.session_id : f.parent_session_id;
}

Totals totals_of(const store::UsageEvent& e) {
  Totals t;
  t.requests = 1;
  t.fast_requests = e.fast_mode ? 1 : 0;
  t.tokens = e.tokens;
  t.cost_usd = e.cost_usd;
  t.standard_cost_usd = e.standard_cost_usd;
  t.cost_source = e.cost_source;
  t.unpriced_requests = e.cost_source == CostSource::unpriced ? 1 : 0;
  t.reported_requests = e.cost_source == CostSource::agent_reported ? 1 : 0;
  return t;
}

// Sorted timestamps -> active time and gaps (see the essay in the header).
void measure_activity(std::vector<TimeMs> times, const SessionViewOptions& options,
                      const Zone* zone, SessionAnatomy& out) {
  std::erase(times, TimeMs{0});
  std::sort(times.begin(), times.end());
  if (times.empty()) {
    return;
  }
  out.start = at(times.front(), zone);
  out.end = at(times.back(), zone);
  std::vector<SessionGap> gaps;
  for (size_t i = 1; i < times.size(); ++i) {
    const std::int64_t step = times[i] - times[i - 1];
    if (step > options.idle_limit_ms) {
      gaps.push_back(SessionGap{at(times[i - 1], zone), at(times[i], zone)});
      out.gap_total_ms += step;
    } else {
      out.active_ms += step;
    }
  }
  out.gap_count = static_cast<std::int64_t>(gaps.size());
  std::stable_sort(gaps.begin(), gaps.end(), [](const SessionGap& a, const SessionGap& b) {
    return a.duration_ms() > b.duration_ms();
  });
  if (gaps.size() > options.max_gaps) {
    gaps.resize(options.max_gaps);
  }
  out.gaps = std::move(gaps);
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    out += out.empty() ? "" : ", ";
    out += n;
  }
  return out;
}

}  // namespace

Result<SessionFacts> resolve_session(const std::string& prefix,
                                     const std::vector<SessionFacts>& candidates) {
  // Roots by (agent, id); a match on a sub-agent stands for its root.
  std::map<std::pair<Agent, std::string>, const SessionFacts*> roots;
  std::set<std::pair<Agent, std::string>> wanted;
  for (const SessionFacts& f : candidates) {
    if (!f.session_id.starts_with(prefix)) {
      continue;
    }
    if (f.session_id == prefix) {
      wanted = {{f.agent, root_of(f)}};
      break;
    }
    wanted.emplace(f.agent, root_of(f));
  }
  for (const SessionFacts& f : candidates) {
    if (f.parent_session_id.empty()) {
      roots.emplace(std::make_pair(f.agent, f.session_id), &f);
    }
  }
  if (wanted.empty()) {
    return fail(
        Errc::not_found,
        fmt::format("no session id starts with '{}' (`tally sessions` lists them)", prefix));
  }
  if (wanted.size() > 1) {
    std::string list;
    size_t shown = 0;
    for (const auto& [agent, id] : wanted) {
      if (++shown > 10) {
        list += fmt::format("\n  ... and {} more", wanted.size() - 10);
        break;
      }
      list += fmt::format("\n  {} ({})", id, agent_name(agent));
    }
    return fail(Errc::invalid_argument,
                fmt::format("'{}' matches {} sessions; give more of the id:{}", prefix,
                            wanted.size(), list));
  }
  const auto& [agent, id] = *wanted.begin();
  auto it = roots.find({agent, id});
  if (it != roots.end()) {
    return *it->second;
  }
  // Only a sub-agent of this root was read (the parent's file is gone): a bare root.
  SessionFacts bare;
  bare.agent = agent;
  bare.session_id = id;
  return bare;
}

SessionAnatomy assemble_anatomy(const SessionFacts& root, const std::vector<SessionFacts>& subs,
                                const std::vector<store::UsageEvent>& events,
                                const SessionViewOptions& options, const Zone* zone) {
  SessionAnatomy a;
  a.agent = root.agent;
  a.session_id = root.session_id;
  a.project = root.project;
  a.title = root.title;
  a.zone = zone != nullptr ? zone->name() : "UTC";
  a.idle_limit_ms = options.idle_limit_ms;
  a.facts = root;
  for (const SessionFacts& s : subs) {
    merge_session_facts(a.facts, s);
  }
  a.facts.user_prompts = root.user_prompts;
  a.facts.commands = root.commands;
  a.facts.parent_session_id.clear();

  std::vector<TimeMs> times = {root.first_ts, root.last_ts};
  std::map<std::pair<std::string, std::string>, ModelUse> models;
  std::map<std::string, SubAgentUse> sub_uses;
  std::map<std::string, std::set<std::string>> sub_models;
  std::map<std::string, std::int64_t> unpriced;
  for (const store::UsageEvent& e : events) {
    const Totals t = totals_of(e);
    times.push_back(e.ts);
    a.totals.add(t);
    if (e.kind == RecordKind::response) {
      ++a.responses;
    } else {
      ++a.unlogged;
    }
    ModelUse& m = models[{e.model, e.effort}];
    m.model = e.model;
    m.effort = e.effort;
    m.totals.add(t);
    if (e.cost_source == CostSource::unpriced) {
      ++unpriced[e.model];
    }
    if (e.session_id == root.session_id) {
      a.own_totals.add(t);
      continue;
    }
    SubAgentUse& sub = sub_uses[e.session_id];
    sub.session_id = e.session_id;
    sub.totals.add(t);
    sub_models[e.session_id].insert(e.model);
    if (sub.start.ms == 0 || e.ts < sub.start.ms) {
      sub.start = at(e.ts, zone);
    }
    if (e.ts > sub.end.ms) {
      sub.end = at(e.ts, zone);
    }
  }
  for (const SessionFacts& s : subs) {
    times.push_back(s.first_ts);
    times.push_back(s.last_ts);
    SubAgentUse& sub = sub_uses[s.session_id];
    sub.session_id = s.session_id;
    for (const auto& [name, count] : s.tool_calls) {
      sub.tool_calls += count;
    }
    if (s.first_ts != 0 && (sub.start.ms == 0 || s.first_ts < sub.start.ms)) {
      sub.start = at(s.first_ts, zone);
    }
    if (s.last_ts > sub.end.ms) {
      sub.end = at(s.last_ts, zone);
    }
  }
  measure_activity(std::move(times), options, zone, a);

  for (auto& [key, m] : models) {
    a.models.push_back(std::move(m));
  }
  std::stable_sort(a.models.begin(), a.models.end(), [](const ModelUse& x, const ModelUse& y) {
    return x.totals.cost_usd > y.totals.cost_usd;
  });
  for (auto& [id, sub] : sub_uses) {
    sub.models = join(sub_models[id]);
    a.subagents.push_back(std::move(sub));
  }
  std::stable_sort(
      a.subagents.begin(), a.subagents.end(),
      [](const SubAgentUse& x, const SubAgentUse& y) { return x.start.ms < y.start.ms; });
  if (root.user_prompts > 0) {
    a.cost_per_prompt = a.totals.cost_usd / static_cast<double>(root.user_prompts);
  }
  for (const auto& [model, count] : unpriced) {
    a.warnings.push_back(
        Warning{"unpriced-model",
                fmt::format("{} record(s) of model '{}' have no price: the cost counts them as $0",
                            count, model.empty() ? "(unknown)" : model),
                "", 0});
  }
  if (a.facts.files_touched_more > 0) {
    a.warnings.push_back(
        Warning{"files-capped",
                fmt::format("edits touched {} more file(s) than the {} listed",
                            a.facts.files_touched_more, a.facts.files_touched.size()),
                "", 0});
  }
  return a;
}

Result<SessionAnatomy> build_session_anatomy(store::Ledger& ledger, const std::string& prefix,
                                             const SessionViewOptions& options, const Zone* zone) {
  if (prefix.empty()) {
    return fail(Errc::invalid_argument, "a session id (or the start of one) is required");
  }
  auto candidates = ledger.sessions(prefix);
  TALLY_TRY(candidates);
  if (options.agent) {
    std::erase_if(*candidates, [&](const SessionFacts& f) { return f.agent != *options.agent; });
  }
  auto root = resolve_session(prefix, *candidates);
  TALLY_TRY(root);
  store::RecordFilter filter;
  filter.agent = root->agent;
  filter.session = root->session_id;
  auto events = ledger.events(filter);
  TALLY_TRY(events);
  // The prefix filter on events also matches longer ids that merely start like this one;
  // keep the tree only.
  std::erase_if(*events, [&](const store::UsageEvent& e) {
    return e.session_id != root->session_id && e.root_session != root->session_id;
  });
  // Sub-agents: Claude's ids extend the parent's (`<sid>/agent-<id>`); Codex gives them ids
  // of their own, found through their records' root session.
  std::set<std::string> sub_ids;
  auto family = ledger.sessions(root->session_id);
  TALLY_TRY(family);
  for (const SessionFacts& f : *family) {
    if (f.agent == root->agent && f.parent_session_id == root->session_id) {
      sub_ids.insert(f.session_id);
    }
  }
  for (const store::UsageEvent& e : *events) {
    if (e.session_id != root->session_id) {
      sub_ids.insert(e.session_id);
    }
  }
  std::vector<SessionFacts> subs;
  for (const std::string& id : sub_ids) {
    auto facts = ledger.sessions(id);
    TALLY_TRY(facts);
    for (SessionFacts& f : *facts) {
      if (f.agent == root->agent && f.session_id == id) {
        subs.push_back(std::move(f));
      }
    }
  }
  return assemble_anatomy(*root, subs, *events, options, zone);
}

}  // namespace tally::analytics
