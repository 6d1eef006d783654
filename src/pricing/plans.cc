#include "pricing/plans.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "pricing/model_lookup.h"
#include "pricing/toml_row.h"

namespace tally::pricing {
namespace {

Unexpected parse_fail(std::string_view source, const toml::node& node, std::string_view what) {
  return fail(Errc::parse, fmt::format("{}{}", detail::where(source, node), what));
}

// toml++ reports syntax errors by exception; they stop here.
Result<toml::table> parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(Errc::parse,
                fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
}

// A monthly price: a TOML integer or float, finite and >= 0.
Result<double> price(std::string_view source, std::string_view name, const toml::node& node) {
  if (!node.is_number()) {
    return parse_fail(source, node, fmt::format("'{}' must be a monthly price in USD", name));
  }
  const double usd = node.value<double>().value_or(-1.0);
  if (!std::isfinite(usd) || usd < 0) {
    return parse_fail(source, node,
                      fmt::format("'{}' must be a monthly price >= 0, got {}", name, usd));
  }
  return usd;
}

Result<std::string> text(std::string_view source, std::string_view name, const toml::node& node) {
  if (!node.is_string()) {
    return parse_fail(source, node, fmt::format("'{}' must be a string", name));
  }
  return std::string(node.value<std::string_view>().value_or(""));
}

std::string custom_label(double monthly_usd) {
  return fmt::format("custom ${}/month", monthly_usd);
}

// How a plan is named in messages: its key, or its label for a custom price.
std::string describe(const Plan& plan) { return plan.key == "custom" ? plan.label : plan.key; }

Result<Plan> plan_from_table(std::string_view source, const toml::table& table) {
  Plan plan;
  bool has_key = false;
  bool has_agent = false;
  bool has_price = false;
  for (const auto& [k, v] : table) {
    const std::string_view field = k.str();
    if (field == "key") {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      plan.key = ascii_lower(*s);
      has_key = !plan.key.empty();
    } else if (field == "agent") {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      const std::optional<Agent> agent = parse_agent(ascii_lower(*s));
      if (!agent) {
        return parse_fail(source, v,
                          fmt::format("unknown agent '{}' (expected {})", *s, agent_names(" or ")));
      }
      plan.agent = *agent;
      has_agent = true;
    } else if (field == "monthly_usd") {
      auto usd = price(source, field, v);
      if (!usd) {
        return Unexpected{usd.error()};
      }
      plan.monthly_usd = *usd;
      has_price = true;
    } else if (field == "label") {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      plan.label = std::move(*s);
    } else if (field == "since") {
      auto d = detail::date_from_toml(source, field, v);
      if (!d) {
        return Unexpected{d.error()};
      }
      plan.since = *d;
    } else {
      return parse_fail(source, v, fmt::format("unknown field '{}'", field));
    }
  }
  if (!has_key || !has_agent || !has_price) {
    return parse_fail(source, table, "each [[plan]] needs key, agent and monthly_usd");
  }
  if (plan.label.empty()) {
    plan.label = plan.key;
  }
  return plan;
}

// The keys of `known`, sorted, for "unknown plan" messages.
std::string known_keys(std::span<const Plan> known) {
  std::vector<std::string_view> keys;
  keys.reserve(known.size());
  for (const Plan& plan : known) {
    keys.push_back(plan.key);
  }
  std::sort(keys.begin(), keys.end());
  return fmt::format("{}", fmt::join(keys, ", "));
}

// The plans a config chooses, at most one per agent.
class Chosen {
 public:
  Chosen(std::string_view source, std::span<const Plan> known) : source_(source), known_(known) {}

  // Adds the table plan named by the string `node`. When `agent` is set (a [plans] entry),
  // the plan must cover it.
  Status add_named(const toml::node& node, std::string_view what, std::optional<Agent> agent) {
    auto name = text(source_, what, node);
    if (!name) {
      return Unexpected{name.error()};
    }
    const std::string key = ascii_lower(*name);
    const auto it =
        std::find_if(known_.begin(), known_.end(), [&key](const Plan& p) { return p.key == key; });
    if (it == known_.end()) {
      return parse_fail(source_, node,
                        fmt::format("unknown plan '{}' (known: {}; or give a monthly price in "
                                    "[plans])",
                                    *name, known_keys(known_)));
    }
    if (agent && it->agent != *agent) {
      return parse_fail(source_, node,
                        fmt::format("plan '{}' covers {}, not {}", it->key, agent_name(it->agent),
                                    agent_name(*agent)));
    }
    return add(*it, node);
  }

  // Adds `plan`; fails when its agent already has one.
  Status add(Plan plan, const toml::node& node) {
    for (const Plan& p : plans_) {
      if (p.agent == plan.agent) {
        return parse_fail(source_, node,
                          fmt::format("agent '{}' has two plans: '{}' and '{}'",
                                      agent_name(plan.agent), describe(p), describe(plan)));
      }
    }
    plans_.push_back(std::move(plan));
    return ok();
  }

  std::vector<Plan> take() && {
    std::stable_sort(plans_.begin(), plans_.end(),
                     [](const Plan& a, const Plan& b) { return a.agent < b.agent; });
    return std::move(plans_);
  }

