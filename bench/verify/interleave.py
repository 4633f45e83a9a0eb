#!/usr/bin/env python3
"""Run commands in turn, one of each per round (a warm-up round first), and
print wall and CPU (user+sys) time per command: a side-by-side comparison
that a change in the machine's load affects alike.

    python3 bench/verify/interleave.py ROUNDS NAME=COMMAND...
"""
import os, subprocess, sys, time, statistics, resource
cmds = dict(a.split('=',1) for a in sys.argv[2:])
rounds = int(sys.argv[1])
res = {k: [] for k in cmds}
cpu = {k: [] for k in cmds}
for r in range(rounds + 1):
    for k, c in cmds.items():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(c.split(), stdout=subprocess.DEVNULL, check=True)
        dt = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r == 0: continue  # warm-up round
        res[k].append(dt)
        cpu[k].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
for k in cmds:
    v = res[k]
    print(f"{k:12} mean {statistics.mean(v)*1000:6.1f} ms  median {statistics.median(v)*1000:6.1f}  min {min(v)*1000:6.1f}  cpu mean {statistics.mean(cpu[k])*1000:6.1f} ms  (n={len(v)})")
