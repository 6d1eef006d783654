#pragma once

// Reads one log file from where the ledger's cursor left it, hands complete lines to the
// agent's parser and returns a WriteBatch to commit.
//
// Decisions, in order:
// * The file is opened once and fstat'ed; everything below refers to that open file, so a
//   file replaced mid-read is read consistently (the replacement is seen next run).
// * Unchanged (same device, inode, size and mtime as the cursor): nothing is read.
// * Appended (same device and inode, not smaller than the cursor's offset, the first
//   `head_len` bytes hash as before): reading resumes at the cursor with the parser's state.
// * Anything else (truncated, rewritten, replaced, unreadable state): read from the start;
//   records are keyed by stable ids, so nothing counts twice.
// * Only complete lines are consumed: the last line of a live log may still be being
//   written. The cursor moves to the end of the last complete line.
// * A UTF-8 byte order mark at offset 0 (JSONL or whole document) is skipped, once here for
//   every adapter: line 1 starts after it, and offsets stay file offsets.
// * Memory is bounded: lines up to kMaxLineBytes are held whole; a longer one is streamed
//   past. If its head (wants()) or its bytes (needles()) suggest usage it is reported as a
//   problem with file and line, otherwise skipped (Claude's file-history-snapshot lines can
//   be hundreds of MB).
// * A long file is committed in parts: with a PartSink, every kPartRecords records (and
//   snapshots and problems) the lines read so far are handed over as a batch of their own,
//   exactly what a run that had found the file ending there would have committed (the
//   parser finishes, its state is saved, and a fresh parser resumes from that state). A
//   file of hundreds of MB no longer holds all its records in memory until its end, and a
//   run killed after a part resumes after it.

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "ingest/line_buffer.h"
#include "sources/adapter.h"
#include "store/ledger.h"

namespace tally::ingest {

// Longest line held in memory whole.
inline constexpr std::int64_t kMaxLineBytes = 32LL << 20;
// Largest whole-document file (older Gemini *.json) parsed.
inline constexpr std::int64_t kMaxDocumentBytes = 256LL << 20;

// Records, snapshots and problems after which a long file's reading is handed over as a
// part (about 4 MB of records).
inline constexpr size_t kPartRecords = 4096;

// Receives a part of a long file as it is read: a batch whose cursor ends at a line boundary
// inside the file. Its cursor's size is where the part ends, so a run that stops after
// committing it finds the file changed and resumes there. An error stops the scan.
using PartSink = std::function<Status(store::WriteBatch&&)>;

struct ScanResult {
  // nullopt when the file is unchanged since the cursor (nothing to commit).
  std::optional<store::WriteBatch> batch;
  std::int64_t bytes_read = 0;
  std::int64_t lines = 0;
  std::int64_t skipped_lines = 0;
};

// What one ingest thread reuses from file to file: the JSON parser (its buffers grow to the
// longest line once) and the read buffer.
struct ScanScratch {
  simdjson::ondemand::parser json;
  LineBuffer buffer;
};

// Reads `file` past `stored`. Fails (Errc::io) when the file cannot be opened or read; the
// caller reports that and goes on. Thread-safe for distinct `scratch`es. With `parts`, a
// long file's records are handed over in parts of `part_records` as they are read (the
// result is then the last part, with the counts of the whole scan); without, the result
// holds them all.
Result<ScanResult> scan_file(const sources::SourceFile& file, const sources::Adapter& adapter,
                             const std::optional<store::FileCursor>& stored, ScanScratch& scratch,
                             const PartSink& parts = {}, size_t part_records = kPartRecords);

// FNV-1a over `data`: the head fingerprint.
std::uint64_t fingerprint(std::string_view data);

}  // namespace tally::ingest
