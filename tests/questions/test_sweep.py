"""Spend curves: known bends of real programs, exactness properties, input errors."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import profile, rule, write_rule
from hypothesis import event, given
from hypothesis import strategies as st

import aivoucher
from aivoucher import InputError, UnknownCityError
from aivoucher.questions.bends import _exact, support_start
from aivoucher.questions.curves import Sweep, _single, registered_in, sweep
from aivoucher.ruleset.registry import RuleSet, bundled_rules, load_rules
from aivoucher.vocabulary.details import CapDetail, MinimumDetail, PoolDetail
from aivoucher.vocabulary.profile import Profile, parse_profile
from aivoucher.vocabulary.result import Award, StepKind

CHENGDU = {
    "applicant": {"kind": "enterprise", "city": "chengdu"},
    "purchases": [
        {
            "item": "compute",
            "use": "training",
            "amount": "100万",
            "signed": "2025-09-15",
            "chip_origin": "domestic",
        }
    ],
}


def test_chengdu_stops_growing_where_the_yearly_cap_binds() -> None:
    s = aivoucher.sweep(CHENGDU, ["0", "500万", "1000万", "2000万"], as_of="2025-12-31")
    bends = [b for b in s.bends if b.program == "chengdu.compute-voucher"]
    high, low = bends
    # 500万 ÷ 60% = 833.33…万: the smallest spend in fen at which the award is 500万.
    assert high.ends == ("high",) and high.at == Decimal("8333333.34")
    assert high.exact == Fraction(25_000_000, 3)
    assert (high.kind, high.per, high.limit, high.binds) == (
        "cap",
        "applicant_year",
        500_0000,
        True,
    )
    assert (high.slope_before, high.slope_after) == (Fraction(3, 5), 0)
    assert high.cites and "500萬" in high.cites[0][1]
    # 500万 ÷ 50% is a whole fen: the bend is at 1000万 itself, where both lines meet.
    assert low.ends == ("low",) and low.at == Decimal("10000000.00") and low.exact == 10**7
    assert s.at("1000万").awards["chengdu.compute-voucher"] == (Decimal(500_0000), 500_0000)
    assert s.curve("chengdu.compute-voucher")[1] == (Decimal(500_0000), 250_0000, 300_0000)
    text = s.describe("en")[0]
    assert "stops growing at CN¥8,333,333.34 (833.333334万)" in text
    assert "833.333334万" in s.describe("zh")[0] and "不再增长" in s.describe("zh")[0]
    assert "833.333334万" in repr(s)


def test_a_bend_at_a_fen_the_engine_confirms() -> None:
    s = sweep(CHENGDU, ["0", "2000万"], as_of="2025-12-31")
    evaluate = _single(
        bundled_rules(),
        parse_profile(CHENGDU),
        0,
        s.programs["chengdu.compute-voucher"],
        s.as_of,
        (),
    )
    # Just below: still growing; from `at` on: the cap.
    assert evaluate(Decimal("8333333.33")).high == Decimal("5000000.00")  # rounds to the cap
    assert _exact(evaluate(Decimal("8333333.33")), 1) < 5_000_000
    assert _exact(evaluate(Decimal("8333333.34")), 1) == 5_000_000


def test_threshold_jump_and_minimum() -> None:
    hangzhou = {
        "applicant": {"kind": "enterprise", "city": "hangzhou", "sme": True},
        "purchases": [
            {"item": "compute", "amount": "10万", "signed": "2025-09-15", "chip_origin": "domestic"}
        ],
    }
    s = sweep(hangzhou, ["0", "100万"], as_of="2025-12-31")
    (jump,) = [b for b in s.bends if b.kind == "tier"]
    assert jump.at == Decimal("500000.01") and jump.exact is None and jump.jump
    assert (jump.before, jump.after) == (Decimal("250000.00"), Decimal("150000.00"))
    qingyang = {
        "applicant": {"kind": "enterprise", "city": "wuhan"},
        "purchases": [
            {"item": "compute", "amount": "1万", "signed": "2025-03-01", "provider_city": "庆阳"}
        ],
    }
    s = sweep(qingyang, ["0", "10万"], as_of="2025-06-30")
    (minimum,) = [b for b in s.bends if b.program == "qingyang.compute-voucher"]
    # 30% reaches the 5000元 minimum at 16,666.67元 (5000.001 before rounding).
    assert (minimum.kind, minimum.binds, minimum.at) == ("minimum", False, Decimal("16666.67"))
    assert (minimum.before, minimum.after) == (0, Decimal("5000.00"))
    assert "minimum award of CN¥5K is reached" in s.describe("en")[0]


def test_places_and_totals() -> None:
    s = sweep(CHENGDU, ["100万", "2000万"], places=["深圳", "chengdu"], as_of="2025-12-31")
    assert s.places == ("shenzhen", "chengdu")
    assert [p.place for p in s.points] == ["shenzhen", "shenzhen", "chengdu", "chengdu"]
    for point in s.points:
        moved = registered_in(parse_profile(CHENGDU), point.place)
        purchase = moved.purchases[0].model_copy(update={"amount": point.amount})
        est = aivoucher.estimate(
            moved.model_copy(update={"purchases": (purchase,)}), as_of="2025-12-31"
        )
        assert point.total == (est.total_low, est.total_high)
    assert {b.place for b in s.bends} == {"shenzhen", "chengdu"}
    assert s.describe("en")[0].startswith("registered in Shenzhen: ")
    assert s.at("2000万", place="成都").total[1] == 500_0000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amounts": []}, "amounts"),
        ({"amounts": ["12 bananas"]}, None),
        ({"amounts": ["1万"], "purchase": 3}, "purchase"),
        ({"amounts": ["1万"], "purchase": True}, "purchase"),
        ({"amounts": ["1万"], "places": []}, "places"),
    ],
)
def test_bad_input_is_a_typed_error(kwargs: dict[str, Any], field: str | None) -> None:
    with pytest.raises(InputError) as info:
        sweep(CHENGDU, **kwargs)
    if field:
        assert info.value.field == field


def test_unknown_place_and_lookups() -> None:
    with pytest.raises(UnknownCityError):
        sweep(CHENGDU, ["1万"], places=["atlantis"])
    s = sweep(CHENGDU, ["1万"], as_of="2025-12-31")
    with pytest.raises(InputError):
        s.at("2万")
    with pytest.raises(InputError):
        s.curve("nowhere.voucher")
    with pytest.raises(InputError):
        s.at("1万", place="shenzhen")


# -- properties ------------------------------------------------------------------------------


def _binding(award: Award, end: int) -> tuple[Any, ...]:
    """The engine's own flags at one end: which limits bind, which tiers were chosen."""
    flags: list[Any] = [award.eligible]
    years: dict[str | None, Any] = {}
    for step in award.steps:
        if step.kind in (StepKind.YEAR, StepKind.CAP, StepKind.POOL):
            years[step.subject] = step.after
        if isinstance(step.detail, (CapDetail, PoolDetail, MinimumDetail)):
            assert step.before is not None and step.after is not None
            flags.append((step.kind, step.subject, step.before[end] != step.after[end]))
        elif step.kind is StepKind.RATE:
            flags.append((step.kind, step.subject, repr(step.detail), step.rate))
        elif step.kind is StepKind.THRESHOLD:  # whether the year's spend reaches it
            flags.append((step.kind, step.subject, step.detail.met))
        elif step.kind is StepKind.SUPPORT_YEARS:
            # which years the support period keeps, and where it starts at this end
            kept = step.detail.years
            start = support_start(kept, step.detail.count, years, end)
            flags.append((step.kind, frozenset(kept), start))
    return tuple(flags)


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def check_sweep(rules: RuleSet, prof: Profile, s: Sweep, data: st.DataObject) -> None:
    """Every curve is linear between consecutive bends, exactly; a bend is where the engine's
    binding flags (or tiers) change; a monotone plan gives a monotone curve."""
    plans = {e.program.key: e.plan for e in rules}
    event(f"bends: {min(len(s.bends), 3)}+" if s.bends else "no bend")
    lo, hi = _fen(s.amounts[0]), _fen(s.amounts[-1])
    for key, program in s.programs.items():
        plan = plans[key]
        if program.rate.unpublished or program.rate.lump_sum:
            continue
        # Rounding at every step (Nanning) makes a staircase: linear up to a few quanta.
        slack = Fraction(plan.rounding.quantum) * 4 if plan.rounding.each_step else 0
        evaluate = _single(rules, prof, s.purchase, program, s.as_of, ())

        def g(fen: int, end: int, evaluate: Any = evaluate) -> Fraction:
            return _exact(evaluate(Decimal(fen).scaleb(-2)), end)

        for end, name in enumerate(("low", "high")):
            bends = [b for b in s.bends if b.program == key and name in b.ends]
            edges = [lo, *(_fen(b.at) for b in bends), hi + 1]
            assert edges == sorted(edges)
            seen: list[tuple[int, Fraction]] = []
            for a, b in itertools.pairwise(edges):
                last = b - 1
                if last - a < 2:
                    continue
                x = data.draw(st.integers(a + 1, last - 1))
                ya, yx, yl = g(a, end), g(x, end), g(last, end)
                line = ya + (yl - ya) * (x - a) / (last - a)
                assert abs(yx - line) <= slack, (key, name, a, x, last)
                seen += [(a, ya), (x, yx), (last, yl)]
            for bend in bends:
                at = _fen(bend.at)
                down = evaluate(Decimal(at - 1).scaleb(-2))
                up = evaluate(Decimal(at + 1).scaleb(-2))
                assert _binding(down, end) != _binding(up, end), (key, name, bend)
            if plan.monotone and not slack:
                values = [v for _, v in sorted(seen)]
                assert values == sorted(values)


