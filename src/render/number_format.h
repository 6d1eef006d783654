#pragma once

// Number and money formatting shared by the renderers, so a count or a cost reads the same
// in every format. Pure functions; no locale is consulted (output must be deterministic).

#include <cstdint>
#include <string>

namespace tally::render {

// `n` with a comma every three digits: 12285 -> "12,285", -1234567 -> "-1,234,567".
std::string format_count(std::int64_t n);

// A cost in US dollars for people, with money_decimals() decimals (2 unless the user set
// `money_decimals` in the config or TALLY_MONEY_DECIMALS): "$1,234.57", "$0.06". A positive
// amount too small to show prints "<$0.01" rather than a misleading "$0.00"; negative
// amounts print "-$0.50"; a negative value that rounds to zero prints "$0.00". NaN and
// infinities print "n/a". Every table, chart, HTML page and panel prints money this way
// (JSON and CSV carry the exact figure: format_decimal).
std::string format_usd(double usd);

// The number of decimals format_usd() prints, 0 to 6 (clamped). Set once, before
// rendering, from the config; the default is 2.
void set_money_decimals(int decimals);
int money_decimals();

// A cost for machines (JSON, CSV): fixed-point with at most 10 decimals, trailing zeros
// trimmed but at least one decimal kept ("0.0618", "12.0", "0.0"), never an exponent, so
// the output is a valid JSON number and byte-stable across runs. Negative zero prints
// "0.0". Returns "" for NaN and infinities, which have no JSON spelling; callers decide.
std::string format_decimal(double value);

// Short figures for one-line views (the statusline, `tally watch`): format_usd() below
// $1,000, whole dollars from there ("$1234"), and tokens as "950", "122k", "1M", "1.2M".
std::string short_money(double usd);
std::string short_tokens(std::int64_t n);

}  // namespace tally::render
