#include "sources/registry.h"

#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

#include "sources/claude.h"
#include "sources/codex.h"
#include "sources/gemini.h"

namespace tally::sources {
namespace {

// Registered agents' adapters, in registration order (the built-in ones come first).
struct Registered {
  Agent agent;
  AdapterFactory make;
};

struct Adapters {
  std::mutex mutex;
  std::vector<Registered> added;
};

Adapters& adapters() {
  static Adapters a;
  return a;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

Result<Agent> register_agent(AgentInfo info, AdapterFactory make_adapter) {
  Adapters& a = adapters();
  const std::lock_guard<std::mutex> lock(a.mutex);
  auto agent = tally::register_agent(std::move(info));
  TALLY_TRY(agent);
  a.added.push_back({*agent, std::move(make_adapter)});
  return *agent;
}

std::vector<std::unique_ptr<Adapter>> all_adapters() {
  // The built-in agents' adapters: one line per row of core's registry (agent.cc), in the
  // same order.
  std::vector<std::unique_ptr<Adapter>> out;
  out.push_back(make_claude_adapter());
  out.push_back(make_codex_adapter());
  out.push_back(make_gemini_adapter());
  Adapters& a = adapters();
  const std::lock_guard<std::mutex> lock(a.mutex);
  for (const Registered& r : a.added) {
    out.push_back(r.make(r.agent));
  }
  return out;
}

std::string_view DiscoveryEnv::var(std::string_view name) const {
  const auto it = vars.find(name);
  return it == vars.end() ? std::string_view() : std::string_view(it->second);
}

DiscoveryEnv DiscoveryEnv::from_environment() {
  DiscoveryEnv env;
  env.home = env_or_empty("HOME");
  for (Agent agent : registered_agents()) {
    for (const std::string& name : agent_info(agent).env_vars) {
      env.vars[name] = env_or_empty(name.c_str());
    }
  }
  env.claude_config_dir = std::string(env.var("CLAUDE_CONFIG_DIR"));
  env.codex_home = std::string(env.var("CODEX_HOME"));
  env.gemini_cli_home = std::string(env.var("GEMINI_CLI_HOME"));
  return env;
}

}  // namespace tally::sources
