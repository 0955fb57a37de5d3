"""Limits on calls whose work grows with what they are given, checked before any work starts.

Each limit is far above any real question and far below what would keep a machine busy for
hours: a call past one raises :class:`~aivoucher.errors.InputError` with code
``limit.exceeded`` (the CLI prints one line and exits 2) without evaluating anything. An
iterable is read only as far as the limit and one more value, so that an endless generator is
refused too.

============================  ======  ===================================================
limit                         value   what it bounds
============================  ======  ===================================================
:data:`MAX_AMOUNTS`           2,000   amounts in one ``sweep`` (each a full estimate)
:data:`MAX_SWEEP_ESTIMATES`   10,000  amounts × places of one ``sweep``
:data:`MAX_CASES`             2,000   combinations in one ``vary`` grid (each an estimate)
:data:`MAX_VALUES`            2,000   values of one fact in ``vary``
:data:`MAX_PLACES`            500     place names given to ``compare`` or ``sweep``
:data:`MAX_ARGUMENTS`         1,000   arguments on one ``aivoucher`` command line
============================  ======  ===================================================
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TypeVar

from ..errors import InputError

__all__ = [
    "MAX_AMOUNTS",
    "MAX_ARGUMENTS",
    "MAX_CASES",
    "MAX_PLACES",
    "MAX_SWEEP_ESTIMATES",
    "MAX_VALUES",
    "check_count",
    "no_place",
    "take",
]

#: Most amounts one sweep evaluates (each amount is a full estimate per place).
MAX_AMOUNTS = 2000
#: Most estimates one sweep makes: its amounts times its places.
MAX_SWEEP_ESTIMATES = 10_000
#: Most combinations one ``vary`` grid evaluates (each is a full estimate).
MAX_CASES = 2000
#: Most values of one fact ``vary`` reads.
MAX_VALUES = 2000
#: Most place names ``compare`` and ``sweep`` take (the jurisdiction table has 390 cities and
#: 34 provinces, so every place fits).
MAX_PLACES = 500
#: Most arguments one command line holds (argparse's time grows with their square).
MAX_ARGUMENTS = 1000

_T = TypeVar("_T")

_MESSAGE = {
    "zh": "{what}过多：{count}，上限为 {limit:,}（docs/reliability.md 列出各项上限）",
    "en": "too many {what}: {count}; at most {limit:,} are allowed "
    "(docs/reliability.md lists the limits)",
}
_MORE = {"zh": "超过 {limit:,}", "en": "more than {limit:,}"}
#: What each limit counts, in both languages.
_WHAT = {
    "amounts": ("金额", "amounts to sweep"),
    "sweep": ("测算次数（金额数 × 地区数）", "estimates (amounts × places)"),
    "cases": ("组合", "combinations of values"),
    "values": ("取值", "values of one fact"),
    "places": ("地区名称", "place names"),
    "arguments": ("命令行参数", "command-line arguments"),
}


def _error(kind: str, count: str, limit: int, field: str | None) -> InputError:
    from .i18n import get_locale

    locale = get_locale()
    what = _WHAT[kind][0 if locale == "zh" else 1]
    message = _MESSAGE[locale].format(what=what, count=count, limit=limit)
    return InputError(message, field=field, code="limit.exceeded")


_NO_PLACE = {
    "zh": "{option}没有给出任何地区：请给出城市或省份名称{how}",
    "en": "{option} names no place: give city or province names{how}",
}
_NO_PLACE_HOW = {
    "zh": ("（以逗号分隔）", ""),
    "en": (" separated by commas", ""),
}


def no_place(option: str = "places") -> InputError:
    """The error (``places.empty``) for a list of places that names none: ``compare``'s and
    ``sweep``'s ``places=[]``, ``--places ,`` (``option`` names the argument or option)."""
    from .i18n import get_locale

    locale = get_locale()
    how = _NO_PLACE_HOW[locale][0 if option.startswith("--") else 1]
    message = _NO_PLACE[locale].format(option=option, how=how)
    return InputError(message, field="places", code="places.empty")


def check_count(count: int, limit: int, kind: str, field: str | None = None) -> None:
    """An :class:`InputError` (``limit.exceeded``) if ``count`` exceeds ``limit``; ``kind``
    names what is counted (a key of the table of words above)."""
    if count > limit:
        raise _error(kind, f"{count:,}", limit, field)


def take(values: Iterable[_T], limit: int, kind: str, field: str | None = None) -> list[_T]:
    """The values of ``values`` as a list, read no further than ``limit`` + 1 (an endless
    iterable is refused as soon as it passes the limit)."""
    from .i18n import get_locale

    got = list(itertools.islice(values, limit + 1))
    if len(got) > limit:
        raise _error(kind, _MORE[get_locale()].format(limit=limit), limit, field)
    return got
