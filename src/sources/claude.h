#pragma once

#include <memory>

#include "sources/adapter.h"

namespace tally::sources {

// The Claude adapter (agent-logs.md).
std::unique_ptr<Adapter> make_claude_adapter();

}  // namespace tally::sources
