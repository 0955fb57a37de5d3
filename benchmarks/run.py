#!/usr/bin/env python3
"""aivoucher beside its peers, on the same random profiles, in one process.

    python3 -m venv .venv-bench
    .venv-bench/bin/python -m pip install -e '.[batch]' -r benchmarks/requirements.txt
    .venv-bench/bin/python benchmarks/run.py [--quick] [--no-write]

Two programs, Shenzhen's 训力券 and Chengdu's 算力券, each over random single-purchase
profiles (fixed seed): every engine gets the same profiles in its natural form and keeps its
results; every result is checked against the exact integer one, to the fen. Per-profile
engines run over 100,000 distinct profiles, vectorised ones over 1,000,000. Then the start-up
times (``import aivoucher``, ``aivoucher --version``, against ``python -c pass``) and the scale
check (one profile with 10,000 and with 100,000 purchases). The table goes to
docs/performance.md and to standard output. Timings are medians of several passes,
``gc.collect()`` before each; nothing here is a test (the machines are shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SEED = 20240601
KINDS = ("enterprise", "university", "research_institute")
PROGRAMS = {
    "sz": ("shenzhen.training-compute", "Shenzhen 训力券", "shenzhen", "2025-03-01", "2025-06-30"),
    "cd": ("chengdu.compute-voucher", "Chengdu 算力券", "chengdu", "2025-09-15", "2025-12-31"),
}
FEN = Decimal("0.01")


# -- data -------------------------------------------------------------------------------------


def make_columns(program: str, n: int) -> dict[str, np.ndarray]:
    """n random single-purchase profiles; 90% registered in the program's city."""
    rng = np.random.default_rng(SEED)
    top = 5_000_000_000 if program == "sz" else 1_000_000_000  # 5000万 / 1000万 yuan, in fen
    return {
        "amount_fen": rng.integers(0, top, size=n, endpoint=True, dtype=np.int64),
        "startup": rng.random(n) < 0.5,
        "kind_code": rng.integers(0, 3, size=n, dtype=np.int8),
        "registered": rng.random(n) < 0.9,
        "domestic": rng.random(n) < 0.5,
    }


