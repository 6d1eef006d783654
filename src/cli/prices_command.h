#pragma once

#include <string>

#include "cli/config.h"

namespace tally::cli {

enum class PricesAction { list, show, import_file, check };

struct PricesOptions {
  std::string model;   // show
  std::string at;      // show: price valid on this day (default today)
  std::string file;    // import
  std::string format;  // import: litellm | models-dev (default: detected)
  bool json = false;
  bool quiet = false;
};

// Runs `tally prices <action>`; returns the exit status.
int run_prices(PricesAction action, const PricesOptions& options);

// Where `tally prices import` keeps the imported table (layered over the built-in one).
std::string imported_prices_path(const Config& config);

}  // namespace tally::cli
