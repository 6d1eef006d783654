#pragma once

// JSON output: the stable contract scripts depend on. Schema (members in this order):
//
//   {
//     "title": "Daily usage",
//     "keys": ["date"],                 // the grouping-key field names every row starts with
//     "rows": [ { "date": "2026-11-22", "agent": "claude", "model": "...",
//                 "requests": 3, "input_tokens": 12285, "cache_read_tokens": 0,
//                 "cache_write_tokens": 0, "cache_write_1h_tokens": 0, "output_tokens": 512,
//                 "reasoning_tokens": 0, "total_tokens": 12797, "cost_usd": 0.0618,
//                 "cost_source": "computed",      // or "agent-reported", "unpriced"
//                 "standard_cost_usd": 0.0618,
//                 "breakdown": [ { "agent": "claude", "model": "claude-sonnet-4-5",
//                                  ... the row's members minus the keys } ] } ],
//                 // breakdown: only with Report::breakdown (--breakdown); one object per
//                 // agent and model, costliest first, summing to the row exactly
//     "totals": { same members as a row minus the keys, "agent" and "model" },
//     "warnings": [ { "kind": "...", "message": "...", "file": "...", "line": 12 } ],
//     "notes": [ "..." ]
//   }
//
// Field names and order come from report_fields.h (shared with CSV). Integers are JSON
// integers; cost_usd is a fixed-point number with at most 10 decimals and no exponent (null
// only if the report holds NaN or infinity). For unpriced rows cost_usd is the priced part
// (often 0.0): read cost_source before trusting it. Strings are valid UTF-8: invalid bytes
// become U+FFFD. Pretty-printed with a 2-space indent unless RenderOptions::compact.

#include <string>
#include <string_view>

#include "render/json_writer.h"  // append_json_string, json_string (once declared here)
#include "render/renderer.h"

namespace tally::render {

class JsonRenderer final : public Renderer {
 public:
  explicit JsonRenderer(const RenderOptions& options) : compact_(options.compact) {}
  void render(const Report& report, std::string& out) const override;

 private:
  bool compact_ = false;
};

}  // namespace tally::render
