#pragma once

// The adapters of the agents in the registry (core/agent.h). core holds what every module
// may know about an agent; this holds what only ingest may: how to read its files. The
// built-in agents' adapters are listed in registry.cc; register_agent() adds an agent and
// its adapter at run time, after which it is discovered, parsed, stored, filtered
// (--agent) and reported like the built-in ones.

#include <functional>
#include <memory>

#include "core/agent.h"
#include "core/result.h"
#include "sources/adapter.h"

namespace tally::sources {

// Makes the adapter of the agent `self` (the id the registry gave it; the adapter stamps
// it on its files, records, snapshots and facts).
using AdapterFactory = std::function<std::unique_ptr<Adapter>(Agent self)>;

// Registers the agent `info` (core's registry: names, help, capabilities) with its adapter
// and returns its id. Its environment variables (`info.env_vars`) are read into
// DiscoveryEnv::vars. Thread-safe, but register before an ingest starts: all_adapters()
// made earlier does not include it. Fails as tally::register_agent() does.
Result<Agent> register_agent(AgentInfo info, AdapterFactory make_adapter);

}  // namespace tally::sources
