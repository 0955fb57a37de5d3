"""The library's logger: ``logging.getLogger("aivoucher")``, silent unless the application
configures logging (a :class:`logging.NullHandler`, as libraries should).

Debug events: rule files loaded (how many, from where, how long), the version chosen to judge a
program on a date, and batch programs (or parts) that fall back to the scalar engine. Turn them
on with ``logging.basicConfig(level=logging.DEBUG)`` or
``logging.getLogger("aivoucher").setLevel(logging.DEBUG)`` plus a handler.
"""

from __future__ import annotations

import logging

__all__ = ["logger"]

_root = logging.getLogger("aivoucher")
_root.addHandler(logging.NullHandler())


def logger(name: str) -> logging.Logger:
    """The logger of one part of the library (``aivoucher.<name>``)."""
    return _root.getChild(name)
