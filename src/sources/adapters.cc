#include <cstdlib>

#include "sources/adapter.h"
#include "sources/claude.h"
#include "sources/codex.h"
#include "sources/gemini.h"

namespace tally::sources {
namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

DiscoveryEnv DiscoveryEnv::from_environment() {
  DiscoveryEnv env;
  env.home = env_or_empty("HOME");
  env.claude_config_dir = env_or_empty("CLAUDE_CONFIG_DIR");
  env.codex_home = env_or_empty("CODEX_HOME");
  env.gemini_cli_home = env_or_empty("GEMINI_CLI_HOME");
  return env;
}

std::vector<std::unique_ptr<Adapter>> all_adapters() {
  std::vector<std::unique_ptr<Adapter>> out;
  out.push_back(make_claude_adapter());
  out.push_back(make_codex_adapter());
  out.push_back(make_gemini_adapter());
  return out;
}

}  // namespace tally::sources
