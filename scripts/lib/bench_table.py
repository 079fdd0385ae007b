#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of make bench (scripts/run-bench.sh), from the benchmarks'
logs: each log's last "result: key=value ..." line, and "vm-run: KVER
under ACCEL". Prints the table and writes it as JSON.

usage: bench_table.py --json FILE --commit COMMIT (KVER RUN LOG)...
  RUN: hc, served1, served2 or guest
"""
import argparse
import datetime
import json
import platform
import re
import sys

# (run, key in the result line, measure, target): the rows of the table,
# with the targets of issue 12 (medians of per-round ratios).
ROWS = [
    ("hc", "b/a", "KVM no-op, pvhook loaded / not loaded", 1.01),
    ("hc", "c/a", "PVHOOK_HC_PING, attached VM with policy / KVM no-op", 1.02),
    ("hc", "d/c", "c with 64 VMs and all module numbers / c", 1.01),
    ("served1", "served/exit", "served hypercall / KVM exit to VMM, 1 CPU", 2.0),
    ("served2", "served/exit", "served hypercall / KVM exit to VMM, 2 CPUs", 2.0),
    ("guest", "notify_estimate", "guest notify mode, estimate by parts", 1.05),
    ("guest", "count_estimate", "guest count mode, estimate by parts", 1.03),
]
SIZES = ("rounds", "calls", "pairs", "iterations", "cpus")


def parse(path):
    """The last result line's values, the accel, the ns medians, the command."""
    res, accel, ns, cmd = {}, None, {}, None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"vm-run: \S+ under (\w+)", line)
            if m:
                accel = m.group(1)
            if line.startswith("result:"):
                res = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
            if line.startswith("median ns/call:"):
                ns = {k: float(v) for k, v in
                      (kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)}
            if line.startswith("command: "):
                cmd = line[len("command: "):]
    return res, accel, ns, cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()
    if len(a.logs) % 3:
        sys.exit("bench_table: give KVER RUN LOG triples")

    rows = []
    for i in range(0, len(a.logs), 3):
        kver, run, path = a.logs[i:i + 3]
        res, accel, ns, cmd = parse(path)
        for r_run, key, measure, target in ROWS:
            if r_run != run:
                continue
            row = {"kernel": kver, "bench": run, "ratio_name": key,
                   "measure": measure, "target": target, "accel": accel,
                   "command": cmd, "log": path}
            try:
                row["ratio"] = float(res[key])
                row["met"] = row["ratio"] <= target
            except (KeyError, ValueError):
                row["ratio"] = None
                row["met"] = False
                row["error"] = "no result (see the log)"
            for k in SIZES:
                if k in res:
                    row[k] = int(res[k])
            # Printed only under KVM: absolute times mean nothing under TCG.
            if ns:
                row["medians_ns_per_call"] = ns
            rows.append(row)

    out = {
        "commit": a.commit,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.node(),
        "note": "medians of per-round ratios measured side by side in one run",
        "rows": rows,
    }
    with open(a.json, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    print(f"{'kernel':<24} {'measure':<52} {'ratio':>7} {'target':>7}  met")
    for r in rows:
        ratio = f"{r['ratio']:.3f}" if r["ratio"] is not None else "-"
        print(f"{r['kernel']:<24} {r['measure']:<52} {ratio:>7} "
              f"{r['target']:>7.2f}  {'yes' if r['met'] else 'NO'}")
        if r["accel"] == "kvm" and "medians_ns_per_call" in r:
            print(" " * 25 + "ns per call (medians): " + " ".join(
                f"{k}={v:.0f}" for k, v in r["medians_ns_per_call"].items()))
    print(f"json: {a.json} (commit {a.commit})")


if __name__ == "__main__":
    main()
