#pragma once

// The flat schema of a report row, shared by the JSON and CSV renderers so the two can
// never disagree on a field's name, order or spelling. A row is its grouping keys (in
// Report::key_names order, as strings) followed by exactly kRowFieldNames.
//
// A grouping key whose name equals one of the fixed fields (a report grouped by "model",
// say, or "breakdown" and "row_type" below) is emitted as "key_<name>", decided from
// key_names alone, so the schema depends on the report's kind and never on its data, and no
// JSON object has a duplicate member.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/report.h"

namespace tally::render {

enum class FieldType {
  string,   // JSON string; CSV quoted when needed
  integer,  // a decimal integer
  number,   // a decimal with a fraction (format_decimal); "" text means not finite (JSON null)
};

struct Field {
  std::string_view name;  // points into the Report or into static storage
  FieldType type = FieldType::string;
  std::string text;  // raw (not yet escaped) string, or the number's spelling
};

// standard_cost_usd and fast_requests (of requests, those in fast mode or at priority
// processing) come last so that CSV columns before them keep their places.
inline constexpr std::array<std::string_view, 14> kRowFieldNames = {
    "agent",
    "model",
    "requests",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "total_tokens",
    "cost_usd",
    "cost_source",
    "standard_cost_usd",
    "fast_requests",
};

// With Report::breakdown: JSON rows end in a `breakdown` array of share_fields() objects, and
// CSV gains a last column, row_type, that is kTotalRow on a report row and kModelRow on each
// of its per-model lines, which follow it with the row's keys repeated.
inline constexpr std::string_view kBreakdownField = "breakdown";
inline constexpr std::string_view kRowTypeField = "row_type";
inline constexpr std::string_view kTotalRow = "total";
inline constexpr std::string_view kModelRow = "model";

// The value of the grouping key `name` in `row`, or "" when the row lacks it. `index` (the
// key's position in Report::key_names) is tried first, since rows normally follow that order.
std::string_view row_key(const analytics::ReportRow& row, const std::string& name,
                         std::size_t index);

// The field names of the report's grouping keys, in key_names order, after the collision
// rule above.
std::vector<std::string> key_field_names(const analytics::Report& report);

// A row's fields: one per entry of `key_names` (the report's), named by the matching entry of
// `key_fields` (from key_field_names), then one per kRowFieldNames entry. A key the row lacks
// reads as "". Names point into `key_fields` or static storage, which must outlive the result.
std::vector<Field> row_fields(const analytics::ReportRow& row,
                              const std::vector<std::string>& key_names,
                              const std::vector<std::string>& key_fields);

// A per-model line of `row` (CSV): the row's keys as row_fields() gives them, then the
// share's agent, model and totals.
std::vector<Field> share_line_fields(const analytics::ReportRow& row,
                                     const analytics::ModelShare& share,
                                     const std::vector<std::string>& key_names,
                                     const std::vector<std::string>& key_fields);

// A share's fields (a JSON breakdown entry): kRowFieldNames, "agent" and "model" first.
std::vector<Field> share_fields(const analytics::ModelShare& share);

// The totals' fields: kRowFieldNames without "agent" and "model".
std::vector<Field> totals_fields(const analytics::Totals& totals);

}  // namespace tally::render
