#include "sources/codex_items.h"

#include <algorithm>
#include <string_view>

#include "core/session_facts.h"

namespace tally::sources {

std::string first_text(object item) {
  value content;
  simdjson::ondemand::array blocks;
  if (item.find_field_unordered("content").get(content) != simdjson::SUCCESS ||
      content.get_array().get(blocks) != simdjson::SUCCESS) {
    return "";
  }
  for (auto element : blocks) {
    object block;
    if (element.get_object().get(block) != simdjson::SUCCESS) {
      return "";  // a failed lookup ends the use of this array
    }
    if (str_field(block, "type") == "text") {
      std::string text = str_field(block, "text");
      text.resize(std::min(text.size(), kPromptCopyBytes));
      return text;
    }
  }
  return "";
}

std::optional<CommandRun> read_command_run(object item) {
  // Fields in the order Codex writes them (command, cwd, ..., aggregated_output, exit_code):
  // one pass, no rescans.
  CommandRun run;
  bool exit_ok = false;
  bool unused = false;
  if (item.reset().get(unused) != simdjson::SUCCESS) {  // the caller read "type" already
    return std::nullopt;
  }
  const simdjson::error_code walked = for_each_field(item, [&](std::string_view key, value v) {
    if (key == "command") {
      simdjson::ondemand::array words;
      if (v.get_array().get(words) == simdjson::SUCCESS) {
        for (auto word : words) {
          std::string_view s;
          if (auto err = word.get_string().get(s); err != simdjson::SUCCESS) {
            return err;
          }
          run.script = std::string(s);
        }
      }
    } else if (key == "cwd") {
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS) {
        constexpr std::string_view kFileUrl = "file://";
        run.cwd = std::string(s.starts_with(kFileUrl) ? s.substr(kFileUrl.size()) : s);
      }
    } else if (key == "aggregated_output") {
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS) {
        run.output = std::string(s);
      }
    } else if (key == "exit_code") {
      std::int64_t code = -1;
      exit_ok = v.get_int64().get(code) == simdjson::SUCCESS && code == 0;
    }
    return simdjson::SUCCESS;
  });
  if (walked != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (!exit_ok || run.script.empty()) {
    return std::nullopt;
  }
  return run;
}

}  // namespace tally::sources
