#pragma once

// tally's configuration: one typed struct, defaults in the header (leveldb's Options),
// layered as defaults < config file < TALLY_* environment < command-line flags, with each
// value's origin kept for `tally config`.
//
// The config file is TOML at $TALLY_CONFIG, else $XDG_CONFIG_HOME/tally/config.toml, else
// ~/.config/tally/config.toml. A missing file is fine; a malformed one is an error that
// names the line. Top-level keys:
//
//   data_dir = "/path"          # where ledger.db lives
//   timezone = "Europe/Berlin"  # IANA name for day buckets
//   user = "ada"                # stamped on every new record (default: $USER)
//   machine = "laptop"          # default: the host name
//   team = "platform"           # default: empty
//   plan = "claude-max-20x"     # subscription(s); or [plans] claude = ..., codex = 200.0
//                               # (see src/pricing/plans.h; keep top-level keys above tables)
//   [pricing] ...               # see src/pricing/config.h

#include <map>
#include <string>

#include "core/result.h"

namespace tally::app {

struct Config {
  std::string data_dir;     // default: $XDG_DATA_HOME/tally or ~/.local/share/tally
  std::string timezone;     // default: TZ or the system zone ("" = leave as is)
  std::string user;         // default: $USER
  std::string machine;      // default: host name
  std::string team;         // default: ""
  int money_decimals = 2;   // decimals of money in tables, charts and pages (0 to 6)
  std::string config_path;  // the file read (may not exist)
  std::string config_text;  // its contents, for the [pricing] table
  // key -> where its value came from ("default", "config file", "env TALLY_TZ", "flag").
  std::map<std::string, std::string> origin;
};

// Builds the config from defaults, the config file and the environment. Fails on a config
// file that exists but cannot be read or parsed.
Result<Config> load_config();

// The ledger file inside `config.data_dir`.
std::string ledger_path(const Config& config);

// Where `tally prices import` keeps the imported table (layered over the built-in one).
std::string imported_prices_path(const Config& config);

// Creates `dir` and its missing parents, each 0700 whatever the umask (the data dir holds
// the ledger: project paths, session titles, files touched, all private to its owner; XDG
// asks 0700 of the base directories it creates too). Directories that exist are left as
// they are (TALLY_DATA_DIR may name any directory; the ledger file is made 0600 itself).
// Fails with a message naming the directory.
Status make_dirs(const std::string& dir);

}  // namespace tally::app
