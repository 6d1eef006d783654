#pragma once

// The price table shipped inside the binary: data/prices.toml, embedded at build time by
// src/pricing/CMakeLists.txt (no network, no files at run time).

#include <string_view>

#include "core/result.h"
#include "pricing/price_table.h"

namespace tally::pricing {

// The embedded data/prices.toml, byte for byte. Static storage; never dangles.
std::string_view builtin_price_text();

// Parses the embedded table. Fails only if data/prices.toml is malformed, which the
// pricing tests rule out; callers may treat a failure as a build defect.
Result<PriceTable> load_builtin_price_table();

// The embedded table, parsed once (thread-safe). Asserts that it parses; empty in release
// builds if it somehow does not.
const PriceTable& builtin_price_table();

}  // namespace tally::pricing
