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
// With Report::breakdown, each row is followed by one line per agent and model (costliest
// first), and the Model(s) column goes: a model line names its model under the row's keys,
// which are blank on it (the name may run across all of them: a session's id, project and
// title), and its agent in Agent; the row itself names neither.
//
//   Date                    Agent   Requests  ...  Total tokens  Cost (USD)
//   2026-11-21                            42  ...     1,270,308       $3.46 ~
//     ├─ claude-sonnet-4-5  claude        37  ...     1,232,000       $3.11
//     └─ gemini-3-pro       gemini         5  ...        38,308       $0.35 ~
//
// Each line's cost carries its own marker, so an unpriced model reads "unpriced ?".
//
// When RenderOptions::width is set and the table is wider, space is given up in this order
// until it fits: hide Reasoning, Cache write, Cache read, Requests; shorten Model(s) (to 16
// code points, cut with "…"); hide Input, Output, Model(s), Agent (Agent only when there are
// grouping keys). With a breakdown, a single key column widened for the model names (a
// date) is shortened where Model(s) would be, never below its keys or 16 code points of a
// name. Keys, Total tokens and Cost always stay; if the table is still too wide it overflows
// rather than wraps. A note names what was hidden or shortened. Report strings are shown
// through terminal_safe(), so control characters cannot reach the terminal. An empty report
// prints "no usage in this range" instead of a table.

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
