#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (fuzz/seeds/<corpus>/), deterministically.

    python3 fuzz/make_seeds.py            # rewrite fuzz/seeds from tests/data/real-logs
    python3 fuzz/make_seeds.py --check    # exit 1 if fuzz/seeds is not what it would write
    python3 fuzz/make_seeds.py --litellm ../shared/pricing/litellm_model_prices.json \\
        --out build-fuzz/extra-seeds      # one seed per LiteLLM entry (not committed)

Corpora:
  claude, codex, gemini   one seed per distinct line of the derived real-log fixtures
                          (tests/data/real-logs/home), with its newline, and each whole file
                          (a line's meaning depends on the lines before it: cost-state after
                          responses, a resumed chat's header): the line harnesses and
                          json_head read them.
  gemini_document         each real Gemini chat rewritten in the older whole-document format
                          (session-*.json: the header's fields and a "messages" array), plus
                          the document of tests/sources/gemini_test.cc.
  statusline_hook, config, import_litellm, import_models_dev, days
                          small hand-written inputs below (no real-log fixture exists for
                          them), taken from the shapes the tests and headers document.
A seed's file name is the SHA-1 of its bytes, as libFuzzer names corpus files, so a seed
that libFuzzer also finds is stored once.

It also writes the dictionaries fuzz/dicts/<format>.dict from the lists below: the keys
each parser reads (as "key":) and the values it compares against, from the adapters' and
importers' sources, plus JSON's (or TOML's) own tokens and numbers at the edges of int64.
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOME = os.path.join(ROOT, "tests", "data", "real-logs", "home")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
DICTS = os.path.join(ROOT, "fuzz", "dicts")

GEMINI_OLD_DOCUMENT = """{
  "sessionId": "5f2e8c1a-0b7d-4a51-9c3e-2d6f8e4a1b90",
  "projectHash": "13bbde17d36c40c24f30abaeabb63dee76f95f2b5395aa7c3977a017241739ae",
  "startTime": "2025-08-01T09:00:00.000Z",
  "lastUpdated": "2025-08-01T09:05:00.000Z",
  "messages": [
    { "id": "m1", "timestamp": "2025-08-01T09:00:01.000Z", "type": "user", "content": "list the files" },
    { "id": "m2", "timestamp": "2025-08-01T09:00:03.000Z", "type": "gemini", "content": "", "thoughts": [],
      "tokens": { "input": 8000, "output": 30, "cached": 0, "thoughts": 12, "tool": 0, "total": 8042 },
      "model": "gemini-2.5-pro", "toolCalls": [ { "id": "c1", "name": "list_directory" } ] },
    { "id": "m2", "timestamp": "2025-08-01T09:00:03.000Z", "type": "gemini", "content": "", "thoughts": [],
      "tokens": { "input": 8000, "output": 30, "cached": 0, "thoughts": 12, "tool": 0, "total": 8042 },
      "model": "gemini-2.5-pro" },
    { "id": "m3", "timestamp": "2025-08-01T09:00:05.000Z", "type": "gemini", "content": "Here they are.",
      "tokens": { "input": 8100, "output": 20, "cached": 7000, "thoughts": 0, "tool": 40, "total": 8160 },
      "model": "gemini-2.5-pro" },
    { "id": "m4", "timestamp": "2025-08-01T09:01:00.000Z", "type": "info", "content": "Request cancelled." },
    { "id": "m5", "timestamp": "2025-08-01T09:02:00.000Z", "type": "gemini", "content": "no usage recorded" }
  ]
}
"""

# What people type for time: TZ values and --since/--until days (core/tz_spec.h, time.h).
DAYS = [
    "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT", "<+03>-3", "IST-5:30",
    "NZST-12NZDT,M9.5.0,M4.1.0/3", "XXX3YYY,J60/25,300/-1:30:15", "7d", "30d", "today",
    "yesterday", "mtd", "last-month", "2026-02-28", "Europe/Berlin", ":Asia/Tokyo", "UTC",
]

STATUSLINE_HOOKS = [
    '{"hook_event_name":"Status","session_id":"5daf8a42-7cc3-4c00-8d06-cc84cf26668f",'
    '"transcript_path":"/home/u/.claude/projects/-x/5daf8a42-7cc3-4c00-8d06-cc84cf26668f.jsonl",'
    '"cwd":"/home/u/x","model":{"id":"claude-opus-4-8","display_name":"Opus"},'
    '"workspace":{"current_dir":"/home/u/x","project_dir":"/home/u/x"},"version":"2.1.330",'
    '"output_style":{"name":"default"},"cost":{"total_cost_usd":1.23,"total_duration_ms":45000,'
    '"total_api_duration_ms":2300,"total_lines_added":156,"total_lines_removed":23},'
    '"context_window":{"context_window_size":200000,"total_input_tokens":15234,'
    '"total_output_tokens":4521},"exceeds_200k_tokens":false}\n',
    '{"session_id":"abc","model":{"id":"claude-sonnet-4-5[1m]","display_name":"Sonnet 4.5 (1M)"},'
    '"cost":{"total_cost_usd":0},"context_window":{"context_window_size":1000000}}\n',
    '{"session_id":5,"transcript_path":null,"model":"claude-haiku-4-5","cost":"free",'
    '"context_window":{"context_window_size":-1}}\n',
    '{"model":{"id":"gpt-5.5","display_name":"\\u001b]0;title\\u0007"},'
    '"cost":{"total_cost_usd":12345.678}}\n',
    "{}\n",
]

CONFIGS = [
    """# tally config
data_dir = "/home/u/.local/share/tally"
timezone = "Europe/Berlin"
user = "ada"
machine = "laptop"
team = "platform"
plan = "claude-max-20x"
""",
    """[general]
zone = "Europe/Berlin"   # not ours: ignored

[pricing.aliases]
"claude-opus-5-5" = "claude-opus-4-8"
"gpt-6-sol" = "openai/gpt-5.5"

[pricing.models."my-local-model"]
provider = "local"
input = 0.0
output = 0.0

[pricing.models."claude-opus-4-6"]
provider = "anthropic"
input = 4.0
output = 20.0

[[pricing.models."house-model"]]
since = 2026-01-01
input = 1.0
output = 2.0

[[pricing.models."house-model"]]
since = 2026-06-01
input = 0.5
output = 1.0
priority_multiplier = 3.0
""",
    """user = "bob"

[plans]
claude = "claude-pro"
codex = 200.0

[pricing.models."big-model"]
provider = "anthropic"
input = 3.0
output = 15.0
cache_read = 0.3
cache_write_5m = 3.75
cache_write_1h = 6.0
long_context = { threshold = 200000, input = 6.0, output = 22.5 }
priority = { input = 6.0, output = 30.0 }
fast_multiplier = 6.0
flex_multiplier = 0.5
batch_multiplier = 0.5
us_multiplier = 1.1
eu_multiplier = 1.1
""",
    "plan = [\"claude-max-5x\", \"chatgpt-pro\"]\n",
]

LITELLM = [
    """{
  "sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "mode": "chat"},
  "claude-sonnet-4-5": {
    "litellm_provider": "anthropic", "mode": "chat",
    "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
    "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06,
    "input_cost_per_token_above_200k_tokens": 6e-06,
    "output_cost_per_token_above_200k_tokens": 2.25e-05,
    "cache_read_input_token_cost_above_200k_tokens": 6e-07,
    "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06
  },
  "claude-opus-4-6": {
    "litellm_provider": "anthropic", "mode": "chat",
    "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
    "cache_creation_input_token_cost_above_1hr": 1e-05,
    "provider_specific_entry": {"us": 1.1, "fast": 6.0}
  },
  "GPT-5": {
    "litellm_provider": "openai", "mode": "chat",
    "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05,
    "cache_read_input_token_cost": 1.25e-07,
    "input_cost_per_token_priority": 2.5e-06, "output_cost_per_token_priority": 2e-05,
    "cache_read_input_token_cost_priority": 2.5e-07,
    "input_cost_per_token_flex": 6.25e-07, "output_cost_per_token_flex": 5e-06,
    "input_cost_per_token_batches": 6.25e-07
  },
  "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding",
    "input_cost_per_token": 2e-08, "output_cost_per_token": 0.0}
}
""",
    """{"gpt-5.5": {"litellm_provider": "openai", "mode": "responses",
  "input_cost_per_token": 5e-06, "output_cost_per_token": 3e-05,
  "input_cost_per_token_above_272k_tokens": 1e-05,
  "regional_processing_uplift_multiplier_eu": 1.1,
  "regional_processing_uplift_multiplier_us": 1.1},
 "gemini/gemini-2.5-pro": {"litellm_provider": "gemini", "mode": "chat",
  "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05,
  "input_cost_per_token_above_200k_tokens": 2.5e-06,
  "output_cost_per_token_above_200k_tokens": 1.5e-05},
 "bad-uplift": {"litellm_provider": "openai", "mode": "chat",
  "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
  "regional_processing_uplift_multiplier_us": -1,
  "regional_processing_uplift_multiplier_eu": "1.1"}}
""",
]

MODELS_DEV = [
    """{
  "anthropic": {"id": "anthropic", "models": {
    "claude-opus-4-5": {"id": "claude-opus-4-5",
      "cost": {"input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25}},
    "claude-sonnet-4-5": {"id": "claude-sonnet-4-5",
      "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75,
               "context_over_200k": {"input": 6, "output": 22.5, "cache_read": 0.6,
                                     "cache_write": 7.5}}},
    "claude-free": {"id": "claude-free"}
  }},
  "openai": {"models": {"gpt-5": {"cost": {"input": 1.25, "output": 10, "cache_read": 0.125}}}},
  "google": {"models": {"gemini-2.5-pro": {"cost": {"input": 1.25, "output": 10,
    "context_over_200k": {"input": 2.5}}}}},
  "openrouter": {"models": {"openai/gpt-5": {"cost": {"input": 1.25, "output": 10}}}}
}
""",
]


# ---------------------------------------------------------------- dictionaries

JSON_TOKENS = ["{", "}", "[", "]", ":", ",", "null", "true", "false", "-1", "0", "1e308",
               "9223372036854775807", "-9223372036854775808", "18446744073709551615",
               "9007199254740993", "1.5", "\\u0000", "\\\"", "\\\\", "\r\n", "\n",
               "\ufeff"]

TOML_TOKENS = [" = ", '"', "'", "'" * 3, '"' * 3, "{ ", " }", "[", "]", "[[", "]]", ".", "#",
               "\n", "\ufeff", "\\u0000", "\\U0010FFFF", "inf", "nan", "-inf", "1e308", "0x7f",
               "true", "false", "9223372036854775807", "-1", "2026-07-01",
               "1979-05-27T07:32:00Z"]

DICTS_SPEC = {
    "claude": (
        "Claude Code transcripts (sources/claude.cc, claude_content.cc, session_tools.cc).",
        """agentId aiTitle cacheCreationEphemeral1hInputTokens cacheCreationEphemeral5mInputTokens
        cacheCreationInputTokens cacheReadInputTokens cache_creation cache_creation_input_tokens
        cache_read_input_tokens compactMetadata content costUSD cwd effort
        ephemeral_1h_input_tokens ephemeral_5m_input_tokens id inference_geo inputTokens
        input_tokens isApiErrorMessage isCompactSummary isMeta isSidechain message mode model
        modelUsage outputTokens output_tokens output_tokens_details preTokens requestId role
        server_tool_use service_tier sessionId speed subtype thinkingTokens thinking_tokens
        timestamp title totalLinesAdded totalLinesRemoved type usage webSearchRequests
        web_search_requests uuid parentUuid version gitBranch leafUuid file_path notebook_path
        name input text tool_use_id""",
        """ai-title api-request api-request-blob api-request-shape assistant atis-latch attachment
        compact_boundary cost-state file-history-snapshot last-prompt permission-mode
        queue-operation summary system tools-used user tool_use tool_result thinking text Bash
        Edit MultiEdit NotebookEdit WebFetch WebSearch Write Task standard fast priority us
        <command-name>/compact</command-name> <local-command-stdout> <system-reminder>
        <task-notification>""",
        JSON_TOKENS),
    "codex": (
        "Codex CLI rollouts (sources/codex.cc, session_tools.cc).",
        """action arguments cache_write_input_tokens cached_input_tokens collaboration_mode cwd
        effort error id info input input_tokens inter_agent_communication_metadata item
        last_token_usage model name output_tokens parent_thread_id payload reasoning_effort
        reasoning_output_tokens response_id service_tier session_id settings source subagent
        thread_id thread_spawn tier timestamp total_token_usage total_tokens turn_id type usage
        model_context_window originator cli_version instructions call_id status role content""",
        """UserMessage apply_patch compacted custom_tool_call error event_msg function_call
        item_completed local_shell_call open_page response_item search session_meta
        task_complete task_started token_count turn_context user_message web_search_call message
        reasoning function_call_output shell shell_command exec_command container.exec
        update_plan priority flex high medium low <environment_context>""",
        JSON_TOKENS),
    "gemini": (
        "Gemini CLI chats, JSONL and the older whole-document JSON (sources/gemini.cc).",
        """$set args cached content error file_path functionResponse id input kind lastUpdated
        messages model name output projectHash sessionId startTime text thoughts timestamp
        tokens tool toolCalls total type displayName description status result""",
        """gemini user info error warning run_shell_command google_web_search web_fetch
        write_file replace edit read_file list_directory <session_context>""",
        JSON_TOKENS),
    "json_head": (
        "The JSON head prefilter (sources/json_head.h): the keys and kinds the prefilters look\n"
        "for in Claude, Codex and Gemini lines, and JSON's tokens.",
        "type payload item message usage subtype isSidechain $set sessionId",
        """assistant user attachment file-history-snapshot response_item event_msg token_count
        turn_context session_meta function_call message reasoning""",
        JSON_TOKENS + ['{"', '":"', '","', '":{"', '\\\\\\"']),
    "days": (
        "What people type for time: POSIX TZ rules and names (core/tz_spec.h) and the days of\n"
        "--since/--until (core/time.h parse_day).",
        "", "",
        """M J , / : < > + - . today yesterday mtd last-month d CET CEST UTC Europe/""".split()),
    "statusline_hook": (
        "Claude Code's statusline hook JSON (sources/claude_hook.h parse_hook).",
        """hook_event_name session_id transcript_path cwd model id display_name workspace
        current_dir project_dir version output_style cost total_cost_usd total_duration_ms
        context_window context_window_size total_input_tokens total_output_tokens
        exceeds_200k_tokens""",
        """claude-opus-4-8 claude-opus-4-6 claude-sonnet-4-5 claude-haiku-4-5 claude-3 [1m] Opus
        \\u001b \\u0007""",
        JSON_TOKENS),
    "config": (
        "tally's config file, TOML (app/config.h, pricing/config.h, pricing/plans.h, and the\n"
        "row fields of pricing/toml_row.cc).",
        "", "",
        """data_dir timezone user machine team plan [plans] claude codex gemini [pricing]
        [pricing.aliases] [pricing.models. [[pricing.models. aliases models key provider since
        input output cache_read cache_write_5m cache_write_1h long_context threshold priority
        priority_multiplier fast_multiplier flex_multiplier batch_multiplier us_multiplier
        eu_multiplier monthly_usd agent label custom claude-max-20x claude-pro chatgpt-pro
        google-ai-ultra anthropic openai google local""".split() + TOML_TOKENS),
    "import_litellm": (
        "LiteLLM's model_prices_and_context_window.json (pricing/import_litellm.cc).",
        """litellm_provider mode input_cost_per_token output_cost_per_token
        cache_read_input_token_cost cache_creation_input_token_cost
        cache_creation_input_token_cost_above_1hr input_cost_per_token_above_200k_tokens
        output_cost_per_token_above_200k_tokens cache_read_input_token_cost_above_200k_tokens
        cache_creation_input_token_cost_above_200k_tokens input_cost_per_token_above_272k_tokens
        output_cost_per_token_above_272k_tokens input_cost_per_token_above_128k_tokens
        output_cost_per_token_above_128k_tokens input_cost_per_token_priority
        output_cost_per_token_priority cache_read_input_token_cost_priority
        input_cost_per_token_flex input_cost_per_token_batches provider_specific_entry fast us
        eu regional_processing_uplift_multiplier_us regional_processing_uplift_multiplier_eu
        max_tokens max_input_tokens sample_spec""",
        "chat responses completion embedding anthropic openai gemini vertex_ai bedrock",
        JSON_TOKENS + ["3e-06", "1e-300", "_above_1hr"]),
    "import_models_dev": (
        "models.dev api.json (pricing/import_models_dev.cc).",
        "id models cost input output cache_read cache_write context_over_200k name limit context",
        "anthropic openai google openrouter",
        JSON_TOKENS),
}


def dict_entry(text):
    """One libFuzzer dictionary entry: printable ASCII as is (backslash and quote escaped),
    every other byte as \\xAB."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        if c in '\\"':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append(f"\\x{b:02X}")
    return '"' + "".join(out) + '"'


def dictionaries():
    files = {}
    for name, (about, keys, values, tokens) in DICTS_SPEC.items():
        lines = ["# " + line for line in about.split("\n")]
        lines.append('# Generated by fuzz/make_seeds.py: keys (as "key":), values, tokens.')
        lines += [dict_entry(f'"{k}":') for k in keys.split()]
        lines += [dict_entry(f'"{v}"') for v in values.split()]
        lines += [dict_entry(t) for t in tokens]
        files[name + ".dict"] = ("\n".join(lines) + "\n").encode()
    return files


def write_dicts(directory):
    os.makedirs(directory, exist_ok=True)
    for name, data in dictionaries().items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


def jsonl_files(agent_dir):
    out = []
    for dirpath, _, names in os.walk(os.path.join(HOME, agent_dir)):
        out.extend(os.path.join(dirpath, n) for n in names if n.endswith(".jsonl"))
    return sorted(out)


def lines_and_files(agent_dir):
    seeds = []
    for path in jsonl_files(agent_dir):
        with open(path, "rb") as f:
            data = f.read()
        seeds.append(data)
        seeds.extend(line + b"\n" for line in data.split(b"\n") if line.strip())
    return seeds


def gemini_documents():
    docs = [GEMINI_OLD_DOCUMENT.encode()]
    for path in jsonl_files(".gemini"):
        header = {}
        messages = []
        with open(path, "rb") as f:
            for raw in f.read().split(b"\n"):
                if not raw.strip():
                    continue
                obj = json.loads(raw)
                if "sessionId" in obj and "type" not in obj and not header:
                    header = {k: obj[k] for k in ("sessionId", "projectHash", "startTime",
                                                  "lastUpdated") if k in obj}
                elif "type" in obj and "$set" not in obj:
                    messages.append(obj)
        doc = dict(header)
        doc["messages"] = messages
        docs.append((json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode())
    return docs


def corpora():
    return {
        "claude": lines_and_files(".claude"),
        "codex": lines_and_files(".codex"),
        "gemini": lines_and_files(".gemini"),
        "gemini_document": gemini_documents(),
        "statusline_hook": [s.encode() for s in STATUSLINE_HOOKS],
        "config": [s.encode() for s in CONFIGS],
        "import_litellm": [s.encode() for s in LITELLM],
        "import_models_dev": [s.encode() for s in MODELS_DEV],
        "days": [s.encode() for s in DAYS],
    }


def write_corpus(directory, seeds):
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    for seed in seeds:
        name = hashlib.sha1(seed).hexdigest()
        with open(os.path.join(directory, name), "wb") as f:
            f.write(seed)


def read_tree(directory):
    tree = {}
    for dirpath, _, names in os.walk(directory):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                tree[os.path.relpath(p, directory)] = f.read()
    return tree


def litellm_entries(path):
    with open(path, "rb") as f:
        table = json.load(f)
    seeds = []
    for key, entry in table.items():
        seeds.append((json.dumps({key: entry}, indent=1) + "\n").encode())
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("--litellm", help="a LiteLLM price list to split into one seed per entry")
    ap.add_argument("--out", help="where --litellm writes (a directory of its own)")
    args = ap.parse_args()

    if args.litellm:
        if not args.out:
            ap.error("--litellm needs --out")
        write_corpus(args.out, litellm_entries(args.litellm))
        return 0

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            for name, seeds in corpora().items():
                write_corpus(os.path.join(tmp, name), seeds)
            if read_tree(tmp) != read_tree(SEEDS) or dictionaries() != read_tree(DICTS):
                print("fuzz/seeds or fuzz/dicts is stale: run python3 fuzz/make_seeds.py",
                      file=sys.stderr)
                return 1
        return 0

    for name, seeds in corpora().items():
        write_corpus(os.path.join(SEEDS, name), seeds)
    write_dicts(DICTS)
    total = sum(len(v) for v in read_tree(SEEDS).values())
    print(f"fuzz/seeds: {len(read_tree(SEEDS))} files, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