 private:
  std::string_view source_;
  std::span<const Plan> known_;
  std::vector<Plan> plans_;
};

// `plan = "key"` or `plan = ["key", ...]`.
Status read_plan_key(const toml::node& node, Chosen& chosen, std::string_view source) {
  if (node.is_string()) {
    return chosen.add_named(node, "plan", std::nullopt);
  }
  if (const toml::array* names = node.as_array()) {
    for (const toml::node& name : *names) {
      TALLY_TRY(chosen.add_named(name, "plan", std::nullopt));
    }
    return ok();
  }
  return parse_fail(source, node, "'plan' must be a plan name or a list of plan names");
}

// A custom plan from `{ monthly_usd = 19.99, label = "..." }`.
Result<Plan> custom_plan(std::string_view source, std::string_view what, Agent agent,
                         const toml::table& table) {
  Plan plan;
  plan.key = "custom";
  plan.agent = agent;
  bool has_price = false;
  for (const auto& [k, v] : table) {
    const std::string field = fmt::format("{}.{}", what, k.str());
    if (k.str() == "monthly_usd") {
      auto usd = price(source, field, v);
      if (!usd) {
        return Unexpected{usd.error()};
      }
      plan.monthly_usd = *usd;
      has_price = true;
    } else if (k.str() == "label") {
      auto s = text(source, field, v);
      if (!s) {
        return Unexpected{s.error()};
      }
      plan.label = std::move(*s);
    } else {
      return parse_fail(source, v,
                        fmt::format("unknown field '{}' (expected monthly_usd, label)", field));
    }
  }
  if (!has_price) {
    return parse_fail(source, table, fmt::format("'{}' needs monthly_usd", what));
  }
  if (plan.label.empty()) {
    plan.label = custom_label(plan.monthly_usd);
  }
  return plan;
}

// The [plans] table: one entry per agent.
Status read_plans_table(const toml::node& node, Chosen& chosen, std::string_view source) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return parse_fail(source, node, "[plans] must be a table of agent = plan");
  }
  for (const auto& [k, v] : *table) {
    const std::string what = fmt::format("plans.{}", k.str());
    const std::optional<Agent> agent = parse_agent(ascii_lower(k.str()));
    if (!agent) {
      return parse_fail(
          source, v,
          fmt::format("unknown agent '{}' in [plans] (expected {})", k.str(), agent_names(" or ")));
    }
    if (v.is_string()) {
      TALLY_TRY(chosen.add_named(v, what, agent));
    } else if (v.is_number()) {
      auto usd = price(source, what, v);
      if (!usd) {
        return Unexpected{usd.error()};
      }
      TALLY_TRY(chosen.add(Plan{"custom", custom_label(*usd), *agent, *usd, std::nullopt}, v));
    } else if (const toml::table* custom = v.as_table()) {
      auto plan = custom_plan(source, what, *agent, *custom);
      if (!plan) {
        return Unexpected{plan.error()};
      }
      TALLY_TRY(chosen.add(std::move(*plan), v));
    } else {
      return parse_fail(source, v,
                        fmt::format("'{}' must be a plan name, a monthly price in USD or "
                                    "{{ monthly_usd = ..., label = \"...\" }}",
                                    what));
    }
  }
  return ok();
}

}  // namespace

Result<std::vector<Plan>> parse_plan_table(std::string_view text, std::string_view source) {
  auto root = parse_toml(text, source);
  if (!root) {
    return Unexpected{root.error()};
  }
  std::vector<Plan> plans;
  for (const auto& [k, v] : *root) {
    if (k.str() != "plan") {
      return parse_fail(
          source, v, fmt::format("unknown top-level key '{}' (expected [[plan]] tables)", k.str()));
    }
    const toml::array* rows = v.as_array();
    if (rows == nullptr) {
      return parse_fail(source, v, "'plan' must be an array of tables ([[plan]])");
    }
    for (const toml::node& node : *rows) {
      const toml::table* table = node.as_table();
      if (table == nullptr) {
        return parse_fail(source, node, "each [[plan]] must be a table");
      }
      auto plan = plan_from_table(source, *table);
      if (!plan) {
        return Unexpected{plan.error()};
      }
      for (const Plan& earlier : plans) {
        if (earlier.key == plan->key) {
          return parse_fail(source, node, fmt::format("plan '{}' given twice", plan->key));
        }
      }
      plans.push_back(std::move(*plan));
    }
  }
  return plans;
}

Result<std::vector<Plan>> builtin_plans() {
  return parse_plan_table(builtin_plan_text(), "data/plans.toml");
}

Result<std::vector<Plan>> parse_plans_config(std::string_view toml_text, std::string_view source,
                                             std::span<const Plan> known) {
  auto root = parse_toml(toml_text, source);
  if (!root) {
    return Unexpected{root.error()};
  }
  Chosen chosen(source, known);
  if (const toml::node* plan = root->get("plan")) {
    TALLY_TRY(read_plan_key(*plan, chosen, source));
  }
  if (const toml::node* plans = root->get("plans")) {
    TALLY_TRY(read_plans_table(*plans, chosen, source));
  }
  return std::move(chosen).take();
}

Result<std::vector<Plan>> parse_plans_config(std::string_view toml_text, std::string_view source) {
  auto known = builtin_plans();
  if (!known) {
    return Unexpected{known.error()};
  }
  return parse_plans_config(toml_text, source, *known);
}

}  // namespace tally::pricing
