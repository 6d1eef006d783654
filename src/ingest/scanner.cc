#include "ingest/scanner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace tally::ingest {
namespace {

constexpr std::int64_t kHeadBytes = 4096;
// Read size: small enough that a chunk is still in the core's L2 cache when it is scanned
// and parsed (1 MB chunks were copied out to memory and read back: a cold ingest used 10%
// more CPU with them).
constexpr size_t kChunkBytes = 256 << 10;

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `n` bytes at `offset`; returns the bytes read (short at EOF) or an error.
Result<size_t> read_at(int fd, char* buf, size_t n, std::int64_t offset) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got =
        ::pread(fd, buf + done, n - done, static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(Errc::io, std::strerror(errno));
    }
    if (got == 0) {
      break;
    }
    done += static_cast<size_t>(got);
  }
  return done;
}

// A UTF-8 byte order mark. Some editors and Windows tools start a text file with one; it
// is not JSON, and left in place it made line 1 malformed (a Gemini session then lost the id
// its first line carries). The scanner drops it at offset 0, for every adapter and for
// whole documents too, as bytes consumed before line 1: offsets stay file offsets, so
// records, problems and a resume after line 1 point where they did.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool contains_any(std::string_view hay, const std::vector<std::string_view>& needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return hay.find(n) != std::string_view::npos; });
}

}  // namespace

