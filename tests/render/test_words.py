"""The two tables of sentences (the estimate's words and the views'): each key in one of them
only, each entry a Chinese and an English sentence, and every one reachable through
Messages.text."""

from __future__ import annotations

import string

from aivoucher.render.estimate_words import ESTIMATE_TEXT
from aivoucher.render.messages import messages
from aivoucher.render.view_words import VIEW_TEXT


def test_no_key_is_in_both_tables() -> None:
    # a StrEnum code equals its value, so a reason code and a plain key can collide too
    assert not set(ESTIMATE_TEXT) & set(VIEW_TEXT)
    assert not {str(k) for k in ESTIMATE_TEXT} & {str(k) for k in VIEW_TEXT}


def test_every_entry_is_a_sentence_in_each_language_and_reachable() -> None:
    zh, en = messages("zh"), messages("en")
    for table in (ESTIMATE_TEXT, VIEW_TEXT):
        for key, pair in table.items():
            assert isinstance(pair, tuple) and len(pair) == 2, key
            assert all(isinstance(s, str) and s.strip() for s in pair), key
            fields = {
                name: "x" for s in pair for _, name, _, _ in string.Formatter().parse(s) if name
            }
            assert zh.text(key, **fields) and en.text(key, **fields), key