PAYING_CITIES = [
    "beijing",
    "chengdu",
    "dongguan",
    "hangzhou",
    "nanjing",
    "nanning",
    "qingyang",
    "shanghai",
    "shenzhen",
    "suzhou",
    "tianjin",
    "wuhan",
    "zhangzhou",
]
maybe_bool = st.one_of(st.none(), st.booleans())
fen_amounts = st.integers(0, 3 * 10**9).map(lambda f: Decimal(f).scaleb(-2))


@st.composite
def paying_profiles(draw: st.DrawFn) -> Profile:
    """Profiles aimed at programs that pay: enterprises registered where a program is, buying
    compute (mostly) inside the programs' windows."""
    applicant = {
        "kind": "enterprise",
        "city": draw(st.sampled_from(PAYING_CITIES)),
        "sme": draw(maybe_bool),
        "startup": draw(maybe_bool),
        "opc": draw(maybe_bool),
    }
    items = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "item": st.sampled_from(["compute", "compute", "model", "corpus"]),
                    "amount": fen_amounts,
                    "signed": st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)),
                },
                optional={
                    "use": st.sampled_from(["training", "inference"]),
                    "chip_origin": st.sampled_from(["domestic", "foreign"]),
                    "provider_city": st.sampled_from(PAYING_CITIES),
                },
            ),
            min_size=1,
            max_size=3,
        )
    )
    return Profile.model_validate(
        {"applicant": {k: v for k, v in applicant.items() if v is not None}, "purchases": items}
    )


