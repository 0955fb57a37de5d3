"""What a report shows beyond the estimate itself: the curve of award against spend.

The report's chart follows the largest purchase the counted awards draw on, from nothing to
three times its amount (the other purchases as in the profile), through :func:`aivoucher.sweep`.
It is computed here, on the questions floor, and handed to the renderer
(:func:`aivoucher.render.report.render_report`), which only draws it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import InputError
from ..vocabulary.result import AssumptionCode, Award, Estimate
from .curves import Sweep, sweep

if TYPE_CHECKING:
    from ..ruleset.registry import RuleSet

__all__ = ["CHART_REACH", "CHART_STEPS", "ReportCurve", "report_curve"]

#: The chart runs from 0 to this many times the purchase's amount, in this many steps.
CHART_REACH = 3
CHART_STEPS = 30


@dataclass(frozen=True, slots=True)
class ReportCurve:
    """The chart of a report: which purchase varies, its amount in the profile, the right end
    of the chart, and the sweep (every counted program's award at each amount)."""

    purchase: int
    spend: Decimal
    top: Decimal
    sweep: Sweep


def report_curve(
    estimate: Estimate, counted: Iterable[Award], rules: RuleSet | None = None
) -> ReportCurve | None:
    """The curve for ``estimate``'s report, over the purchases ``counted`` awards draw on; none
    where no counted award pays, the purchase is of nothing, or the sweep cannot be made."""
    purchases = estimate.profile.purchases
    used = {i for a in counted if a.high for i in a.purchases}
    if not used:
        return None
    index = max(sorted(used), key=lambda i: purchases[i].amount)
    spend = purchases[index].amount
    if spend <= 0:
        return None
    fen = Decimal("0.01")
    top = spend * CHART_REACH
    amounts = [(top * k / CHART_STEPS).quantize(fen) for k in range(CHART_STEPS + 1)]
    switches = {
        x.field
        for a in estimate.awards
        for x in a.assumptions
        if x.code is AssumptionCode.SWITCH and x.field
    }
    try:
        curves = sweep(
            estimate.profile,
            [*amounts, spend],
            purchase=index,
            as_of=estimate.as_of,
            assume=sorted(switches),
            rules=rules,
        )
    except InputError:
        return None
    return ReportCurve(index, spend, top, curves)
