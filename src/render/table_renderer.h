#pragma once

// The terminal table, for people. Layout, top to bottom:
//
//   Daily usage                                              (the title, if any)
//   Date        Agent   Model(s)  Requests  Input  ...  Total tokens  Cost (USD)
//   ──────────────────────────────────────────────────────────────────────────
//   2026-11-21  claude  sonnet-4         3  12,285  ...        13,000     $0.0618
//   ──────────────────────────────────────────────────────────────────────────
//   TOTAL                               3  12,285  ...        13,000     $0.0618
//
//   ~ legend line for each cost marker used         (then one "! ..." line per warning,
//   ! unpriced model gpt-6-sol (codex): ...           then "note: ..." lines)
//
// Columns: the report's grouping keys, Agent, Model(s), Requests, Input, Cache read,
// Cache write, Output, Reasoning, Total tokens, Cost (USD). Text is left-aligned, numbers
// right-aligned with thousands separators; every line of the table (header to TOTAL) has the
// same display width, counted in code points. Costs use format_usd and carry a marker when
// they are not tally's own computation: "~" agent-reported, "?" incomplete (some requests
// unpriced; a row with no priced request reads "unpriced ?", never "$0.0000").
//
// When RenderOptions::width is set and the table is wider, space is given up in this order
// until it fits: hide Reasoning, Cache write, Cache read, Requests; shorten Model(s) (to 16
// code points, cut with "…"); hide Input, Output, Model(s), Agent (Agent only when there are
// grouping keys). Keys, Total tokens and Cost always stay; if the table is still too wide it
// overflows rather than wraps. A note names what was hidden or shortened. Report strings are shown
// through terminal_safe(), so control characters cannot reach the terminal. An empty report prints
// "no usage in this range" instead of a table.

#include <string>

#include "render/renderer.h"

namespace tally::render {

class TableRenderer final : public Renderer {
 public:
  explicit TableRenderer(const RenderOptions& options) : options_(options) {}
  void render(const Report& report, std::string& out) const override;

 private:
  RenderOptions options_;
};

}  // namespace tally::render
