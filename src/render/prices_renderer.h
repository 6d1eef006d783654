#pragma once

// `tally prices`' output: the price table (list), how one model is priced (show), and the
// ledger's models checked against the table and the agents' own figures (check). Keys,
// providers and model names may come from an imported community list or the logs: the
// table text escapes them, JSON escapes them its own way.

#include <string>
#include <string_view>
#include <vector>

#include "pricing/config.h"
#include "pricing/price_row.h"
#include "store/ledger.h"

namespace tally::render {

// Every row and alias tally prices with; the table ends with the model count and where the
// layers come from (`config_path`).
std::string render_price_list(const std::vector<pricing::PriceRow>& rows,
                              const pricing::Aliases& aliases, std::size_t model_count,
                              const std::string& config_path, bool json);

// How `model` is priced: by `row`, found by the lookup step `matched_by` (through the alias
// to `alias_target` when not empty), with the row's price `history`.
std::string render_price_show(const std::string& model, const pricing::PriceRow& row,
                              std::string_view matched_by, const std::string& alias_target,
                              const std::vector<pricing::PriceRow>& history, bool json);

// Unpriced models, models priced from the agent's own cost, and tally's cost against the
// agent's where both exist (a difference of 1% or more is flagged).
std::string render_price_check(const std::vector<store::PriceCheckRow>& rows,
                               const std::string& config_path);

}  // namespace tally::render
