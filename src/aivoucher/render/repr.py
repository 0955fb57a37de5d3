"""One-line ``repr`` of estimates and awards, in the default locale."""

from __future__ import annotations

from ..vocabulary.result import Award, Estimate
from .html import compact
from .messages import messages
from .parts import parts

__all__ = ["award_repr", "estimate_repr"]


def estimate_repr(estimate: Estimate) -> str:
    m = messages()
    paying = [a for a in parts(estimate).counted if a.high]
    return m.text(
        "repr.estimate",
        date=estimate.as_of.isoformat(),
        total=compact(estimate.total_low, estimate.total_high),
        paying=len(paying),
        n=len(estimate.awards),
    )


def award_repr(award: Award) -> str:
    m = messages()
    if award.eligible is None:
        state, amount = m.text("no_amount"), ""
    elif award.eligible:
        state, amount = m.text("eligible"), compact(award.low, award.high)
    else:
        state, amount = m.text("ineligible"), ""
    return m.text("repr.award", program=award.program.key, state=state, amount=amount).replace(
        " >", ">"
    )
