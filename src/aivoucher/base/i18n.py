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

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import InputError

__all__ = [
    "LOCALES",
    "environment_locale",
    "get_locale",
    "locale",
    "resolve_locale",
    "set_locale",
]

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


#: The variables POSIX reads a program's message language from, strongest first.
_POSIX = ("LC_ALL", "LC_MESSAGES", "LANG")


def _names_chinese(value: str) -> bool:
    """Whether a POSIX locale or a language tag names Chinese: ``zh``, ``zh_CN.UTF-8``,
    ``zh_TW``, ``zh-Hans``, ``zh@pinyin`` (and not ``zu`` or ``zha``)."""
    head = value.strip().lower()
    return head == "zh" or (head.startswith("zh") and head[2] in "_-.@")


def environment_locale(environ: Mapping[str, str]) -> str:
    """The command line's locale when ``--locale`` is not given: ``AIVOUCHER_LOCALE`` (``zh``
    or ``en``; any other value is :class:`InputError` ``locale.unsupported``), else the first
    of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set and not empty, as POSIX reads them
    (``zh`` when it names Chinese, else ``en``), else ``en``."""
    own = environ.get("AIVOUCHER_LOCALE", "")
    if own:
        if own.strip() not in LOCALES:
            raise InputError(
                f"{own!r} is not a supported locale: set it to zh or en, or unset it / "
                f"{own!r} 不是支持的语言：请把这个环境变量设为 zh 或 en，或删除它",
                field="AIVOUCHER_LOCALE",
                code="locale.unsupported",
            )
        return own.strip()
    for name in _POSIX:
        value = environ.get(name, "")
        if value:
            return "zh" if _names_chinese(value) else "en"
    return "en"
