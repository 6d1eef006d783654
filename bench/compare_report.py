#!/usr/bin/env python3
"""Summarises a bench/compare.sh results directory.

Prints, per case, the median wall time and peak RSS of tally and ccusage and their ratio
against issue 5's targets; then, for each corpus state measured, whether tally's totals equal
the generator's manifest exactly, and both tools' totals with their difference, next to the
generator's counts of the tokens that explain it (docs/PERFORMANCE.md, "Why the totals
differ"). Exit status: 0 if tally was exact everywhere, 3 if not.
"""

import csv
import json
import os
import statistics
import sys

TARGETS = {"cold": 0.5, "warm": 0.05, "incremental": 0.1}
RSS_TARGET_KB = 128 * 1024
FIELDS = ["requests", "input_tokens", "cache_read_tokens", "cache_write_tokens",
          "cache_write_1h_tokens", "output_tokens", "reasoning_tokens"]
# ccusage's JSON names for the buckets both tools report.
CC_FIELDS = [("input_tokens", "inputTokens"), ("cache_read_tokens", "cacheReadTokens"),
             ("cache_write_tokens", "cacheCreationTokens"), ("output_tokens", "outputTokens")]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fmt_ms(ms):
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def fmt_mb(kb):
    return f"{kb / 1024:.0f} MB"


