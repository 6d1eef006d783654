#!/usr/bin/env python3
"""Derive text-free test fixtures from genuine agent logs.

The genuine Claude Code / Codex / Gemini CLI logs under the shared fixture
folder (default ``../shared/fixtures/real-logs`` relative to the repository
root) contain the CLIs' own system prompts, tool schemas and other third-party
text, so the project must not carry them.  This script rewrites every file
under ``<src>/home`` into ``<out>/home`` with the same relative path, replacing
free text with short placeholders while keeping every key, every number,
boolean and null, and every identifier-like string (ids, uuids, hashes, types,
model names, timestamps, paths, tool names) byte for byte.  It also copies
``ground_truth.json`` unchanged and writes a README.

Rules, in the order they are applied to a string value (``key`` is the name of
the member holding it; strings inside lists inherit the list's key):

1. empty or whitespace-only strings are kept;
2. ``aiTitle``-like keys become ``"title"``;
3. KEEP_KEYS (paths, OS / model labels) are kept;
4. FREE_TEXT_KEYS (text, thinking, content, prompts, tool output, ...) are
   always scrubbed, except a bare slash command such as ``/compact``;
5. other strings are kept when they look like an identifier (no whitespace and
   at most 80 characters) or an absolute path without whitespace, and
   scrubbed otherwise.

Scrubbing a string (``scrub_text``) keeps structure a session-anatomy parser
relies on:

* a string holding a JSON object or array (tool-call arguments, tool outputs)
  is parsed, scrubbed recursively and re-serialised in its original style;
* a string starting with an XML-ish tag (``<command-name>``,
  ``<system-reminder>``, ``<task-notification>``, ``<local-command-stdout>``,
  ``<environment_context>``, ...) keeps all its tags; text between tags is
  kept when it is identifier-like (``/compact``, task ids, paths, numbers)
  and replaced otherwise;
* a few marker phrases are kept at the start (the compact-summary sentence,
  ``API Error: NNN``, ``[Request interrupted by user...]``);
* anything else becomes ``"scrubbed <8 hex>"``, the hex being the start of the
  SHA-256 of the original text, so equal texts stay equal (a prompt, its
  queue-operation and its last-prompt line still match) and the output is
  deterministic.

Large blobs are shrunk: a JSON-schema object under ``input_schema`` /
``parameters`` / ``inputSchema`` / ``parametersJsonSchema`` becomes
``{"type":"object"}`` (tool names are kept, descriptions scrubbed).

Output: one output line per input line, same order, each re-serialised in the
source's own style (compact ``separators=(",", ":")``, ``ensure_ascii=False``
for JSONL; a single-document .json file keeps its detected style).  Lines that
contain no free text are therefore byte-identical to the source.

Usage: scripts/derive_fixtures.py [--src DIR] [--out DIR]
Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.join(REPO_ROOT, "..", "shared", "fixtures", "real-logs")
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "real-logs")

# Values under these keys are kept even if they contain spaces or are long.
KEEP_KEYS = {
    "cwd", "filePath", "file_path", "filename", "workingDirectory",
    "displayPath", "outputFile", "projectRoot", "runtime_workspace_roots",
    "agent_path", "osVersion", "marketingName", "knowledgeCutoff",
}

# Values under these keys are free text: always scrubbed.
FREE_TEXT_KEYS = {
    "text", "thinking", "content", "lastPrompt", "prompt", "stdout",
    "stderr", "output", "aggregated_output", "last_agent_message",
    "resultDisplay", "message", "body", "systemPrompt", "cliPrefix",
}

# Short generated titles: replaced by the constant "title".
TITLE_KEYS = {"aiTitle", "customTitle", "title"}

# Dicts under these keys that look like a JSON schema are shrunk.
SCHEMA_KEYS = {"input_schema", "parameters", "inputSchema",
               "parametersJsonSchema"}

MAX_IDENT_LEN = 80

COMPACT_MARKERS = (
    "This session is being continued from a previous conversation that ran "
    "out of context.",
    "This session is being continued from a previous conversation",
)
API_ERROR_RE = re.compile(r"^API Error: \d{3}")
INTERRUPT_RE = re.compile(r"^\[Request interrupted by user[^\]\n]*\]")
SLASH_COMMAND_RE = re.compile(r"^/[A-Za-z][\w:.-]*$")

# An opening tag, possibly with attributes or a second word, e.g.
# <command-name>, <permission_profile type="disabled">,
# <permissions instructions>, or a self-closing <agent name="x" />.
TAG_RE = re.compile(r"<([A-Za-z][\w:.-]*)((?:\s[^<>]*)?)>")
MAX_TAG_LEN = 120


def placeholder(s):
    return "scrubbed " + hashlib.sha256(s.encode("utf-8")).hexdigest()[:8]


def is_identifier(s):
    return len(s) <= MAX_IDENT_LEN and not any(c.isspace() for c in s)


def is_path(s):
    return (s.startswith("/") or s.startswith("~/")) and not any(
        c.isspace() for c in s) and len(s) <= 1024


def json_style(raw, value):
    """Return dumps() kwargs reproducing raw's formatting, if any does."""
    for kw in ({"separators": (",", ":")}, {}, {"indent": 2}):
        if json.dumps(value, ensure_ascii=False, **kw) == raw:
            return kw
    return {"separators": (",", ":")}


