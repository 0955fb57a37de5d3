"""Exact batch evaluation: one program over a table of purchases, in integer fen.

>>> import numpy as np
>>> from aivoucher import batch
>>> table = {
...     "applicant": np.array([1, 2, 2]),
...     "applicant.kind": np.array(["enterprise", "enterprise", "enterprise"]),
...     "applicant.city": np.array(["shenzhen", "shenzhen", "shenzhen"]),
...     "applicant.startup": np.array([True, False, False]),
...     "purchase.item": np.array(["compute", "compute", "compute"]),
...     "purchase.use": np.array(["training", "training", "training"]),
...     "purchase.amount_fen": np.array([800_0000_00, 1500_0000_00, 900_0000_00]),
...     "purchase.signed": np.array(["2025-03-01", "2025-03-01", "2025-09-01"]),
... }
>>> result = batch.evaluate("shenzhen.training-compute", table, as_of="2025-06-30")
>>> result.applicant.tolist(), result.high_fen.tolist()
([1, 2], [480000000, 1000000000])

The table has one row per purchase (see docs/batch.md for the columns). Results equal the
scalar engine's, to the fen: rates are exact fractions, amounts int64 fen, and the program's
rounding is applied as it states. Programs whose mechanisms the vectorised kernel does not
express (docs/batch.md lists them: proration without rounding at each step, a row that may take
a rate tier limited to its first years, a contract term in a rate tier) are evaluated by the
scalar engine, one applicant at a time; :attr:`BatchResult.scalar_applicants` says how many
applicants took that path.

numpy is needed (``pip install 'aivoucher[batch]'``); pandas, polars and pyarrow only when the
table is one of theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...errors import InputError
from ...ruleset.versions import Coverage
from ._columns import BatchResult, numpy_module

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...ruleset.registry import RuleSet
    from ._screen import Screening

__all__ = ["BatchResult", "Coverage", "Screening", "Skipped", "coverage", "evaluate", "screen"]


def __getattr__(name: str) -> object:
    # the screen's types need numpy, which importing this package does not load
    if name in ("Screening", "Skipped"):
        from . import _screen

        return getattr(_screen, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def coverage(
    rules: RuleSet, program_id: str, as_of: dt.date, assume_renewal: bool = False
) -> list[Coverage]:
    """Which version judges which purchases, as :func:`aivoucher.estimate` decides it: both ask
    the rule set's :class:`~aivoucher.ruleset.versions.VersionIndex` (docs/time.md).

    Every version known on ``as_of`` judges the purchases its window covers (signed inside
    its effective period, or its ``contracts`` window); the version current on ``as_of`` is
    always evaluated. Purchases signed after the last known version ends are paid only with
    ``assume_renewal``, which extends that version's window. A fixed award or an unpublished
    rate is judged by the version in force on ``as_of`` alone.
    """
    return list(rules.choose(program_id, as_of, assume_renewal).judges)


def evaluate(
    program_id: str,
    table: object,
    *,
    as_of: dt.date | str | None = None,
    assume_renewal: bool = False,
    rules: RuleSet | None = None,
    columns: Mapping[str, str] | None = None,
) -> BatchResult:
    """Evaluate ``program_id`` for every applicant in ``table`` (one row per purchase).

    ``as_of`` (default: today) chooses the version, as :func:`aivoucher.estimate` does;
    ``rules`` evaluates another :class:`~aivoucher.ruleset.registry.RuleSet`. Columns are
    named as the profile contract names its fields (``applicant.kind``), or with a double
    underscore for each dot (``applicant__kind``), or by ``columns``, which maps the table's
    names to the contract's (``{"kind": "applicant.kind"}``). Raises
    :class:`~aivoucher.errors.TableError` for a missing, mistyped or invalid column and
    :class:`~aivoucher.errors.MissingDependencyError` without numpy.
    """
    numpy_module()
    from ...base.dates import as_of_date
    from ...base.money import CURRENCY
    from ...ruleset.registry import bundled_rules
    from ._run import run

    ruleset = rules if rules is not None else bundled_rules()
    day = as_of_date(as_of)
    entry = ruleset.get(program_id, day)
    if entry.plan.unpublished is not None:
        raise InputError(
            f"{entry.program.key} publishes no rate, so there is no amount to compute "
            "(aivoucher.estimate says whether purchases qualify)",
            field="program",
        )
    if entry.program.currency != CURRENCY:
        raise InputError(
            f"{entry.program.key} pays in {entry.program.currency} and a table's amounts are "
            "yuan, with no exchange rate (aivoucher.estimate judges a profile with its fx)",
            zh=f"{entry.program.key} 以 {entry.program.currency} 支付，而表格金额为人民币且不含汇率"
            "（aivoucher.estimate 可按画像的 fx 计算）",
            field="program",
        )
    covered = coverage(ruleset, program_id, day, assume_renewal)
    return run(entry.program.key, covered, table, ruleset, columns)


def screen(
    table: object,
    programs: Sequence[str] | None = None,
    *,
    as_of: dt.date | str | None = None,
    assume_renewal: bool = False,
    rules: RuleSet | None = None,
    columns: Mapping[str, str] | None = None,
    scalar: bool = True,
    eligible_only: bool = False,
    output: str = "pandas",
) -> Screening:
    """Every program (or those ``programs`` names: ids or names, as
    :func:`aivoucher.estimate` takes them) for every applicant of ``table``, in one call.

    Returns a :class:`Screening`: its ``frame`` has one row
    per (applicant, program) — ``applicant``, ``program``, ``version`` (the key of the version
    in force on ``as_of``), ``eligible``, ``low_fen`` and ``high_fen`` (exact integer fen, the
    program's versions summed as :func:`evaluate` sums them), ``renewal`` (the applicant has
    purchases signed after the program's last known version ends: paid only with
    ``assume_renewal``) and ``reason`` (where nothing is paid: see docs/batch.md) — as a pandas
    DataFrame, or a pyarrow Table with ``output="arrow"``. ``skipped`` lists the program
    versions that a table cannot evaluate, and why; ``scalar=False`` skips those the
    vectorised kernel cannot express instead of evaluating them one applicant at a time;
    ``eligible_only`` keeps the rows of eligible applicants only.
    """
    numpy_module()
    from ...base.dates import as_of_date
    from ...ruleset.registry import bundled_rules
    from ._screen import check_output, screen_table

    check_output(output)
    ruleset = rules if rules is not None else bundled_rules()
    day = as_of_date(as_of)
    if programs is None:
        ids = sorted({entry.program.id for entry in ruleset})
    else:
        if isinstance(programs, str):
            programs = [programs]
        ids = list(dict.fromkeys(ruleset.find(name).partition("@")[0] for name in programs))
    return screen_table(
        table, ids, day, assume_renewal, ruleset, columns, scalar, eligible_only, output
    )
