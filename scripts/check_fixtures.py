#!/usr/bin/env python3
"""Check tests/data/real-logs against the genuine logs it was derived from.

1. The derived tree is exactly what scripts/derive_fixtures.py produces now,
   and deriving twice gives identical bytes.
2. Same files, same line counts, every line valid JSON; ground_truth.json is
   byte-identical.
3. Every usage-relevant fact is identical between source and derived tree:
   Claude assistant lines (message.id, requestId, model, usage, isSidechain,
   isApiErrorMessage, timestamp), cost-state modelUsage, system lines,
   sub-agent .meta.json ids; Codex session_meta ids, turn_context,
   token_usage_record, token_count, response_item types / names / call_ids;
   Gemini headers, gemini messages (id, model, tokens, timestamp, tool calls),
   projects.json.
4. Session anatomy survives: per Claude user line the content kind, block
   types, tool_use_ids, is_error flags, isMeta / isCompactSummary, leading
   tags and <command-name>; prompt counts per Claude session file (user lines
   whose content is a string or text blocks, not tool_result, not isMeta).
5. No prose survived: no derived string longer than 200 characters once
   placeholders, tags and paths are removed, no run of five or more words,
   and none of a list of distinctive phrases (case-sensitive) from the
   sources' system prompts, tool descriptions, reminders and mock replies,
   each of which is checked to occur in the sources.

Exits 0 and prints a summary when everything holds, 1 otherwise.
Usage: scripts/check_fixtures.py [--src DIR] [--out DIR]
Python 3 standard library only.
"""

import argparse
import filecmp
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import derive_fixtures as derive  # noqa: E402

# Distinctive third-party phrases, taken from the source logs (system
# prompts, tool descriptions, injected reminders, mock replies).
PHRASES = [
    # Claude Code
    "built on Anthropic's Claude Agent SDK",
    "using your own judgment along the way",
    "Executes a bash command and returns its output",
    "Performs exact string replacement in a file",
    "deferred tools are now available via ToolSearch",
    "Async agent launched successfully",
    "You have a persistent file-based memory",
    "Catch-all for any task",
    "Co-Authored-By",
    "Generated with [Claude Code]",
    "SYSTEM NOTIFICATION - NOT USER INPUT",
    "was run directly in Claude Code",
    "Continue the conversation from where it left off",
    "You are powered by the model named",
    # Codex
    "You are Codex",
    "A skill is a set of local instructions",
    "Filesystem sandboxing defines",
    "Deferred tool namespaces",
    "Collaboration Mode",
    "enabling proactive multi-agent delegation",
    "Tools for spawning and managing sub-agents",
    "Wall time:",
    # Gemini CLI
    "This is the Gemini CLI",
    "setting up the context for our chat",
    "Process Group PGID",
    # mock replies and harness prompts
    "This is the mock model answering",
    "TRIGGER_",
]

# Kept verbatim by design (derive_fixtures.COMPACT_MARKERS).
ALLOWED_PROSE = [derive.COMPACT_MARKERS[0]]

PLACEHOLDER_RE = re.compile(r"scrubbed [0-9a-f]{8}")
TAG_STRIP_RE = re.compile(r"<[^<>]*>")
WORD = r"[A-Za-z][A-Za-z'’,.:;!?-]*"
PROSE_RE = re.compile(WORD + r"(?:[ \t]+" + WORD + r"){4,}")  # 5+ words
LEADING_TAGS_RE = re.compile(r"\s*<([A-Za-z][\w:.-]*)[^<>]*>")
COMMAND_NAME_RE = re.compile(r"<command-name>([^<]*)</command-name>")

failures = []


def fail(msg):
    failures.append(msg)


def read_lines(path):
    with open(path, "r", encoding="utf-8", newline="") as f:
        raw = f.read()
    if path.endswith(".jsonl"):
        return [ln for ln in raw.split("\n") if ln.strip()]
    return [raw]


def load(path):
    out = []
    for i, ln in enumerate(read_lines(path)):
        try:
            out.append(json.loads(ln))
        except ValueError as e:
            fail("%s:%d: invalid JSON (%s)" % (path, i + 1, e))
            out.append(None)
    return out