def numpy_int64(program: str, c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Hand-written numpy, exact: int64 fen, integer percent rates, half-up to the fen."""
    amount = c["amount_fen"]
    if program == "sz":
        pct = np.where(c["startup"] & (c["kind_code"] == 0), 60, 50)
        fen = np.minimum((amount * pct + 50) // 100, 10_000_000 * 100)
        fen = np.where(c["registered"], fen, 0)
        return fen, fen
    domestic = c["domestic"]
    low = np.minimum((amount * np.where(domestic, 50, 30) + 50) // 100, 5_000_000 * 100)
    high = np.minimum((amount * np.where(domestic, 60, 40) + 50) // 100, 5_000_000 * 100)
    return np.where(c["registered"], low, 0), np.where(c["registered"], high, 0)


def batch_table(program: str, c: dict[str, np.ndarray], form: str) -> Any:
    """The same profiles as a table of purchases (one row each)."""
    _, _, city, signed, _ = PROGRAMS[program]
    n = len(c["amount_fen"])
    other = "beijing"
    data: dict[str, Any] = {
        "applicant": np.arange(n, dtype=np.int64),
        "purchase.amount_fen": c["amount_fen"],
        "purchase.signed": np.full(n, np.datetime64(signed, "D")),
    }
    text = {
        "applicant.kind": (np.array(KINDS), c["kind_code"]),
        "applicant.city": (np.array([other, city]), c["registered"].astype(np.int8)),
        "purchase.item": (np.array(["compute"]), np.zeros(n, dtype=np.int8)),
    }
    if program == "sz":
        data["applicant.startup"] = c["startup"]
        text["purchase.use"] = (np.array(["training"]), np.zeros(n, dtype=np.int8))
    else:
        origin = (~c["domestic"]).astype(np.int8)
        text["purchase.chip_origin"] = (np.array(["domestic", "foreign"]), origin)
    for name, (categories, codes) in text.items():
        data[name] = categories[codes]
    if form == "numpy":
        return data
    import pandas as pd

    frame = pd.DataFrame(data)
    for name, (categories, codes) in text.items():
        frame[name] = pd.Categorical.from_codes(codes, categories)
    return frame


def profiles(program: str, c: dict[str, np.ndarray], n: int) -> list[Any]:
    """The first n profiles as validated ``Profile`` objects (distinct objects)."""
    from aivoucher.profile import parse_profile

    _, _, city, signed, _ = PROGRAMS[program]
    out = []
    for i in range(n):
        purchase: dict[str, Any] = {
            "item": "compute",
            "amount": Decimal(int(c["amount_fen"][i])).scaleb(-2),
            "signed": signed,
        }
        applicant: dict[str, Any] = {
            "kind": KINDS[int(c["kind_code"][i])],
            "city": city if c["registered"][i] else "beijing",
        }
        if program == "sz":
            purchase["use"] = "training"
            applicant["startup"] = bool(c["startup"][i])
        else:
            purchase["chip_origin"] = "domestic" if c["domestic"][i] else "foreign"
        out.append(parse_profile({"applicant": applicant, "purchases": [purchase]}))
    return out


def records(program: str, c: dict[str, np.ndarray], n: int, money: str) -> list[dict[str, Any]]:
    """The first n profiles as dicts, as an expression engine takes them."""
    amounts = c["amount_fen"][:n].tolist()
    if money == "float":
        values: list[Any] = [a / 100 for a in amounts]
    else:
        values = [Decimal(a).scaleb(-2) for a in amounts]
    registered = c["registered"][:n].tolist()
    if program == "sz":
        kinds = [KINDS[k] for k in c["kind_code"][:n].tolist()]
        startup = c["startup"][:n].tolist()
        return [
            {"registered": r, "is_startup": s, "applicant_kind": k, "contract_amount": a}
            for r, s, k, a in zip(registered, startup, kinds, values, strict=True)
        ]
    domestic = c["domestic"][:n].tolist()
    return [
        {"registered": r, "domestic": d, "contract_amount": a}
        for r, d, a in zip(registered, domestic, values, strict=True)
    ]


# -- engines ----------------------------------------------------------------------------------

D_SZ_HI, D_SZ_LO, D_SZ_CAP = Decimal("0.6"), Decimal("0.5"), Decimal(10_000_000)
D_CD = {True: (Decimal("0.5"), Decimal("0.6")), False: (Decimal("0.3"), Decimal("0.4"))}
D_CD_CAP = Decimal(5_000_000)
ZERO = Decimal(0)
APPLICANT_KINDS = frozenset(KINDS)


def hand_decimal_sz(profile: Any) -> tuple[Decimal, Decimal]:
    """Shenzhen by hand over a ``Profile``: the program's conditions, rate, cap and rounding."""
    a = profile.applicant
    p = profile.purchases[0]
    if a.city != "shenzhen" or a.kind not in APPLICANT_KINDS:
        return ZERO, ZERO
    if p.item != "compute" or p.use != "training":
        return ZERO, ZERO
    rate = D_SZ_HI if a.kind == "enterprise" and a.startup else D_SZ_LO
    amount = min(p.amount * rate, D_SZ_CAP).quantize(FEN, rounding=ROUND_HALF_UP)
    return amount, amount


def hand_decimal_cd(profile: Any) -> tuple[Decimal, Decimal]:
    """Chengdu by hand: the rate range by chip origin, the 500万 cap, rounding."""
    a = profile.applicant
    p = profile.purchases[0]
    if a.city != "chengdu" or a.kind not in APPLICANT_KINDS or p.item != "compute":
        return ZERO, ZERO
    low, high = D_CD[p.chip_origin == "domestic"]
    return (
        min(p.amount * low, D_CD_CAP).quantize(FEN, rounding=ROUND_HALF_UP),
        min(p.amount * high, D_CD_CAP).quantize(FEN, rounding=ROUND_HALF_UP),
    )


ZEN = {
    "sz": "registered ? min([contract_amount * (is_startup and applicant_kind == 'enterprise'"
    " ? 0.6 : 0.5), 10000000]) : 0",
    "cd": "registered ? [min([contract_amount * (domestic ? 0.5 : 0.3), 5000000]),"
    " min([contract_amount * (domestic ? 0.6 : 0.4), 5000000])] : [0, 0]",
}
RULE_ENGINE = {
    "sz": "registered ? $min([contract_amount * (is_startup and applicant_kind == 'enterprise'"
    " ? 0.6 : 0.5), 10000000]) : 0",
    "cd": "registered ? [$min([contract_amount * (domestic ? 0.5 : 0.3), 5000000]),"
    " $min([contract_amount * (domestic ? 0.6 : 0.4), 5000000])] : [0, 0]",
}


def to_fen(value: Any) -> int:
    """An engine's amount in yuan (float, Decimal or int) to fen, half-up (untimed)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- measuring --------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], reps: int, warmup: int = 1) -> tuple[float, Any]:
    """Median wall time of ``reps`` passes (after ``warmup``) and the last pass's result."""
    for _ in range(warmup):
        fn()
    times = []
    out = None
    for _ in range(reps):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def wrong_fen(got: tuple[Any, Any], want: tuple[np.ndarray, np.ndarray], n: int) -> int:
    """How many of the first n results differ from the exact ones by a fen or more."""
    bad = np.zeros(n, dtype=bool)
    for g, w in zip(got, want, strict=True):
        bad |= np.asarray(g, dtype=np.int64)[:n] != w[:n]
    return int(bad.sum())


class Row:
    def __init__(self, engine: str, n: int, seconds: float, wrong: int, note: str = "") -> None:
        self.engine, self.n, self.seconds, self.wrong, self.note = engine, n, seconds, wrong, note

    @property
    def rate(self) -> float:
        return self.n / self.seconds


def measure(program: str, n_batch: int, n_each: int, reps: int) -> list[Row]:
    from aivoucher import batch
    from aivoucher.registry import bundled_rules

    program_id, _, _, _, as_of = PROGRAMS[program]
    columns = make_columns(program, n_batch)
    exact = numpy_int64(program, columns)
    rows: list[Row] = []

    seconds, out = timed(lambda: numpy_int64(program, columns), reps)
    rows.append(
        Row("hand-written numpy int64 (exact)", n_batch, seconds, wrong_fen(out, exact, n_batch))
    )

    for form, label in (
        ("frame", "pandas, category columns"),
        ("numpy", "dict of numpy arrays, text columns"),
    ):
        table = batch_table(program, columns, form)
        seconds, result = timed(lambda t=table: batch.evaluate(program_id, t, as_of=as_of), reps)
        assert result.scalar_applicants == 0
        got = (result.low_fen, result.high_fen)
        rows.append(
            Row(f"aivoucher batch ({label})", n_batch, seconds, wrong_fen(got, exact, n_batch))
        )
    del table, result

    try:
        from peer_openfisca import OpenFiscaVectorised

        engine = OpenFiscaVectorised(program, columns)
        seconds, out = timed(engine.run, reps)
        got = tuple(np.array([to_fen(float(v)) for v in o.tolist()]) for o in out)
        if len(got) == 1:
            got = (got[0], got[0])
        rows.append(
            Row("OpenFisca vectorised (float32)", n_batch, seconds, wrong_fen(got, exact, n_batch))
        )
    except ImportError as exc:
        rows.append(Row(f"OpenFisca: not installed ({exc.name})", 1, float("nan"), -1))

    people = profiles(program, columns, n_each)
    hand = hand_decimal_sz if program == "sz" else hand_decimal_cd
    seconds, out = timed(lambda: [hand(p) for p in people], reps)
    got = tuple([to_fen(r[i]) for r in out] for i in (0, 1))
    rows.append(
        Row(
            "hand-written Decimal over Profile objects",
            n_each,
            seconds,
            wrong_fen(got, exact, n_each),
        )
    )

    plan = bundled_rules().get(program_id).plan

    def scalar_rows(label: str, run: Callable[[], list[Any]], passes: int) -> None:
        seconds, out = timed(run, passes)
        got = tuple([to_fen(getattr(a, end)) for a in out] for end in ("low", "high"))
        rows.append(Row(label, n_each, seconds, wrong_fen(got, exact, n_each)))

    def traced() -> list[Any]:
        out = [plan.evaluate(p) for p in people]
        for award in out:
            award.steps  # noqa: B018 - reading the trace builds it
        return out

    scalar_rows(
        "aivoucher scalar (Plan.evaluate, trace built on access)",
        lambda: [plan.evaluate(p) for p in people],
        reps,
    )
    scalar_rows("aivoucher scalar, every award's trace read", traced, max(1, reps // 3))
    scalar_rows(
        "aivoucher general engine (Plan.explain, trace recorded)",
        lambda: [plan.explain(p) for p in people],
        max(1, reps // 3),
    )
    out = people = []  # free the awards before the next engine

    try:
        import zen

        expression = zen.compile_expression(ZEN[program])
        data = records(program, columns, n_each, "float")
        seconds, out = timed(lambda: [expression.evaluate(r) for r in data], reps)
        pairs = [o if isinstance(o, list) else [o, o] for o in out]
        got = tuple([to_fen(p[i]) for p in pairs] for i in (0, 1))
        rows.append(
            Row("GoRules ZEN compiled expression", n_each, seconds, wrong_fen(got, exact, n_each))
        )
    except ImportError as exc:
        rows.append(Row(f"ZEN: not installed ({exc.name})", 1, float("nan"), -1))

    try:
        import rule_engine

        rule = rule_engine.Rule(RULE_ENGINE[program])
        data = records(program, columns, n_each, "decimal")
        seconds, out = timed(lambda: [rule.evaluate(r) for r in data], max(1, reps // 3))
        pairs = [o if isinstance(o, (list, tuple)) else [o, o] for o in out]
        got = tuple([to_fen(p[i]) for p in pairs] for i in (0, 1))
        rows.append(
            Row("rule-engine (Decimal inputs)", n_each, seconds, wrong_fen(got, exact, n_each))
        )
    except ImportError as exc:
        rows.append(Row(f"rule-engine: not installed ({exc.name})", 1, float("nan"), -1))
    return rows


def measure_grouped(n: int, reps: int) -> list[Row]:
    """Chengdu with two purchases per applicant (one domestic, one foreign, the same year):
    the yearly cap falls on their sum, so the batch path groups rows per applicant and year."""
    import pandas as pd

    from aivoucher import batch

    rng = np.random.default_rng(SEED)
    domestic = rng.integers(0, 1_000_000_000, size=n, endpoint=True, dtype=np.int64)
    foreign = rng.integers(0, 1_000_000_000, size=n, endpoint=True, dtype=np.int64)
    registered = rng.random(n) < 0.9

    def hand() -> tuple[np.ndarray, np.ndarray]:
        cap = 5_000_000 * 100
        low = np.minimum((domestic * 50 + foreign * 30 + 50) // 100, cap)
        high = np.minimum((domestic * 60 + foreign * 40 + 50) // 100, cap)
        return np.where(registered, low, 0), np.where(registered, high, 0)

    rows: list[Row] = []
    seconds, exact = timed(hand, reps)
    rows.append(Row("hand-written numpy int64, two amount columns", n, seconds, 0))
    keys = np.concatenate([np.arange(n), np.arange(n)])
    city = np.concatenate([registered, registered]).astype(np.int8)
    origin = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])
    amount = np.concatenate([domestic, foreign])
    for label, order in (
        ("rows in applicant order", np.argsort(keys, kind="stable")),
        ("rows shuffled", rng.permutation(2 * n)),
    ):
        frame = pd.DataFrame(
            {
                "applicant": keys[order],
                "applicant.kind": pd.Categorical.from_codes(
                    np.zeros(2 * n, np.int8), ["enterprise"]
                ),
                "applicant.city": pd.Categorical.from_codes(city[order], ["beijing", "chengdu"]),
                "purchase.item": pd.Categorical.from_codes(np.zeros(2 * n, np.int8), ["compute"]),
                "purchase.chip_origin": pd.Categorical.from_codes(
                    origin[order], ["domestic", "foreign"]
                ),
                "purchase.amount_fen": amount[order],
                "purchase.signed": np.full(2 * n, np.datetime64("2025-09-15", "D")),
            }
        )
        seconds, result = timed(
            lambda f=frame: batch.evaluate("chengdu.compute-voucher", f, as_of="2025-12-31"), reps
        )
        got = (result.low_fen, result.high_fen)
        rows.append(Row(f"aivoucher batch, {label}", n, seconds, wrong_fen(got, exact, n)))
    return rows


def startup(reps: int) -> dict[str, float | str]:
    """Median wall times of fresh interpreters, and what ``import aivoucher`` loads."""
    python = sys.executable
    cli = str(Path(python).with_name("aivoucher"))

    def run(args: list[str]) -> float:
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    probe = (
        "import sys, aivoucher; "
        "print(' '.join(m for m in ('pydantic', 'yaml', 'babel', 'numpy') if m in sys.modules))"
    )
    loaded = subprocess.run([python, "-c", probe], check=True, capture_output=True, text=True)
    return {
        "pass": run([python, "-c", "pass"]),
        "import": run([python, "-c", "import aivoucher"]),
        "cli": run([cli, "--version"]),
        "loaded": loaded.stdout.strip() or "none of pydantic, yaml, babel, numpy",
    }


# Runs argv[2:] with its output in the file argv[1]; prints the command's peak memory in KiB.
PEAK_OF = """
import os, subprocess, sys
with open(sys.argv[1], "w") as sink:
    child = subprocess.Popen(sys.argv[2:], stdout=sink)
    _, status, usage = os.wait4(child.pid, 0)
if os.waitstatus_to_exitcode(status):
    sys.exit(f"exit {os.waitstatus_to_exitcode(status)}")
print(usage.ru_maxrss)
"""


JSON_ARGS = ("--as-of", "2025-06-30", "--format", "json")


def json_memory(n: int) -> tuple[float, float, int]:
    """``aivoucher estimate --format json`` of an n-purchase YAML profile in a child process:
    its peak memory (MB), wall time (s) and the JSON's size (bytes)."""
    import tempfile

    cli = str(Path(sys.executable).with_name("aivoucher"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.yaml"
        lines = ["applicant: {kind: enterprise, city: shenzhen, startup: true}", "purchases:"]
        row = "  - {{item: compute, use: training, amount: {}, signed: 2025-0{}-01}}"
        lines += [row.format(1000 + i, 1 + i % 9) for i in range(n)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(tmp) / "estimate.json"
        # A small process starts the command and reports its own peak: a child forked from
        # this (large) process would count the pages it shares with it until it execs.
        start = time.perf_counter()
        probe = subprocess.run(
            [sys.executable, "-c", PEAK_OF, str(out), cli, "estimate", str(path), *JSON_ARGS],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        size = out.stat().st_size
    peak_kib = int(probe.stdout.split()[-1])
    return peak_kib / 1024, seconds, size


def scale(sizes: tuple[int, ...]) -> list[tuple[int, float]]:
    """``aivoucher.estimate`` of one Shenzhen profile with n purchases, against every program in
    force: seconds per purchase."""
    import aivoucher
    from aivoucher.profile import Applicant, Profile, Purchase

    rng = np.random.default_rng(SEED)
    out = []
    for n in sizes:
        amounts = rng.integers(1, 10**9, size=n).tolist()
        days = rng.integers(0, 540, size=n).tolist()
        purchases = tuple(
            Purchase(
                item="compute",
                use="training",
                amount=Decimal(a).scaleb(-2),
                signed=dt.date(2025, 1, 1) + dt.timedelta(days=d),
            )
            for a, d in zip(amounts, days, strict=True)
        )
        profile = Profile(
            applicant=Applicant(kind="enterprise", city="shenzhen", startup=True),
            purchases=purchases,
        )
        seconds, est = timed(
            lambda p=profile: aivoucher.estimate(p, as_of="2026-06-30"),
            3 if n <= 10_000 else 1,
            warmup=1 if n <= 10_000 else 0,
        )
        del est
        out.append((n, seconds / n))
    return out


# -- report -----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in ("aivoucher", "numpy", "pandas", "OpenFisca-Core", "zen-engine", "rule-engine"):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "system": f"{platform.system()} {platform.release()}, CPython {platform.python_version()}",
        "versions": ", ".join(versions),
        "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _fmt_rate(rate: float) -> str:
    if rate != rate:
        return "–"
    if rate >= 1e6:
        return f"{rate / 1e6:,.1f}M"
    return f"{rate / 1e3:,.1f}k"


HEADER = """\
# Performance

Generated by `benchmarks/run.py` (never by timed tests: the machines are shared). It runs, in
one process and on the same random single-purchase profiles (fixed seed, 90% registered in the
program's city), hand-written exact code, aivoucher's scalar and batch paths and three peer
engines, keeps every result and checks it against the exact integer result to the fen.
Per-profile engines run over 100,000 distinct profiles, vectorised ones over 1,000,000; a
figure is the median of several passes. The peers compute the same formula as the rule file
(conditions, rate or rate range, cap), not the whole program: they are a yardstick, not
replacements. Read differences under about 1.5× as noise on this shared machine.
"""

NOTES = """\
## Notes

- Exact means integer fen: the hand-written numpy code uses int64 fen and integer percent rates
  with half-up rounding; aivoucher's batch path compiles the rule file's rates into exact
  fractions (docs/batch.md). The Decimal loop, the scalar engine and rule-engine are exact; ZEN
  computes in decimals from float inputs; OpenFisca stores floats as float32, hence its wrong
  fen.
- aivoucher batch reads the table, checks every column it uses (types, values, nulls, ranges)
  and evaluates the rule file's mechanisms (version, conditions, tiers with ranges, caps, the
  yearly pool bound, rounding); the hand-written numpy code does the arithmetic only, on
  columns already coded as integers. Text columns given as plain strings are coded first (one
  comparison pass per distinct value), which is most of the second batch row.
- The scalar rows: `Plan.evaluate` takes the fast path where every fact the plan reads is known
  (all of these profiles) and builds the trace when it is first read (docs/engine.md); the
  second row reads every award's trace, the third runs the general engine, which records the
  trace as it goes. The first row is the target's figure.
- Peer set-up (compiling expressions, building the OpenFisca system, converting profiles into
  dicts or tables) is not timed; OpenFisca's timed pass builds its Simulation.
- The scale figures time `aivoucher.estimate` of one profile against every program in force.
  For a profile of more than 1,000 purchases the estimate pauses Python's cyclic garbage
  collector (the engine makes no reference cycles; full collections walking the whole profile
  made the time per purchase grow with its length), and awards the general engine evaluates
  build their trace when it is read.

Reproduce:

```sh
python3 -m venv .venv-bench
.venv-bench/bin/python -m pip install -e '.[batch]' -r benchmarks/requirements.txt
.venv-bench/bin/python benchmarks/run.py
```
"""


def report(
    results: dict[str, list[Row]],
    grouped: list[Row],
    start: dict[str, Any],
    sizes: list[tuple[int, float]],
    memory: tuple[int, float, float, int],
    info: dict[str, str],
    load_after: str,
    command: str,
) -> str:
    lines = [
        *HEADER.splitlines(),
        f"- Date: {dt.date.today().isoformat()}; command: `{command}`",
        f"- Machine: {info['cpu']}; {info['system']}",
        f"- Load average (1, 5, 15 min) before: {info['load']}; after: {load_after}",
        f"- Versions: {info['versions']}",
        "",
    ]
    for program, rows in results.items():
        _, title, _, _, _ = PROGRAMS[program]
        numpy_rate = next(r.rate for r in rows if r.engine.startswith("hand-written numpy"))
        decimal_rate = next(r.rate for r in rows if r.engine.startswith("hand-written Decimal"))
        lines += [
            f"## {title} ({PROGRAMS[program][0]})",
            "",
            "| engine | profiles | median s | profiles/s | × slower than hand-written "
            "| wrong by ≥ 1 fen |",
            "| --- | ---: | ---: | ---: | --- | ---: |",
        ]
        for r in rows:
            if r.wrong < 0:
                lines.append(f"| {r.engine} | – | – | – | – | – |")
                continue
            vectorised = r.n == max(x.n for x in rows)
            base = numpy_rate if vectorised else decimal_rate
            against = "numpy int64" if vectorised else "Decimal"
            ratio = base / r.rate
            lines.append(
                f"| {r.engine} | {r.n:,} | {r.seconds:.4f} | {_fmt_rate(r.rate)} | "
                f"{ratio:.2f}× {against} | {r.wrong:,} |"
            )
        lines.append("")
    base = grouped[0].rate
    lines += [
        "## Chengdu 算力券, two purchases per applicant",
        "",
        "One domestic and one foreign purchase per applicant in the same year "
        f"({2 * grouped[0].n:,} rows for",
        f"{grouped[0].n:,} applicants): the 500万 yearly cap falls on their sum, so the batch path",
        "groups the rows per applicant and year (a sort when they are not in applicant order).",
        "",
        "| engine | applicants | median s | applicants/s | × numpy int64 | wrong by ≥ 1 fen |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r.engine} | {r.n:,} | {r.seconds:.4f} | {_fmt_rate(r.rate)} | "
            f"{base / r.rate:.2f}× | {r.wrong:,} |"
            for r in grouped
        ),
        "",
    ]
    lines += ["## Targets (issue 10)", "", "| target | measured | met |", "| --- | --- | --- |"]
    for program, rows in results.items():
        numpy_rate = next(r.rate for r in rows if r.engine.startswith("hand-written numpy"))
        decimal_rate = next(r.rate for r in rows if r.engine.startswith("hand-written Decimal"))
        best = max(
            (r for r in rows if r.engine.startswith("aivoucher batch")), key=lambda r: r.rate
        )
        scalar = next(r for r in rows if r.engine.startswith("aivoucher scalar"))
        ratio = numpy_rate / best.rate
        lines.append(
            f"| {program}: batch ≥ 40M profiles/s, ≤ 2× numpy int64 | {_fmt_rate(best.rate)}/s, "
            f"{ratio:.2f}× | {'yes' if best.rate >= 40e6 and ratio <= 2 else 'no'} |"
        )
        s_ratio = decimal_rate / scalar.rate
        lines.append(
            f"| {program}: scalar ≥ 200k/s with the trace available, ≤ 5× hand-written Decimal | "
            f"{_fmt_rate(scalar.rate)}/s, {s_ratio:.1f}× | "
            f"{'yes' if scalar.rate >= 200e3 and s_ratio <= 5 else 'no'} |"
        )
    clean = start["loaded"].startswith("none")
    lines.append(
        f"| `import aivoucher` loads neither pydantic, yaml nor babel | loads: {start['loaded']} | "
        f"{'yes' if clean else 'no'} |"
    )
    (n1, t1), (n2, t2) = sizes
    lines.append(
        f"| per-purchase cost, {n1:,} → {n2:,} purchases, within 1.2× | "
        f"{t1 * 1e6:.1f} → {t2 * 1e6:.1f} µs ({t2 / t1:.2f}×) | "
        f"{'yes' if t2 / t1 <= 1.2 else 'no'} |"
    )
    n_json, peak, seconds, size = memory
    lines.append(
        f"| {n_json:,}-purchase JSON estimate within 400 MB peak memory | "
        f"{peak:.0f} MB ({size / 1e6:.0f} MB of JSON in {seconds:.0f} s) | "
        f"{'yes' if peak <= 400 else 'no'} |"
    )
    lines += [
        "",
        "## Start-up",
        "",
        "| command | median s | × `python -c pass` |",
        "| --- | ---: | ---: |",
        f"| `python -c pass` | {start['pass']:.3f} | 1.0 |",
        f'| `python -c "import aivoucher"` | {start["import"]:.3f} | '
        f"{start['import'] / start['pass']:.1f} |",
        f"| `aivoucher --version` | {start['cli']:.3f} | {start['cli'] / start['pass']:.1f} |",
        "",
        "## Scale: one profile with many purchases",
        "",
        "`aivoucher.estimate` of one Shenzhen start-up with n compute purchases (2025–2026),",
        "against every program in force, from a validated `Profile`:",
        "",
        "| purchases | µs per purchase |",
        "| ---: | ---: |",
        *(f"| {n:,} | {t * 1e6:.1f} |" for n, t in sizes),
        "",
        f"`aivoucher estimate --format json` of a {n_json:,}-purchase YAML profile (the same",
        "applicant, every program in force, written to a file): peak memory of the process",
        f"{peak:.0f} MB, {seconds:.0f} s, {size / 1e6:.0f} MB of JSON.",
        "",
        *NOTES.splitlines(),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    n_batch, n_each, reps = (20_000, 2_000, 3) if args.quick else (1_000_000, 100_000, 7)
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    info = machine()
    from aivoucher.registry import bundled_rules

    bundled_rules()
    results = {p: measure(p, n_batch, n_each, reps) for p in PROGRAMS}
    grouped = measure_grouped(n_batch, reps)
    start = startup(7)
    scaled = scale(sizes)
    n_json = 10_000 if args.quick else 100_000
    memory = (n_json, *json_memory(n_json))
    load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    command = ".venv-bench/bin/python benchmarks/run.py" + (" --quick" if args.quick else "")
    text = report(results, grouped, start, scaled, memory, info, load_after, command)
    print(text)
    if not args.no_write and not args.quick:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
