"""How a program's pool is shared when many applicants apply: pro rata or first come.

>>> import numpy as np
>>> from aivoucher import pool
>>> n = 60  # sixty Dongguan firms, each due the 100万 maximum; the program's pool is 5000万
>>> table = {
...     "applicant": np.arange(n),
...     "applicant.kind": np.array(["enterprise"] * n),
...     "applicant.city": np.array(["dongguan"] * n),
...     "purchase.item": np.array(["compute"] * n),
...     "purchase.amount_fen": np.full(n, 10**9),
...     "purchase.settled_fen": np.full(n, 10**9),
...     "purchase.signed": np.array(["2025-03-01"] * n),
... }
>>> shared = pool.simulate("dongguan.compute-voucher", table, as_of="2025-06-30")
>>> shared.pool_fen, int(shared.award_high_fen.sum()), int(shared.paid_high_fen.sum())
(5000000000, 6000000000, 5000000000)
>>> sorted(set(shared.paid_high_fen.tolist()))  # 5/6 of 100万, the 20 fen left over spread
[83333333, 83333334]
>>> first = pool.simulate("dongguan.compute-voucher", table, "first-come", as_of="2025-06-30")
>>> first.paid_high_fen[:51].tolist() == [10**8] * 50 + [0], int(first.paid_high_fen.sum())
(True, 5000000000)

Each applicant's award is first computed alone (:func:`aivoucher.batch.evaluate`), then the
pool is shared:

* ``pro-rata``: when the awards add up to more than the pool, every award is scaled by the same
  exact fraction pool / total. Amounts are whole fen: each applicant first gets its share rounded
  down, and the fen left over go one each to the largest remainders (ties: the earlier
  applicant in application order), so the pool is paid out exactly and no applicant is off its
  exact share by a fen or more.
* ``first-come``: awards are paid in application order until the pool runs out; the applicant
  that exhausts it gets what is left, later applicants nothing. The order is the table's
  ``order`` column (the smallest value among an applicant's rows) or else the position of the
  applicant's first row.

A yearly pool (``period: year``) is shared separately for each calendar year of signing, among
the awards for that year's purchases; where a lifetime cap makes an applicant's award over all
years smaller than the sum of its years, the later years' shares are reduced to fit. The two
ends of a range are simulated as two scenarios: ``paid_low_fen`` when every award is at its low
end, ``paid_high_fen`` when every award is at its high end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InputError, TableError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..ruleset.registry import RuleSet

__all__ = ["Order", "PoolResult", "share_first_come", "share_pro_rata", "simulate"]

Order = Literal["pro-rata", "first-come"]


@dataclass(frozen=True, slots=True, eq=False)
class PoolResult:
    """Awards before and after sharing the pool, per applicant (sorted keys), in fen."""

    program: str
    order: str
    period: str
    pool_fen: int
    applicant: npt.NDArray[np.int64]
    award_low_fen: npt.NDArray[np.int64]
    award_high_fen: npt.NDArray[np.int64]
    paid_low_fen: npt.NDArray[np.int64]
    paid_high_fen: npt.NDArray[np.int64]

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per applicant."""
        from .batch._columns import pandas_module

        return pandas_module().DataFrame(
            {
                "applicant": self.applicant,
                "award_low_fen": self.award_low_fen,
                "award_high_fen": self.award_high_fen,
                "paid_low_fen": self.paid_low_fen,
                "paid_high_fen": self.paid_high_fen,
            }
        )