def g(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def leading_tags(s):
    tags = []
    i = 0
    while True:
        m = LEADING_TAGS_RE.match(s, i)
        if not m:
            return tags
        tags.append(m.group(1))
        i = m.end()
        if len(tags) >= 3:
            return tags


def text_anatomy(s):
    return {
        "tags": leading_tags(s),
        "command": COMMAND_NAME_RE.findall(s),
        "compact_marker": s.startswith(derive.COMPACT_MARKERS[1]),
        "api_error": bool(derive.API_ERROR_RE.match(s) and
                          derive.API_ERROR_RE.match(s).group(0)),
    }


def block_anatomy(b):
    if not isinstance(b, dict):
        return repr(type(b))
    a = {"type": b.get("type")}
    for k in ("tool_use_id", "is_error", "id", "name"):
        if k in b:
            a[k] = b[k]
    if isinstance(b.get("text"), str):
        a["text"] = text_anatomy(b["text"])
    if isinstance(b.get("content"), str):
        a["content"] = text_anatomy(b["content"])
    elif isinstance(b.get("content"), list):
        a["content"] = [block_anatomy(x) for x in b["content"]]
    return a


def is_prompt(d):
    """The prompt-count rule: user lines whose content is a string or text
    blocks (not tool_result blocks), not isMeta."""
    if d.get("type") != "user" or d.get("isMeta"):
        return False
    c = g(d, "message", "content")
    if isinstance(c, str):
        return True
    if isinstance(c, list) and c:
        return all(isinstance(b, dict) and b.get("type") == "text" for b in c)
    return False


def claude_facts(lines, rel):
    f = {"assistant": [], "cost": [], "user": [], "system": [], "prompts": 0,
         "other_types": []}
    for d in lines:
        if not isinstance(d, dict):
            continue
        t = d.get("type")
        if rel.endswith(".meta.json"):
            f["meta"] = {k: v for k, v in d.items() if k != "description"}
            continue
        if t == "assistant":
            m = d.get("message") or {}
            f["assistant"].append({
                "message.id": m.get("id"), "requestId": d.get("requestId"),
                "model": m.get("model"), "usage": m.get("usage"),
                "isSidechain": d.get("isSidechain"),
                "isApiErrorMessage": d.get("isApiErrorMessage"),
                "timestamp": d.get("timestamp"), "uuid": d.get("uuid"),
                "stop_reason": m.get("stop_reason"),
                "blocks": [block_anatomy(b) for b in m.get("content") or []],
            })
        elif t == "cost-state":
            f["cost"].append({k: d.get(k) for k in (
                "sessionId", "modelUsage", "totalCostUSD",
                "hasUnknownModelCost")})
        elif t == "user":
            c = g(d, "message", "content")
            f["user"].append({
                "uuid": d.get("uuid"), "parentUuid": d.get("parentUuid"),
                "promptId": d.get("promptId"), "isMeta": d.get("isMeta"),
                "isCompactSummary": d.get("isCompactSummary"),
                "isSidechain": d.get("isSidechain"),
                "timestamp": d.get("timestamp"),
                "kind": type(c).__name__,
                "text": text_anatomy(c) if isinstance(c, str) else None,
                "blocks": [block_anatomy(b) for b in c]
                if isinstance(c, list) else None,
            })
            f["prompts"] += is_prompt(d)
        elif t == "system":
            f["system"].append({k: d.get(k) for k in (
                "uuid", "subtype", "level", "timestamp", "compactMetadata",
                "logicalParentUuid", "retryAttempt", "retryInMs")}
                | {"status": g(d, "error", "status")})
        else:
            f["other_types"].append((t, d.get("uuid") or d.get("id")
                                     or d.get("hash") or d.get("leafUuid")))
    return f


SESSION_META_TEXT = {"base_instructions", "instructions", "dynamic_tools"}


def codex_facts(lines):
    f = {"session_meta": [], "turn_context": [], "token_usage_record": [],
         "token_count": [], "items": [], "events": []}
    for d in lines:
        if not isinstance(d, dict):
            continue
        t, p = d.get("type"), d.get("payload") or {}
        if t == "session_meta":
            meta = {k: v for k, v in p.items() if k not in SESSION_META_TEXT}
            meta["base_instructions.provenance"] = g(
                p, "base_instructions", "provenance")
            f["session_meta"].append(meta)
        elif t in ("turn_context", "token_usage_record"):
            f[t].append((d.get("timestamp"), p))
        elif t == "event_msg":
            if p.get("type") == "token_count":
                f["token_count"].append((d.get("timestamp"), p))
            else:
                f["events"].append({k: p.get(k) for k in (
                    "type", "turn_id", "root_turn_id", "thread_id",
                    "started_at", "completed_at", "duration_ms")}
                    | {"item": {k: g(p, "item", k) for k in (
                        "type", "id", "agent_thread_id", "kind", "model",
                        "exit_code")}})
        elif t == "response_item":
            f["items"].append({k: p.get(k) for k in (
                "type", "id", "role", "name", "namespace", "call_id",
                "status", "author", "recipient")}
                | {"blocks": [g(b, "type") for b in p.get("content") or []],
                   "tags": [leading_tags(b.get("text") or "")
                            for b in p.get("content") or []
                            if isinstance(b, dict)],
                   "meta": p.get("internal_chat_message_metadata_passthrough")})
    return f


def gemini_facts(lines, rel):
    if rel.endswith("projects.json"):
        return {"projects": lines}
    f = {"headers": [], "gemini": [], "user": [], "set": []}
    for d in lines:
        if not isinstance(d, dict):
            continue
        if "sessionId" in d:
            f["headers"].append(d)
        elif "$set" in d:
            s = d["$set"]
            f["set"].append({"lastUpdated": s.get("lastUpdated"), "messages": [
                (m.get("id"), m.get("type"), m.get("timestamp"))
                for m in s.get("messages") or []]})
        elif d.get("type") == "gemini":
            f["gemini"].append({k: d.get(k) for k in (
                "id", "model", "tokens", "timestamp")} | {"toolCalls": [
                    {k: c.get(k) for k in ("id", "name", "status",
                                           "timestamp")}
                    for c in d.get("toolCalls") or []]})
        else:
            c = d.get("content")
            f["user"].append({"id": d.get("id"), "type": d.get("type"),
                              "timestamp": d.get("timestamp"),
                              "parts": [sorted(x) for x in c]
                              if isinstance(c, list) else type(c).__name__})
    return f


def facts(path, rel):
    lines = load(path)
    if rel.startswith(".claude/"):
        return claude_facts(lines, rel)
    if rel.startswith(".codex/"):
        return codex_facts(lines)
    if rel.startswith(".gemini/"):
        return gemini_facts(lines, rel)
    return {"lines": lines}


def diff(a, b, where, out):
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            diff(a.get(k), b.get(k), "%s.%s" % (where, k), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (where, i), out)
    else:
        out.append("%s: source %r != derived %r"
                   % (where, str(a)[:120], str(b)[:120]))


def walk_strings(v, key, fn):
    if isinstance(v, dict):
        for k, x in v.items():
            walk_strings(x, k, fn)
    elif isinstance(v, list):
        for x in v:
            walk_strings(x, key, fn)
    elif isinstance(v, str):
        fn(key, v)


def prose_residue(s):
    for m in ALLOWED_PROSE:
        s = s.replace(m, " ")
    s = PLACEHOLDER_RE.sub(" ", s)
    s = TAG_STRIP_RE.sub(" ", s)
    return " ".join(t for t in s.split()
                    if not (t.startswith("/") or t.startswith("file://")))


def check_prose(path, rel, stats):
    for i, d in enumerate(load(path)):
        def fn(key, s, i=i):
            stats["strings"] += 1
            if key in derive.KEEP_KEYS:
                return
            r = prose_residue(s)
            if len(r) > 200:
                fail("%s:%d: %r holds %d characters of text: %r"
                     % (rel, i + 1, key, len(r), r[:80]))
            m = PROSE_RE.search(r)
            if m:
                fail("%s:%d: %r holds prose: %r" % (rel, i + 1, key,
                                                   m.group(0)[:80]))
        walk_strings(d, None, fn)


def tree_bytes(root):
    data = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                data[os.path.relpath(p, root)] = f.read()
    return data


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", default=derive.DEFAULT_SRC)
    ap.add_argument("--out", default=derive.DEFAULT_OUT)
    args = ap.parse_args(argv)
    src, out = os.path.normpath(args.src), os.path.normpath(args.out)
    src_home, out_home = os.path.join(src, "home"), os.path.join(out, "home")
    if not os.path.isdir(src_home):
        print("check_fixtures: no source logs at %s (use --src)" % src)
        return 2

    # 1. Up to date and deterministic.
    with tempfile.TemporaryDirectory() as t1, \
            tempfile.TemporaryDirectory() as t2:
        derive.derive(src, t1)
        derive.derive(src, t2)
        b1, b2, cur = tree_bytes(t1), tree_bytes(t2), tree_bytes(out)
    if b1 != b2:
        fail("derive_fixtures.py is not deterministic")
    for rel in sorted(set(b1) | set(cur)):
        if b1.get(rel) != cur.get(rel):
            fail("%s differs from a fresh derivation (re-run "
                 "scripts/derive_fixtures.py)" % rel)

    # 2. Same files, line counts, ground truth.
    src_files = derive.list_home_files(src_home)
    out_files = derive.list_home_files(out_home)
    if src_files != out_files:
        fail("file sets differ: only in source %s, only in derived %s" % (
            sorted(set(src_files) - set(out_files)),
            sorted(set(out_files) - set(src_files))))
    if not filecmp.cmp(os.path.join(src, "ground_truth.json"),
                       os.path.join(out, "ground_truth.json"), shallow=False):
        fail("ground_truth.json differs from the source")

    totals = {"lines": 0, "identical_lines": 0, "assistant": 0, "cost": 0,
              "claude_user": 0, "codex_usage": 0, "codex_token_count": 0,
              "gemini": 0, "strings": 0}
    prompts = {}
    for rel in src_files:
        if rel not in out_files:
            continue
        sp, dp = os.path.join(src_home, rel), os.path.join(out_home, rel)
        sl, dl = read_lines(sp), read_lines(dp)
        if len(sl) != len(dl):
            fail("%s: %d source lines, %d derived" % (rel, len(sl), len(dl)))
        totals["lines"] += len(dl)
        totals["identical_lines"] += sum(a == b for a, b in zip(sl, dl))

        # 3 + 4. Facts and anatomy.
        fs, fd = facts(sp, rel), facts(dp, rel)
        problems = []
        diff(fs, fd, rel, problems)
        for p in problems[:10]:
            fail(p)
        totals["assistant"] += len(fd.get("assistant", []))
        totals["cost"] += len(fd.get("cost", []))
        totals["claude_user"] += len(fd.get("user", [])) \
            if rel.startswith(".claude/") else 0
        totals["codex_usage"] += len(fd.get("token_usage_record", []))
        totals["codex_token_count"] += len(fd.get("token_count", []))
        totals["gemini"] += len(fd.get("gemini", []))
        if rel.startswith(".claude/") and rel.endswith(".jsonl"):
            prompts[rel] = (fs["prompts"], fd["prompts"])

        # 5. No prose.
        check_prose(dp, rel, totals)

    # 5b. Distinctive phrases.
    src_text = b"\n".join(tree_bytes(src_home).values()).decode("utf-8")
    out_tree = tree_bytes(out)
    out_text = b"\n".join(v for k, v in out_tree.items()
                          if k != "README.md").decode("utf-8")
    for ph in PHRASES:
        variants = {ph, json.dumps(ph)[1:-1]}
        if not any(v in src_text for v in variants):
            fail("phrase %r does not occur in the sources; pick another" % ph)
        if any(v in out_text for v in variants):
            fail("phrase %r survived in the derived tree" % ph)

    for rel, (a, b) in sorted(prompts.items()):
        if a != b:
            fail("%s: %d prompts in source, %d derived" % (rel, a, b))

    if failures:
        for f in failures:
            print("FAIL", f)
        print("check_fixtures: %d problem(s)" % len(failures))
        return 1
    size = sum(len(v) for v in tree_bytes(out).values())
    print("check_fixtures: OK: %s is up to date and deterministic "
          "(%d files, %d bytes)" % (out, len(out_files) + 2, size))
    print("  %d lines (%d byte-identical to the source), line counts equal"
          % (totals["lines"], totals["identical_lines"]))
    print("  claude: %d assistant lines, %d cost-states, %d user lines "
          "(ids, usage, anatomy) equal" % (totals["assistant"], totals["cost"],
                                           totals["claude_user"]))
    print("  codex: %d token_usage_record, %d token_count, session_meta, "
          "turn_context, response items equal"
          % (totals["codex_usage"], totals["codex_token_count"]))
    print("  gemini: %d gemini messages (id, model, tokens, timestamp), "
          "headers, projects.json equal" % totals["gemini"])
    print("  prompts per claude session (rule: string/text content, not "
          "tool_result, not isMeta):")
    for rel, (a, _) in sorted(prompts.items()):
        print("    %d  %s" % (a, rel))
    print("  no prose: %d strings checked, %d phrases absent"
          % (totals["strings"], len(PHRASES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
