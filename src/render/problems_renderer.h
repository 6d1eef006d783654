#pragma once

// `tally problems`: every log line, or whole file, tally could not use (core/problem.h), in
// the order given. A pure function of the list, like the other renderers.
//
//   table  "<file>:<line>: <message>", or "<file>: <message>" when the problem concerns the
//          whole file (line 0); file and message pass through terminal_safe() (utf8.h),
//          since both come from the logs. No problems: "No problems: every line tally read
//          was usable."
//   json   an array with one object per problem, members in this order:
//            [ { "file": "/home/me/.codex/sessions/.../rollout.jsonl", "line": 12,
//                "offset": 3456, "message": "malformed JSON: ..." } ]
//          "line" is 1-based, 0 for the whole file; "offset" is the line's byte offset. No
//          problems: []. Pretty-printed with a 2-space indent unless RenderOptions::compact.
//   csv    a header "file,line,offset,message", then one record per problem (csv_renderer.h:
//          CRLF, text cells formula-neutralised).
// html has no problems view; it prints the table.

#include <span>
#include <string>

#include "core/problem.h"
#include "render/renderer.h"

namespace tally::render {

// Appends the problems in `format` to `out`. Output ends with a newline and is valid UTF-8.
void render_problems(std::span<const ParseProblem> problems, Format format,
                     const RenderOptions& options, std::string& out);

}  // namespace tally::render
