#pragma once

// Helpers shared by the pricing tests: records with just the fields pricing reads.

#include <cassert>
#include <optional>
#include <string>

#include "core/time.h"
#include "core/usage.h"

namespace tally::pricing::testing {

// `iso` must be a valid ISO-8601 time (tests only).
inline TimeMs at(const char* iso) {
  const std::optional<TimeMs> t = parse_iso8601(iso);
  assert(t.has_value());
  return t.value_or(0);
}

inline UsageRecord record(std::string model, const char* iso, TokenCounts tokens) {
  UsageRecord r;
  r.model = std::move(model);
  r.ts = at(iso);
  r.tokens = tokens;
  return r;
}

inline TokenCounts io(std::int64_t input, std::int64_t output) {
  TokenCounts t;
  t.input = input;
  t.output = output;
  return t;
}

}  // namespace tally::pricing::testing
