#!/usr/bin/env python3
"""Lean baseline for the verify benchmark: ZEGO's published signature check
with nothing else in the loop. Per line: json.loads (twice for a capture
record, whose "body" holds the callback), sorted([secret, timestamp, nonce]),
sha1 hexdigest, compare, count. No per-line output: one summary line at the
end, as `zegocb verify -q` prints. (baseline.py prints a row per line, which
costs Python more than the check itself and flatters zegocb.)

    ZEGO_CALLBACK_SECRET=... python3 baseline_lean.py FILE
"""
import hashlib
import json
import os
import sys


def main():
    secret = os.environ.get("ZEGO_CALLBACK_SECRET", "")
    loads, sha1 = json.loads, hashlib.sha1
    passed = failed = 0
    with open(sys.argv[1], "rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                d = loads(line)
                if "received_at" in d and "body" in d:
                    d = loads(d["body"])
                ts = d.get("timestamp", d.get("Timestamp", ""))
                nonce = d.get("nonce", d.get("Nonce", ""))
                sig = d.get("signature", d.get("Signature", ""))
                parts = sorted([secret, str(ts), str(nonce)])
                ok = sha1("".join(parts).encode()).hexdigest() == sig
            except (ValueError, AttributeError, TypeError):
                ok = False
            if ok:
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
