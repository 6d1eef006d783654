#pragma once

// Number and money formatting shared by the renderers, so a count or a cost reads the same
// in every format. Pure functions; no locale is consulted (output must be deterministic).

#include <cstdint>
#include <string>

namespace tally::render {

// `n` with a comma every three digits: 12285 -> "12,285", -1234567 -> "-1,234,567".
std::string format_count(std::int64_t n);

// A cost in US dollars for people: "$0.0618" below one dollar (4 decimals, so cheap rows do
// not all read $0.00), "$1,234.57" from one dollar up. The choice is made on the rounded
// value, so 0.99996 prints "$1.00". A positive amount too small to show prints "<$0.0001"
// rather than a misleading "$0.0000". Negative amounts print "-$0.5000"; a negative value
// that rounds to zero prints "$0.0000". NaN and infinities print "n/a".
std::string format_usd(double usd);

// A cost for machines (JSON, CSV): fixed-point with at most 10 decimals, trailing zeros
// trimmed but at least one decimal kept ("0.0618", "12.0", "0.0"), never an exponent, so
// the output is a valid JSON number and byte-stable across runs. Negative zero prints
// "0.0". Returns "" for NaN and infinities, which have no JSON spelling; callers decide.
std::string format_decimal(double value);

// Short figures for one-line views (the statusline, `tally watch`): "$4.12" ("$1234" from
// $1,000), and tokens as "950", "122k", "1M", "1.2M".
std::string short_money(double usd);
std::string short_tokens(std::int64_t n);

}  // namespace tally::render
