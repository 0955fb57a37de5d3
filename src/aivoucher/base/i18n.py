"""The locale of everything aivoucher writes for a reader: ``zh`` or ``en`` (the default).

The locale is a :class:`contextvars.ContextVar`, so that a web server's requests, a thread pool's
threads and asyncio tasks each render in their own language without changing another's:

- ``set_locale("zh")`` sets it for the current context (a notebook, a script, a request's
  task or thread); notebook views (``_repr_html_``), ``repr`` and every renderer called without
  a ``locale`` use it;
- ``with aivoucher.locale("zh"): …`` sets it for a block and restores it after;
- an explicit ``locale=`` argument always wins.

A new thread starts from the default (``en``), as every ContextVar does; a thread started
through :func:`contextvars.copy_context` or an asyncio task inherits its creator's locale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import InputError

__all__ = ["LOCALES", "get_locale", "locale", "resolve_locale", "set_locale"]

LOCALES = ("zh", "en")

_current: ContextVar[str] = ContextVar("aivoucher_locale", default="en")


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
    """Make ``locale`` (``"zh"`` or ``"en"``) the default of the current context (thread, task
    or notebook); :class:`InputError` for any other."""
    _current.set(_checked(locale))


def get_locale() -> str:
    """The current context's default locale (``"en"`` unless :func:`set_locale` or
    :func:`locale` changed it)."""
    return _current.get()


@contextmanager
def locale(locale: str) -> Iterator[str]:
    """Render in ``locale`` inside the ``with`` block, then restore the previous default::

    with aivoucher.locale("zh"):
        print(estimate.to_text())
    """
    token = _current.set(_checked(locale))
    try:
        yield locale
    finally:
        _current.reset(token)


def resolve_locale(locale: str | None) -> str:
    """``locale`` if given (validated), else the current context's default."""
    return _current.get() if locale is None else _checked(locale)
