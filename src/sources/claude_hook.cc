#include "sources/claude_hook.h"

#include <fmt/format.h>
#include <poll.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace tally::sources {
namespace {

namespace fs = std::filesystem;

std::string dom_string(simdjson::dom::element parent, std::string_view key) {
  std::string_view v;
  if (parent[key].get_string().get(v) != simdjson::SUCCESS) {
    return "";
  }
  return std::string(v);
}

}  // namespace

Result<HookInput> parse_hook(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return fail(Errc::parse, "statusline input is not a JSON object");
  }
  HookInput in;
  in.session_id = dom_string(root, "session_id");
  in.transcript_path = dom_string(root, "transcript_path");
  in.cwd = dom_string(root, "cwd");
  simdjson::dom::element model;
  if (root["model"].get(model) == simdjson::SUCCESS) {
    if (model.is_object()) {
      in.model_id = dom_string(model, "id");
      in.model_name = dom_string(model, "display_name");
    } else if (model.is_string()) {
      in.model_id = std::string(model.get_string().value_unsafe());
    }
  }
  double cost = 0;
  if (root["cost"]["total_cost_usd"].get_double().get(cost) == simdjson::SUCCESS &&
      std::isfinite(cost)) {
    in.agent_cost_usd = cost;
  }
  std::int64_t window = 0;
  if (root["context_window"]["context_window_size"].get_int64().get(window) == simdjson::SUCCESS &&
      window > 0) {
    in.context_window_size = window;
  }
  return in;
}

Result<std::string> read_input(int fd, std::size_t cap, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  char buf[16384];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return fail(Errc::io, "timed out reading the statusline input");
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(Errc::io, "cannot read the statusline input");
    }
    if (ready == 0) {
      continue;  // the deadline check above ends the wait
    }
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(Errc::io, "cannot read the statusline input");
    }
    if (n == 0) {
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > cap) {
      return fail(Errc::io, fmt::format("statusline input over {} bytes", cap));
    }
  }
}

std::vector<SourceFile> session_files(const std::string& transcript) {
  std::vector<SourceFile> files;
  std::error_code ec;
  if (transcript.empty() || !fs::is_regular_file(transcript, ec)) {
    return files;
  }
  const fs::path path(transcript);
  files.push_back({Agent::claude, transcript, path.filename().string(), false, std::nullopt});
  const fs::path subagents = path.parent_path() / path.stem() / "subagents";
  if (fs::is_directory(subagents, ec)) {
    for (const auto& entry : fs::directory_iterator(subagents, ec)) {
      if (entry.path().extension() == ".jsonl" && entry.is_regular_file(ec)) {
        files.push_back({Agent::claude, entry.path().string(), entry.path().filename().string(),
                         false, std::nullopt});
      }
    }
  }
  return files;
}

}  // namespace tally::sources
