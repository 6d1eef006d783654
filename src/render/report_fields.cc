#include "render/report_fields.h"

#include <fmt/format.h>

#include <algorithm>

#include "render/number_format.h"

namespace tally::render {
namespace {

// The token and cost fields, in kRowFieldNames order (everything after "model").
void append_totals(const analytics::Totals& t, std::vector<Field>& out) {
  auto integer = [&out](std::string_view name, std::int64_t value) {
    out.push_back(Field{name, FieldType::integer, fmt::format("{}", value)});
  };
  integer("requests", t.requests);
  integer("input_tokens", t.tokens.input);
  integer("cache_read_tokens", t.tokens.cache_read);
  integer("cache_write_tokens", t.tokens.cache_write);
  integer("cache_write_1h_tokens", t.tokens.cache_write_1h);
  integer("output_tokens", t.tokens.output);
  integer("reasoning_tokens", t.tokens.reasoning);
  integer("total_tokens", t.tokens.total());
  out.push_back(Field{"cost_usd", FieldType::number, format_decimal(t.cost_usd)});
  out.push_back(
      Field{"cost_source", FieldType::string, std::string(cost_source_name(t.cost_source))});
  out.push_back(
      Field{"standard_cost_usd", FieldType::number, format_decimal(t.standard_cost_usd)});
  integer("fast_requests", t.fast_requests);
}

// The row's keys, then `agent`, `model` and `totals`: a report row or one of its model lines.
std::vector<Field> keyed_fields(const analytics::ReportRow& row,
                                const std::vector<std::string>& key_names,
                                const std::vector<std::string>& key_fields,
                                const std::string& agent, const std::string& model,
                                const analytics::Totals& totals) {
  std::vector<Field> fields;
  fields.reserve(key_fields.size() + kRowFieldNames.size());
  for (std::size_t i = 0; i < key_fields.size() && i < key_names.size(); ++i) {
    fields.push_back(
        Field{key_fields[i], FieldType::string, std::string(row_key(row, key_names[i], i))});
  }
  fields.push_back(Field{"agent", FieldType::string, agent});
  fields.push_back(Field{"model", FieldType::string, model});
  append_totals(totals, fields);
  return fields;
}

}  // namespace

std::string_view row_key(const analytics::ReportRow& row, const std::string& name,
                         std::size_t index) {
  if (index < row.keys.size() && row.keys[index].first == name) {
    return row.keys[index].second;
  }
  for (const auto& [key, value] : row.keys) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

std::vector<std::string> key_field_names(const analytics::Report& report) {
  std::vector<std::string> names;
  names.reserve(report.key_names.size());
  for (const std::string& key : report.key_names) {
    const bool collides =
        std::find(kRowFieldNames.begin(), kRowFieldNames.end(), key) != kRowFieldNames.end() ||
        key == kBreakdownField || key == kRowTypeField;
    names.push_back(collides ? "key_" + key : key);
  }
  return names;
}

std::vector<Field> row_fields(const analytics::ReportRow& row,
                              const std::vector<std::string>& key_names,
                              const std::vector<std::string>& key_fields) {
  return keyed_fields(row, key_names, key_fields, row.agent, row.model, row.totals);
}

std::vector<Field> share_line_fields(const analytics::ReportRow& row,
                                     const analytics::ModelShare& share,
                                     const std::vector<std::string>& key_names,
                                     const std::vector<std::string>& key_fields) {
  return keyed_fields(row, key_names, key_fields, share.agent, share.model, share.totals);
}

std::vector<Field> share_fields(const analytics::ModelShare& share) {
  return keyed_fields({}, {}, {}, share.agent, share.model, share.totals);
}

std::vector<Field> totals_fields(const analytics::Totals& totals) {
  std::vector<Field> fields;
  fields.reserve(kRowFieldNames.size() - 2);
  append_totals(totals, fields);
  return fields;
}

}  // namespace tally::render
