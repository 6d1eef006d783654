#pragma once

// Subscription plans (spec rule 7): a flat monthly price that covers one agent's usage, so
// reports can set the API-equivalent cost next to what the user actually pays.
//
// The facts (key, agent, list price) live in data/plans.toml, embedded at build time like
// data/prices.toml. The user picks plans at the top level of tally's config file:
//
//   plan = "claude-max-20x"                    # one plan; its agent comes from the table
//   plan = ["claude-max-20x", "chatgpt-pro"]   # several, for different agents
//
//   [plans]                                    # or per agent:
//   claude = "claude-max-20x"                  #   a plan from the table (must cover claude)
//   codex = 200.0                              #   a custom monthly price in USD
//   gemini = { monthly_usd = 19.99, label = "Google AI Pro" }   # custom, with a label
//
// `plan` and `[plans]` may be combined, but each agent has at most one plan. The [pricing]
// table (config.h) is separate: a file may hold both, and each parser ignores the other.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "core/usage.h"

namespace tally::pricing {

struct Plan {
  std::string key;    // "claude-max-20x"; "custom" for a price written in the config
  std::string label;  // "Claude Max 20x"; "custom $200/month" unless the config names it
  Agent agent;
  double monthly_usd = 0;     // list price before tax, USD per month; finite, >= 0
  std::optional<Date> since;  // first day of this price, when the table knows it (information)
};

// The embedded data/plans.toml, byte for byte. Static storage; never dangles.
std::string_view builtin_plan_text();

// Parses a plan table in the data/plans.toml format, in file order. `source` names the text
// in errors. Fails (Errc::parse, "source:line: ...") on invalid TOML, unknown or wrongly
// typed fields, a missing key, agent or monthly_usd, an unknown agent, a negative or
// non-finite price, and a key given twice.
Result<std::vector<Plan>> parse_plan_table(std::string_view text,
                                           std::string_view source = "plan table");

// The embedded table, parsed (a few rows: cheap). Fails only if data/plans.toml is
// malformed, which the pricing tests rule out.
Result<std::vector<Plan>> builtin_plans();

// Reads the plans chosen in a tally config file (`plan` and `[plans]` above), resolving
// names against `known`. Other top-level keys are ignored; a file with neither gives an
// empty list. Result ordered by agent (registry order, core/agent.h).
// Fails (Errc::parse, "source:line: ...") on invalid TOML; a plan name not in `known` (the
// message lists the known keys); a table plan given for another agent in [plans]; an
// agent with two plans; a key under [plans] that is not an agent; a negative or non-finite
// price; values of the wrong type.
Result<std::vector<Plan>> parse_plans_config(std::string_view toml_text, std::string_view source,
                                             std::span<const Plan> known);

// As above, against builtin_plans().
Result<std::vector<Plan>> parse_plans_config(std::string_view toml_text,
                                             std::string_view source = "config");

}  // namespace tally::pricing