def dumps(value, style):
    return json.dumps(value, ensure_ascii=False, **style)


def scrub_run(s):
    """Scrub a text run, keeping its surrounding whitespace; an identifier-like
    run (a command name, an id, a path, a number) is kept."""
    core = s.strip()
    if not core or is_identifier(core) or is_path(core):
        return s
    lead = s[:len(s) - len(s.lstrip())]
    trail = s[len(s.rstrip()):]
    return lead + placeholder(core) + trail


def match_element(s, pos):
    """If a tag starting at s[pos] opens a closed element (or is
    self-closing), return (open_tag, inner_start, inner_end, end)."""
    m = TAG_RE.match(s, pos)
    if m is None or len(m.group(0)) > MAX_TAG_LEN:
        return None
    tag = m.group(0)
    if tag.endswith("/>"):
        return tag, m.end(), m.end(), m.end()
    name = m.group(1)
    for close in ("</" + tag[1:-1] + ">", "</" + name + ">"):
        # Find the matching close, allowing nested elements of the same name.
        depth = 1
        i = m.end()
        opener = re.compile(r"<%s[\s>]" % re.escape(name))
        while True:
            j = s.find(close, i)
            if j < 0:
                break
            depth += len(opener.findall(s, i, j))
            depth -= 1
            if depth == 0:
                return tag, m.end(), j, j + len(close)
            i = j + len(close)
    return None


def scrub_tagged(s):
    """Keep the elements of s and their tags, scrub the prose between them.

    An element is a tag with its matching close tag (or a self-closing tag)
    that starts s, follows another element, or starts a line; its content is
    parsed the same way.  Anything else (including a tag in the middle of a
    sentence, or one that is never closed) is part of a text run, which
    scrub_run keeps only when it is identifier-like."""
    out = []
    i = 0
    n = len(s)
    run_start = 0
    at_boundary = True  # at the start, right after an element, or a newline
    while i < n:
        el = match_element(s, i) if (s[i] == "<" and at_boundary) else None
        if el is None:
            at_boundary = s[i] == "\n" or (at_boundary and s[i].isspace())
            i += 1
            continue
        if run_start < i:
            out.append(scrub_run(s[run_start:i]))
        tag, a, b, end = el
        if tag.endswith("/>"):
            out.append(tag)
        else:
            out.append(tag + scrub_tagged(s[a:b]) + s[b:end])
        i = run_start = end
        at_boundary = True
    if run_start < n:
        out.append(scrub_run(s[run_start:]))
    return "".join(out)


def scrub_text(s):
    """Replace free text s with a placeholder, keeping structural markers."""
    if not s or s.isspace():
        return s
    stripped = s.strip()
    if stripped[:1] in "{[":
        try:
            value = json.loads(s)
        except ValueError:
            value = None
        if isinstance(value, (dict, list)):
            return dumps(scrub(value, None), json_style(s, value))
    for marker in COMPACT_MARKERS:
        if s.startswith(marker):
            rest = s[len(marker):]
            return marker + (" " + placeholder(rest) if rest.strip() else rest)
    for rx in (API_ERROR_RE, INTERRUPT_RE):
        m = rx.match(s)
        if m:
            rest = s[m.end():]
            return m.group(0) + (" " + placeholder(rest)
                                 if rest.strip() else rest)
    lead = len(s) - len(s.lstrip())
    if s[lead:lead + 1] == "<" and match_element(s, lead):
        return scrub_tagged(s)
    return placeholder(s)


def scrub_string(key, s):
    if not s or s.isspace():
        return s
    if key in TITLE_KEYS:
        return "title"
    if key in KEEP_KEYS:
        return s
    if key in FREE_TEXT_KEYS:
        if SLASH_COMMAND_RE.match(s):
            return s
        return scrub_text(s)
    if is_identifier(s) or is_path(s):
        return s
    return scrub_text(s)


def looks_like_schema(d):
    return isinstance(d, dict) and (
        "properties" in d or "$schema" in d or d.get("type") == "object")


def scrub(value, key):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in SCHEMA_KEYS and looks_like_schema(v):
                out[k] = {"type": "object"}
            else:
                out[k] = scrub(v, k)
        return out
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str):
        return scrub_string(key, value)
    return value


