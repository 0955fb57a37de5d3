"""Money and rates: exact ``Decimal`` CNY, parsing of Chinese amount notation, rounding, formatting.

Amounts are ``decimal.Decimal`` yuan. Binary floats never enter the engine: a Python ``float``
handed to a parser is converted through its shortest ``repr`` (``0.1`` → ``Decimal("0.1")``),
which is exactly the number that was typed.

Formatting is babel's (``¥4,800,000.00``, ``CN¥4.8M``, ``480万``); nothing here re-implements it.
babel is imported by the formatting functions, not with this module, so that parsing and the
engine do not pay for loading its locale data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from ..errors import AmountError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "CURRENCIES",
    "CURRENCY",
    "MAX_AMOUNT",
    "Currency",
    "Rounding",
    "canonical",
    "convert",
    "format_money",
    "format_rate",
    "format_wan",
    "parse_amount",
    "parse_fx_rate",
    "parse_rate",
]

CURRENCY: Literal["CNY"] = "CNY"
#: The currencies rule files and profiles may state amounts in (ISO 4217): renminbi, and the
#: Hong Kong dollar, in which Hong Kong's programs pay. Amounts in two of them are never added
#: without a rate (:func:`convert`).
Currency = Literal["CNY", "HKD"]
CURRENCIES: tuple[Currency, ...] = ("CNY", "HKD")
#: Largest amount accepted anywhere (1万亿 yuan). Larger figures are typos or hostile input.
MAX_AMOUNT = Decimal(10) ** 12
FEN = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

# Multipliers of the unit suffixes used in policy texts, longest first so "千万" wins over "万"
# and "万亿" over "亿".
_UNITS: tuple[tuple[str, Decimal], ...] = (
    ("万亿", Decimal(10) ** 12),
    ("千万", Decimal(10) ** 7),
    ("百万", Decimal(10) ** 6),
    ("万", Decimal(10) ** 4),
    ("亿", Decimal(10) ** 8),
    ("千", Decimal(10) ** 3),
)
_PREFIXES = ("CN¥", "RMB", "CNY", "¥")
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")


def _bad(value: object, why: str, code: str = "amount.invalid") -> AmountError:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return AmountError(f"{why}: {text}", code=code)


def _to_decimal(value: object, what: str) -> Decimal:
    """Numbers (not bools) to Decimal; floats through their shortest repr."""
    if isinstance(value, bool):
        raise _bad(value, f"not {what}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        try:
            result = Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a float is always valid
            raise _bad(value, f"not {what}") from None
    else:
        raise _bad(value, f"not {what}")
    if not result.is_finite():
        raise _bad(value, f"not {what} (NaN or infinity)")
    return result


def _check_amount(result: Decimal, original: object) -> Decimal:
    if result.is_signed():
        raise _bad(original, "an amount must not be negative", code="amount.negative")
    if result > MAX_AMOUNT:
        raise _bad(
            original,
            "amount exceeds the supported maximum of 1万亿 (10^12) yuan",
            code="amount.too_large",
        )
    if result != result.quantize(FEN, rounding=ROUND_DOWN):
        raise _bad(original, "amount has fractions of a fen (0.01 yuan)", code="amount.sub_fen")
    return result


def parse_amount(value: object) -> Decimal:
    """Parse a non-negative CNY amount to ``Decimal`` yuan.

    Accepts ``int``, ``Decimal``, ``float`` (via its repr) and strings such as ``"500万"``,
    ``"500万元"``, ``"1.2亿"``, ``"1,200,000"``, ``"¥3,000"``, ``"3000元"``; full-width digits
    and symbols are normalised first. Rejects NaN, infinities, negative amounts (``-0`` too),
    exponent notation, more than one unit (``"10亿亿"``), fractions of a fen and amounts above
    :data:`MAX_AMOUNT`, raising :class:`~aivoucher.errors.AmountError` that quotes the value.
    """
    if not isinstance(value, str):
        return _check_amount(_to_decimal(value, "an amount"), value)
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if text.startswith(("-", "−")):
        raise _bad(value, "an amount must not be negative", code="amount.negative")
    for prefix in _PREFIXES:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.endswith("元"):
        text = text[:-1]
    multiplier = ONE
    for suffix, factor in _UNITS:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            multiplier = factor
            break
    if not _NUMBER.fullmatch(text):
        raise _bad(value, "not an amount (write e.g. 500万, 1.2亿, 1,200,000 or ¥3,000)")
    number = Decimal(text.replace(",", ""))
    return _check_amount(number * multiplier, value)


def parse_rate(value: object) -> Decimal:
    """Parse a rate in [0, 1]: ``"60%"``, ``"0.6"``, ``Decimal("0.6")``, ``0.6`` or ``1``.

    A bare number above 1 is rejected rather than guessed to be a percentage.
    """
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        if not _NUMBER.fullmatch(text):
            raise _bad(value, "not a rate (write e.g. 60% or 0.6)", code="rate.invalid")
        rate = Decimal(text) / 100 if percent else Decimal(text)
    else:
        try:
            rate = _to_decimal(value, "a rate")
        except AmountError as exc:
            exc.code = "rate.invalid"
            raise
    if rate.is_signed() or rate > ONE:
        raise _bad(value, "a rate must lie between 0 and 1 (0% and 100%)", code="rate.invalid")
    return rate


#: Bounds of an exchange rate (yuan per unit): anything outside is a typo or hostile input.
_FX_BOUNDS = (Decimal("0.0001"), Decimal(10000))


def parse_fx_rate(value: object) -> Decimal:
    """An exchange rate, in yuan (CNY) per unit of another currency: ``"0.92"``, ``0.92`` or
    ``Decimal("0.92")``. Zero, negative, NaN and rates outside 0.0001–10000 raise
    :class:`~aivoucher.errors.AmountError` with the code ``fx.invalid``."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not _NUMBER.fullmatch(text):
            raise _bad(value, "not an exchange rate (write e.g. 0.92)", code="fx.invalid")
        rate = Decimal(text.replace(",", ""))
    else:
        try:
            rate = _to_decimal(value, "an exchange rate")
        except AmountError as exc:
            exc.code = "fx.invalid"
            raise
    if not _FX_BOUNDS[0] <= rate <= _FX_BOUNDS[1]:
        raise _bad(
            value, "an exchange rate must lie between 0.0001 and 10000 yuan", code="fx.invalid"
        )
    return rate


