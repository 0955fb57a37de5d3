"""pandas DataFrames of results (optional extra ``aivoucher[notebook]``).

Every table is built by :func:`frame` from plain rows (a list of dicts) and the names of its
money columns. Money stays exact: a money column holds ``Decimal`` objects (dtype ``object``);
nothing is converted to binary floats. For a chart, :func:`wan` gives floats in 万元::

    df = est.to_frame()
    df["high_wan"] = aivoucher.render.frames.wan(df["high"])

pandas is imported only when a frame is built; without it, :class:`MissingDependencyError` says
which extra to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from pandas import DataFrame, Series

    from ..questions.curves import Sweep
    from ..ruleset.registry import RuleSet
    from ..vocabulary.result import Estimate

__all__ = [
    "bends_frame",
    "catalogue_frame",
    "estimate_frame",
    "frame",
    "require",
    "steps_frame",
    "sweep_frame",
    "wan",
]

_WAN = Decimal(10_000)


def require(module: str, what: str, locale: str = "en") -> Any:
    """Import an optional dependency, or raise :class:`MissingDependencyError` naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        from .messages import messages

        package = module.split(".", 1)[0]
        raise MissingDependencyError(
            messages(locale).text("missing_extra", what=what, package=package), package=package
        ) from None


def frame(
    rows: Sequence[Mapping[str, Any]],
    money: Iterable[str] = (),
    *,
    columns: Sequence[str] | None = None,
) -> DataFrame:
    """A DataFrame of ``rows`` (dicts, one per row) with the given column order; the ``money``
    columns keep their ``Decimal`` values (dtype ``object``)."""
    pd = require("pandas", "to_frame()")
    names = (
        list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    )
    data = {name: [row.get(name) for row in rows] for name in names}
    money_columns = set(money)
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object if name in money_columns else None)
            for name, values in data.items()
        },
        columns=names,
    )


def wan(series: Series) -> Series:
    """Floats in 万元 for a chart (exact division first; ``None`` becomes NaN)."""
    pd = require("pandas", "wan()")

    def convert(value: Any) -> float:
        if value is None or (isinstance(value, float) and value != value):
            return float("nan")
        if isinstance(value, Fraction):  # a bend's exact spend
            return float(value / 10_000)
        return float(Decimal(value) / _WAN)

    return pd.Series([convert(v) for v in series], index=series.index, name=series.name)


# -- the tables ------------------------------------------------------------------------------

_ESTIMATE_COLUMNS = (
    "program",
    "version",
    "place",
    "name",
    "eligible",
    "low",
    "high",
    "currency",
    "counted",
    "missing",
)


def estimate_frame(estimate: Estimate, *, locale: str = "en", steps: bool = False) -> DataFrame:
    """One row per award (``steps=True``: one row per trace step of every award)."""
    if steps:
        return steps_frame(estimate, locale=locale)
    from ..evaluate.stacking import counted
    from .messages import messages

    m = messages(locale)
    rows = [
        {
            "program": a.program.id,
            "version": a.program.version,
            "place": a.program.jurisdiction,
            "name": m.name(a.program),
            "eligible": a.eligible,
            "low": a.low,
            "high": a.high,
            "currency": a.program.currency,
            "counted": counted(a) and a.program.key not in estimate.uncounted,
            "missing": list(a.missing),
        }
        for a in estimate.awards
    ]
    return frame(rows, ("low", "high"), columns=_ESTIMATE_COLUMNS)


_STEP_COLUMNS = (
    "program",
    "version",
    "step",
    "kind",
    "subject",
    "before_low",
    "before_high",
    "rate_low",
    "rate_high",
    "after_low",
    "after_high",
    "text",
    "sources",
)
_STEP_MONEY = ("before_low", "before_high", "after_low", "after_high")


def steps_frame(estimate: Estimate, *, locale: str = "en") -> DataFrame:
    """One row per trace step: amounts before and after, the rate, the step in words and the
    ids of the sources it cites."""
    from .messages import messages

    m = messages(locale)
    rows = []
    for a in estimate.awards:
        for i, step in enumerate(a.steps, 1):
            before, after, rate = step.before, step.after, step.rate
            rows.append(
                {
                    "program": a.program.id,
                    "version": a.program.version,
                    "step": i,
                    "kind": str(step.kind),
                    "subject": step.subject,
                    "before_low": before[0] if before else None,
                    "before_high": before[1] if before else None,
                    "rate_low": rate[0] if rate else None,
                    "rate_high": rate[1] if rate else None,
                    "after_low": after[0] if after else None,
                    "after_high": after[1] if after else None,
                    "text": m.step(step),
                    "sources": [sid for sid, _ in step.cites],
                }
            )
    return frame(rows, (*_STEP_MONEY, "rate_low", "rate_high"), columns=_STEP_COLUMNS)


def catalogue_frame(rules: RuleSet, *, locale: str = "en") -> DataFrame:
    """The program catalogue (``aivoucher programs``), one row per rule file."""
    from .catalog import program_rows

    return frame(program_rows(rules, locale=locale))


_SWEEP_COLUMNS = ("place", "amount", "program", "name", "low", "high")


def sweep_frame(sweep: Sweep, *, locale: str = "en") -> DataFrame:
    """One row per place, amount and program, and a ``total`` row per place and amount."""
    from .messages import messages

    m = messages(locale)
    total = m.text("sweep.total")
    rows: list[dict[str, Any]] = []
    for point in sweep.points:
        for key, (low, high) in point.awards.items():
            name = m.program_label(sweep.programs[key])
            rows.append(
                {
                    "place": point.place,
                    "amount": point.amount,
                    "program": key,
                    "name": name,
                    "low": low,
                    "high": high,
                }
            )
        low, high = point.total
        rows.append(
            {
                "place": point.place,
                "amount": point.amount,
                "program": "total",
                "name": total,
                "low": low,
                "high": high,
            }
        )
    return frame(rows, ("amount", "low", "high"), columns=_SWEEP_COLUMNS)


_BEND_COLUMNS = (
    "place",
    "program",
    "ends",
    "at",
    "exact",
    "jump",
    "kind",
    "per",
    "limit",
    "binds",
    "slope_before",
    "slope_after",
    "before",
    "after",
    "text",
)


def bends_frame(sweep: Sweep, *, locale: str = "en") -> DataFrame:
    """One row per bend (``exact`` and the slopes as ``fractions.Fraction``)."""
    from .messages import messages

    m = messages(locale)
    rows = [
        {
            "place": b.place,
            "program": b.program,
            "ends": "/".join(b.ends),
            "at": b.at,
            "exact": b.exact,
            "jump": b.jump,
            "kind": b.kind,
            "per": b.per,
            "limit": b.limit,
            "binds": b.binds,
            "slope_before": b.slope_before,
            "slope_after": b.slope_after,
            "before": b.before,
            "after": b.after,
            "text": m.bend(b, sweep.programs[b.program]),
        }
        for b in sweep.bends
    ]
    money = ("at", "exact", "limit", "slope_before", "slope_after", "before", "after")
    return frame(rows, money, columns=_BEND_COLUMNS)
