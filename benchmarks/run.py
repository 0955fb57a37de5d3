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
import resource
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
    from aivoucher.registry import bundled_rules

    from aivoucher import batch

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
    from aivoucher.profile import Applicant, Profile, Purchase

    import aivoucher

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


# -- where users wait -------------------------------------------------------------------------
#
# Each row times something a user waits for beside a baseline measured in the same run, and
# reports their ratio against the target of the issue "Fast where users wait": on a shared
# machine the ratio moves far less than either time.

README_PROFILE = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"
README_AS_OF = "2025-06-30"
#: the plan of the README's "Where to buy" section (compare, vary, sweep)
PLAN: dict[str, Any] = {
    "applicant": {"kind": "enterprise", "startup": True, "sme": True},
    "purchases": [
        {
            "item": "compute",
            "use": "training",
            "amount": "800万",
            "signed": "2026-03-01",
            "chip_origin": "domestic",
        }
    ],
}
PLAN_AS_OF = "2026-02-01"
# Console-script equivalent: what the installed `aivoucher` command runs.
CLI = "import sys; from aivoucher.cli import main; sys.exit(main())"


class Wait:
    """One row: what was timed, against what, the ratio (or a rate) and the target."""

    def __init__(
        self,
        what: str,
        baseline: str,
        seconds: float,
        base_seconds: float | None,
        target: float | None,
        *,
        rate: str = "",
        higher_is_better: bool = False,
        cpu_ratio: float | None = None,
        ratio: float | None = None,
        limit: float | None = None,
    ) -> None:
        self.what, self.baseline, self.seconds = what, baseline, seconds
        self.base_seconds, self.target, self.rate = base_seconds, target, rate
        self.higher_is_better, self.cpu_ratio = higher_is_better, cpu_ratio
        self.paired_ratio = ratio  # the median of paired passes' ratios, where measured so
        self.limit = limit  # a target in seconds rather than a ratio (``target`` is then None)

    @property
    def ratio(self) -> float | None:
        if self.paired_ratio is not None:
            return self.paired_ratio
        if self.base_seconds is None:
            return None
        return self.seconds / self.base_seconds

    @property
    def met(self) -> str:
        if self.limit is not None:
            return "yes" if self.seconds < self.limit else "no"
        if self.target is None:
            return "–"
        if self.higher_is_better:
            value = float(self.rate.split()[0]) if self.rate else 0.0
            return "yes" if value >= self.target else "no"
        # a command is judged on CPU time: on a shared machine its wall time also counts the
        # time it waited for a core
        ratio = self.cpu_ratio if self.cpu_ratio is not None else self.ratio
        return "–" if ratio is None else ("yes" if ratio <= self.target else "no")

    def cells(self) -> list[str]:
        ratio = self.ratio
        if self.higher_is_better:
            target = f"≥ {self.target:g} MB/s" if self.target is not None else "–"
        else:
            target = f"≤ {self.target:g}×" if self.target is not None else "–"
        if self.limit is not None:
            target = f"< {_fmt_time(self.limit)}"
        measured = self.rate or (f"{ratio:.1f}×" if ratio is not None else "–")
        base = _fmt_time(self.base_seconds) if self.base_seconds is not None else "–"
        cpu = f"{self.cpu_ratio:.1f}×" if self.cpu_ratio is not None else "–"
        return [
            self.what,
            self.baseline,
            _fmt_time(self.seconds),
            base,
            measured,
            cpu,
            target,
            self.met,
        ]


