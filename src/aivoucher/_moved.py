"""Earlier import paths of modules that now live in their floor's folder.

``aivoucher.engine`` is now ``aivoucher.evaluate.engine``, ``aivoucher.registry`` is
``aivoucher.ruleset.registry`` and so on (docs/contributing.md shows the tree). Code written
against the earlier paths keeps working: importing one gives the very module object of the new
path (the same functions, classes and state), so ``isinstance`` checks, pickles and
``monkeypatch`` agree whichever path was used. New code imports the new paths.
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["MOVED", "install"]

#: Earlier module path → where the module lives now.
MOVED: dict[str, str] = {
    "aivoucher.money": "aivoucher.base.money",
    "aivoucher.dates": "aivoucher.base.dates",
    "aivoucher.i18n": "aivoucher.base.i18n",
    "aivoucher.documents": "aivoucher.base.documents",
    "aivoucher.problems": "aivoucher.base.problems",
    "aivoucher.indices": "aivoucher.base.indices",
    "aivoucher.jurisdictions": "aivoucher.base.jurisdictions",
    "aivoucher.types": "aivoucher.base.types",
    "aivoucher.limits": "aivoucher.base.limits",
    "aivoucher.visible": "aivoucher.base.visible",
    "aivoucher.output": "aivoucher.base.output",
    "aivoucher.facts": "aivoucher.vocabulary.facts",
    "aivoucher.profile": "aivoucher.vocabulary.profile",
    "aivoucher.schema": "aivoucher.vocabulary.schema",
    "aivoucher.trace": "aivoucher.vocabulary.trace",
    "aivoucher.result": "aivoucher.vocabulary.result",
    "aivoucher.naming": "aivoucher.vocabulary.naming",
    "aivoucher.conditions": "aivoucher.plan.conditions",
    "aivoucher.engine": "aivoucher.evaluate.engine",
    "aivoucher.fast": "aivoucher.evaluate.fast",
    "aivoucher.stacking": "aivoucher.evaluate.stacking",
    "aivoucher.application": "aivoucher.evaluate.application",
    "aivoucher.batch._kernel": "aivoucher.evaluate.vector",
    "aivoucher.registry": "aivoucher.ruleset.registry",
    "aivoucher.versions": "aivoucher.ruleset.versions",
    "aivoucher.checking": "aivoucher.ruleset.checking",
    "aivoucher.comparison": "aivoucher.questions.comparison",
    "aivoucher.whatif": "aivoucher.questions.whatif",
    "aivoucher.curves": "aivoucher.questions.curves",
    "aivoucher.pool": "aivoucher.questions.pool",
    "aivoucher.places": "aivoucher.questions.places",
    "aivoucher.batch": "aivoucher.questions.batch",
    "aivoucher.batch._run": "aivoucher.questions.batch._run",
    "aivoucher.batch._table": "aivoucher.evaluate.table",
    "aivoucher.frames": "aivoucher.render.frames",
    "aivoucher.plot": "aivoucher.render.plot",
    "aivoucher.schema_export": "aivoucher.render.schema_export",
    "aivoucher.estimate_json": "aivoucher.render.estimate_json",
    "aivoucher.estimate_read": "aivoucher.render.estimate_read",
    "aivoucher.fuzzing": "aivoucher.testing.fuzzing",
}


class _EarlierPaths:
    """A finder and loader that answers an earlier path with the module at its new path."""

    def __init__(self) -> None:
        self._specs: dict[str, ModuleSpec | None] = {}

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return ModuleSpec(fullname, self)  # type: ignore[arg-type]

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = import_module(MOVED[spec.name])
        # the import system will set the earlier path's spec on the module; its own is
        # put back once the import is done, so that the module still knows where it lives
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was imported, once, under its new path."""
        module.__spec__ = self._specs.pop(module.__spec__.name, module.__spec__)  # type: ignore[union-attr]


def install() -> None:
    """Add the finder to ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _EarlierPaths) for f in sys.meta_path):
        # first, so that a submodule of a moved package (`aivoucher.batch._run`) is not found
        # again under the package's new folder with the earlier name
        sys.meta_path.insert(0, _EarlierPaths())
