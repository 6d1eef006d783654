#pragma once

#include <memory>

#include "sources/adapter.h"

namespace tally::sources {

// The Gemini adapter (agent-logs.md).
std::unique_ptr<Adapter> make_gemini_adapter();

}  // namespace tally::sources
