#!/usr/bin/env python3
"""Baseline for the verify benchmark: ZEGO's published signature check, done
the straightforward way a receiver's script would, one line at a time.

For each JSON line (a callback body, or a capture record whose "body" holds
one): json.loads, sorted([secret, timestamp, nonce]), sha1 hexdigest,
compare with the signature, print a row.

    ZEGO_CALLBACK_SECRET=... python3 baseline.py FILE > /dev/null
"""
import hashlib
import json
import os
import sys


def field(d, name):
    v = d.get(name)
    if v is None:
        v = d.get(name.capitalize())
    return "" if v is None else str(v)


def main():
    secret = os.environ.get("ZEGO_CALLBACK_SECRET", "")
    passed = failed = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
                if "received_at" in d and "body" in d:
                    d = json.loads(d["body"])
                parts = sorted([secret, field(d, "timestamp"), field(d, "nonce")])
                want = hashlib.sha1("".join(parts).encode()).hexdigest()
                ok = want == field(d, "signature")
                event = field(d, "event")
            except ValueError as e:
                ok, event = False, "-"
            if ok:
                passed += 1
            else:
                failed += 1
            print(f"{sys.argv[1]}:{n}\t{event}\t{'PASS' if ok else 'FAIL'}\t")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
