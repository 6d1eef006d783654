#include "core/agent.h"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cassert>
#include <mutex>

namespace tally {
namespace {

// The built-in agents, in Agent::claude, codex, gemini order (their ids are these indexes).
// Each row's adapter is in src/sources/ and its factory in sources/registry.cc.
AgentInfo builtin_claude() {
  AgentInfo a;
  a.name = "claude";
  a.label = "Claude Code";
  a.env_vars = {"CLAUDE_CONFIG_DIR"};
  a.where = "$CLAUDE_CONFIG_DIR (comma list) or ~/.claude and ~/.config/claude";
  a.caps.cost_report = "cost-state";
  a.caps.statusline_hook = true;
  a.caps.line_counts = true;
  return a;
}

AgentInfo builtin_codex() {
  AgentInfo a;
  a.name = "codex";
  a.label = "Codex CLI";
  a.env_vars = {"CODEX_HOME"};
  a.where = "$CODEX_HOME or ~/.codex (sessions/ and archived_sessions/)";
  return a;
}

AgentInfo builtin_gemini() {
  AgentInfo a;
  a.name = "gemini";
  a.label = "Gemini CLI";
  a.env_vars = {"GEMINI_CLI_HOME"};
  a.where = "$GEMINI_CLI_HOME or ~, under .gemini/";
  return a;
}

// Rows are written once, under the mutex, before `count` is raised past them (release), and
// never change after: readers load `count` (acquire) and read rows below it without a lock.
// A fixed array, so a row never moves while another thread reads it.
struct Registry {
  std::array<AgentInfo, kMaxAgents> rows;
  std::atomic<std::size_t> count{0};
  std::mutex write;

  Registry() {
    rows[0] = builtin_claude();
    rows[1] = builtin_codex();
    rows[2] = builtin_gemini();
    count.store(3, std::memory_order_release);
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

Result<Agent> register_agent(AgentInfo info) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.write);
  if (info.name.empty()) {
    return fail(Errc::invalid_argument, "an agent needs a name");
  }
  if (parse_agent(info.name)) {
    return fail(Errc::invalid_argument, fmt::format("agent '{}' is registered already", info.name));
  }
  const std::size_t n = r.count.load(std::memory_order_relaxed);
  if (n == kMaxAgents) {
    return fail(Errc::invalid_argument,
                fmt::format("cannot register agent '{}': tally holds at most {} agents", info.name,
                            kMaxAgents));
  }
  r.rows[n] = std::move(info);
  r.count.store(n + 1, std::memory_order_release);
  return Agent(static_cast<std::uint16_t>(n));
}

std::vector<Agent> registered_agents() {
  const std::size_t n = registry().count.load(std::memory_order_acquire);
  std::vector<Agent> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.emplace_back(static_cast<std::uint16_t>(i));
  }
  return out;
}

const AgentInfo& agent_info(Agent agent) {
  const Registry& r = registry();
  assert(agent.index() < r.count.load(std::memory_order_acquire));
  return r.rows[agent.index()];
}

std::optional<Agent> agent_with(bool AgentCapabilities::*capability) {
  for (Agent a : registered_agents()) {
    if (agent_info(a).caps.*capability) {
      return a;
    }
  }
  return std::nullopt;
}

std::string_view agent_name(Agent agent) {
  const Registry& r = registry();
  if (agent.index() >= r.count.load(std::memory_order_acquire)) {
    return "unknown";
  }
  return r.rows[agent.index()].name;
}

std::optional<Agent> parse_agent(std::string_view name) {
  const Registry& r = registry();
  const std::size_t n = r.count.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) {
    if (r.rows[i].name == name) {
      return Agent(static_cast<std::uint16_t>(i));
    }
  }
  return std::nullopt;
}

std::string agent_names(std::string_view last_separator) {
  const std::vector<Agent> agents = registered_agents();
  std::string out;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    if (i > 0) {
      out += i + 1 == agents.size() ? last_separator : std::string_view(", ");
    }
    out += agent_name(agents[i]);
  }
  return out;
}

}  // namespace tally