def timing_table(results):
    rows = {}
    with open(os.path.join(results, "runs.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["run"] == "0":
                continue  # the warm-up
            key = (r["case"], r["tool"])
            rows.setdefault(key, []).append((int(r["wall_ms"]), int(r["peak_rss_kb"])))
    out = []
    out.append(f"{'case':<12} {'tally median':>13} {'ccusage median':>15} {'ratio':>8} "
               f"{'target':>7}  {'tally peak RSS':>14} {'ccusage peak RSS':>16}")
    rss_max = 0
    for case in ("cold", "warm", "incremental"):
        t, c = rows.get((case, "tally")), rows.get((case, "ccusage"))
        if not t or not c:
            continue
        tm = statistics.median(w for w, _ in t)
        cm = statistics.median(w for w, _ in c)
        ratio = tm / cm if cm else float("inf")
        verdict = "met" if ratio <= TARGETS[case] else "MISSED"
        trss = max(r for _, r in t)
        crss = max(r for _, r in c)
        rss_max = max(rss_max, trss)
        out.append(f"{case:<12} {fmt_ms(tm):>13} {fmt_ms(cm):>15} {ratio:>7.3f}x "
                   f"{'<=' + str(TARGETS[case]) + 'x':>7}  {fmt_mb(trss):>14} {fmt_mb(crss):>16}"
                   f"   {verdict}")
        spread_t = f"{fmt_ms(min(w for w, _ in t))}..{fmt_ms(max(w for w, _ in t))}"
        spread_c = f"{fmt_ms(min(w for w, _ in c))}..{fmt_ms(max(w for w, _ in c))}"
        out.append(f"{'':<12} {'(' + spread_t + ')':>13} {'(' + spread_c + ')':>15}")
    if rss_max:
        verdict = "met" if rss_max <= RSS_TARGET_KB else "MISSED"
        out.append(f"tally peak RSS over all runs: {fmt_mb(rss_max)} (target <= 128 MB): {verdict}")
    return out


def exactness(manifest, models):
    """Differences between tally's per-model rows and the manifest, as text lines."""
    rows = {f"{r['agent']}/{r['model']}": r for r in models["rows"]}
    problems = []
    for key, want in manifest["expected"].items():
        got = rows.get(key)
        if got is None:
            problems.append(f"{key}: missing from tally")
            continue
        diff = {f: got[f] - want[f] for f in FIELDS if got[f] != want[f]}
        if diff:
            problems.append(f"{key}: tally - expected = {diff}")
    for key in rows:
        if key not in manifest["expected"]:
            problems.append(f"{key}: reported by tally, not generated")
    return problems


def ccusage_by_agent(cc):
    agents = {}
    for day in cc.get("daily", []):
        for a in day.get("agents", []):
            acc = agents.setdefault(a["agent"], {f: 0 for f, _ in CC_FIELDS} |
                                    {"cost": 0.0, "reported_total": 0})
            for ours, theirs in CC_FIELDS:
                acc[ours] += a.get(theirs, 0)
            acc["cost"] += a.get("totalCost", 0.0)
            acc["reported_total"] += a.get("totalTokens", 0)
    return agents


def ccusage_agents(cc):
    names = set()
    for day in cc.get("daily", []):
        names.update(day.get("metadata", {}).get("agents", []))
    return sorted(names)


def tally_cost_by_agent(models):
    cost = {}
    for r in models["rows"]:
        cost[r["agent"]] = cost.get(r["agent"], 0.0) + r["cost_usd"]
    return cost


def total_tokens(d):
    return d["input_tokens"] + d["cache_read_tokens"] + d["cache_write_tokens"] + d["output_tokens"]


def diff_line(label, t, c):
    d = c - t
    pct = f"{100.0 * d / t:+.3f}%" if t else "n/a"
    return f"  {label:<20} {t:>18,} {c:>18,} {d:>+16,} {pct:>9}"


def totals_section(results, name, title):
    manifest = load(os.path.join(results, f"manifest-{name}.json"))
    models = load(os.path.join(results, f"tally-models-{name}.json"))
    daily = load(os.path.join(results, f"tally-daily-{name}.json"))
    cc = load(os.path.join(results, f"ccusage-daily-{name}.json"))
    out = [f"", f"Totals, {title}: {manifest['files']['total']} files, "
                f"{manifest['bytes']['total'] / 1e6:.1f} MB"]
    problems = exactness(manifest, models)
    if problems:
        out.append("  tally vs the generator's manifest: NOT EXACT")
        out += [f"    {p}" for p in problems]
    else:
        exp = manifest["expected_total"]
        out.append(f"  tally vs the generator's manifest: exact ({exp['requests']:,} requests, "
                   f"{exp['total_tokens']:,} tokens, every agent/model and bucket)")
    t = daily["totals"]
    c = cc["totals"]
    out.append(f"  {'':<20} {'tally':>18} {'ccusage':>18} {'ccusage - tally':>16} {'%':>9}")
    for ours, theirs in CC_FIELDS:
        out.append(diff_line(ours, t[ours], c[theirs]))
    out.append(diff_line("total_tokens", t["total_tokens"], c["totalTokens"]))
    out.append(f"  {'cost_usd':<20} {t['cost_usd']:>18,.2f} {c['totalCost']:>18,.2f} "
               f"{c['totalCost'] - t['cost_usd']:>+16,.2f} "
               f"{100.0 * (c['totalCost'] - t['cost_usd']) / t['cost_usd']:>+8.3f}%")
    out.append(f"  tally only: requests {t['requests']:,}, reasoning {t['reasoning_tokens']:,}, "
               f"cache_write_1h {t['cache_write_1h_tokens']:,}")
    # Per agent, with the generator's own count of what explains a difference.
    cc_agents = ccusage_by_agent(cc)
    tally_cost = tally_cost_by_agent(models)
    traps = manifest.get("traps", {})
    by_agent = manifest["expected_by_agent"]
    out.append(f"  ccusage read: {', '.join(ccusage_agents(cc)) or 'nothing'}")
    out.append("  per agent (ccusage - tally; ccusage's own totalTokens in brackets when it differs "
               "from the sum of its buckets):")
    for agent in ("claude", "codex", "gemini"):
        exp = by_agent[agent]
        got = cc_agents.get(agent, {f: 0 for f, _ in CC_FIELDS} | {"cost": 0.0,
                                                                     "reported_total": 0})
        fields = ", ".join(f"{ours.replace('_tokens', '')} {got[ours] - exp[ours]:+,}"
                           for ours, _ in CC_FIELDS if got[ours] != exp[ours])
        buckets = total_tokens(got)
        reported = f" [{got['reported_total']:,}]" if got["reported_total"] != buckets else ""
        out.append(f"    {agent:<7} tokens tally {exp['total_tokens']:,}, ccusage {buckets:,}"
                   f"{reported}: {buckets - exp['total_tokens']:+,} ({fields or 'identical'})")
        out.append(f"            cost   tally ${tally_cost.get(agent, 0.0):,.2f}, ccusage "
                   f"${got['cost']:,.2f}: {got['cost'] - tally_cost.get(agent, 0.0):+,.2f}")
        if agent == "gemini":
            out.append(f"            generator: thoughts tokens (billed as output): "
                       f"{exp['reasoning_tokens']:,}")
        for key, v in sorted(traps.items()):
            trap_agent, kind = key.split("/", 1)
            if trap_agent == agent:
                out.append(f"            generator: {kind}: {v['requests']:,} responses, "
                           f"{v['total_tokens']:,} tokens")
    codex_only = os.path.join(results, f"ccusage-codex-{name}.json")
    if os.path.exists(codex_only):
        cx = load(codex_only).get("totals", {})
        same = all(cx.get(theirs, 0) == cc_agents.get("codex", {}).get(ours, 0)
                   for ours, theirs in CC_FIELDS)
        out.append(f"  ccusage codex daily (Codex only): {cx.get('totalTokens', 0):,} tokens, "
                   f"${cx.get('costUSD', cx.get('totalCost', 0.0)):,.2f}; "
                   f"{'same' if same else 'DIFFERENT'} buckets as the codex part of 'ccusage daily'")
    return out, not problems


def main():
    results = sys.argv[1]
    lines = []
    env_path = os.path.join(results, "env.txt")
    if os.path.exists(env_path):
        with open(env_path, encoding="utf-8") as f:
            lines += [l.rstrip("\n") for l in f]
    lines.append("")
    lines += timing_table(results)
    exact = True
    for name, title in (("initial", "corpus as generated (cold and warm)"),
                        ("final", "after the incremental appends")):
        if os.path.exists(os.path.join(results, f"manifest-{name}.json")):
            section, ok = totals_section(results, name, title)
            lines += section
            exact = exact and ok
    print("\n".join(lines))
    return 0 if exact else 3


if __name__ == "__main__":
    sys.exit(main())