@given(prof=paying_profiles(), data=st.data())
def test_bundled_curves_are_exact(prof: Profile, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(prof.purchases) - 1))
    # Spend ranges of every magnitude (integers alone would favour tiny ones).
    top = data.draw(st.sampled_from([10**6, 10**8, 10**9, 10**10, 5 * 10**10]))
    top += data.draw(st.integers(0, 10**6))
    start = data.draw(st.sampled_from([0, 0, top // 3]))
    amounts = [Decimal(start).scaleb(-2), Decimal(top).scaleb(-2)]
    s = sweep(prof, amounts, purchase=index, as_of="2026-06-30")
    check_sweep(bundled_rules(), prof, s, data)


def _synthetic(directory: Path) -> RuleSet:
    cited = {"source": "text", "quote": "按不超过合同金额的50%给予最高100万元资助"}
    write_rule(
        directory,
        rule(
            rate={
                "tiers": [
                    {
                        "when": [{"fact": "purchase.use", "in": ["training"]}],
                        "rate": ["40%", "60%"],
                        "cap": "30万",
                        **cited,
                    },
                    {"rate": "25%", **cited},
                ]
            },
            caps=[
                {"per": "purchase", "amount": "50万", **cited},
                {"per": "applicant_year", "amount": ["60万", "100万"], **cited},
                {"per": "applicant_total", "amount": "150万", **cited},
            ],
            minimum={"amount": "2万", **cited},
            pool={"amount": "120万", "period": "year", **cited},
        ),
    )
    years = rule(
        id="shenzhen.years-voucher",
        name={"zh": "年限券", "en": "Years voucher"},
        support_years={"count": 2, **cited},
    )
    # A purchase not known to be bought via the platform may or may not count: uncertain years.
    years["eligibility"].append({"fact": "purchase.via_platform", "is": True, **cited})
    write_rule(directory, years)
    return load_rules(directory)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return _synthetic(tmp_path_factory.mktemp("rules"))


@given(data=st.data())
def test_synthetic_curves_are_exact(synthetic: RuleSet, data: Any) -> None:
    rules = synthetic
    items = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "item": st.just("compute"),
                    "amount": st.integers(0, 2 * 10**8).map(lambda f: Decimal(f).scaleb(-2)),
                    "signed": st.sampled_from(
                        ["2025-03-01", "2025-09-01", "2026-02-01", "2027-05-01"]
                    ),
                    "use": st.sampled_from(["training", "inference"]),
                },
                optional={"via_platform": st.booleans()},
            ),
            min_size=1,
            max_size=4,
        )
    )
    prof = parse_profile(profile(*items))
    index = data.draw(st.integers(0, len(items) - 1))
    top = data.draw(st.sampled_from([10**6, 10**7, 10**8, 5 * 10**8]))
    top += data.draw(st.integers(0, 10**6))
    s = sweep(prof, [0, Decimal(top).scaleb(-2)], purchase=index, as_of="2027-06-30", rules=rules)
    check_sweep(rules, prof, s, data)


