#!/usr/bin/env python3
"""Fuzz the rule loader and the profile parser for a while (default 60 s per target).

    .venv/bin/python scripts/fuzz.py --seconds 600

Prints how many inputs each target took; any exception other than aivoucher's InputError is a
failure, shown with the input that caused it (hypothesis shrinks it first).
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, given, settings

from aivoucher.fuzzing import fuzz_profile_text, fuzz_rule_text, yaml_texts


def run(name: str, target: object, seconds: float) -> int:
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:

        @settings(
            max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(yaml_texts())
        def batch(text: str) -> None:
            nonlocal count
            count += 1
            target(text)  # type: ignore[operator]

        batch()
    print(f"{name}: {count} inputs, 0 failures")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="per target")
    args = parser.parse_args()
    run("rule loader", fuzz_rule_text, args.seconds)
    run("profile parser", fuzz_profile_text, args.seconds)


if __name__ == "__main__":
    main()
