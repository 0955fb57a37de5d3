"""The locale of everything aivoucher writes for a reader: ``zh`` or ``en`` (the default).

``set_locale("zh")`` changes the default for the process: notebook views (``_repr_html_``),
``repr`` and every renderer called without a ``locale`` use it. An explicit ``locale=`` argument
always wins.
"""

from __future__ import annotations

from .errors import InputError

__all__ = ["LOCALES", "get_locale", "resolve_locale", "set_locale"]

LOCALES = ("zh", "en")

_current = {"locale": "en"}


def _checked(locale: object) -> str:
    if locale not in LOCALES:
        raise InputError(
            f"unsupported locale {locale!r} (use zh or en)",
            field="locale",
            code="locale.unsupported",
        )
    assert isinstance(locale, str)
    return locale


def set_locale(locale: str) -> None:
    """Make ``locale`` (``"zh"`` or ``"en"``) the default; :class:`InputError` for any other."""
    _current["locale"] = _checked(locale)


def get_locale() -> str:
    """The default locale (``"en"`` unless :func:`set_locale` changed it)."""
    return _current["locale"]


def resolve_locale(locale: str | None) -> str:
    """``locale`` if given (validated), else the default."""
    return get_locale() if locale is None else _checked(locale)
