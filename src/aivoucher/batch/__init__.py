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
import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import InputError, MissingDependencyError, TableError
from ..versions import Coverage

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..registry import RuleSet
    from ._table import Table

__all__ = ["BatchResult", "Coverage", "coverage", "evaluate"]

APPLICANT_COLUMNS = (
    "applicant.name",
    "applicant.kind",
    "applicant.city",
    "applicant.sector",
    "applicant.sme",
    "applicant.startup",
    "applicant.opc",
    "applicant.good_standing",
)
PURCHASE_COLUMNS = (
    "purchase.id",
    "purchase.item",
    "purchase.use",
    "purchase.amount_fen",
    "purchase.settled_fen",
    "purchase.signed",
    "purchase.start",
    "purchase.end",
    "purchase.chip_origin",
    "purchase.provider_city",
    "purchase.via_platform",
    "purchase.related_party",
    "purchase.other_subsidy",
)
QUALIFICATION_PREFIX = "applicant.qualifications."


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise MissingDependencyError(
            "aivoucher.batch needs numpy: pip install 'aivoucher[batch]'"
        ) from None
    return numpy


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise MissingDependencyError("to_frame needs pandas: pip install pandas") from None


@dataclass(frozen=True, slots=True, eq=False)
class BatchResult:
    """One program's award per applicant, in fen, aligned with ``applicant`` (sorted keys).

    ``low_fen``/``high_fen`` are the ends of the award (equal unless the text gives a range or
    a fact is unknown); ``eligible`` is false where the applicant does not qualify (the award
    is then 0). ``scalar_applicants``/``scalar_rows`` count the applicants (and their rows) that
    the scalar engine evaluated.
    """

    program: str
    applicant: npt.NDArray[np.int64]
    low_fen: npt.NDArray[np.int64]
    high_fen: npt.NDArray[np.int64]
    eligible: npt.NDArray[np.bool_]
    scalar_applicants: int = 0
    scalar_rows: int = 0

    def __len__(self) -> int:
        return len(self.applicant)

    # Arrays compare element by element, so the dataclass's own ``==`` would be ambiguous:
    # results are equal when they hold the same program, counts and values.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BatchResult):
            return NotImplemented
        np = _numpy()
        return (
            self.program == other.program
            and self.scalar_applicants == other.scalar_applicants
            and self.scalar_rows == other.scalar_rows
            and all(
                np.array_equal(getattr(self, name), getattr(other, name))
                for name in ("applicant", "low_fen", "high_fen", "eligible")
            )
        )

    __hash__ = None  # type: ignore[assignment]  # mutable arrays: not hashable

    def to_frame(self) -> Any:
        """A pandas DataFrame with columns applicant, low_fen, high_fen and eligible."""
        return _pandas().DataFrame(
            {
                "applicant": self.applicant,
                "low_fen": self.low_fen,
                "high_fen": self.high_fen,
                "eligible": self.eligible,
            }
        )


def coverage(
    rules: RuleSet, program_id: str, as_of: dt.date, assume_renewal: bool = False
) -> list[Coverage]:
    """Which version judges which purchases, as :func:`aivoucher.estimate` decides it: both ask
    the rule set's :class:`~aivoucher.versions.VersionIndex` (docs/time.md).

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
) -> BatchResult:
    """Evaluate ``program_id`` for every applicant in ``table`` (one row per purchase).

    ``as_of`` (default: today) chooses the version, as :func:`aivoucher.estimate` does;
    ``rules`` evaluates another :class:`~aivoucher.registry.RuleSet`. Raises
    :class:`~aivoucher.errors.TableError` for a missing, mistyped or invalid column and
    :class:`~aivoucher.errors.MissingDependencyError` without numpy.
    """
    _numpy()
    from ..dates import as_of_date
    from ..registry import bundled_rules
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
    return run(entry.program.key, covered, table, ruleset)


def _check_columns(table: Table, rules: RuleSet) -> None:
    known = {*APPLICANT_COLUMNS, *PURCHASE_COLUMNS}
    qualifications = rules.qualifications
    for name in table.columns:
        if name in known or not name.startswith(("applicant.", "purchase.")):
            continue
        if name.startswith(QUALIFICATION_PREFIX):
            if name[len(QUALIFICATION_PREFIX) :] in qualifications:
                continue
            listed = ", ".join(sorted(qualifications)) or "none"
            raise TableError(f"unknown qualification; the rule files define: {listed}", field=name)
        hint = " (amounts are integer fen: purchase.amount_fen)" if "amount" in name else ""
        if name == "purchase.settled":
            hint = " (amounts are integer fen: purchase.settled_fen)"
        raise TableError("not a field of the profile contract" + hint, field=name)


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan of an amount in fen."""
    return Decimal(fen).scaleb(-2)
