#pragma once

// `tally watch`'s output: the panel as text (a terminal redraws it in place; a pipe gets one
// per change) or as one JSON object per line (--json). The panel is analytics/watch.h's.

#include <string>

#include "analytics/watch.h"
#include "core/time.h"

namespace tally::render {

// The panel as lines of text, times in `zone`; `demo` adds the DEMO DATA line, `color` bold
// headings. Session ids and projects come from the logs and are escaped.
std::string panel_text(const analytics::WatchPanel& panel, const Zone& zone, bool demo, bool color);

// The panel as one JSON object, with a newline.
std::string panel_json(const analytics::WatchPanel& panel, bool demo);

}  // namespace tally::render
