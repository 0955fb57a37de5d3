"""aivoucher: Chinese AI compute-subsidy programs as rule files, and what each would pay.

>>> import aivoucher
>>> est = aivoucher.estimate(
...     {
...         "applicant": {"kind": "enterprise", "city": "深圳", "startup": True},
...         "purchases": [
...             {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
...         ],
...     },
...     as_of="2025-06-30",
... )
>>> est.award("shenzhen.training-compute").high
Decimal('4800000.00')

Importing the package reads no rule files: the bundled rules are loaded, validated and compiled
on first use, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._moved import install as _install_earlier_paths
from .base.i18n import get_locale, locale, set_locale
from .base.version import VERSION
from .errors import (
    AivoucherError,
    AmountError,
    EstimateError,
    InputError,
    MissingDependencyError,
    ProfileError,
    RuleFileError,
    UnknownCityError,
    UnknownProgramError,
)

_install_earlier_paths()

if TYPE_CHECKING:
    from .base.money import format_money, parse_amount, parse_rate
    from .questions.comparison import Comparison, compare
    from .questions.curves import Bend, Sweep, SweepPoint, sweep
    from .questions.whatif import Grid, vary, what_narrows
    from .ruleset.registry import RuleSet, bundled_rules, load_rules
    from .vocabulary.profile import Applicant, Profile, Purchase, load_profile, parse_profile
    from .vocabulary.result import Award, Estimate

__version__ = VERSION

__all__ = [
    "AivoucherError",
    "AmountError",
    "Applicant",
    "Award",
    "Bend",
    "Comparison",
    "Estimate",
    "EstimateError",
    "Grid",
    "InputError",
    "MissingDependencyError",
    "Profile",
    "ProfileError",
    "Purchase",
    "RuleFileError",
    "Sweep",
    "SweepPoint",
    "UnknownCityError",
    "UnknownProgramError",
    "__version__",
    "bundled_rules",
    "compare",
    "estimate",
    "format_money",
    "get_locale",
    "load_profile",
    "load_rules",
    "locale",
    "parse_amount",
    "parse_profile",
    "parse_rate",
    "set_locale",
    "sweep",
    "vary",
    "what_narrows",
]


#: :func:`aivoucher.ruleset.registry.bundled_rules`, once :func:`estimate` has imported it (an
#: import statement run at every call cost a tenth of a one-program estimate).
_bundled_rules: Callable[[], RuleSet] | None = None


def _load_bundled_rules() -> Callable[[], RuleSet]:
    global _bundled_rules
    from .ruleset.registry import bundled_rules

    _bundled_rules = bundled_rules
    return bundled_rules


def estimate(
    profile: Profile | Mapping[str, Any],
    *,
    programs: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
    include_all: bool = False,
    assume: Iterable[str] = (),
    assume_renewal: bool = False,
    rules: RuleSet | None = None,
    fx: Mapping[str, Any] | None = None,
) -> Estimate:
    """What every program known on ``as_of`` (default: today) would pay ``profile``.

    ``profile`` is a :class:`Profile` or a mapping in the profile contract. Each purchase is
    judged under the version of each program in force on the day it was signed; ``as_of`` is
    the date of knowledge (docs/time.md). ``programs`` restricts the estimate to some program
    ids; ``include_all`` also reports versions that cover no purchase and drafts;
    ``assume_renewal`` counts purchases signed after a program's last known version ends as if
    it were renewed; ``rules`` evaluates another :class:`RuleSet` (see :func:`load_rules`)
    instead of the bundled one; ``assume`` switches on readings the rule files offer as options;
    ``fx`` gives exchange rates in yuan per unit (``{"HKD": "0.92"}``), without which a program
    paying in another currency than the profile's amounts has no amount (docs/currency.md).
    """
    if rules is None:
        rules = (_bundled_rules or _load_bundled_rules())()
    return rules.estimate(
        profile,
        programs=programs,
        as_of=as_of,
        include_all=include_all,
        assume=assume,
        assume_renewal=assume_renewal,
        fx=fx,
    )


# Public names and the module that defines each. They are imported on first access, so that
# `import aivoucher` loads neither pydantic, PyYAML nor babel (the CLI and batch callers that
# need none of them start faster).
_LAZY = {
    "format_money": "base.money",
    "parse_amount": "base.money",
    "parse_rate": "base.money",
    "Applicant": "vocabulary.profile",
    "Profile": "vocabulary.profile",
    "Purchase": "vocabulary.profile",
    "load_profile": "vocabulary.profile",
    "parse_profile": "vocabulary.profile",
    "Award": "vocabulary.result",
    "Estimate": "vocabulary.result",
    "RuleSet": "ruleset.registry",
    "bundled_rules": "ruleset.registry",
    "load_program": "ruleset.registry",
    "load_rules": "ruleset.registry",
    "compare": "questions.comparison",
    "Comparison": "questions.comparison",
    "vary": "questions.whatif",
    "Grid": "questions.whatif",
    "what_narrows": "questions.whatif",
    # the module is `curves`: a submodule named `sweep` would shadow the function
    "sweep": "questions.curves",
    "Sweep": "questions.curves",
    "Bend": "questions.curves",
    "SweepPoint": "questions.curves",
}
_SUBMODULES = {"batch": "questions.batch", "pool": "questions.pool"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(import_module(f".{module}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _SUBMODULES:
        return import_module(f".{_SUBMODULES[name]}", __name__)
    raise AttributeError(f"module 'aivoucher' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
