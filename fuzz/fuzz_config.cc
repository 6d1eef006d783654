// The config file (app/config.h, pricing/config.h, pricing/plans.h): the input is the text
// of config.toml. It goes prepare()'s way (app/context.cc): load_config() reads the file
// named by TALLY_CONFIG, here a memfd the harness rewrites for each input, so the read path
// is the real one without touching the disk; then the [pricing] table, the layered price
// table and a pricer over it, and the plans.

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "app/config.h"
#include "fuzz_support.h"
#include "pricing/plans.h"

namespace {

// The memfd holding the config, made once; the environment points only at it.
int config_fd() {
  static const int fd = [] {
    const int f = memfd_create("tally-fuzz-config", 0);
    FUZZ_CHECK(f >= 0);
    const std::string path = "/proc/self/fd/" + std::to_string(f);
    setenv("TALLY_CONFIG", path.c_str(), 1);
    setenv("HOME", "/nonexistent-fuzz-home", 1);
    for (const char* var : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "TALLY_DATA_DIR", "TALLY_TIMEZONE",
                            "TALLY_USER", "TALLY_MACHINE", "TALLY_TEAM"}) {
      unsetenv(var);
    }
    return f;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = config_fd();
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));

  auto config = tally::app::load_config();
  if (!config) {
    FUZZ_CHECK(!config.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(config->config_text == tally::fuzz::as_text(data, size));

  auto pricing = tally::pricing::parse_pricing_config(config->config_text, config->config_path);
  if (pricing) {
    tally::fuzz::check_pricing(*pricing, /*must_build=*/false);
  } else {
    FUZZ_CHECK(!pricing.error().message.empty());
  }
  auto plans = tally::pricing::parse_plans_config(config->config_text, config->config_path);
  if (plans) {
    for (const tally::pricing::Plan& plan : *plans) {
      FUZZ_CHECK(std::isfinite(plan.monthly_usd) && plan.monthly_usd >= 0);
    }
  } else {
    FUZZ_CHECK(!plans.error().message.empty());
  }
  return 0;
}
