#pragma once

// The price table as the config layers it (built-in < imported < [pricing] overrides, plus
// aliases), and importing a community price list into it (`tally prices import`), offline.

#include <cstddef>
#include <memory>
#include <string>

#include "app/config.h"
#include "core/result.h"
#include "pricing/table_pricer.h"

namespace tally::app {

// The config and the pricer it layers; no ledger is opened.
struct PriceTable {
  Config config;
  std::unique_ptr<pricing::TablePricer> pricer;
};
Result<PriceTable> load_prices();

struct PriceImport {
  std::size_t models = 0;   // priced chat models imported
  std::size_t skipped = 0;  // entries passed over
  std::string format;       // "litellm" or "models-dev"
  std::string path;         // where the table now is (config.h imported_prices_path)
};

// Imports the LiteLLM model_prices_and_context_window.json or models.dev api.json at `file`
// (`format` "litellm" or "models-dev", "" = detected from the text) as the config's imported
// table, replacing the one there; the next prepare() reprices the ledger with it. Fails
// with invalid_argument on another format, parse when the file holds no priced chat model,
// io when it cannot be read or the table cannot be written.
Result<PriceImport> import_prices(const std::string& file, const std::string& format);

}  // namespace tally::app
