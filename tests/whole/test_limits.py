"""Limits on work that grows with what a call is given (aivoucher.limits), checked before any
work starts: sweep, vary, compare and the command line refuse past a documented limit at once,
read an endless iterable no further than the limit, and a list that names nothing is an error,
not "everything"."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import profile

import aivoucher
from aivoucher.base import limits
from aivoucher.cli import main
from aivoucher.errors import InputError
from aivoucher.ruleset.registry import RuleSet, bundled_rules

AS_OF = "2025-06-30"
PLAN = profile(amount="100万")


class Counted:
    """An endless iterable that counts what was read from it."""

    def __init__(self, values: Iterator[Any]) -> None:
        self.values = values
        self.read = 0

    def __iter__(self) -> Iterator[Any]:
        for value in self.values:
            self.read += 1
            yield value


@pytest.fixture
def no_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if anything is estimated: a limit is checked before any work."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an estimate ran before the limit was checked")

    monkeypatch.setattr(RuleSet, "estimate", refuse)


def _one_line(capsys: Any, argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    return err


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    return path


# -- the helpers ---------------------------------------------------------------------------------


def test_take_reads_one_past_the_limit_and_no_further() -> None:
    assert limits.take(range(5), 5, "amounts") == [0, 1, 2, 3, 4]
    endless = Counted(itertools.count())
    with pytest.raises(InputError) as info:
        limits.take(endless, 5, "amounts", "amounts")
    assert (info.value.code, info.value.field) == ("limit.exceeded", "amounts")
    assert endless.read == 6


def test_check_count_refuses_only_past_the_limit() -> None:
    limits.check_count(10, 10, "cases")
    with pytest.raises(InputError) as info:
        limits.check_count(11, 10, "cases")
    assert info.value.code == "limit.exceeded"


def test_the_limit_message_is_in_both_languages() -> None:
    from aivoucher.base.i18n import get_locale, set_locale

    before = get_locale()
    try:
        set_locale("zh")
        with pytest.raises(InputError, match="上限"):
            limits.check_count(3, 2, "places")
    finally:
        set_locale(before)
    with pytest.raises(InputError, match="at most 2"):
        limits.check_count(3, 2, "places")


# -- sweep ---------------------------------------------------------------------------------------


def test_sweep_over_an_endless_generator_returns_at_once(no_estimates: None) -> None:
    endless = Counted(str(n) + "万" for n in itertools.count())
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        aivoucher.sweep(PLAN, endless, as_of=AS_OF)
    assert time.perf_counter() - start < 5
    assert (info.value.code, info.value.field) == ("limit.exceeded", "amounts")
    assert endless.read == limits.MAX_AMOUNTS + 1


def test_sweep_amounts_times_places_is_bounded(no_estimates: None) -> None:
    places = ["shenzhen", "chengdu", "beijing", "shanghai", "hangzhou", "wuhan"]
    with pytest.raises(InputError) as info:
        aivoucher.sweep(PLAN, range(0, 2000 * 10_000, 10_000), places=places, as_of=AS_OF)
    assert info.value.code == "limit.exceeded"
    endless_places = Counted(itertools.repeat("shenzhen"))
    with pytest.raises(InputError) as info:
        aivoucher.sweep(PLAN, ["1万"], places=endless_places, as_of=AS_OF)
    assert (info.value.code, endless_places.read) == ("limit.exceeded", limits.MAX_PLACES + 1)


def test_sweep_with_no_place_is_refused() -> None:
    with pytest.raises(InputError) as info:
        aivoucher.sweep(PLAN, ["1万"], places=[], as_of=AS_OF)
    assert info.value.code == "places.empty"


# -- vary ----------------------------------------------------------------------------------------


def test_vary_over_a_huge_grid_is_refused_before_any_estimate(no_estimates: None) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        # 20 values of each of five facts: 3.2 million combinations
        aivoucher.vary(
            PLAN,
            as_of=AS_OF,
            amount=[f"{n}万" for n in range(1, 21)],
            startup=[True, False, None] * 6 + [True, False],
            sme=[True, False] * 10,
            opc=[True, False] * 10,
            settled=[f"{n}万" for n in range(1, 21)],
        )
    assert time.perf_counter() - start < 2
    assert info.value.code == "limit.exceeded"


def test_vary_reads_an_endless_iterable_no_further_than_the_limit(no_estimates: None) -> None:
    endless = Counted(f"{n}万" for n in itertools.count(1))
    with pytest.raises(InputError) as info:
        aivoucher.vary(PLAN, as_of=AS_OF, amount=endless)
    assert (info.value.code, info.value.field) == ("limit.exceeded", "amount")
    assert endless.read == limits.MAX_VALUES + 1


def test_vary_within_the_limit_still_works() -> None:
    grid = aivoucher.vary(PLAN, as_of=AS_OF, startup=[True, False], sme=[True, False])
    assert len(grid) == 4


# -- compare -------------------------------------------------------------------------------------


def test_compare_places_are_bounded_and_must_name_a_place(no_estimates: None) -> None:
    endless = Counted(itertools.repeat("shenzhen"))
    with pytest.raises(InputError) as info:
        aivoucher.compare(PLAN, places=endless, as_of=AS_OF)
    assert (info.value.code, endless.read) == ("limit.exceeded", limits.MAX_PLACES + 1)
    with pytest.raises(InputError) as info:
        aivoucher.compare(PLAN, places=[], as_of=AS_OF)
    assert (info.value.code, info.value.field) == ("places.empty", "places")


@pytest.mark.parametrize("places", [",", "", " , ,"])
def test_compare_places_naming_nothing_exits_2(capsys: Any, plan_file: Path, places: str) -> None:
    err = _one_line(capsys, ["compare", str(plan_file), "--places", places])
    assert "--places" in err
    assert main(["compare", str(plan_file), "--places", places, "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "places.empty"


def test_compare_places_many_names_exits_2(capsys: Any, plan_file: Path) -> None:
    names = ",".join(["shenzhen"] * (limits.MAX_PLACES + 1))
    _one_line(capsys, ["compare", str(plan_file), "--places", names])


# -- the command line ----------------------------------------------------------------------------


def test_twenty_thousand_repeated_options_are_refused_at_once(capsys: Any, plan_file: Path) -> None:
    argv = ["estimate", str(plan_file), "--as-of", AS_OF]
    argv += ["--program", "shenzhen.training-compute"] * 20_000
    start = time.perf_counter()
    err = _one_line(capsys, argv)
    assert time.perf_counter() - start < 2
    assert f"{limits.MAX_ARGUMENTS:,}" in err
    assert main([*argv, "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "limit.exceeded"


def test_options_up_to_the_limit_are_parsed(capsys: Any, plan_file: Path) -> None:
    argv = ["estimate", str(plan_file), "--as-of", AS_OF, "--format", "json"]
    argv += ["--program", "shenzhen.training-compute"] * ((limits.MAX_ARGUMENTS - len(argv)) // 2)
    assert len(argv) <= limits.MAX_ARGUMENTS
    start = time.perf_counter()
    assert main(argv) == 0
    assert time.perf_counter() - start < 10
    keys = {a["program"] for a in json.loads(capsys.readouterr().out)["awards"]}
    assert keys == {"shenzhen.training-compute"}


def test_repeated_program_ids_cost_one_lookup_each() -> None:
    rules = bundled_rules()
    once = rules.estimate(PLAN, programs=["shenzhen.training-compute"], as_of=AS_OF)
    start = time.perf_counter()
    many = rules.estimate(PLAN, programs=["shenzhen.training-compute"] * 200_000, as_of=AS_OF)
    assert time.perf_counter() - start < 5
    assert many.awards == once.awards
