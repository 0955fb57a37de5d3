"""Ready for servers and process pools: the locale belongs to a context (thread, task, block),
and every result object pickles with the standard library and comes back equal."""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.errors import InputError, RuleFileError
from aivoucher.ruleset import registry
from aivoucher.ruleset.registry import bundled_rules, load_rules

QUICKSTART = ROOT / "examples" / "profiles" / "shenzhen-startup.yaml"
PLAN = {
    "applicant": {"kind": "enterprise", "sme": True, "startup": True},
    "purchases": [
        {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    ],
}
SHENZHEN = {**PLAN, "applicant": {**PLAN["applicant"], "city": "shenzhen"}}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    aivoucher.set_locale("en")
    yield
    aivoucher.set_locale("en")


def quickstart() -> aivoucher.Estimate:
    return aivoucher.estimate(aivoucher.load_profile(QUICKSTART), as_of="2025-06-30")


# --- the locale is per context --------------------------------------------------------------


def test_locale_block_sets_and_restores() -> None:
    est = quickstart()
    english = est.to_text()
    with aivoucher.locale("zh") as chosen:
        assert chosen == "zh"
        assert aivoucher.get_locale() == "zh"
        chinese = est.to_text()
        with aivoucher.locale("en"):
            assert est.to_text() == english
        assert aivoucher.get_locale() == "zh"
    assert aivoucher.get_locale() == "en"
    assert chinese != english
    assert chinese == est.to_text(locale="zh")


def test_locale_block_restores_after_an_error() -> None:
    with pytest.raises(RuntimeError), aivoucher.locale("zh"):
        raise RuntimeError("inside")
    assert aivoucher.get_locale() == "en"


def test_an_unsupported_locale_changes_nothing() -> None:
    for call in (aivoucher.set_locale, aivoucher.locale):
        with pytest.raises(InputError) as caught:
            if call is aivoucher.locale:
                with aivoucher.locale("fr"):
                    pass
            else:
                aivoucher.set_locale("fr")
        assert caught.value.code == "locale.unsupported"
        assert aivoucher.get_locale() == "en"


def test_threads_rendering_at_the_same_time_never_mix() -> None:
    est = quickstart()
    expected = {"zh": est.to_text(locale="zh"), "en": est.to_text(locale="en")}
    start = threading.Barrier(8)
    wrong: list[str] = []

    def render(locale: str) -> None:
        aivoucher.set_locale(locale)
        start.wait()
        for _ in range(5):
            if est.to_text() != expected[locale] or aivoucher.get_locale() != locale:
                wrong.append(locale)

    threads = [threading.Thread(target=render, args=("zh" if i % 2 else "en",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert aivoucher.get_locale() == "en"  # no thread changed the caller's locale


def test_one_thread_setting_a_locale_does_not_change_another_midway() -> None:
    # A fixed interleaving: the second thread switches to Chinese while the first is between
    # two renderings; the first still renders in English.
    est = quickstart()
    switched = threading.Event()
    resumed = threading.Event()
    seen: dict[str, str] = {}

    def first() -> None:
        aivoucher.set_locale("en")
        seen["before"] = est.to_text()
        resumed.set()
        switched.wait(10)
        seen["after"] = est.to_text()

    def second() -> None:
        resumed.wait(10)
        aivoucher.set_locale("zh")
        seen["other"] = est.to_text()
        switched.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["before"] == seen["after"] == est.to_text(locale="en")
    assert seen["other"] == est.to_text(locale="zh")


def test_asyncio_tasks_keep_their_own_locale() -> None:
    est = quickstart()

    async def render(locale: str) -> list[str]:
        aivoucher.set_locale(locale)
        texts = []
        for _ in range(3):
            await asyncio.sleep(0)  # let the other task run and set its own locale
            texts.append(est.to_text())
        return texts

    async def both() -> list[list[str]]:
        return list(await asyncio.gather(render("zh"), render("en")))

    chinese, english = asyncio.run(both())
    assert set(chinese) == {est.to_text(locale="zh")}
    assert set(english) == {est.to_text(locale="en")}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["zh", "en"]), min_size=1, max_size=6))
def test_nested_blocks_restore_each_level(locales: list[str]) -> None:
    def nest(remaining: list[str]) -> None:
        if not remaining:
            return
        outer = aivoucher.get_locale()
        with aivoucher.locale(remaining[0]):
            assert aivoucher.get_locale() == remaining[0]
            nest(remaining[1:])
            assert aivoucher.get_locale() == remaining[0]
        assert aivoucher.get_locale() == outer

    nest(locales)


# --- pickling ------------------------------------------------------------------------------


def _round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


def test_bundled_rules_pickle_as_a_small_reference() -> None:
    rules = bundled_rules()
    data = pickle.dumps(rules)
    assert len(data) < 1000  # a reference checked by digest, not 58 programs
    assert pickle.loads(data) is rules


def test_results_pickle_and_come_back_equal() -> None:
    est = quickstart()
    comparison = aivoucher.compare(PLAN, as_of="2025-06-30", places=["shenzhen", "chengdu"])
    for value in (est.profile, est, est.awards[0], comparison, bundled_rules()):
        back = _round_trip(value)
        assert back == value
        assert type(back) is type(value)
    back = _round_trip(est)
    assert back.to_json() == est.to_json()
    assert back.to_text() == est.to_text()
    # how it was made travels too: what_narrows works on the copy
    assert aivoucher.what_narrows(back) == aivoucher.what_narrows(est)


def test_a_user_rule_set_pickles_with_its_programs(tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    write_rule(directory, rule())
    rules = load_rules(directory)
    back = _round_trip(rules)
    assert back == rules
    assert back.digest == rules.digest
    assert [e.program for e in back] == [e.program for e in rules]
    profile = {
        "applicant": {"kind": "enterprise", "city": "shenzhen"},
        "purchases": [{"item": "compute", "amount": "100万", "signed": "2025-03-01"}],
    }
    est = aivoucher.estimate(profile, as_of="2025-06-30", rules=rules)
    again = aivoucher.estimate(profile, as_of="2025-06-30", rules=back)
    assert again == est
    assert _round_trip(est) == est


def test_the_digest_follows_the_content(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_rule(first, rule())
    write_rule(second, rule())
    assert load_rules(first).digest == load_rules(second).digest  # the place does not matter
    changed = rule()
    changed["caps"][0]["amount"] = "200万"
    third = tmp_path / "c"
    write_rule(third, changed)
    assert load_rules(third).digest != load_rules(first).digest
    assert load_rules(third) != load_rules(first)


class _ForeignBundledRules:
    """What a process with other bundled rules would send."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (registry._bundled_with_digest, ("0" * 64,))


def test_bundled_rules_of_another_installation_are_refused() -> None:
    with pytest.raises(RuleFileError) as caught:
        pickle.loads(pickle.dumps(_ForeignBundledRules()))
    assert caught.value.code == "rules.digest_mismatch"


def test_batch_results_pickle_and_compare_by_value() -> None:
    np = pytest.importorskip("numpy")
    batch = pytest.importorskip("aivoucher.batch")
    table = {
        "applicant": np.array([1, 2], dtype=np.int64),
        "applicant.kind": np.array(["enterprise", "enterprise"]),
        "applicant.city": np.array(["shenzhen", "shenzhen"]),
        "purchase.item": np.array(["compute", "compute"]),
        "purchase.amount_fen": np.array([100_000_000, 2_000_000_000], dtype=np.int64),
        "purchase.signed": np.array(["2025-03-01", "2025-03-01"], dtype="datetime64[D]"),
    }
    result = batch.evaluate("shenzhen.training-compute", table, as_of="2025-06-30")
    back = _round_trip(result)
    assert back == result
    assert back != _round_trip(
        batch.evaluate("shenzhen.training-compute", table, as_of="2024-01-01")
    )


# --- through a real process pool (spawned: a fresh interpreter loads its own rules) ---------


def _estimate_in_worker(profile: dict[str, Any]) -> aivoucher.Estimate:
    return aivoucher.estimate(profile, as_of="2025-06-30")


def _compare_in_worker(plan: dict[str, Any]) -> aivoucher.Comparison:
    return aivoucher.compare(plan, as_of="2025-06-30", places=["shenzhen", "chengdu"])


def _echo(value: Any) -> Any:
    return value


def test_a_process_pool_returns_results_equal_to_local_ones(tmp_path: Path) -> None:
    profile = aivoucher.load_profile(QUICKSTART)
    directory = tmp_path / "rules"
    write_rule(directory, rule())
    user_rules = load_rules(directory)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        remote = pool.submit(_estimate_in_worker, SHENZHEN).result(timeout=120)
        comparison = pool.submit(_compare_in_worker, PLAN).result(timeout=120)
        echoed = [pool.submit(_echo, v).result(timeout=120) for v in (profile, user_rules)]
    assert remote == aivoucher.estimate(SHENZHEN, as_of="2025-06-30")
    assert remote.rules is bundled_rules()
    assert comparison == _compare_in_worker(PLAN)
    assert echoed[0] == profile
    assert echoed[1] == user_rules


def _fail_in_worker(profile: dict[str, Any]) -> aivoucher.Estimate:
    return aivoucher.estimate(profile, as_of="2025-06-30")


def test_a_worker_s_error_arrives_typed_with_its_code() -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_fail_in_worker, PLAN)  # no city: not a profile
        with pytest.raises(aivoucher.ProfileError) as caught:
            future.result(timeout=120)
    assert caught.value.code == "profile.missing_field"
    assert caught.value.field == "applicant.city"


def test_a_notebook_keeps_the_locale_from_one_cell_to_the_next(tmp_path: Path) -> None:
    # Jupyter runs each cell in its own asyncio task; the locale set in one cell must still
    # hold in the next (the kernel carries the context over).
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import aivoucher\naivoucher.set_locale('zh')"),
        nbformat.v4.new_code_cell("print(aivoucher.get_locale())"),
    ]
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in notebook.cells[1].get("outputs", []))
    assert printed.strip() == "zh"