def _fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def child_env() -> dict[str, str]:
    """The environment of the timed interpreters: this process's aivoucher first on the path,
    and byte code cached as an installed package has it (a run with PYTHONDONTWRITEBYTECODE
    would compile every module at every start)."""
    import aivoucher

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    package_parent = str(Path(aivoucher.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    return env


def interleaved(
    commands: dict[str, list[str]], reps: int, env: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each command, run in turns
    (one of each, ``reps`` times), so that a change in the machine's load falls on all of
    them alike. One untimed run of each first (it writes the byte code caches and fills the
    page cache)."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for rep in range(reps + 1):
        for name, args in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            child = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
            )
            _, error = child.communicate()
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.perf_counter() - start
            if child.returncode not in (0, 1):  # check exits 1 when an example fails
                raise RuntimeError(f"{args}: exit {child.returncode}: {error.decode()[-500:]}")
            cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
            if rep:
                times[name][0].append(wall)
                times[name][1].append(cpu)
    return {
        name: (statistics.median(wall), statistics.median(cpu))
        for name, (wall, cpu) in times.items()
    }


def cli_waits(reps: int, tmp: Path) -> list[Wait]:
    """``import aivoucher`` and every command of the CLI, each against ``python -c pass``."""
    import aivoucher

    python = sys.executable
    estimate_json = tmp / "estimate.json"
    text = aivoucher.estimate(aivoucher.load_profile(README_PROFILE), as_of=README_AS_OF).to_json()
    estimate_json.write_text(text, encoding="utf-8")
    profile = str(README_PROFILE)
    commands = {
        "pass": [python, "-c", "pass"],
        "import": [python, "-c", "import aivoucher"],
        "estimate": [python, "-c", CLI, "estimate", profile, "--as-of", README_AS_OF],
        "estimate --format json": [
            python, "-c", CLI, "estimate", profile, "--as-of", README_AS_OF, "--format", "json",
        ],
        "compare": [python, "-c", CLI, "compare", profile, "--as-of", README_AS_OF],
        "programs": [python, "-c", CLI, "programs"],
        "show 训力券": [python, "-c", CLI, "show", "shenzhen.training-compute"],
        "report": [
            python, "-c", CLI, "report", profile, "--as-of", README_AS_OF,
            "-o", str(tmp / "report.html"),
        ],
        "verify": [python, "-c", CLI, "verify", str(estimate_json)],
        "schema": [python, "-c", CLI, "schema"],
        "check": [python, "-c", CLI, "check"],
    }  # fmt: skip
    medians = interleaved(commands, reps, child_env())
    base, base_cpu = medians.pop("pass")
    wall, cpu = medians.pop("import")
    rows = [
        Wait("`import aivoucher`", "`python -c pass`", wall, base, None, cpu_ratio=cpu / base_cpu)
    ]
    for name, (wall, cpu) in medians.items():
        target = 8.0 if name == "estimate" else 10.0
        shown = f"`aivoucher {name}`" + (" (README profile)" if name == "estimate" else "")
        rows.append(Wait(shown, "`python -c pass`", wall, base, target, cpu_ratio=cpu / base_cpu))
    return rows


def paired(
    timed_fn: Callable[[], Any], base_fn: Callable[[], Any], reps: int, base_calls: int = 1
) -> tuple[float, float, float]:
    """``timed_fn`` and ``base_fn`` (which makes ``base_calls`` baseline calls) in turns, the
    order swapped every pass, ``gc.collect()`` before each: the median time of each (the
    baseline per call) and the median of the passes' ratios, so that a change in the
    machine's load falls on both sides of a ratio alike."""
    timed_fn()
    base_fn()
    pairs: list[tuple[float, float]] = []
    for rep in range(reps):
        got = {}
        for name, fn in (
            (("t", timed_fn), ("b", base_fn)) if rep % 2 else (("b", base_fn), ("t", timed_fn))
        ):
            gc.collect()
            start = time.perf_counter()
            fn()
            got[name] = time.perf_counter() - start
        pairs.append((got["t"], got["b"] / base_calls))
    return (
        statistics.median(t for t, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(t / b for t, b in pairs),
    )


def api_waits(reps: int) -> list[Wait]:
    """The questions asked in one process: compare, vary, sweep and a one-program estimate,
    each against one estimate of the same plan; rule files loaded before (once per process)."""
    from aivoucher.registry import bundled_rules

    import aivoucher

    rules = bundled_rules()
    profile = aivoucher.parse_profile(
        {**PLAN, "applicant": {**PLAN["applicant"], "city": "shenzhen"}}
    )
    # one estimate takes about a millisecond: the baseline side makes 20
    twenty = range(20)

    def estimates() -> None:
        for _ in twenty:
            aivoucher.estimate(profile, as_of=PLAN_AS_OF)

    result = aivoucher.compare(PLAN, as_of=PLAN_AS_OF)
    places = list(dict.fromkeys(row.place.city for row in result.rows))[:27]
    grid = {"startup": [True, False], "chip_origin": ["domestic", "foreign"], "place": places}
    size = 2 * 2 * len(places)
    amounts = [f"{100 * (i + 1)}万" for i in range(21)]
    program = "shenzhen.training-compute"
    plan = rules.get(program, dt.date.fromisoformat(PLAN_AS_OF)).plan
    # tens of microseconds each: 200 at a time, so that the timer's own cost is not counted
    many = range(200)
    estimate = "one `aivoucher.estimate` (every program)"
    rows = []
    for what, fn, target in (
        (
            f"`compare` over every place ({len(result.rows)} rows)",
            lambda: aivoucher.compare(PLAN, as_of=PLAN_AS_OF),
            2.0,
        ),
        (
            f"`vary` 2×2×{len(places)} ({size} estimates)",
            lambda: aivoucher.vary(profile, as_of=PLAN_AS_OF, **grid),
            10.0,
        ),
        (
            "`sweep` over 21 amounts",
            lambda: aivoucher.sweep(profile, amounts, as_of=PLAN_AS_OF),
            5.0,
        ),
    ):
        seconds, base, ratio = paired(fn, estimates, reps, len(twenty))
        rows.append(Wait(what, estimate, seconds, base, target, ratio=ratio))
    single, evaluated, ratio = paired(
        lambda: [aivoucher.estimate(profile, programs=[program], as_of=PLAN_AS_OF) for _ in many],
        lambda: [plan.evaluate(profile) for _ in many],
        reps,
    )
    rows.append(
        Wait(
            f"`aivoucher.estimate(programs=[{program!r}])`",
            "`Plan.evaluate` of that program",
            single / len(many),
            evaluated / len(many),
            3.0,
            ratio=ratio,
        )
    )
    return rows


def fast_path_waits(n: int, reps: int) -> list[Wait]:
    """``Plan.evaluate``'s fast path over n distinct profiles beside the hand-written Decimal
    code of the same program (the scalar rows of the peer tables)."""
    from aivoucher.registry import bundled_rules

    rows = []
    for program, hand in (("sz", hand_decimal_sz), ("cd", hand_decimal_cd)):
        program_id, title, _, _, _ = PROGRAMS[program]
        people = profiles(program, make_columns(program, n), n)
        plan = bundled_rules().get(program_id).plan
        engine, by_hand, ratio = paired(
            lambda p=people, pl=plan: [pl.evaluate(x) for x in p],
            lambda p=people, h=hand: [h(x) for x in p],
            reps,
        )
        rows.append(
            Wait(
                f"{title}: `Plan.evaluate` fast path, {n:,} profiles",
                "hand-written Decimal",
                engine,
                by_hand,
                3.0,
                ratio=ratio,
            )
        )
    return rows


#: The text columns of ``batch_table``.
TEXT_COLUMNS = ("applicant.kind", "applicant.city", "purchase.item", "purchase.use")
TEXT_COLUMNS += ("purchase.chip_origin",)


def text_forms(program: str, c: dict[str, np.ndarray]) -> dict[str, Any]:
    """The table of ``batch_table`` with its text columns in each form a user may hold text
    in: numpy text and object arrays, pandas object and ``str`` columns, arrow strings (these
    where pyarrow is installed). Every form's text is one Python or arrow string per row, as
    a file reader makes it."""
    import pandas as pd

    data = batch_table(program, c, "numpy")
    text = [name for name in TEXT_COLUMNS if name in data]
    forms: dict[str, Any] = {"numpy text (`U`)": data}
    forms["numpy `object`"] = {k: v.astype(object) if k in text else v for k, v in data.items()}

    def frame(dtype: Any) -> Any:
        out = pd.DataFrame(data)
        for name in text:
            out[name] = pd.Series(data[name], dtype=dtype)
        return out

    def str_dtype(storage: str) -> Any:
        try:  # pandas's ``str`` (NaN where null) exists from pandas 2.3 on
            return pd.StringDtype(storage, na_value=np.nan)
        except TypeError:
            return None

    forms["pandas `object`"] = frame(object)
    if (python_str := str_dtype("python")) is not None:
        forms["pandas `str` (python)"] = frame(python_str)
    try:
        import pyarrow as pa
    except ImportError:
        return forms
    if (arrow_str := str_dtype("pyarrow")) is not None:
        forms["pandas `str` (pyarrow)"] = frame(arrow_str)
    forms["pandas `ArrowDtype(pa.string())`"] = frame(pd.ArrowDtype(pa.string()))
    forms["pyarrow Table"] = pa.table({k: pa.array(v) for k, v in data.items()})
    return forms


def batch_text_waits(n: int, reps: int) -> list[Wait]:
    """``batch.evaluate`` of n rows whose text columns are plain text, beside the same table
    with pandas ``category`` columns (the results checked equal, to the fen)."""
    from aivoucher import batch

    rows = []
    for program in ("sz", "cd"):
        program_id, title, _, _, as_of = PROGRAMS[program]
        columns = make_columns(program, n)
        categories = batch_table(program, columns, "frame")
        want = batch.evaluate(program_id, categories, as_of=as_of)
        for form, table in text_forms(program, columns).items():
            got = batch.evaluate(program_id, table, as_of=as_of)
            assert got == want, f"{title}, {form}: results differ from the category table's"
            seconds, base, ratio = paired(
                lambda t=table, p=program_id, d=as_of: batch.evaluate(p, t, as_of=d),
                lambda t=categories, p=program_id, d=as_of: batch.evaluate(p, t, as_of=d),
                reps,
            )
            rows.append(
                Wait(
                    f"{title}: `batch.evaluate`, {n:,} rows, text as {form}",
                    "the same table, pandas `category` columns",
                    seconds,
                    base,
                    3.0,
                    ratio=ratio,
                )
            )
    return rows


def batch_small_waits(reps: int, n: int = 10) -> list[Wait]:
    """The fixed cost of ``batch.evaluate``: one program over a table of n rows (numpy text
    and pandas ``category`` columns), against 1 ms; beside what a user would do without it,
    ``Plan.evaluate`` of the same n profiles one by one (the scalar engine)."""
    from aivoucher.registry import bundled_rules

    from aivoucher import batch

    many = range(200)  # a fraction of a millisecond each: 200 at a time
    rows = []
    for program in ("sz", "cd"):
        program_id, title, _, _, as_of = PROGRAMS[program]
        columns = make_columns(program, n)
        plan = bundled_rules().get(program_id, dt.date.fromisoformat(as_of)).plan
        people = profiles(program, columns, n)
        for form, table in (
            ("numpy text", batch_table(program, columns, "numpy")),
            ("pandas `category`", batch_table(program, columns, "frame")),
        ):

            def calls(t: Any = table, p: str = program_id, d: str = as_of) -> None:
                for _ in many:
                    batch.evaluate(p, t, as_of=d)

            _, base, ratio = paired(
                calls,
                lambda pl=plan, x=people: [[pl.evaluate(p) for p in x] for _ in many],
                reps,
            )
            # judged on CPU time, as the commands are: on a busy machine a millisecond of wall
            # time is mostly the wait for a core
            cpu = []
            for _ in range(reps):
                gc.collect()
                start = time.process_time()
                calls()
                cpu.append((time.process_time() - start) / len(many))
            rows.append(
                Wait(
                    f"{title}: `batch.evaluate`, {n} rows ({form}), CPU time per call",
                    f"`Plan.evaluate` of its {n} profiles",
                    statistics.median(cpu),
                    base / len(many),
                    None,
                    ratio=ratio,
                    limit=1e-3,
                )
            )
    return rows


def from_json_wait(purchases: int, reps: int) -> Wait:
    """``Estimate.from_json`` of a real estimate's JSON (every program, one Shenzhen start-up
    with ``purchases`` purchases): megabytes read per second."""
    from aivoucher.result import Estimate
    from estimate_json_read import _shenzhen

    import aivoucher

    text = aivoucher.estimate(_shenzhen(purchases), as_of="2025-06-30").to_json().encode()
    seconds, _ = timed(lambda: Estimate.from_json(text), reps)
    mb = len(text) / 1e6
    return Wait(
        f"`Estimate.from_json`, {mb:.1f} MB ({purchases:,} purchases)",
        "–",
        seconds,
        None,
        20.0,
        rate=f"{mb / seconds:.1f} MB/s",
        higher_is_better=True,
    )


def batch_table_of(profile: Any, n: int) -> dict[str, np.ndarray] | str:
    """A batch table of n applicants, each ``profile`` with its amounts raised by up to 10
    yuan; or why no table can say what the profile says."""
    from aivoucher.questions.batch._columns import (
        APPLICANT_COLUMNS,
        PURCHASE_COLUMNS,
        PURCHASE_QUALIFICATION_PREFIX,
        QUALIFICATION_PREFIX,
    )

    applicant = profile.applicant.model_dump(exclude_defaults=True)
    qualifications = applicant.pop("qualifications", {})
    row: dict[str, Any] = {f"applicant.{k}": v for k, v in applicant.items()}
    row |= {f"{QUALIFICATION_PREFIX}{k}": v for k, v in qualifications.items()}
    rows = []
    for purchase in profile.purchases:
        values = purchase.model_dump(exclude_defaults=True)
        one = dict(row)
        entry = values.pop("qualifications", {})
        one |= {f"{PURCHASE_QUALIFICATION_PREFIX}{k}": v for k, v in entry.items()}
        one["purchase.amount_fen"] = int(values.pop("amount") * 100)
        if "settled" in values:
            one["purchase.settled_fen"] = int(values.pop("settled") * 100)
        one |= {f"purchase.{k}": v for k, v in values.items()}
        rows.append(one)
    if not rows:
        return "no purchase"  # an award for the applicant alone: a table's row is a purchase
    allowed = {*APPLICANT_COLUMNS, *PURCHASE_COLUMNS}
    for name in rows[0]:
        if name not in allowed and not name.startswith(
            (QUALIFICATION_PREFIX, PURCHASE_QUALIFICATION_PREFIX)
        ):
            return f"`{name}`: no batch column"
    rng = np.random.default_rng(SEED)
    keys = np.repeat(np.arange(n, dtype=np.int64), len(rows))
    table: dict[str, np.ndarray] = {"applicant": keys}
    for name in rows[0]:
        values = [r.get(name) for r in rows] * n
        if any(v is None for v in values):
            return f"`{name}`: not stated on every purchase"
        if name == "purchase.amount_fen":
            table[name] = np.array(values, dtype=np.int64) + rng.integers(0, 1000, len(values))
        elif name.endswith("_fen"):
            table[name] = np.array(values, dtype=np.int64)
        elif name in ("purchase.signed", "purchase.start", "purchase.end"):
            table[name] = np.array(values, dtype="datetime64[D]")
        elif all(isinstance(v, bool) for v in values):
            table[name] = np.array(values, dtype=bool)
        else:
            table[name] = np.array([str(v) for v in values])
    return table


def batch_rates(n: int, only: set[str] | None = None) -> list[tuple[str, str, float, str]]:
    """Rows per second of ``batch.evaluate`` per program version, over n applicants made from
    the version's own examples; whether the vectorised kernel (native) or the scalar engine
    (fallback) took them; ``only`` some program ids."""
    from aivoucher.registry import bundled_rules, example_profile

    from aivoucher import batch
    from aivoucher.errors import InputError

    out = []
    for entry in bundled_rules():
        program = entry.program
        if only is not None and program.id not in only:
            continue
        usable = [
            (i, e) for i, e in enumerate(program.examples) if not e.assume and e.expect.eligible
        ]
        if not usable or entry.plan.unpublished is not None:
            out.append((program.key, "–", float("nan"), "no paying example, or no rate"))
            continue
        index, example = usable[0]
        table = batch_table_of(example_profile(program, index), n)
        if isinstance(table, str):
            out.append((program.key, "–", float("nan"), table))
            continue
        try:
            seconds, result = timed(
                lambda t=table, k=program.id, d=example.as_of: batch.evaluate(k, t, as_of=d), 3
            )
        except InputError as exc:  # a program the batch path refuses is reported, not timed
            out.append((program.key, "–", float("nan"), f"refused: {exc.code}"))
            continue
        path = "fallback" if result.scalar_applicants else "native"
        out.append((program.key, path, len(table["applicant"]) / seconds, ""))
    return out


SCREEN_START, SCREEN_END = "<!-- screen -->", "<!-- /screen -->"
SCREEN_AS_OF = "2025-12-31"
SCREEN_CITIES = ("shenzhen", "chengdu", "wuhan", "shanghai", "suzhou", "beijing", "hangzhou")


def screen_table(n: int) -> dict[str, np.ndarray]:
    """n applicants, one purchase each signed in 2025, in seven cities: what
    ``batch.screen`` is timed on."""
    rng = np.random.default_rng(SEED)
    cities = np.array(SCREEN_CITIES)
    return {
        "applicant": np.arange(n, dtype=np.int64),
        "applicant.kind": np.array(["enterprise", "university"])[
            (rng.random(n) < 0.1).astype(np.int8)
        ],
        "applicant.city": cities[rng.integers(0, len(cities), n)],
        "applicant.startup": rng.random(n) < 0.5,
        "purchase.item": np.array(["compute", "model"])[(rng.random(n) < 0.2).astype(np.int8)],
        "purchase.use": np.full(n, "training"),
        "purchase.amount_fen": rng.integers(0, 5_000_000_000, n, endpoint=True),
        "purchase.signed": np.datetime64("2025-01-01", "D") + rng.integers(0, 365, n),
    }


def screen_rates(n: int, reps: int) -> list[str]:
    """Applicant-programs per second of ``batch.screen`` over every bundled program (the
    vectorised ones: ``scalar=False``), as the lines of docs/performance.md that say so."""
    from aivoucher import batch

    table = screen_table(n)
    lines = []
    found = batch.screen(table, as_of=SCREEN_AS_OF, scalar=False)
    frame = found.frame
    programs = frame["program"].nunique()
    # programs with no version known on the date get their rows without any computing
    idle = frame["reason"].astype(str) == "not_in_force"
    computed = programs - int(idle.groupby(frame["program"], observed=True).all().sum())
    del found, frame, idle
    for label, keep in (("every row", False), ("eligible rows only", True)):
        seconds, found = timed(
            lambda k=keep: batch.screen(table, as_of=SCREEN_AS_OF, scalar=False, eligible_only=k),
            reps,
        )
        rows = len(found.frame)
        lines.append(
            f"| {label} | {n:,} | {programs} ({computed}) | {rows:,} | {seconds:.2f} s | "
            f"{_fmt_rate(n * programs / seconds)}/s | {_fmt_rate(n * computed / seconds)}/s |"
        )
    skipped = ", ".join(sorted(f"{s.program} ({s.code})" for s in found.skipped))
    return [
        SCREEN_START,
        "`batch.screen` over every bundled program at once (docs/batch.md), on "
        f"{n:,} applicants with one purchase each in {len(SCREEN_CITIES)} cities, as of "
        f"{SCREEN_AS_OF}, `scalar=False` (median of {reps} runs). *programs* counts those with "
        "rows, in brackets those with a version in force (the others' rows say `not_in_force` "
        "without any computing); the rates count each applicant once per program, then once "
        "per program in force (target ≥ 10M applicant-programs/s):",
        "",
        "| rows kept | applicants | programs | rows out | time | applicant-programs/s | in force |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *lines,
        "",
        f"Not screened ({len(found.skipped)}, reported by `screen` as `skipped`): {skipped}.",
        SCREEN_END,
    ]


def splice_screen(document: str, lines: list[str]) -> str:
    """``document`` with its screen paragraph replaced by ``lines`` (or, without one, put at
    the end of the section "Where users wait")."""
    block = "\n".join(lines)
    if SCREEN_START in document and SCREEN_END in document:
        head, _, rest = document.partition(SCREEN_START)
        _, _, tail = rest.partition(SCREEN_END)
        return head + block + tail
    head, sep, tail = document.partition(WAITS_END)
    return head.rstrip("\n") + "\n\n" + block + "\n" + sep + tail


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

Generated by `benchmarks/run.py` (never by timed tests: the machines are shared): where users
wait (`--only waits`), then aivoucher beside other engines (`--only peers`).

## Beside other engines

`benchmarks/run.py --only peers` runs, in
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
.venv/bin/python benchmarks/run.py --only waits   # where users wait: no peer engines needed
```
"""


WAITS_START, WAITS_END = "<!-- where users wait -->", "<!-- /where users wait -->"
PEERS_HEADING = "## Beside other engines"


WAITS_NOTES = """\
Reading the table:

- The commands run as the installed `aivoucher` script runs them (`from aivoucher.cli import
  main`), with byte code cached, each once untimed first; the *CPU time ratio* is that of
  user + system time, which a busy machine distorts less than wall time, and *met* is judged
  on it (a command is one thread: on an idle machine its wall time is its CPU time). The
  cache of rule files as read (docs/rules.md, "Loading") is filled by the untimed run, as by a
  user's first.
- On a busy shared machine the in-process ratios have moved by up to 2× between runs of the
  same code: read a row near its target as unsettled, and the load average above with it.
- Where a command's time goes (`python -X importtime`, `cProfile`): importing pydantic and
  building the rule-file and profile models, babel's locale data (loaded on the first amount
  formatted), validating the rule documents and the profile; the estimate itself and its text
  take a few milliseconds. The remaining distance to the targets is in those.
- `compare` and `vary` give one whole estimate per row or grid point (every program, its
  trace built when read), exactly what `estimate` returns for it, but make the estimates of
  profiles that differ only in the place and the varied facts together
  (`aivoucher.ruleset.across`): a program whose own conditions on the place refuse it is not
  evaluated there, and a program's awards are made once for the profiles that agree on the
  facts its conditions read; the refused programs' awards (most of each estimate's, none of
  which pays) are built when a row's or a cell's estimate is first read. `sweep` judges at
  each amount only the programs whose conditions on the applicant do not refuse it, once for
  its points, knots and bends alike. A program for which the profile leaves a fact a
  condition reads unknown (a district, the provider's city, a sector) takes the fast path
  too, in three-valued logic; the traced engine runs only where a rate tier reads an unknown
  fact and for the plans outside the fast path. What is left is each row's own programs,
  totals and summary, and in the sweep the search for bends.
- The fast path row is `Plan.evaluate` over distinct validated profiles, against the Decimal
  loop written by hand for the same program (rate, cap, rounding), as in the tables below.
"""


def waits_report(
    waits: list[Wait],
    rates: list[tuple[str, str, float, str]],
    info: dict[str, str],
    command: str,
    screened: list[str] | None = None,
) -> str:
    """The section "Where users wait": every row's ratio beside its target."""
    lines = [
        WAITS_START,
        "## Where users wait",
        "",
        "Each row is timed beside its baseline in the same run, the two in turns, and compared",
        "by their ratio: on a shared machine the ratio moves far less than either time. Commands",
        "are medians of several runs each; questions asked in one process are timed after the",
        "rule files are loaded, and their ratio is the median of the ratios of paired passes.",
        'Targets are those of the issue "Fast where users wait".',
        "",
        f"- Date: {dt.date.today().isoformat()}; command: `{command}`",
        f"- Machine: {info['cpu']} (`os.cpu_count()` {os.cpu_count()}); {info['system']}",
        f"- Load average (1, 5, 15 min) before: {info['load']}",
        "",
        "| what | against | time | baseline | measured | CPU time ratio | target | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *("| " + " | ".join(w.cells()) + " |" for w in waits),
        "",
        "Batch rows per second per program version, over applicants made from the version's own",
        "paying examples (amounts varied); *native* is the vectorised kernel, *fallback* the",
        "scalar engine one applicant at a time (docs/batch.md):",
        "",
        "| program version | path | rows/s | note |",
        "| --- | --- | ---: | --- |",
        *(f"| {key} | {path} | {_fmt_rate(rate)} | {note} |" for key, path, rate, note in rates),
        "",
        *(screened or []),
        *([""] if screened else []),
        *WAITS_NOTES.splitlines(),
        WAITS_END,
    ]
    return "\n".join(lines)


def splice_waits(document: str, section: str) -> str:
    """``document`` with its section "Where users wait" replaced by ``section`` (or, without
    one, with ``section`` before the comparison with other engines)."""
    if WAITS_START in document and WAITS_END in document:
        head, _, rest = document.partition(WAITS_START)
        _, _, tail = rest.partition(WAITS_END)
        return head + section + tail
    head, sep, tail = document.partition(PEERS_HEADING)
    return head + section + "\n\n" + sep + tail


def measure_waits(quick: bool) -> tuple[list[Wait], list[tuple[str, str, float, str]]]:
    import tempfile

    reps = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        waits = cli_waits(reps, Path(tmp))
    waits += api_waits(reps)
    waits += fast_path_waits(2_000 if quick else 100_000, reps)
    waits.append(from_json_wait(100 if quick else 2_000, reps))
    waits += batch_text_waits(20_000 if quick else 1_000_000, reps)
    waits += batch_small_waits(reps)
    return waits, batch_rates(1_000 if quick else 20_000)


def measure_screen(quick: bool) -> list[str]:
    return screen_rates(20_000 if quick else 1_000_000, 5)


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
        "",
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
    parser.add_argument(
        "--only",
        choices=["waits", "peers", "screen"],
        help='waits: only the section "Where users wait" (replaced in docs/performance.md); '
        "peers: only the comparison with other engines; screen: only the batch.screen "
        "paragraph of that section",
    )
    args = parser.parse_args()
    n_batch, n_each, reps = (20_000, 2_000, 3) if args.quick else (1_000_000, 100_000, 7)
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    info = machine()
    from aivoucher.registry import bundled_rules

    bundled_rules()
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    command += f" --only {args.only}" if args.only else ""
    section = ""
    if args.only == "screen":
        lines = measure_screen(args.quick)
        print("\n".join(lines))
        if not args.no_write and not args.quick:
            target = ROOT / "docs" / "performance.md"
            target.write_text(
                splice_screen(target.read_text(encoding="utf-8"), lines), encoding="utf-8"
            )
        return
    if args.only != "peers":
        waits, rates = measure_waits(args.quick)
        section = waits_report(waits, rates, info, command, measure_screen(args.quick))
        if args.only == "waits":
            print(section)
            if not args.no_write and not args.quick:
                target = ROOT / "docs" / "performance.md"
                target.write_text(
                    splice_waits(target.read_text(encoding="utf-8"), section), encoding="utf-8"
                )
            return
    results = {p: measure(p, n_batch, n_each, reps) for p in PROGRAMS}
    grouped = measure_grouped(n_batch, reps)
    start = startup(7)
    scaled = scale(sizes)
    n_json = 10_000 if args.quick else 100_000
    memory = (n_json, *json_memory(n_json))
    load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = report(results, grouped, start, scaled, memory, info, load_after, command)
    target = ROOT / "docs" / "performance.md"
    if not section and target.exists():  # --only peers: the section there stays
        kept = target.read_text(encoding="utf-8")
        if WAITS_START in kept and WAITS_END in kept:
            section = WAITS_START + kept.split(WAITS_START, 1)[1].split(WAITS_END, 1)[0]
            section += WAITS_END
    if section:
        text = splice_waits(text, section)
    print(text)
    if not args.no_write and not args.quick:
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