def canonical(amount: Decimal) -> str:
    """The JSON form of an amount: plain digits, no exponent, no trailing zeros (``"4800000"``)."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


RoundingMode = Literal["half_up", "truncate"]
_MODES = {"half_up": ROUND_HALF_UP, "truncate": ROUND_DOWN}


@dataclass(frozen=True, slots=True)
class Rounding:
    """How a program rounds: to a ``quantum`` of yuan (0.01 = fen), half-up or by truncation.

    ``each_step`` rounds after every arithmetic step (as Nanning's notice prescribes);
    otherwise only the final award is rounded.
    """

    quantum: Decimal = FEN
    mode: RoundingMode = "half_up"
    each_step: bool = False

    def apply(self, amount: Decimal) -> Decimal:
        return amount.quantize(self.quantum, rounding=_MODES[self.mode])

    @property
    def arguments(self) -> tuple[Decimal, str]:
        """The quantum and the ``decimal`` rounding mode: ``amount.quantize(*arguments)`` is
        :meth:`apply` without a call of its own (the fast path's last step)."""
        return self.quantum, _MODES[self.mode]

    def quantizer(self) -> Callable[[Decimal], Decimal]:
        """:meth:`apply` for the engine's fast path: its arguments bound once and passed by
        position (a ``partial`` with keyword arguments made the C call parse them each time,
        three times as long)."""
        quantum, mode, quantize = self.quantum, _MODES[self.mode], Decimal.quantize

        def apply(amount: Decimal) -> Decimal:
            return quantize(amount, quantum, mode)

        return apply


DEFAULT_ROUNDING = Rounding()

_LOCALES = {"zh": "zh_CN", "en": "en_US"}


def babel_locale(locale: str) -> str:
    """Map the project's locale codes (``zh``, ``en``) to babel's; pass others through."""
    return _LOCALES.get(locale, locale)


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` times ``rate`` (units of one currency per unit of another), rounded half-up
    to the cent: the one conversion between currencies, used for purchases and awards alike."""
    return (amount * rate).quantize(FEN, rounding=ROUND_HALF_UP)


def format_money(
    amount: Decimal, locale: str = "zh", *, compact: bool = False, currency: str = CURRENCY
) -> str:
    """Format an amount with babel: ``¥4,800,000.00`` / ``CN¥4,800,000.00``; compact
    ``480万`` / ``CN¥4.8M``. Another ``currency`` carries its symbol in every form
    (``HK$480万``, ``HK$4.8M``), so that it is never read as yuan."""
    from babel.numbers import format_compact_currency, format_currency, get_currency_symbol

    loc = babel_locale(locale)
    if compact:
        if loc.startswith("zh"):
            wan = format_wan(amount)
            return wan if currency == CURRENCY else get_currency_symbol(currency, loc) + wan
        return format_compact_currency(amount, currency, locale=loc, fraction_digits=2)
    return format_currency(amount, currency, locale=loc)


def format_wan(amount: Decimal, fraction_digits: int = 6) -> str:
    """Chinese compact notation (``480万``, ``1.2亿``), as policy texts write amounts; six
    fraction digits of 万 are exact to the fen."""
    from babel.numbers import format_compact_decimal

    return format_compact_decimal(amount, locale="zh_CN", fraction_digits=fraction_digits)


def format_rate(rate: Decimal, locale: str = "en") -> str:
    """A rate as a percentage without needless decimals: 0.6 → 60%, 0.125 → 12.5%."""
    from babel.numbers import format_percent

    return format_percent(rate, format="#,##0.####%", locale=babel_locale(locale))
