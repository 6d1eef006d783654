#pragma once

// Renders a session's anatomy (analytics/session_view.h) as a multi-section table, as JSON
// (the stable contract: every field), or as CSV in long form. Pure functions of their
// input, like every renderer: the CLI decides colour, width and zone.
//
// CSV schema: one row per item, `section,item,metric,value`, e.g.
//   session,,start,2026-11-22T22:06:44+00:00
//   tokens,cache_read,tokens,12000
//   model,claude-opus-5-5,cost_usd,0.0123
//   tool,Bash,calls,3
// so a spreadsheet can pivot it; sections are session, activity, gap, conversation,
// tokens, cost, model, tool, file, compaction, subagent, warning.

#include <string>

#include "analytics/session_view.h"
#include "render/renderer.h"

namespace tally::render {

// Appends the anatomy in `format` to `out`. Output ends with a newline and is valid UTF-8.
void render_session(const analytics::SessionAnatomy& a, Format format, const RenderOptions& options,
                    std::string& out);

// "2026-11-22 22:06:44" in the instant's own offset (tables).
std::string format_local(const analytics::Instant& t);
// "2026-11-22T22:06:44+01:00" (JSON, CSV).
std::string format_local_iso(const analytics::Instant& t);
// A duration for people: "45s", "15m", "12m 05s", "3h 20m", "2d 04h".
std::string format_duration(std::int64_t ms);

}  // namespace tally::render
