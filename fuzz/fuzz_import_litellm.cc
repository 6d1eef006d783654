// The LiteLLM importer (pricing/import_litellm.cc): the input is a
// model_prices_and_context_window.json. What it imports must survive the trip the CLI gives
// it: written in tally's table format, read back equal (table_format.h promises
// parse(write(rows)) == rows), and layered over the built-in table to price requests.

#include "fuzz_support.h"
#include "pricing/import.h"
#include "pricing/table_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto report = tally::pricing::import_litellm(tally::fuzz::as_text(data, size));
  if (!report) {
    FUZZ_CHECK(!report.error().message.empty());
    return 0;
  }
  const std::string text = tally::pricing::write_price_table(report->rows, "fuzz");
  auto again = tally::pricing::parse_price_table(text, "fuzz");
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == report->rows);
  tally::pricing::PricingConfig config;
  config.imported = std::move(report->rows);
  tally::fuzz::check_pricing(config, /*must_build=*/true);
  return 0;
}
