"""One chooser of versions: every path asks the rule set's VersionIndex which version of a
program judges a purchase, and rule sets whose versions overlap, or whose programs stack with
themselves, are refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import profile, rule, write_rule
from hypothesis import given, settings
from hypothesis import strategies as st

import aivoucher
from aivoucher.cli import main
from aivoucher.errors import InputError, RuleFileError
from aivoucher.questions import batch
from aivoucher.ruleset.registry import Entry, RuleSet, bundled_rules, load_program, load_rules
from aivoucher.vocabulary.profile import Profile, parse_profile

# -- the choices made before the index, restated from the rules of docs/time.md ---------------


def _old_versions(entries: list[Entry], name: str) -> list[Entry]:
    found = [e for e in entries if e.program.id == name or e.program.key == name]
    return sorted(found, key=lambda e: e.program.effective.from_)


def _old_get(entries: list[Entry], name: str, as_of: dt.date) -> Entry:
    versions = _old_versions(entries, name)
    for entry in reversed(versions):
        if entry.program.in_force(as_of):
            return entry
    in_force_status = [e for e in versions if e.program.status == "in_force"]
    return (in_force_status or versions)[-1]


def _old_coverage(
    entries: list[Entry], name: str, as_of: dt.date, assume_renewal: bool
) -> list[tuple[str, Any, bool]]:
    known = [e for e in _old_versions(entries, name) if e.program.known(as_of)]
    if not known:
        return []
    current = next((e for e in reversed(known) if e.program.in_force(as_of)), known[-1])
    # only where no known version pays a rate on purchases is the version in force alone
    # applied for; otherwise each version keeps the purchases signed in its window
    if not any(e.program.rate.tiers for e in known):
        return [(current.program.key, None, True)] if current.program.in_force(as_of) else []
    out = []
    for entry in known:
        window = entry.program.window
        if entry is known[-1] and assume_renewal:
            window = (window[0], None)
        out.append((entry.program.key, window, entry is current))
    return out


RULES = bundled_rules()
ENTRIES = list(RULES)
NAMES = sorted({e.program.id for e in ENTRIES} | {e.program.key for e in ENTRIES})
DAYS = st.dates(dt.date(2018, 1, 1), dt.date(2031, 12, 31))


def _boundaries() -> list[dt.date]:
    """Every day a bundled version starts or ends, and the days either side."""
    days: set[dt.date] = set()
    for e in ENTRIES:
        for d in (e.program.effective.from_, e.program.effective.to):
            if d is not None:
                days |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(days)


def _same_choice(name: str, day: dt.date, renewal: bool) -> None:
    assert RULES.get(name, day) is _old_get(ENTRIES, name, day)
    chosen = [(e.program.key, w, a) for e, w, a in RULES.choose(name, day, renewal).judges]
    assert chosen == _old_coverage(ENTRIES, name, day, renewal)
    batch_chosen = [(e.program.key, w, a) for e, w, a in batch.coverage(RULES, name, day, renewal)]
    assert batch_chosen == chosen


@settings(max_examples=300)
@given(name=st.sampled_from(NAMES), day=DAYS, renewal=st.booleans())
def test_the_index_picks_the_versions_picked_before(name: str, day: dt.date, renewal: bool) -> None:
    _same_choice(name, day, renewal)


@pytest.mark.parametrize("day", _boundaries())
def test_the_index_picks_the_same_versions_on_every_boundary(day: dt.date) -> None:
    for name in NAMES:
        for renewal in (False, True):
            _same_choice(name, day, renewal)


@settings(max_examples=200)
@given(name=st.sampled_from(NAMES), as_of=DAYS, signed=DAYS)
def test_a_purchase_is_judged_by_the_version_whose_window_holds_its_signing_date(
    name: str, as_of: dt.date, signed: dt.date
) -> None:
    purchase = parse_profile(
        profile({"item": "compute", "amount": "100万", "signed": signed.isoformat()})
    ).purchases[0]
    choice = RULES.choose(name, as_of)
    judge = choice.judge(purchase)
    holding = [
        e for e, window, _ in choice.judges if window is None or e.program.covers(purchase, window)
    ]
    assert len(holding) <= 1  # no purchase is judged by two versions
    assert judge is (holding[0] if holding else None)


def test_the_bundled_rules_have_no_overlapping_versions() -> None:
    # the chengdu scenario award's draft overlaps its final text, and is allowed: drafts judge
    # nothing
    versions = RULES.versions("chengdu.scenario-award")
    assert [e.program.status for e in versions] == ["draft", "in_force"]
    assert len(load_rules(Path(RULES.directory or "."))) == len(RULES)


def test_a_draft_only_award_never_pays() -> None:
    # chengdu's top-100 award exists only as a draft: no estimate counts it
    profile = {"applicant": {"kind": "enterprise", "city": "chengdu"}, "purchases": []}
    est = aivoucher.estimate(profile, as_of="2025-06-30")
    assert all(a.program.id != "chengdu.top100-award" or not a.eligible for a in est.awards)


# -- overlapping versions and self-stacking are refused ---------------------------------------


def _cite(quote: str) -> dict[str, str]:
    return {"source": "text", "quote": quote}


def _two_versions(directory: Path, old_to: str | None, **newer: Any) -> tuple[Path, Path]:
    """An older version at 20% from 2024-01-01 (until ``old_to``) and the test voucher at 50%
    from 2025-01-01."""
    effective = {"from": "2024-01-01", **_cite("2024年版")}
    if old_to is not None:
        effective["to"] = old_to
    old = rule(
        version="2024",
        status="superseded",
        effective=effective,
        rate={"tiers": [{"rate": "20%", **_cite("20%")}]},
    )
    old["examples"][0]["as_of"] = "2024-06-30"
    old["examples"][0]["profile"]["purchases"][0]["signed"] = "2024-03-01"
    old["examples"][0]["expect"] = {"amount": "20万"}
    first = write_rule(directory, old, name="test-voucher.2024.yaml")
    second = write_rule(directory, rule(**newer))
    return first, second


def _line_of(path: Path, text: str, after: str | None = None) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    first, second = _two_versions(tmp_path, None)  # the 2024 version never ends
    with pytest.raises(RuleFileError) as info:
        load_rules(tmp_path)
    error = info.value
    assert error.code == "rules.versions_overlap"
    assert error.file == str(second) and error.field == "effective"
    # the line of the period: its first date
    assert error.line == _line_of(second, "from:", after="effective:")
    assert f"{first}:{_line_of(first, 'from:', after='effective:')}" in error.message
    assert "shenzhen.test-voucher@2024" in error.message and "2025-01-01" in error.message


def test_contract_windows_that_reach_into_another_version_are_refused(tmp_path: Path) -> None:
    contracts = {"signed_from": "2024-07-01", **_cite("2024年7月1日及以后签订的合同")}
    _, second = _two_versions(tmp_path, "2024-12-31", contracts=contracts)
    with pytest.raises(RuleFileError) as info:
        load_rules(tmp_path)
    assert info.value.code == "rules.versions_overlap"
    assert info.value.file == str(second) and info.value.field == "contracts"
    assert info.value.line == _line_of(second, "signed_from:", after="contracts:")
    assert "2024-07-01 to 2024-12-31" in info.value.message


def test_adjacent_versions_and_drafts_are_accepted(tmp_path: Path) -> None:
    _two_versions(tmp_path, "2024-12-31")
    draft = rule(version="draft", status="draft", effective={"from": "2024-06-01", **_cite("稿")})
    write_rule(tmp_path, draft, name="test-voucher.draft.yaml")
    rules = load_rules(tmp_path)
    assert [e.program.key for e in rules.versions("shenzhen.test-voucher")] == [
        "shenzhen.test-voucher@2024",
        "shenzhen.test-voucher@draft",
        "shenzhen.test-voucher",
    ]


def test_every_overlapping_pair_is_listed(tmp_path: Path) -> None:
    _two_versions(tmp_path, None)
    third = rule(version="2023", effective={"from": "2023-01-01", **_cite("2023年版")})
    write_rule(tmp_path, third, name="test-voucher.2023.yaml")
    with pytest.raises(RuleFileError) as info:
        load_rules(tmp_path)
    assert len(info.value.errors) == 3  # 2023–2024, 2023–2025 and 2024–2025
    assert {e.code for e in info.value.errors} == {"rules.versions_overlap"}


def _stacks_with_itself(tmp_path: Path) -> Path:
    relation = {"program": "shenzhen.test-voucher", "relation": "stackable", **_cite("可叠加")}
    return write_rule(tmp_path, rule(stacking=[relation]))


def test_a_program_stacking_with_itself_is_refused(tmp_path: Path) -> None:
    path = _stacks_with_itself(tmp_path)
    for load in (lambda: load_program(path), lambda: load_rules(tmp_path)):
        with pytest.raises(RuleFileError) as info:
            load()
        error = info.value
        assert error.code == "rules.self_stacking"
        assert error.file == str(path) and error.field == "stacking[0].program"
        assert error.line == _line_of(path, "program: shenzhen.test-voucher", after="stacking:")


def test_a_stacking_relation_with_another_program_is_kept(tmp_path: Path) -> None:
    relation = {"program": "shenzhen.other", "relation": "stackable", **_cite("可叠加")}
    path = write_rule(tmp_path, rule(stacking=[relation]))
    assert load_program(path).stacking[0].program == "shenzhen.other"


def _profile_file(tmp_path: Path) -> str:
    path = tmp_path / "p.yaml"
    data = profile({"item": "compute", "amount": "100万", "signed": "2025-03-01"})
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("kind", ["overlap", "self"])
def test_the_command_line_refuses_them_in_one_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "rules"
    if kind == "overlap":
        _, bad = _two_versions(directory, None)
        code = "rules.versions_overlap"
    else:
        bad = _stacks_with_itself(directory)
        code = "rules.self_stacking"
    prof = _profile_file(tmp_path)
    status = main(["--rules", str(directory), "estimate", prof])
    out, err = capsys.readouterr()
    assert status == 2 and not out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {bad}:")
    status = main(["--rules", str(directory), "estimate", prof, "--format", "json"])
    _, err = capsys.readouterr()
    assert status == 2 and json.loads(err)["error"]["code"] == code
    # `check` reports every invalid file, one line each, and fails (status 1, as for any
    # invalid rule file)
    status = main(["check", str(directory)])
    out, err = capsys.readouterr()
    problems = [line for line in out.splitlines() if line.startswith("error:")]
    assert status == 1 and "Traceback" not in out + err
    assert len(problems) == 1 and problems[0].startswith(f"error: {bad}:")


# -- batch and scalar paths agree on purchases signed on a boundary ---------------------------

np = pytest.importorskip("numpy")


def _table(prof: Profile) -> dict[str, Any]:
    """One applicant's purchases as a batch table."""
    app = prof.applicant
    n = len(prof.purchases)

    def column(values: list[Any]) -> Any:
        plain = [getattr(v, "value", v) for v in values]
        return np.array(plain, dtype=object)

    table: dict[str, Any] = {"applicant": np.zeros(n, dtype=np.int64)}
    for name in ("kind", "city", "sector", "sme", "startup", "opc", "good_standing"):
        table[f"applicant.{name}"] = column([getattr(app, name)] * n)
    for name, held in app.qualifications.items():
        table[f"applicant.qualifications.{name}"] = column([held] * n)
    ps = prof.purchases
    table["purchase.amount_fen"] = np.array([int(p.amount * 100) for p in ps], dtype=np.int64)
    table["purchase.signed"] = np.array([p.signed for p in ps], dtype="datetime64[D]")
    table["purchase.settled_fen"] = column(
        [None if p.settled is None else int(p.settled * 100) for p in ps]
    )
    for name in ("item", "use", "start", "end", "chip_origin", "provider_city"):
        table[f"purchase.{name}"] = column([getattr(p, name) for p in ps])
    for name in ("via_platform", "related_party", "other_subsidy"):
        table[f"purchase.{name}"] = column([getattr(p, name) for p in ps])
    return table


