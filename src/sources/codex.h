#pragma once

#include <memory>

#include "sources/adapter.h"

namespace tally::sources {

// The Codex adapter (agent-logs.md).
std::unique_ptr<Adapter> make_codex_adapter();

}  // namespace tally::sources