def derive_file(src_path, dst_path):
    with open(src_path, "r", encoding="utf-8", newline="") as f:
        raw = f.read()
    if src_path.endswith(".jsonl"):
        lines = raw.split("\n")
        out_lines = []
        for line in lines:
            if not line.strip():
                out_lines.append(line)
                continue
            value = json.loads(line)
            out_lines.append(dumps(scrub(value, None), json_style(line, value)))
        text = "\n".join(out_lines)
    else:
        body = raw.rstrip("\n")
        value = json.loads(body)
        text = dumps(scrub(value, None), json_style(body, value))
        text += raw[len(body):]
    os.makedirs(os.path.dirname(dst_path), exist_ok=True)
    with open(dst_path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def list_home_files(home):
    files = []
    for root, dirs, names in os.walk(home):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".jsonl", ".json")):
                files.append(os.path.relpath(os.path.join(root, name), home))
    return sorted(files)


README = """\
# Derived real-CLI fixtures

Derived by `scripts/derive_fixtures.py` from the genuine Claude Code 2.1.330,
Codex CLI 0.169.0 and Gemini CLI 0.61.0 logs kept outside the repository
(`../shared/fixtures/real-logs`, see its README). The CLIs ran against local
mock model APIs with synthetic usage, so every billed number is known.

| path | what |
|---|---|
| `home/.claude/projects/...` | 8 Claude Code sessions + 1 sub-agent transcript and its `.meta.json` (s1-s5) |
| `home/.codex/sessions/2026/11/22/*.jsonl` | 6 Codex rollouts (c1-c3, c6 parent + sub-agent) |
| `home/.gemini/tmp/*/chats/*.jsonl`, `home/.gemini/projects.json` | 2 Gemini chats (g1, g2) |
| `ground_truth.json` | billed usage per scenario and model (copied as is; numbers only) |

Every file under `home/` has the same relative path, name, line count and line
order as its source. Each line was parsed and re-serialised with message text
replaced: every key (except inside tool JSON schemas, see below), number,
boolean and null, and every identifier-like string
(ids, uuids, hashes, types, model names, timestamps, paths, tool names,
`usage` / `modelUsage` / `token_count` / `tokens` contents) is unchanged.
Prompts, replies, thinking, tool inputs and outputs, attachments, system
prompts and tool descriptions became `scrubbed <hash>` (the hash is the start
of the original text's SHA-256, so equal texts stay equal); tool JSON schemas
became `{"type":"object"}`. Structural markers survive: leading tags such as
`<command-name>/compact</command-name>`, `<local-command-stdout>`,
`<system-reminder>`, `<task-notification>`, `<environment_context>` keep their
tags (and identifier-like contents), and compact summaries keep their
"This session is being continued from a previous conversation..." sentence.
Lines without free text are byte-identical to the source.

Point a hermetic run at it with `HOME=tests/data/real-logs/home`; a file-based
ledger over it must match `models` in `ground_truth.json` (`unrecorded` lists
the Gemini router calls no local file records).

Regenerate (deterministic; run from the repository root):

    python3 scripts/derive_fixtures.py [--src ../shared/fixtures/real-logs]
    python3 scripts/check_fixtures.py  [--src ../shared/fixtures/real-logs]

`check_fixtures.py` re-derives into a temporary folder and compares bytes,
checks that every usage-relevant fact (Claude assistant ids/usage, cost-state
`modelUsage`, Codex token records, Gemini tokens, line counts, prompt counts,
session-anatomy markers) is identical between source and derived tree, and that
no prose or system-prompt phrase survived.
"""


def derive(src, out):
    home = os.path.join(src, "home")
    if not os.path.isdir(home):
        sys.exit("derive_fixtures: no home/ folder under %s" % src)
    out_home = os.path.join(out, "home")
    if os.path.isdir(out_home):
        shutil.rmtree(out_home)
    files = list_home_files(home)
    for rel in files:
        derive_file(os.path.join(home, rel), os.path.join(out_home, rel))
    shutil.copyfile(os.path.join(src, "ground_truth.json"),
                    os.path.join(out, "ground_truth.json"))
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8",
              newline="") as f:
        f.write(README)
    return files


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=DEFAULT_SRC,
                    help="source folder holding home/ and ground_truth.json")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="output folder (default tests/data/real-logs)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    src = os.path.normpath(args.src)
    out = os.path.normpath(args.out)
    files = derive(src, out)
    if not args.quiet:
        total = sum(os.path.getsize(os.path.join(out, "home", r))
                    for r in files)
        print("derived %d files into %s (%d bytes under home/)"
              % (len(files), out, total))


if __name__ == "__main__":
    main()
