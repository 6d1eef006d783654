#include "sources/gemini.h"

#include <gtest/gtest.h>

namespace tally::sources {
namespace {}
}  // namespace tally::sources
