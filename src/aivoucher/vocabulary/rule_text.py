"""What a rule file's names and prose may hold: no control character (a newline, a tab, an
escape sequence, a bidi override). The rule-file schema validates every text field with
:func:`refuse_control`; the views escape such characters in what comes from profiles
(:mod:`aivoucher.base.visible`)."""

from __future__ import annotations

from ..base.i18n import resolve_locale
from ..base.visible import CONTROL, visible
from ..errors import RuleFileError

__all__ = ["control_message", "refuse_control"]

_MESSAGES = {
    "zh": "含有控制字符 {char}（规则文件的名称和文字不得含有换行、制表符或终端控制序列）",
    "en": "contains the control character {char} (names and text in a rule file may not hold "
    "line breaks, tabs or terminal control sequences)",
}


def control_message(char: str, locale: str | None = None) -> str:
    """Why a rule file's text with the control character ``char`` is refused, in ``locale``
    (default: the current context's, :func:`aivoucher.get_locale`)."""
    return _MESSAGES[resolve_locale(locale)].format(char=visible(char))


def refuse_control(value: str) -> str:
    """``value`` unchanged, or a :class:`~aivoucher.errors.RuleFileError` (code
    ``rules.control_character``) if it holds a control character; a pydantic validator of
    every text field of the rule-file schema."""
    found = CONTROL.search(value)
    if found is None:
        return value
    raise RuleFileError(control_message(found.group()), code="rules.control_character")
