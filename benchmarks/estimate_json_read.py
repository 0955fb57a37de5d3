#!/usr/bin/env python3
"""How long ``Estimate.from_json`` takes, and how much memory, on a hostile and on a large
document (docs/json.md, "Reading an estimate back").

    python benchmarks/estimate_json_read.py write empty DIR [KB]   # a real estimate's head
        # with its awards replaced by KB kilobytes of empty objects ({} , {} , …)
    python benchmarks/estimate_json_read.py write valid DIR [MB]   # a real estimate of about
        # MB megabytes: one profile of many purchases, every bundled program
    python benchmarks/estimate_json_read.py read FILE              # read it back once

``read`` prints the outcome (the error's code and how many problems it lists, or the awards
read), the seconds taken and MB/s; run it under ``/usr/bin/time -v`` for the peak resident
memory, or with ``--tracemalloc`` for Python's own peak. Nothing here is a test: the machines
are shared and the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import aivoucher
from aivoucher.errors import InputError
from aivoucher.result import Estimate


def _shenzhen(purchases: int) -> dict[str, object]:
    """A Shenzhen start-up's profile of ``purchases`` compute contracts over 2025."""
    return {
        "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
        "purchases": [
            {
                "item": "compute",
                "use": "training",
                "amount": 10_000 + 37 * i,
                "signed": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            for i in range(purchases)
        ],
    }


def write_empty(directory: Path, kilobytes: int) -> Path:
    head = json.loads(aivoucher.estimate(_shenzhen(1), as_of="2025-06-30").to_json())
    head["awards"] = []
    text = json.dumps(head, ensure_ascii=False)
    count = kilobytes * 1024 // len("{}, ")
    text = text.replace('"awards": []', '"awards": [' + ", ".join(["{}"] * count) + "]")
    path = directory / f"empty-awards-{kilobytes}k.json"
    path.write_text(text, encoding="utf-8")
    return path


def write_valid(directory: Path, megabytes: int) -> Path:
    # about 5.5 KB of JSON per purchase of this profile (its trace in every program)
    purchases = max(1, megabytes * 1024 * 1024 // 5_500)
    est = aivoucher.estimate(_shenzhen(purchases), as_of="2025-06-30")
    path = directory / f"valid-{megabytes}m.json"
    path.write_text(est.to_json(), encoding="utf-8")
    return path


def read(path: Path, *, trace_memory: bool) -> None:
    data = path.read_bytes()
    aivoucher.bundled_rules()  # loaded once per process: not part of a reading
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        est = Estimate.from_json(data)
    except InputError as exc:
        outcome = f"refused: {exc.code} at {exc.field}, {len(exc.errors)} problem(s) listed"
    else:
        outcome = f"read: {len(est.awards)} awards, {len(est.profile.purchases)} purchases"
    seconds = time.perf_counter() - start
    size = len(data) / 1e6
    print(f"{path.name}: {size:.2f} MB; {outcome}")
    print(f"  {seconds:.2f} s, {size / seconds:.2f} MB/s")
    if trace_memory:
        peak = tracemalloc.get_traced_memory()[1]
        print(f"  tracemalloc peak {peak / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("kind", choices=["empty", "valid"])
    w.add_argument("directory", type=Path)
    w.add_argument("size", type=int, nargs="?")
    r = sub.add_parser("read")
    r.add_argument("file", type=Path)
    r.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    if args.command == "write":
        args.directory.mkdir(parents=True, exist_ok=True)
        if args.kind == "empty":
            print(write_empty(args.directory, args.size or 300))
        else:
            print(write_valid(args.directory, args.size or 10))
    else:
        read(args.file, trace_memory=args.tracemalloc)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
