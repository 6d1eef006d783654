#include "app/config.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tally::app {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

void set(Config& c, std::string Config::*field, const std::string& key, std::string value,
         const std::string& origin) {
  c.*field = std::move(value);
  c.origin[key] = origin;
}

}  // namespace

Status make_dirs(const std::string& dir) {
  struct stat st {};
  if (dir.empty() || (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    return ok();
  }
  const std::string trimmed = dir.substr(0, dir.find_last_not_of('/') + 1);
  const size_t slash = trimmed.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    TALLY_TRY(make_dirs(trimmed.substr(0, slash)));
  }
  if (::mkdir(trimmed.c_str(), 0700) != 0) {
    const int err = errno;
    // Made meanwhile by a concurrent tally: as good as made here.
    if (err == EEXIST && ::stat(trimmed.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return ok();
    }
    return fail(Errc::io, fmt::format("cannot create directory {}: {}", dir, std::strerror(err)));
  }
  // mkdir's mode passes through the umask, which may take the owner's bits too.
  if (::chmod(trimmed.c_str(), 0700) != 0) {
    return fail(Errc::io,
                fmt::format("cannot set the mode of directory {}: {}", dir, std::strerror(errno)));
  }
  return ok();
}

std::string ledger_path(const Config& config) { return config.data_dir + "/ledger.db"; }

Result<Config> load_config() {
  Config c;
  const std::string home = env("HOME");
  // Defaults.
  const std::string xdg_data = env("XDG_DATA_HOME");
  set(c, &Config::data_dir, "data_dir",
      xdg_data.empty() ? home + "/.local/share/tally" : xdg_data + "/tally", "default");
  set(c, &Config::timezone, "timezone", env("TZ"),
      env("TZ").empty() ? "default (system zone)" : "env TZ");
  set(c, &Config::user, "user", env("USER"), "default ($USER)");
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) {
    host[0] = '\0';
  }
  set(c, &Config::machine, "machine", host, "default (host name)");
  set(c, &Config::team, "team", "", "default");

  // Config file.
  std::string path = env("TALLY_CONFIG");
  if (path.empty()) {
    const std::string xdg_config = env("XDG_CONFIG_HOME");
    path = (xdg_config.empty() ? home + "/.config" : xdg_config) + "/tally/config.toml";
  }
  c.config_path = path;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
      return fail(Errc::io, fmt::format("cannot read config {}: {}", path, std::strerror(errno)));
    }
    c.config_text = ss.str();
    // toml++ reports parse errors by exception; they stop here.
    toml::table t;
    try {
      t = toml::parse(c.config_text, path);
    } catch (const toml::parse_error& err) {
      return fail(Errc::parse,
                  fmt::format("{}:{}: {}", path, err.source().begin.line, err.description()));
    }
    const std::string origin = "config file " + path;
    for (const auto& [key, field] :
         std::initializer_list<std::pair<const char*, std::string Config::*>>{
             {"data_dir", &Config::data_dir},
             {"timezone", &Config::timezone},
             {"user", &Config::user},
             {"machine", &Config::machine},
             {"team", &Config::team}}) {
      if (const toml::node* node = t.get(key)) {
        const std::optional<std::string> value = node->value<std::string>();
        if (!value) {
          return fail(Errc::parse, fmt::format("{}:{}: '{}' must be a string", path,
                                               node->source().begin.line, key));
        }
        set(c, field, key, *value, origin);
      }
    }
    if (const toml::node* node = t.get("money_decimals")) {
      const std::optional<std::int64_t> n = node->value<std::int64_t>();
      if (!n || *n < 0 || *n > 6) {
        return fail(Errc::parse, fmt::format("{}:{}: 'money_decimals' must be a whole number "
                                             "from 0 to 6",
                                             path, node->source().begin.line));
      }
      c.money_decimals = static_cast<int>(*n);
      c.origin["money_decimals"] = origin;
    }
  } else if (std::filesystem::exists(path)) {
    return fail(Errc::io, fmt::format("cannot read config {}: {}", path, std::strerror(errno)));
  }

  // Environment.
  for (const auto& [var, key, field] :
       std::initializer_list<std::tuple<const char*, const char*, std::string Config::*>>{
           {"TALLY_DATA_DIR", "data_dir", &Config::data_dir},
           {"TALLY_TIMEZONE", "timezone", &Config::timezone},
           {"TALLY_USER", "user", &Config::user},
           {"TALLY_MACHINE", "machine", &Config::machine},
           {"TALLY_TEAM", "team", &Config::team}}) {
    const std::string value = env(var);
    if (!value.empty()) {
      set(c, field, key, value, fmt::format("env {}", var));
    }
  }
  if (const std::string value = env("TALLY_MONEY_DECIMALS"); !value.empty()) {
    if (value.size() != 1 || value[0] < '0' || value[0] > '6') {
      return fail(Errc::invalid_argument,
                  fmt::format("TALLY_MONEY_DECIMALS='{}' must be a whole number from 0 to 6", value));
    }
    c.money_decimals = value[0] - '0';
    c.origin["money_decimals"] = "env TALLY_MONEY_DECIMALS";
  }
  return c;
}

std::string imported_prices_path(const Config& config) {
  return config.data_dir + "/imported_prices.toml";
}

}  // namespace tally::app
