"""What a batch table holds and what a batch gives back: the columns of the profile contract
(one row per purchase), and :class:`BatchResult`. Shared by :func:`aivoucher.batch.evaluate`
and the runner (``_run``), which both import from here."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...errors import MissingDependencyError, TableError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ...evaluate.table import Table
    from ...ruleset.registry import RuleSet

__all__ = [
    "APPLICANT_COLUMNS",
    "PURCHASE_COLUMNS",
    "QUALIFICATION_PREFIX",
    "BatchResult",
    "check_columns",
    "fen_to_yuan",
    "numpy_module",
    "pandas_module",
]

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


def numpy_module() -> Any:
    try:
        import numpy
    except ImportError:
        raise MissingDependencyError(
            "aivoucher.batch needs numpy: pip install 'aivoucher[batch]'"
        ) from None
    return numpy


def pandas_module() -> Any:
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
        np = numpy_module()
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
        return pandas_module().DataFrame(
            {
                "applicant": self.applicant,
                "low_fen": self.low_fen,
                "high_fen": self.high_fen,
                "eligible": self.eligible,
            }
        )


def check_columns(table: Table, rules: RuleSet) -> None:
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
