#!/usr/bin/env python3
"""Benchmark the engine against a hand-written function for the same program, side by side.

    .venv/bin/python scripts/bench.py [--seconds 2]

Absolute times depend on the machine; the ratios are what docs/performance.md quotes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal

from aivoucher.profile import Profile, parse_profile
from aivoucher.registry import bundled_rules

PROFILE = {
    "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    ],
}


def hand_written(profile: Profile) -> Decimal:
    """Shenzhen 训力券 by hand: 60% for a start-up enterprise, else 50%; 1000万 a year; no trace."""
    a = profile.applicant
    if a.city != "shenzhen" or a.kind not in ("enterprise", "university", "research_institute"):
        return Decimal(0)
    rate = Decimal("0.6") if a.kind == "enterprise" and a.startup else Decimal("0.5")
    years: dict[int, Decimal] = {}
    for p in profile.purchases:
        if p.item == "compute" and p.use == "training":
            years[p.year] = years.get(p.year, Decimal(0)) + p.amount * rate
    total = sum((min(v, Decimal(10_000_000)) for v in years.values()), Decimal(0))
    return total.quantize(Decimal("0.01"))


def rate(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            fn()
        n += 200
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    rules = bundled_rules()
    profile = parse_profile(PROFILE)
    plan = rules.get("shenzhen.training-compute").plan
    assert plan.evaluate(profile).high == hand_written(profile)
    hand = rate(lambda: hand_written(profile), args.seconds)
    engine = rate(lambda: plan.evaluate(profile), args.seconds)
    everything = rate(lambda: rules.estimate(profile, as_of="2025-06-30"), args.seconds)
    programs = sum(1 for e in rules if e.program.in_force(profile.purchases[0].signed))
    print(f"hand-written function:            {hand:12,.0f} evaluations/s")
    print(
        f"engine, one program, with trace:  {engine:12,.0f} evaluations/s"
        f"  (1 : {hand / engine:.1f})"
    )
    print(
        f"estimate against every program:   {everything:12,.0f} profiles/s     "
        f"({everything * programs:,.0f} (profile, program) pairs/s over {programs} programs)"
    )


if __name__ == "__main__":
    main()