def share_pro_rata(awards: list[int], pool: int) -> list[int]:
    """Scale ``awards`` by pool / total when they exceed ``pool``: largest remainders, in fen.

    Ties between equal remainders go to the earlier award in the list.
    """
    total = sum(awards)
    if total <= pool:
        return list(awards)
    shares = [a * pool // total for a in awards]
    left = pool - sum(shares)
    remainders = sorted(range(len(awards)), key=lambda i: (-(awards[i] * pool % total), i))
    for i in remainders[:left]:
        shares[i] += 1
    return shares


def share_first_come(awards: list[int], pool: int) -> list[int]:
    """Pay ``awards`` in list order until ``pool`` runs out."""
    shares = []
    left = pool
    for a in awards:
        paid = min(a, left)
        shares.append(paid)
        left -= paid
    return shares


def simulate(
    program_id: str,
    table: object,
    order: Order = "pro-rata",
    *,
    as_of: dt.date | str | None = None,
    rules: RuleSet | None = None,
) -> PoolResult:
    """Share ``program_id``'s pool among the applicants of ``table`` (see the module docstring).

    ``table`` is a table as :func:`aivoucher.batch.evaluate` takes it, optionally with an
    ``order`` column giving the application order.
    """
    from ..base.dates import as_of_date
    from ..evaluate.table import read_table
    from ..ruleset.registry import bundled_rules
    from .batch import coverage
    from .batch._columns import numpy_module
    from .batch._run import run

    np_ = numpy_module()
    if order not in ("pro-rata", "first-come"):
        raise InputError(f"order must be 'pro-rata' or 'first-come', not {order!r}", field="order")
    ruleset = rules if rules is not None else bundled_rules()
    day = as_of_date(as_of)
    entry = ruleset.get(program_id, day)
    plan_pool = entry.plan.pool
    if plan_pool is None:
        raise InputError(f"{entry.program.key} declares no pool", field="program")
    if entry.plan.unpublished is not None:
        raise InputError(f"{entry.program.key} publishes no rate", field="program")
    pool_fen = int(plan_pool.amount[0] * 100)
    covered = coverage(ruleset, program_id, day)
    data = read_table(table)
    whole = run(entry.program.key, covered, data, ruleset)
    keys = whole.applicant
    rank = _application_order(np_, data, keys)
    share = share_pro_rata if order == "pro-rata" else share_first_come
    paid = []
    for awards in (whole.low_fen, whole.high_fen):
        if plan_pool.per == "program":
            paid.append(_shared(np_, awards, rank, pool_fen, share))
            continue
        from .batch._run import _Rows

        years = _Rows(data).signed.astype("datetime64[Y]").astype(np_.int64) + 1970
        total = np_.zeros(len(keys), dtype=np_.int64)
        by_year = []
        for year in np_.unique(years).tolist():
            part = run(entry.program.key, covered, data.subset(years == year), ruleset)
            at = np_.searchsorted(keys, part.applicant)
            year_awards = np_.zeros(len(keys), dtype=np_.int64)
            year_awards[at] = part.low_fen if awards is whole.low_fen else part.high_fen
            year_paid = _shared(np_, year_awards, rank, pool_fen, share)
            by_year.append(year_paid)
            total += year_paid
        paid.append(_fit_lifetime(np_, by_year, total, awards))
    return PoolResult(
        program=entry.program.key,
        order=order,
        period=plan_pool.per,
        pool_fen=pool_fen,
        applicant=keys,
        award_low_fen=whole.low_fen,
        award_high_fen=whole.high_fen,
        paid_low_fen=paid[0],
        paid_high_fen=paid[1],
    )


def _application_order(np_: Any, data: Any, keys: Any) -> Any:
    """Each applicant's position in the order of application (0 = first)."""
    from ..evaluate.table import integers

    rows = data.get("applicant")
    applicant, _ = integers(rows, "applicant keys")
    column = data.get("order")
    if column is None:
        when = np_.arange(len(applicant))
    else:
        values = column.values
        if values is None or values.dtype.kind not in "iufM" or column.null is not None:
            raise TableError("the order must be numbers or datetimes, without nulls", field="order")
        when = values
    at = np_.searchsorted(keys, applicant)
    # each applicant's earliest row: sort rows by applicant, then by order
    rows_sorted = np_.lexsort((when, at))
    heads = np_.concatenate(([True], at[rows_sorted][1:] != at[rows_sorted][:-1]))
    first = when[rows_sorted[heads]]
    # stable: equal order values keep the applicants' key order
    rank = np_.empty(len(keys), dtype=np_.int64)
    rank[np_.argsort(first, kind="stable")] = np_.arange(len(keys))
    return rank


def _shared(np_: Any, awards: Any, rank: Any, pool: int, share: Any) -> Any:
    order = np_.argsort(rank)
    paid = share([int(a) for a in awards[order].tolist()], pool)
    out = np_.zeros(len(awards), dtype=np_.int64)
    out[order] = paid
    return out


def _fit_lifetime(np_: Any, by_year: list[Any], total: Any, awards: Any) -> Any:
    """Where the years' shares add up to more than the award over all years, take the excess
    off the latest years first."""
    excess = total - awards
    for i in np_.flatnonzero(excess > 0).tolist():
        left = int(excess[i])
        for year_paid in reversed(by_year):
            cut = min(left, int(year_paid[i]))
            year_paid[i] -= cut
            left -= cut
    return sum(by_year[1:], by_year[0].copy()) if by_year else np_.zeros_like(awards)
