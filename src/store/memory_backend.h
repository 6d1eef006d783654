#pragma once

// The in-memory backend: a ledger held in the process, for tests (the fake that the
// conformance suite holds every backend to, as ninja's VirtualFileSystem is to the disk)
// and for short-lived ledgers (`memory://` locations). Nothing survives the process.
//
// A MemoryStore is one ledger's state; several backends may share it (as several
// connections share one SQLite file): one writer at a time, readers see the last commit.
// A write works on a copy of the state and swaps it in at commit, so a write destroyed
// without commit() leaves nothing behind. Copying the whole state per write is fine for
// tests and small ledgers, not for a large history.

#include <memory>
#include <string>

#include "store/backend.h"

namespace tally::store {

class MemoryStore;

// A new, empty store.
std::shared_ptr<MemoryStore> make_memory_store();

// The store called `name` in this process, made empty on first use: `memory://name`
// locations open it, so two opens of one name share a ledger.
std::shared_ptr<MemoryStore> named_memory_store(const std::string& name);

// A backend over `store` (which it keeps alive).
std::unique_ptr<Backend> open_memory_backend(std::shared_ptr<MemoryStore> store);

}  // namespace tally::store
