// One file's scan (see scanner.h for the decisions), as steps: open and stat the file
// (open_file), compare it with the cursor (unchanged), then a FileScan positions the parser
// at the start or at the cursor (start), reads the whole document or the lines from there
// (read_document, read_lines), hands long files over in parts as it goes (hand_over_part)
// and ends with the batch for the rest (finish).

#include "ingest/scanner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace tally::ingest {
namespace {

constexpr std::int64_t kHeadBytes = 4096;
// Read size: small enough that a chunk is still in the core's L2 cache when it is scanned
// and parsed (1 MB chunks were copied out to memory and read back: a cold ingest used 10%
// more CPU with them).
constexpr size_t kChunkBytes = 256 << 10;
// What the read buffer keeps between files and after a long line or document.
constexpr size_t kKeptBufferBytes = 4 * kChunkBytes;
// Bytes of an over-long line kept across chunks, so needles spanning two chunks are found.
constexpr size_t kCarryBytes = 64;

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
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

// A file opened for one scan, with what fstat said of it then.
struct OpenFile {
  Fd fd;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
};

// Opens `path` read-only and stats the open file. Fails (Errc::io) when it cannot be opened
// or stat'ed, or is not a regular file.
Result<OpenFile> open_file(const std::string& path) {
  const int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    return fail(Errc::io, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  OpenFile f{Fd(raw)};
  struct stat st {};
  if (::fstat(f.fd.get(), &st) != 0) {
    return fail(Errc::io, fmt::format("cannot stat: {}", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::io, "not a regular file");
  }
  f.size = static_cast<std::int64_t>(st.st_size);
  f.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  f.device = static_cast<std::uint64_t>(st.st_dev);
  f.inode = static_cast<std::uint64_t>(st.st_ino);
  return f;
}

// True when `f` is the file `stored` was left at: same device, inode, size and mtime.
bool unchanged(const OpenFile& f, const std::optional<store::FileCursor>& stored) {
  return stored && stored->device == f.device && stored->inode == f.inode &&
         stored->size == f.size && stored->mtime_ns == f.mtime_ns;
}

// A line too long to hold (over kMaxLineBytes), while it is streamed past.
struct LongLine {
  bool active = false;
  bool wanted = false;      // the line's head is of a kind that may carry usage
  bool suspicious = false;  // ... and a needle was seen in its bytes
  std::int64_t start = 0;   // file offset of its first byte
  std::string carry;        // its last kCarryBytes bytes read so far
};

// The state of one changed file's scan, from its parser's start to its last batch. Each
// method is one step; scan_file() runs them in order.
class FileScan {
 public:
  FileScan(OpenFile&& f, const sources::SourceFile& file, const sources::Adapter& adapter,
           ScanScratch& scratch, const PartSink& parts, size_t part_records)
      : f_(std::move(f)),
        file_(file),
        adapter_(adapter),
        scratch_(scratch),
        parts_(parts),
        part_records_(part_records) {}

  // Opens the parser and decides where reading starts: at `stored`'s cursor, with its parser
  // state, when the file was only appended to since; else at the start with a fresh parser.
  // Returns false when there is nothing new to read (only metadata changed). Fails when the
  // head cannot be read.
  Result<bool> start(const std::optional<store::FileCursor>& stored);
  // After start() returned false: the stored cursor with the file's new size and mtime.
  ScanResult metadata_only() const;
  // Parses a whole-document file (older Gemini *.json) as one line. Fails when it cannot be
  // read.
  Status read_document();
  // Reads chunks from the start position to the end of the file, handing every complete
  // line to the parser. Fails when the file cannot be read or a part is refused.
  Status read_lines();
  // Finishes the parser and returns the scan's counts with the batch of what no part took.
  Result<ScanResult> finish();

 private:
  // Drops a byte order mark at the buffer's start, if it is at file offset 0.
  void skip_bom();
  // Streams a long line on through the buffered bytes: returns false when they are all its
  // own (all consumed), true when it ends in them (it is counted or reported as a problem,
  // and consumed with its newline).
  bool stream_long_line();
  // Hands every complete buffered line to the parser and consumes it, handing over a part
  // whenever one is due. Fails when a part is refused or cannot be resumed after.
  Status parse_complete_lines();
  // Starts streaming past the buffered bytes, a line too long to hold, deciding from its
  // head whether it may hold usage.
  void start_long_line();
  // True when enough has been read for a part: part_records_ records, snapshots and
  // problems, and no undated snapshot (ts 0: Claude dates them with the first timestamp
  // that follows) that a part would commit undated.
  bool part_due() const {
    return parts_ &&
           out_.records.size() + out_.snapshots.size() + out_.problems.size() >= part_records_ &&
           (out_.snapshots.empty() || out_.snapshots.back().ts != 0);
  }
  // Hands over the lines read so far as a part, then goes on with a fresh parser resumed
  // from the state the part's cursor holds, as the next run would.
  Status hand_over_part();
  // Everything read since the last batch, as a batch whose cursor ends at consumed_to_ (a
  // part's cursor claims the file's size is consumed_to_: see PartSink).
  Result<store::WriteBatch> take_batch(bool part);

  OpenFile f_;
  const sources::SourceFile& file_;
  const sources::Adapter& adapter_;
  ScanScratch& scratch_;
  const PartSink& parts_;
  const size_t part_records_;

  std::unique_ptr<sources::FileParser> parser_;
  sources::ParseOutput out_;
  ScanResult result_;
  // The cursor the next batch extends: the stored one when resuming, then each part's.
  std::optional<store::FileCursor> base_;
  std::int64_t consumed_to_ = 0;  // end of the last line consumed (the next cursor's offset)
  std::int64_t line_no_ = 0;      // lines consumed, counted from the file's start
  std::int64_t buf_offset_ = 0;   // file offset of the read buffer's first unconsumed byte
  LongLine long_;
  std::vector<std::string_view> needles_;  // the parser's, for long lines
};

Result<bool> FileScan::start(const std::optional<store::FileCursor>& stored) {
  parser_ = adapter_.open(file_);
  if (stored && !file_.whole_document && stored->device == f_.device && stored->inode == f_.inode &&
      f_.size >= stored->offset && stored->head_len <= f_.size) {
    std::string head(static_cast<size_t>(stored->head_len), '\0');
    auto got = read_at(f_.fd.get(), head.data(), head.size(), 0);
    TALLY_TRY(got);
    if (*got == head.size() && fingerprint(head) == stored->head_hash &&
        parser_->restore_state(stored->parser_state)) {
      base_ = stored;
      if (f_.size == stored->offset) {
        return false;  // only metadata changed: metadata_only()
      }
      consumed_to_ = stored->offset;
      line_no_ = stored->lines;
      return true;
    }
    parser_ = adapter_.open(file_);  // a failed restore may have left partial state
  }
  return true;
}

Status FileScan::read_document() {
  if (f_.size > kMaxDocumentBytes) {
    out_.problems.push_back(ParseProblem{
        file_.path, 0, 0, fmt::format("document of {} MB is too large to read", f_.size >> 20)});
    consumed_to_ = f_.size;
    return ok();
  }
  // The thread's line buffer: aligned for the kernel's copy, padded, not zero-filled.
  LineBuffer& buf = scratch_.buffer;
  buf.clear();
  const auto size = static_cast<size_t>(f_.size);
  auto got = read_at(f_.fd.get(), buf.prepare(size, 0), size, 0);
  if (!got) {
    buf.clear();
    buf.shrink(kKeptBufferBytes);  // a document-sized buffer is not kept for the next file
    return Unexpected{got.error()};
  }
  buf.commit(*got);
  result_.bytes_read = static_cast<std::int64_t>(*got);
  sources::Line line{buf.view(), 1, 0, &scratch_.json};
  if (line.text.starts_with(kUtf8Bom)) {
    line.text.remove_prefix(kUtf8Bom.size());
    line.offset = static_cast<std::int64_t>(kUtf8Bom.size());
  }
  ++out_.lines;
  if (parser_->wants(line.text)) {
    parser_->on_line(line, out_);
  }
  consumed_to_ = static_cast<std::int64_t>(*got);
  line_no_ = 1;
  buf.clear();
  buf.shrink(kKeptBufferBytes);
  return ok();
}

Status FileScan::read_lines() {
  LineBuffer& buf = scratch_.buffer;
  buf.clear();
  buf_offset_ = consumed_to_;
  std::int64_t read_pos = consumed_to_;
  needles_ = parser_->needles();
  bool bom_checked = consumed_to_ != 0;  // a resume starts after line 1, past any BOM
  bool eof = false;
  while (!eof) {
    char* room = buf.prepare(kChunkBytes, read_pos);
    auto got = read_at(f_.fd.get(), room, kChunkBytes, read_pos);
    TALLY_TRY(got);
    buf.commit(*got);
    read_pos += static_cast<std::int64_t>(*got);
    result_.bytes_read += static_cast<std::int64_t>(*got);
    eof = *got == 0;
    // Decided once the first 3 bytes are in, or at the end of a shorter file (which cannot
    // start with a BOM; a line in it is read as it is).
    if (!bom_checked && (buf.size() >= kUtf8Bom.size() || eof)) {
      bom_checked = true;
      skip_bom();
    }
    if (long_.active && !stream_long_line()) {
      continue;
    }
    TALLY_TRY(parse_complete_lines());
    if (static_cast<std::int64_t>(buf.size()) > kMaxLineBytes) {
      start_long_line();
    }
    buf.shrink(kKeptBufferBytes);
  }
  return ok();
}

void FileScan::skip_bom() {
  LineBuffer& buf = scratch_.buffer;
  if (buf_offset_ == 0 && buf.view().starts_with(kUtf8Bom)) {
    buf.consume(kUtf8Bom.size());
    buf_offset_ = static_cast<std::int64_t>(kUtf8Bom.size());
  }
}

bool FileScan::stream_long_line() {
  LineBuffer& buf = scratch_.buffer;
  const char* nl = static_cast<const char*>(std::memchr(buf.data(), '\n', buf.size()));
  const size_t upto = nl == nullptr ? buf.size() : static_cast<size_t>(nl - buf.data());
  if (long_.wanted) {
    std::string window = long_.carry;
    window.append(buf.data(), std::min<size_t>(upto, kCarryBytes));
    long_.suspicious = long_.suspicious || contains_any(window, needles_) ||
                       contains_any(std::string_view(buf.data(), upto), needles_);
    const size_t tail = std::min<size_t>(upto, kCarryBytes);
    long_.carry.assign(buf.data() + upto - tail, tail);
  }
  if (nl == nullptr) {
    buf_offset_ += static_cast<std::int64_t>(buf.size());
    buf.consume(buf.size());
    return false;
  }
  ++line_no_;
  ++out_.lines;
  if (long_.suspicious) {
    out_.problems.push_back(ParseProblem{
        file_.path, line_no_, long_.start,
        fmt::format("line of {} MB is too long to parse and may hold usage; not counted",
                    (buf_offset_ + static_cast<std::int64_t>(upto) - long_.start) >> 20)});
  } else {
    ++out_.skipped_lines;
  }
  long_.active = false;
  buf.consume(upto + 1);
  buf_offset_ += static_cast<std::int64_t>(upto + 1);
  consumed_to_ = buf_offset_;
  return true;
}

// The hot loop of a cold ingest: one memchr, one wants() and, for the few lines wanted, one
// on_line() per line, each parsed in place. The buffer keeps SIMDJSON_PADDING readable bytes
// after its end, and bytes after a line's newline are the file's own.
Status FileScan::parse_complete_lines() {
  LineBuffer& buf = scratch_.buffer;
  for (;;) {
    const char* begin = buf.data();
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', buf.size()));
    if (nl == nullptr) {
      return ok();
    }
    const size_t len = static_cast<size_t>(nl - begin);
    ++line_no_;
    std::string_view text(begin, len);
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
    }
    if (!text.empty()) {
      ++out_.lines;
      if (parser_->wants(text)) {
        parser_->on_line(sources::Line{text, line_no_, buf_offset_, &scratch_.json}, out_);
      } else {
        ++out_.skipped_lines;
      }
    }
    buf.consume(len + 1);
    buf_offset_ += static_cast<std::int64_t>(len + 1);
    consumed_to_ = buf_offset_;
    if (part_due()) {
      TALLY_TRY(hand_over_part());
    }
  }
}

void FileScan::start_long_line() {
  LineBuffer& buf = scratch_.buffer;
  const std::string_view all = buf.view();
  long_.active = true;
  long_.start = buf_offset_;
  long_.wanted = parser_->wants(all.substr(0, sources::kWantsPrefixBytes));
  long_.suspicious = long_.wanted && contains_any(all, needles_);
  long_.carry.assign(all.substr(all.size() - kCarryBytes));
  buf_offset_ += static_cast<std::int64_t>(all.size());
  buf.consume(all.size());
}

Status FileScan::hand_over_part() {
  parser_->finish(out_);
  auto batch = take_batch(/*part=*/true);
  TALLY_TRY(batch);
  TALLY_TRY(parts_(std::move(*batch)));
  parser_ = adapter_.open(file_);
  const Status resumed = parser_->restore_state(base_->parser_state);
  if (!resumed) {
    return fail(Errc::io,
                fmt::format("cannot resume after line {}: {}", line_no_, resumed.error().message));
  }
  return ok();
}

Result<store::WriteBatch> FileScan::take_batch(bool part) {
  store::WriteBatch batch;
  batch.base = base_;
  store::FileCursor& c = batch.cursor;
  c.path = file_.path;
  c.agent = file_.agent;
  c.device = f_.device;
  c.inode = f_.inode;
  c.size = part ? consumed_to_ : f_.size;
  c.mtime_ns = f_.mtime_ns;
  c.offset = consumed_to_;
  c.lines = line_no_;
  c.parser_state = parser_->save_state();
  // The head fingerprint covers up to kHeadBytes of what has been consumed; it grows with
  // the file until then, so a small file's fingerprint strengthens as it is appended to.
  // Once full it is the base's (checked against this open file when resuming, or taken
  // from it by the previous part), so it is not read again.
  if (base_ && base_->head_len == kHeadBytes) {
    c.head_len = base_->head_len;
    c.head_hash = base_->head_hash;
  } else {
    std::string head(static_cast<size_t>(std::min<std::int64_t>(kHeadBytes, consumed_to_)), '\0');
    auto got = read_at(f_.fd.get(), head.data(), head.size(), 0);
    TALLY_TRY(got);
    head.resize(*got);
    c.head_len = static_cast<std::int64_t>(*got);
    c.head_hash = fingerprint(head);
  }
  batch.records = std::move(out_.records);
  batch.snapshots = std::move(out_.snapshots);
  batch.sessions = std::move(out_.sessions);
  batch.problems = std::move(out_.problems);
  result_.lines += out_.lines;
  result_.skipped_lines += out_.skipped_lines;
  out_ = sources::ParseOutput{};
  base_ = c;
  return batch;
}

// Only metadata changed (a touch, a copy that kept the bytes): the cursor takes the file's
// stat, so the next run finds the file unchanged without opening it, and a quick refresh
// (refresh.h) sees when it was really written.
ScanResult FileScan::metadata_only() const {
  ScanResult r;
  store::WriteBatch b;
  b.base = base_;
  b.cursor = *base_;
  b.cursor.machine.clear();  // this machine's, as every batch a scan makes
  b.cursor.size = f_.size;
  b.cursor.mtime_ns = f_.mtime_ns;
  r.batch = std::move(b);
  return r;
}

Result<ScanResult> FileScan::finish() {
  parser_->finish(out_);
  auto batch = take_batch(/*part=*/false);
  TALLY_TRY(batch);
  result_.batch = std::move(*batch);
  return std::move(result_);
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
  auto opened = open_file(file.path);
  TALLY_TRY(opened);
  if (unchanged(*opened, stored)) {
    return ScanResult{};
  }
  FileScan scan(std::move(*opened), file, adapter, scratch, parts, part_records);
  auto more = scan.start(stored);
  TALLY_TRY(more);
  if (!*more) {
    return scan.metadata_only();
  }
  TALLY_TRY(file.whole_document ? scan.read_document() : scan.read_lines());
  return scan.finish();
}

}  // namespace tally::ingest
