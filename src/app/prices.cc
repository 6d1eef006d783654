#include "app/prices.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "app/context.h"
#include "pricing/import.h"
#include "pricing/table_format.h"

namespace tally::app {
namespace {

// models.dev's api.json nests models under providers; LiteLLM's is flat with sample_spec.
std::string detect_format(const std::string& text) {
  return text.find("\"sample_spec\"") != std::string::npos ||
                 text.find("input_cost_per_token") != std::string::npos
             ? "litellm"
             : "models-dev";
}

// Writes `text` to `path` through `path`.tmp and a rename.
Status replace_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      return fail(Errc::io, fmt::format("cannot write {}", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(Errc::io, fmt::format("cannot write {}", path));
  }
  return ok();
}

}  // namespace

Result<PriceTable> load_prices() {
  auto config = load_config();
  TALLY_TRY(config);
  auto pricer = load_pricer(*config);
  TALLY_TRY(pricer);
  return PriceTable{std::move(*config), std::move(*pricer)};
}

Result<PriceImport> import_prices(const std::string& file, const std::string& format) {
  auto config = load_config();
  TALLY_TRY(config);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return fail(Errc::io, fmt::format("cannot read {}", file));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  PriceImport out;
  out.format = format.empty() ? detect_format(text) : format;
  Result<pricing::ImportReport> report = fail(Errc::invalid_argument, "");
  if (out.format == "litellm") {
    report = pricing::import_litellm(text);
  } else if (out.format == "models-dev") {
    report = pricing::import_models_dev(text);
  } else {
    return fail(Errc::invalid_argument,
                fmt::format("--format '{}': use litellm or models-dev", out.format));
  }
  if (!report) {
    return fail(report.error().code, fmt::format("{}: {}", file, report.error().message));
  }
  if (report->rows.empty()) {
    return fail(Errc::parse, fmt::format("{}: no priced chat models found (is it a {} file?)", file,
                                         out.format));
  }
  TALLY_TRY(make_dirs(config->data_dir));
  out.path = imported_prices_path(*config);
  TALLY_TRY(replace_file(
      out.path,
      pricing::write_price_table(report->rows, fmt::format("# Imported by `tally prices import` "
                                                           "from {} ({})",
                                                           file, out.format))));
  out.models = report->rows.size();
  out.skipped = report->skipped;
  return out;
}

}  // namespace tally::app
