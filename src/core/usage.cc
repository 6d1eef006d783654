#include "core/usage.h"

namespace tally {

std::string_view agent_name(Agent agent) {
  switch (agent) {
    case Agent::claude:
      return "claude";
    case Agent::codex:
      return "codex";
    case Agent::gemini:
      return "gemini";
  }
  return "unknown";
}

std::optional<Agent> parse_agent(std::string_view name) {
  if (name == "claude") {
    return Agent::claude;
  }
  if (name == "codex") {
    return Agent::codex;
  }
  if (name == "gemini") {
    return Agent::gemini;
  }
  return std::nullopt;
}

std::string_view kind_name(RecordKind kind) {
  return kind == RecordKind::unlogged ? "unlogged" : "response";
}

std::string_view cost_source_name(CostSource source) {
  switch (source) {
    case CostSource::computed:
      return "computed";
    case CostSource::agent_reported:
      return "agent-reported";
    case CostSource::unpriced:
      return "unpriced";
  }
  return "unpriced";
}

}  // namespace tally