def _moved(prof: Profile, day: dt.date) -> Profile:
    """The profile with every purchase signed on ``day`` (its service period dropped)."""
    purchases = [
        p.model_copy(update={"signed": day, "start": None, "end": None}) for p in prof.purchases
    ]
    return prof.model_copy(update={"purchases": purchases})


def _agree(rules: RuleSet, program: str, prof: Profile, as_of: dt.date) -> tuple[int, int]:
    """The scalar estimate and the batch evaluation of one program agree, and the awards
    that count each purchase are those of the version the index chooses for it."""
    est = aivoucher.estimate(prof, programs=[program], as_of=as_of, rules=rules)
    awards = [a for a in est.awards if a.program.id == program and not a.renewal]
    current = rules.choose(program, as_of).current
    if current is not None and current.program.rate.unpublished is not None:
        # a version in force that publishes no rate has no amount for a table's rows: batch
        # evaluation refuses the program (Xiamen's 2026 R&D measure), while the estimate keeps
        # each earlier purchase with the version of its signing day
        assert all(not a.high for a in awards if a.program is current.program)
        with pytest.raises(InputError):
            batch.evaluate(program, _table(prof), as_of=as_of, rules=rules)
        return 0, 0
    low = sum(int((a.low or Decimal(0)) * 100) for a in awards)
    high = sum(int((a.high or Decimal(0)) * 100) for a in awards)
    result = batch.evaluate(program, _table(prof), as_of=as_of, rules=rules)
    assert (int(result.low_fen[0]), int(result.high_fen[0])) == (low, high)
    choice = rules.choose(program, as_of)
    for award in awards:
        for i in award.purchases:
            judge = choice.judge(prof.purchases[i])
            assert judge is not None and judge.program.key == award.program.key
    return low, high


