#pragma once

// The agent registry: which coding agents tally knows, and what the rest of tally may know
// about each one. An agent is data here (its name, where its logs are looked for, the
// environment variables that move them, its capabilities), never a case in a switch:
// code that behaves differently for some agent asks for a capability of its AgentInfo.
//
// Why the registry lives in core. Every module names agents: the ledger stores and reads
// their names, pricing's plans cover one agent each, renderers label rows and ask whether an
// agent records lines added; but only sources, ingest and cli link the adapters. So the
// registry's data (names, help, capabilities) is in core, where every module can read it,
// and sources keeps the one thing core cannot hold, each agent's adapter, next to it
// (sources/registry.h). The built-in agents are the first rows of the table in agent.cc;
// sources::register_agent() appends one at run time with its adapter. Dependencies keep
// pointing one way: core knows no adapter, sources knows the registry.
//
// Adding an agent: its adapter in src/sources/ (one file or folder, with its factory listed in
// sources/registry.cc) plus its row in agent.cc's Registry. Nothing else names agents.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally {

// One agent: an index into the registry, so it is as cheap as the enum it replaced. Agents
// compare (and sort) in registration order: the built-in agents first, in the table's
// order. A default-constructed Agent is the registry's first agent (the built-in table's
// first row), as the enum's first value was.
class Agent {
 public:
  constexpr Agent() = default;
  constexpr explicit Agent(std::uint16_t index) : index_(index) {}

  constexpr std::uint16_t index() const { return index_; }
  friend constexpr auto operator<=>(Agent, Agent) = default;

  // The built-in agents' ids: the first rows of the registry, in that order. For the
  // adapters and for tests; other code looks an agent up or asks for a capability.
  static const Agent claude;
  static const Agent codex;
  static const Agent gemini;

 private:
  std::uint16_t index_ = 0;
};

inline constexpr Agent Agent::claude{0};
inline constexpr Agent Agent::codex{1};
inline constexpr Agent Agent::gemini{2};

// What tally's behaviour depends on, per agent.
struct AgentCapabilities {
  // Where the agent reports its own running cost per session ("cost-state"), which the
  // adapter turns into CumulativeSnapshots; empty when it reports none.
  std::string cost_report;
  // True when the agent's statusline hook feeds `tally statusline` (its JSON is the one
  // cli/statusline.h reads). At most one agent has it.
  bool statusline_hook = false;
  // True when the agent records lines added and removed per session (SessionFacts).
  bool line_counts = false;
};

struct AgentInfo {
  std::string name;   // the ledger's and the CLI's word for it: lower case, unique ("claude")
  std::string label;  // the product, for people ("Claude Code")
  // The environment variables its discovery reads besides HOME ("CLAUDE_CONFIG_DIR").
  std::vector<std::string> env_vars;
  // Where its logs are looked for, one line of `tally --help` ("$CODEX_HOME or ~/.codex").
  std::string where;
  AgentCapabilities caps;
};

// Adds an agent to the registry and returns its id (the next index). Thread-safe; an
// agent is never removed, and its AgentInfo never moves. Fails (Errc::invalid_argument)
// when `info.name` is empty or taken, or the registry is full (kMaxAgents).
Result<Agent> register_agent(AgentInfo info);
inline constexpr std::size_t kMaxAgents = 64;

// Every registered agent, in registration order.
std::vector<Agent> registered_agents();
// The registry's row of `agent`. `agent` must come from the registry (assert); a reference
// to static storage, valid for the life of the process.
const AgentInfo& agent_info(Agent agent);
// The first agent with `capability` set, or nullopt.
std::optional<Agent> agent_with(bool AgentCapabilities::*capability);

std::string_view agent_name(Agent agent);
// Returns the agent called `name` ("claude", "codex", "gemini", or one registered at run
// time), or nullopt.
std::optional<Agent> parse_agent(std::string_view name);
// The registered agents' names for messages, in order: "claude, codex, gemini", or with
// `last_separator` = " or ": "claude, codex or gemini".
std::string agent_names(std::string_view last_separator = ", ");

}  // namespace tally

template <>
struct std::hash<tally::Agent> {
  std::size_t operator()(tally::Agent agent) const noexcept { return agent.index(); }
};