std::uint64_t fingerprint(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

Result<ScanResult> scan_file(const sources::SourceFile& file, const sources::Adapter& adapter,
                             const std::optional<store::FileCursor>& stored, ScanScratch& scratch,
                             const PartSink& parts, size_t part_records) {
  const int raw = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    return fail(Errc::io, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  Fd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return fail(Errc::io, fmt::format("cannot stat: {}", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::io, "not a regular file");
  }
  const std::int64_t size = static_cast<std::int64_t>(st.st_size);
  const std::int64_t mtime_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  const auto device = static_cast<std::uint64_t>(st.st_dev);
  const auto inode = static_cast<std::uint64_t>(st.st_ino);

  ScanResult result;
  if (stored && stored->device == device && stored->inode == inode && stored->size == size &&
      stored->mtime_ns == mtime_ns) {
    return result;  // unchanged
  }

  std::unique_ptr<sources::FileParser> parser = adapter.open(file);
  std::int64_t start = 0;
  std::int64_t line_no = 0;
  bool resume = false;
  if (stored && !file.whole_document && stored->device == device && stored->inode == inode &&
      size >= stored->offset && stored->head_len <= size) {
    std::string head(static_cast<size_t>(stored->head_len), '\0');
    auto got = read_at(fd.get(), head.data(), head.size(), 0);
    TALLY_TRY(got);
    if (*got == head.size() && fingerprint(head) == stored->head_hash &&
        parser->restore_state(stored->parser_state)) {
      resume = true;
      start = stored->offset;
      line_no = stored->lines;
    } else {
      parser = adapter.open(file);  // a failed restore may have left partial state
    }
  }
  if (resume && size == stored->offset) {
    // Only metadata changed (or an incomplete line is still being written at the end).
    return result;
  }

  sources::ParseOutput out;
  std::int64_t consumed_to = start;
  // The cursor the next batch extends: the stored one when resuming, then each part's.
  std::optional<store::FileCursor> base = resume ? stored : std::nullopt;

  // Everything read since the last batch, as a batch whose cursor ends at consumed_to (a
  // part's cursor claims the file's size is consumed_to: see PartSink).
  auto take_batch = [&](bool part) -> Result<store::WriteBatch> {
    store::WriteBatch batch;
    batch.base = base;
    store::FileCursor& c = batch.cursor;
    c.path = file.path;
    c.agent = file.agent;
    c.device = device;
    c.inode = inode;
    c.size = part ? consumed_to : size;
    c.mtime_ns = mtime_ns;
    c.offset = consumed_to;
    c.lines = line_no;
    c.parser_state = parser->save_state();
    // The head fingerprint covers up to kHeadBytes of what has been consumed; it grows with
    // the file until then, so a small file's fingerprint strengthens as it is appended to.
    // Once full it is the base's (checked against this open file when resuming, or taken
    // from it by the previous part), so it is not read again.
    if (base && base->head_len == kHeadBytes) {
      c.head_len = base->head_len;
      c.head_hash = base->head_hash;
    } else {
      std::string head(static_cast<size_t>(std::min<std::int64_t>(kHeadBytes, consumed_to)), '\0');
      auto got = read_at(fd.get(), head.data(), head.size(), 0);
      TALLY_TRY(got);
      head.resize(*got);
      c.head_len = static_cast<std::int64_t>(*got);
      c.head_hash = fingerprint(head);
    }
    batch.records = std::move(out.records);
    batch.snapshots = std::move(out.snapshots);
    batch.sessions = std::move(out.sessions);
    batch.problems = std::move(out.problems);
    result.lines += out.lines;
    result.skipped_lines += out.skipped_lines;
    out = sources::ParseOutput{};
    base = c;
    return batch;
  };
  // Hands over the lines read so far as a part, then goes on with a fresh parser resumed
  // from the state the part's cursor holds, as the next run would.
  auto hand_over_part = [&]() -> Status {
    parser->finish(out);
    auto batch = take_batch(/*part=*/true);
    TALLY_TRY(batch);
    TALLY_TRY(parts(std::move(*batch)));
    parser = adapter.open(file);
    const Status resumed = parser->restore_state(base->parser_state);
    if (!resumed) {
      return fail(Errc::io,
                  fmt::format("cannot resume after line {}: {}", line_no, resumed.error().message));
    }
    return ok();
  };

  if (file.whole_document) {
    if (size > kMaxDocumentBytes) {
      out.problems.push_back(ParseProblem{
          file.path, 0, 0, fmt::format("document of {} MB is too large to read", size >> 20)});
      consumed_to = size;
    } else {
      // The thread's line buffer: aligned for the kernel's copy, padded, not zero-filled.
      LineBuffer& buf = scratch.buffer;
      buf.clear();
      auto got = read_at(fd.get(), buf.prepare(static_cast<size_t>(size), 0),
                         static_cast<size_t>(size), 0);
      if (!got) {
        buf.clear();
        buf.shrink(4 * kChunkBytes);  // a document-sized buffer is not kept for the next file
        return Unexpected{got.error()};
      }
      buf.commit(*got);
      result.bytes_read = static_cast<std::int64_t>(*got);
      sources::Line line{buf.view(), 1, 0, &scratch.json};
      if (line.text.starts_with(kUtf8Bom)) {
        line.text.remove_prefix(kUtf8Bom.size());
        line.offset = static_cast<std::int64_t>(kUtf8Bom.size());
      }
      ++out.lines;
      if (parser->wants(line.text)) {
        parser->on_line(line, out);
      }
      consumed_to = static_cast<std::int64_t>(*got);
      line_no = 1;
      buf.clear();
      buf.shrink(4 * kChunkBytes);
    }
  } else {
    LineBuffer& buf = scratch.buffer;
    buf.clear();
    std::int64_t buf_offset = start;  // file offset of buf.data()
    std::int64_t read_pos = start;
    bool eof = false;
    // State of an over-long line being streamed past.
    bool skipping = false;
    bool skip_wanted = false;      // the line's head is of a kind that may carry usage
    bool skip_suspicious = false;  // ... and a needle was seen in its bytes
    std::int64_t skip_start = 0;
    std::string carry;  // tail of the previous chunk, so needles spanning chunks are found
    const std::vector<std::string_view> needles = parser->needles();
    bool bom_checked = start != 0;  // a resume starts after line 1, past any BOM

    while (!eof) {
      char* room = buf.prepare(kChunkBytes, read_pos);
      auto got = read_at(fd.get(), room, kChunkBytes, read_pos);
      TALLY_TRY(got);
      buf.commit(*got);
      read_pos += static_cast<std::int64_t>(*got);
      result.bytes_read += static_cast<std::int64_t>(*got);
      eof = *got == 0;
      // Decided once the first 3 bytes are in, or at the end of a shorter file (which cannot
      // start with a BOM; a line in it is read as it is).
      if (!bom_checked && (buf.size() >= kUtf8Bom.size() || eof)) {
        bom_checked = true;
        if (buf_offset == 0 && buf.view().starts_with(kUtf8Bom)) {
          buf.consume(kUtf8Bom.size());
          buf_offset = static_cast<std::int64_t>(kUtf8Bom.size());
        }
      }

      if (skipping) {
        const char* nl = static_cast<const char*>(std::memchr(buf.data(), '\n', buf.size()));
        const size_t upto = nl == nullptr ? buf.size() : static_cast<size_t>(nl - buf.data());
        if (skip_wanted) {
          std::string window = carry;
          window.append(buf.data(), std::min<size_t>(upto, 64));
          skip_suspicious = skip_suspicious || contains_any(window, needles) ||
                            contains_any(std::string_view(buf.data(), upto), needles);
          const size_t tail = std::min<size_t>(upto, 64);
          carry.assign(buf.data() + upto - tail, tail);
        }
        if (nl == nullptr) {
          buf_offset += static_cast<std::int64_t>(buf.size());
          buf.consume(buf.size());
          continue;
        }
        ++line_no;
        ++out.lines;
        if (skip_suspicious) {
          out.problems.push_back(ParseProblem{
              file.path, line_no, skip_start,
              fmt::format("line of {} MB is too long to parse and may hold usage; not counted",
                          (buf_offset + static_cast<std::int64_t>(upto) - skip_start) >> 20)});
        } else {
          ++out.skipped_lines;
        }
        skipping = false;
        buf.consume(upto + 1);
        buf_offset += static_cast<std::int64_t>(upto + 1);
        consumed_to = buf_offset;
      }

      // Every complete line, parsed in place: the buffer keeps SIMDJSON_PADDING readable
      // bytes after its end, and bytes after a line's newline are the file's own.
      for (;;) {
        const char* begin = buf.data();
        const char* nl = static_cast<const char*>(std::memchr(begin, '\n', buf.size()));
        if (nl == nullptr) {
          break;
        }
        const size_t len = static_cast<size_t>(nl - begin);
        ++line_no;
        std::string_view text(begin, len);
        if (!text.empty() && text.back() == '\r') {
          text.remove_suffix(1);
        }
        if (!text.empty()) {
          ++out.lines;
          if (parser->wants(text)) {
            parser->on_line(sources::Line{text, line_no, buf_offset, &scratch.json}, out);
          } else {
            ++out.skipped_lines;
          }
        }
        buf.consume(len + 1);
        buf_offset += static_cast<std::int64_t>(len + 1);
        consumed_to = buf_offset;
        // Not while the parser still holds undated snapshots (ts 0: Claude dates them with
        // the first timestamp that follows); a part would commit them undated.
        if (parts &&
            out.records.size() + out.snapshots.size() + out.problems.size() >= part_records &&
            (out.snapshots.empty() || out.snapshots.back().ts != 0)) {
          TALLY_TRY(hand_over_part());
        }
      }
      if (static_cast<std::int64_t>(buf.size()) > kMaxLineBytes) {
        // Too long to hold: decide from its head, then stream past it.
        const std::string_view all = buf.view();
        skipping = true;
        skip_start = buf_offset;
        skip_wanted = parser->wants(all.substr(0, sources::kWantsPrefixBytes));
        skip_suspicious = skip_wanted && contains_any(all, needles);
        carry.assign(all.substr(all.size() - 64));
        buf_offset += static_cast<std::int64_t>(all.size());
        buf.consume(all.size());
      }
      buf.shrink(4 * kChunkBytes);
    }
  }

  parser->finish(out);
  auto batch = take_batch(/*part=*/false);
  TALLY_TRY(batch);
  result.batch = std::move(*batch);
  return result;
}

}  // namespace tally::ingest