def _pairs(rules: RuleSet) -> list[tuple[str, Entry, Entry]]:
    """Each pair of consecutive published versions of a program."""
    out = []
    for pid in rules.index.ids:
        published = [e for e in rules.versions(pid) if e.program.status != "draft"]
        out += [(pid, a, b) for a, b in pairwise(published)]
    return out


@pytest.mark.parametrize(
    "pid,earlier,later",
    _pairs(RULES),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_batch_and_scalar_agree_on_boundaries_of_bundled_versions(
    pid: str, earlier: Entry, later: Entry
) -> None:
    start = later.program.effective.from_
    days = [start - dt.timedelta(days=2), start - dt.timedelta(days=1), start]
    days.append(start + dt.timedelta(days=1))
    for entry in (earlier, later):
        for example in entry.program.examples:
            prof = parse_profile(example.profile)
            if not prof.purchases:
                continue
            for day in days:
                for as_of in (day, start + dt.timedelta(days=400)):
                    _agree(RULES, pid, _moved(prof, day), as_of)


@pytest.fixture(scope="module")
def adjacent(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    directory = tmp_path_factory.mktemp("rules")
    _two_versions(directory, "2024-12-31")
    return load_rules(directory)


@settings(max_examples=60)
@given(
    offset=st.integers(-3, 3),
    amount=st.integers(1, 5_000_000),
    as_of=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
)
def test_batch_and_scalar_agree_on_either_side_of_a_boundary(
    adjacent: RuleSet, offset: int, amount: int, as_of: dt.date
) -> None:
    day = dt.date(2025, 1, 1) + dt.timedelta(days=offset)
    prof = parse_profile(
        profile({"item": "compute", "amount": str(amount), "signed": day.isoformat()})
    )
    low, high = _agree(adjacent, "shenzhen.test-voucher", prof, as_of)
    # the old version pays 20%, the new one 50% (each capped at 100万): never both
    if as_of >= day:
        rate = Decimal("0.2") if offset < 0 else Decimal("0.5")
        expected = int(min(amount * rate, Decimal(1_000_000)) * 100)
        assert low == high == expected
