"""Fuzz targets for the two readers of outside input: the rule-file loader and the profile parser.

Each target takes bytes or data and must either succeed or raise an
:class:`~aivoucher.errors.InputError`; any other exception is a bug. The test suite drives them
with hypothesis for a bounded number of inputs; ``scripts/fuzz.py`` runs them for as long as you
like. Needs the ``testing`` extra (hypothesis).
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ..base.documents import PROFILE_LIMITS, RULE_LIMITS, load_document, parse_yaml
from ..errors import InputError
from ..ruleset.registry import bundled_rules, load_program
from ..vocabulary.profile import parse_profile

__all__ = ["fuzz_profile_data", "fuzz_profile_text", "fuzz_rule_text", "mutations", "yaml_texts"]

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["500万", "1.2亿", "10亿亿", "-0", "NaN", "1e400", "2025-02-30", "深圳", "gotham", "60%"]
    ),
)
_DATA = st.recursive(
    _JUNK,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def yaml_texts() -> st.SearchStrategy[str]:
    """YAML-looking text: fragments of real rule files and profiles, recombined with junk."""
    pieces = st.sampled_from(
        [
            "id: shenzhen.x\n",
            "caps:\n",
            "  - per: purchase\n",
            "    amount: 100万\n",
            "- ",
            "[",
            "]",
            "{",
            "}",
            "&a ",
            "*a",
            "!!python/object:os.system ",
            "<<: ",
            "? ",
            ": ",
            "\t",
            "'",
            '"',
            "applicant:\n",
            "  kind: enterprise\n",
            "purchases:\n",
            "  - item: compute\n",
            "\n",
            "#",
            "2025-02-30",
            "\ufeff",
            "\x00",
            "\u2028",
            "---\n",
            "...\n",
            "%YAML 1.1\n",
        ]
    )
    return st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=30).map("".join)


def mutations() -> st.SearchStrategy[tuple[str, Any]]:
    """A bundled rule file's data with one value replaced by junk: (file name, data)."""
    files = [e.path for e in bundled_rules()]

    @st.composite
    def mutate(draw: st.DrawFn) -> tuple[str, Any]:
        path_ = draw(st.sampled_from(files))
        data = load_document(path_, RULE_LIMITS)
        paths: list[list[Any]] = []

        def walk(node: Any, path: list[Any]) -> None:
            paths.append(path)
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, [*path, k])
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, [*path, i])

        walk(data, [])
        path = draw(st.sampled_from(paths[1:]))
        mutated = copy.deepcopy(data)
        target = mutated
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = draw(_DATA)
        return path_.name, mutated

    return mutate()


def fuzz_rule_text(text: str) -> None:
    """Load ``text`` as a rule file: it must load or raise InputError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(InputError):
            load_program(path)


def fuzz_profile_text(text: str) -> None:
    """Parse ``text`` as a profile: it must parse or raise InputError."""
    with contextlib.suppress(InputError):
        parse_profile(parse_yaml(text, limits=PROFILE_LIMITS))


def fuzz_profile_data(data: Any) -> None:
    """Validate ``data`` as a profile and, when valid, estimate it against every program."""
    try:
        profile = parse_profile(data)
    except InputError:
        return
    with contextlib.suppress(InputError):
        bundled_rules().estimate(profile, as_of="2025-06-30")
