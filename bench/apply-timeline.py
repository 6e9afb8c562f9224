#!/usr/bin/env python3
"""Summarises one `k8sctl apply --output json` stream whose events carry an arrival time `t`
(seconds since k8sctl started; bench/install-50.sh stamps them) as markdown tables:

  phases   each `phase` event until the next one (the last until `finished`)
  batches  `batch-started` until `batch-finished`: hosts, wall, the slowest step in it
  steps    per step name: how many, summed seconds over hosts, slowest host (top 15 by slowest)

    bench/apply-timeline.py [--phases-only] STREAM.jsonl
"""
import json
import sys
from collections import defaultdict


def main():
    args = sys.argv[1:]
    phases_only = "--phases-only" in args
    path = [a for a in args if a != "--phases-only"][0]
    events = [json.loads(line) for line in open(path) if line.strip()]
    end = max(e["t"] for e in events)

    phases = [e for e in events if e["event"] == "phase"]
    print("| phase | from | seconds |")
    print("|---|---:|---:|")
    first = phases[0]["t"] if phases else end
    print(f"| start-up, inventory, PKI store (before the first phase) | 0.00 | {first:.2f} |")
    for index, phase in enumerate(phases):
        until = phases[index + 1]["t"] if index + 1 < len(phases) else end
        print(f"| {phase['phase']} | {phase['t']:.2f} | {until - phase['t']:.2f} |")
    print(f"| **total** | | **{end:.2f}** |")
    if phases_only:
        return

    steps = [e for e in events if e["event"] == "step"]
    started = {e["batch"]: e for e in events if e["event"] == "batch-started"}
    finished = {e["batch"]: e for e in events if e["event"] == "batch-finished"}
    if started:
        print()
        print("| batch | hosts | from | wall | slowest step (host, seconds) |")
        print("|---|---:|---:|---:|---|")
        for index in sorted(started):
            begin = started[index]
            stop = finished.get(index, {"t": end})
            inside = [s for s in steps if begin["t"] <= s["t"] <= stop["t"] and s["host"] in begin["hosts"]]
            slowest = max(inside, key=lambda s: s["seconds"], default=None)
            what = f"{slowest['step']} ({slowest['host']}, {slowest['seconds']:.2f})" if slowest else "-"
            print(f"| {index}: {begin['name']} | {len(begin['hosts'])} | {begin['t']:.2f} | {stop['t'] - begin['t']:.2f} | {what} |")

    by_name = defaultdict(list)
    for s in steps:
        by_name[s["step"]].append(s)
    print()
    print("| step (top 15 by slowest host) | hosts | summed s | slowest s | changed |")
    print("|---|---:|---:|---:|---:|")
    ranked = sorted(by_name.items(), key=lambda kv: -max(s["seconds"] for s in kv[1]))
    for name, group in ranked[:15]:
        changed = sum(1 for s in group if s["status"] == "changed")
        print(f"| {name} | {len(group)} | {sum(s['seconds'] for s in group):.2f} | {max(s['seconds'] for s in group):.2f} | {changed} |")
    total = sum(s["seconds"] for s in steps)
    print(f"\n{len(steps)} steps; summed step time {total:.1f} s over {len({s['host'] for s in steps})} hosts.")


if __name__ == "__main__":
    main()
