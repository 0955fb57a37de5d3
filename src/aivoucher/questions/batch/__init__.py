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
express (proration, support years, yearly-total rate tiers, a contract term in a rate tier) are
evaluated
by the scalar engine, one applicant at a time; :attr:`BatchResult.scalar_applicants` says how
many applicants took that path.

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
    from ...ruleset.registry import RuleSet

__all__ = ["BatchResult", "Coverage", "coverage", "evaluate"]


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
    covered = coverage(ruleset, program_id, day, assume_renewal)
    return run(entry.program.key, covered, table, ruleset, columns)