def test_synthetic_bends_are_the_expected_ones(synthetic: RuleSet) -> None:
    rules = synthetic
    prof = profile({"item": "compute", "amount": "1万", "signed": "2025-03-01", "use": "training"})
    s = sweep(prof, [0, "200万"], as_of="2025-06-30", rules=rules, places=["shenzhen"])
    found = [(b.ends, b.at, b.kind, b.per) for b in s.bends if b.program == "shenzhen.test-voucher"]
    assert found == [
        # 40%–60% of the spend reaches the 2万 minimum at 5万 (high) and 3.33万 (low, 40%).
        (("high",), Decimal("33333.34"), "minimum", None),
        (("low",), Decimal("50000.00"), "minimum", None),
        # the tier's 30万 cap: at 50万 (60%) and 75万 (40%)
        (("high",), Decimal("500000.00"), "cap", "tier"),
        (("low",), Decimal("750000.00"), "cap", "tier"),
    ]


def test_html_table_and_repr() -> None:
    s = sweep(CHENGDU, ["0", "1000万"], places=["chengdu", "shenzhen"], as_of="2025-12-31")
    html = s._repr_html_()
    assert html.count("<tr>") == 1 + len(s.points)
    assert "Chengdu Compute voucher" in html and "<li>registered in Chengdu: " in html
    from aivoucher.render.html import render_sweep_html

    zh = render_sweep_html(s, "zh")
    assert "成都市算力券" in zh and "采购额" in zh and "不再增长" in zh
    head = repr(s).splitlines()[0]
    assert head.startswith("<Sweep purchase #1: CN¥0.00 – CN¥10,000,000.00 (2 amounts)")
    assert len(repr(s).splitlines()) == 1 + len(s.bends)


