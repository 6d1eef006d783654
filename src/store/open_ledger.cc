// The table of ledger backends by location scheme: see open_ledger.h.

#include "store/open_ledger.h"

#include <fmt/format.h>

#include <array>

#include "store/accountant.h"
#include "store/memory_backend.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/sqlite/sqlite_check.h"

namespace tally::store {
namespace {

struct Scheme {
  std::string_view name;
  bool is_file;
  Result<std::unique_ptr<Backend>> (*open)(const std::string& rest, const OpenOptions& options);
};

Result<std::unique_ptr<Backend>> open_memory(const std::string& name, const OpenOptions&) {
  return open_memory_backend(named_memory_store(name));
}

Result<std::unique_ptr<Backend>> open_sqlite(const std::string& path, const OpenOptions& options) {
  return open_sqlite_backend(path, SqliteOptions{.map_reads = options.map_reads});
}

constexpr std::array<Scheme, 2> kSchemes{{
    {"sqlite", true, &open_sqlite},
    {"memory", false, &open_memory},
}};

const Scheme* find_scheme(std::string_view name) {
  for (const Scheme& s : kSchemes) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

Result<LedgerLocation> file_location(const std::string& location) {
  auto parsed = parse_ledger_location(location);
  TALLY_TRY(parsed);
  if (!parsed->is_file) {
    return fail(Errc::unsupported,
                fmt::format("the ledger at '{}' is not kept in a file: there is no file to check, "
                            "move or compare",
                            location));
  }
  return parsed;
}

}  // namespace

std::vector<std::string_view> ledger_schemes() {
  std::vector<std::string_view> out;
  for (const Scheme& s : kSchemes) {
    out.push_back(s.name);
  }
  return out;
}

Result<LedgerLocation> parse_ledger_location(const std::string& location) {
  const size_t sep = location.find("://");
  if (sep == std::string::npos) {
    return LedgerLocation{"sqlite", location, true};
  }
  const std::string_view name = std::string_view(location).substr(0, sep);
  const Scheme* scheme = find_scheme(name);
  if (scheme == nullptr) {
    return fail(Errc::invalid_argument,
                fmt::format("unknown ledger location '{}': this tally keeps ledgers at a path, "
                            "sqlite://PATH or memory://NAME",
                            location));
  }
  return LedgerLocation{scheme->name, location.substr(sep + 3), scheme->is_file};
}

Result<std::unique_ptr<Backend>> open_backend(const std::string& location,
                                              const OpenOptions& options) {
  auto parsed = parse_ledger_location(location);
  TALLY_TRY(parsed);
  return find_scheme(parsed->scheme)->open(parsed->rest, options);
}

Result<std::unique_ptr<Ledger>> open_ledger(const std::string& location,
                                            const OpenOptions& options) {
  auto backend = open_backend(location, options);
  TALLY_TRY(backend);
  return make_ledger(std::move(*backend));
}

LedgerFault ledger_fault(const Error& e) { return sqlite_fault(e); }

std::string fault_reason(const Error& e) { return sqlite_fault_reason(e); }

LedgerHealth check_ledger(const std::string& location, bool full) {
  auto parsed = file_location(location);
  if (!parsed) {
    LedgerHealth h;
    h.findings.push_back(LedgerFinding{LedgerFinding::Level::note, parsed.error().message});
    return h;
  }
  return check_sqlite_ledger(parsed->rest, full);
}

Status consolidate_ledger(const std::string& location) {
  auto parsed = file_location(location);
  TALLY_TRY(parsed);
  return consolidate_sqlite_ledger(parsed->rest);
}

Result<LedgerDifference> compare_ledgers(const std::string& old_location,
                                         const std::string& new_location) {
  auto old_file = file_location(old_location);
  TALLY_TRY(old_file);
  auto new_file = file_location(new_location);
  TALLY_TRY(new_file);
  return compare_sqlite_ledgers(old_file->rest, new_file->rest);
}

}  // namespace tally::store
