"""What a batch table holds and what a batch gives back: the columns of the profile contract
(one row per purchase), and :class:`BatchResult`. Shared by :func:`aivoucher.batch.evaluate`
and the runner (``_run``), which both import from here."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...errors import MissingDependencyError, TableError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ...evaluate.table import Column, Table
    from ...ruleset.registry import RuleSet

__all__ = [
    "APPLICANT_COLUMNS",
    "PURCHASE_COLUMNS",
    "PURCHASE_QUALIFICATION_PREFIX",
    "QUALIFICATION_PREFIX",
    "BatchResult",
    "check_columns",
    "contract_names",
    "fen_to_yuan",
    "numpy_module",
    "pandas_module",
]

APPLICANT_COLUMNS = (
    "applicant.name",
    "applicant.kind",
    "applicant.city",
    "applicant.district",
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
    "purchase.role",
)
QUALIFICATION_PREFIX = "applicant.qualifications."
#: A purchase's qualifications (a model that passed an evaluation): one boolean column each.
PURCHASE_QUALIFICATION_PREFIX = "purchase.qualifications."
#: Where a column name may spell the contract's dots as double underscores (Spark and SQL
#: column names cannot hold a dot without quoting).
SPELT = ("applicant__", "purchase__")


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
    for name in table.columns:
        if name in known or not name.startswith(("applicant.", "purchase.")):
            continue
        prefix = next(
            (
                p
                for p in (QUALIFICATION_PREFIX, PURCHASE_QUALIFICATION_PREFIX)
                if name.startswith(p)
            ),
            None,
        )
        if prefix is not None:
            qualifications = rules.qualifications  # (gathered from every program: only here)
            if name[len(prefix) :] in qualifications:
                continue
            listed = ", ".join(sorted(qualifications)) or "none"
            raise TableError(f"unknown qualification; the rule files define: {listed}", field=name)
        hint = " (amounts are integer fen: purchase.amount_fen)" if "amount" in name else ""
        if name == "purchase.settled":
            hint = " (amounts are integer fen: purchase.settled_fen)"
        raise TableError("not a field of the profile contract" + hint, field=name)


def contract_names(table: Table, columns: Mapping[str, str] | None = None) -> None:
    """Rename, in place, the columns of ``table`` to the contract's dotted names: those that
    ``columns`` maps (given name → contract name), and ``applicant__kind``-style names (a
    double underscore for each dot). Two columns that name one field are refused
    (``table.ambiguous``): which one holds the applicant's answer cannot be told."""
    mapping = dict(columns or {})
    for given, target in mapping.items():
        if not isinstance(given, str) or not isinstance(target, str):
            raise TableError(
                "columns 映射的键和值必须是列名文字 / columns maps column names to column "
                f"names, not {type(given).__name__} to {type(target).__name__}",
                field="columns",
            )
        if given not in table.columns:
            raise TableError(
                f"columns 映射了表中没有的列 {given!r} / columns maps {given!r}, which the "
                "table does not have",
                field=given,
            )
        if target != "applicant" and not target.startswith(("applicant.", "purchase.")):
            raise TableError(
                f"columns 只能映射到档案约定的字段，不能是 {target!r} / columns maps to the "
                f"profile contract's fields (applicant.…, purchase.…), not {target!r}",
                field=given,
            )
    renamed: dict[str, Column] = {}
    source: dict[str, str] = {}
    for name, column in table.columns.items():
        dotted = name.replace("__", ".") if name.startswith(SPELT) else name
        target = mapping.get(name, dotted)
        if target in source:
            first = source[target]
            raise TableError(
                f"表中 {first!r} 和 {name!r} 是同一字段 {target}，无法判断用哪一列 / the table "
                f"names the field {target} twice, as {first!r} and {name!r}: keep one",
                field=target,
                code="table.ambiguous",
            )
        source[target] = name
        renamed[target] = column if target == name else replace(column, name=target)
    table.columns = renamed


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan of an amount in fen."""
    return Decimal(fen).scaleb(-2)