def test_rounding_at_every_step_reports_where_the_engine_binds() -> None:
    nanning = {
        "applicant": {"kind": "enterprise", "city": "nanning"},
        "purchases": [
            {"item": "compute", "amount": "100万", "signed": "2025-02-01",
             "start": "2025-02-01", "end": "2026-01-31"},
            {"item": "compute", "amount": "100万", "signed": "2025-06-01",
             "start": "2025-06-01", "end": "2025-08-31"},
        ],
    }  # fmt: skip
    s = sweep(nanning, ["0", "1亿"], as_of="2025-12-31")
    (bend,) = [b for b in s.bends if b.program == "nanning.compute-voucher"]
    assert bend.kind == "cap" and bend.per == "applicant_total" and not bend.jump
    assert bend.exact is None  # a staircase (truncation to the yuan) has no exact kink
    evaluate = _single(bundled_rules(), parse_profile(nanning), 0, s.programs[bend.program],
                       s.as_of, ())  # fmt: skip

    def binds(amount: Decimal) -> bool:
        cap = next(x for x in evaluate(amount).steps if x.kind is StepKind.CAP)
        assert cap.before is not None and cap.after is not None
        return cap.before[1] != cap.after[1]

    assert binds(bend.at) and not binds(bend.at - Decimal("0.01"))
    assert "stops growing" in s.describe("en")[0]


def test_assumptions_settled_amounts_and_limits() -> None:
    shanghai = {
        "applicant": {"kind": "enterprise", "city": "shanghai"},
        "purchases": [{"item": "compute", "use": "training", "amount": "100万",
                       "settled": "50万", "signed": "2025-09-15"}],
    }  # fmt: skip
    plain = sweep(shanghai, ["100万"], as_of="2025-12-31")
    assumed = sweep(shanghai, ["100万"], as_of="2025-12-31", assume=["shanghai-early-small"])
    key = "shanghai.compute-voucher"
    expected = {
        switched: aivoucher.estimate(
            {**shanghai, "purchases": [{**shanghai["purchases"][0], "settled": "100万"}]},
            as_of="2025-12-31",
            assume=switched,
        ).award(key)
        for switched in ((), ("shanghai-early-small",))
    }
    # The settled amount follows the swept amount: 100万 settled in full.
    assert plain.at("100万").awards[key] == (expected[()].low, expected[()].high)
    on = expected[("shanghai-early-small",)]
    assert assumed.at("100万").awards[key] == (on.low, on.high)
    assert assumed.at("100万").awards[key] != plain.at("100万").awards[key]
    with pytest.raises(InputError, match="at most"):
        sweep(CHENGDU, range(3000))
    with pytest.raises(InputError):
        sweep(CHENGDU, ["1万"], assume=["no-such-reading"])


def test_a_plan_for_a_later_year_can_assume_renewal() -> None:
    # Shenzhen's 训力券 ends on 2026-12-17: a 2027 contract pays only if it is renewed
    plan = {
        "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
        "purchases": [
            {"item": "compute", "use": "training", "amount": "800万", "signed": "2027-03-01"}
        ],
    }
    amounts = ["400万", "800万", "2000万"]
    key = "shenzhen.training-compute"
    known = sweep(plan, amounts, as_of="2026-12-07")
    renewed = sweep(plan, amounts, as_of="2026-12-07", assume_renewal=True)
    assert [p.total for p in known.points] == [(0, 0)] * 3
    highs = [p.awards[key][1] for p in renewed.points]
    wan = Decimal(10_000)
    assert highs == [240 * wan, 480 * wan, 1000 * wan]  # 60% for a start-up, capped at 1000万
    assert [p.total[1] for p in renewed.points] >= highs
    cap = [b for b in renewed.bends if b.program == key]
    assert cap and cap[0].at == Decimal("16666666.67")  # where 60% reaches 1000万


def test_fujian_threshold_is_a_bend_of_the_spend_curve() -> None:
    profile = {"applicant": {"kind": "enterprise", "city": "fuzhou"}, "purchases": [
        {"item": "compute", "amount": "1万", "signed": "2025-03-01"}
    ]}  # fmt: skip
    s = aivoucher.sweep(profile, ["0", "200万"], as_of="2025-12-31")
    bends = [b for b in s.bends if b.program == "fujian.compute-purchase"]
    # nothing below 30万; at 30万 the year pays 50% = 15万 at once; 50万 caps it at 100万
    threshold = next(b for b in bends if b.kind == "threshold")
    assert threshold.at == 300_000 and threshold.jump and threshold.after == 150_000
    cap = next(b for b in bends if b.kind == "cap")
    assert cap.at == 1_000_000
