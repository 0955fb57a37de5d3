"""An enumerated profile value may be given by its id or by its words in Chinese or English
(国产 for domestic, 训练 for training), through one reader for profiles and batch tables."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aivoucher
from aivoucher.errors import ProfileError
from aivoucher.vocabulary.facts import VALUE_WORDS, ApplicantKind, ChipOrigin, Item, Sector, Use
from aivoucher.vocabulary.profile import read_values

FIELDS: dict[str, Any] = {
    "applicant.kind": ApplicantKind,
    "applicant.sector": Sector,
    "purchase.item": Item,
    "purchase.use": Use,
    "purchase.chip_origin": ChipOrigin,
}
CASES = [
    (field, value, word)
    for field, kind in FIELDS.items()
    for value in get_args(kind)
    for word in (value, *VALUE_WORDS[value])
]


@pytest.mark.parametrize(("field", "value", "word"), CASES)
def test_each_value_is_read_from_its_words(field: str, value: str, word: str) -> None:
    read, refused = read_values(field, [word])
    assert (read, refused) == ([value], {})


def _profile(**purchase: Any) -> dict[str, Any]:
    base = {"item": "compute", "use": "training", "amount": "800万", "signed": "2025-03-01"}
    return {
        "applicant": {"kind": "enterprise", "city": "shenzhen", "startup": True},
        "purchases": [{**base, **purchase}],
    }


@given(
    item=st.sampled_from(get_args(Item)),
    use=st.sampled_from(get_args(Use)),
    origin=st.sampled_from(get_args(ChipOrigin)),
    language=st.sampled_from([0, 1]),
)
def test_words_and_ids_give_the_same_estimate(
    item: str, use: str, origin: str, language: int
) -> None:
    by_id = aivoucher.estimate(_profile(item=item, use=use, chip_origin=origin), as_of="2025-06-30")
    words = {
        k: VALUE_WORDS[v][language]
        for k, v in (("item", item), ("use", use), ("chip_origin", origin))
    }
    by_word = aivoucher.estimate(_profile(**words), as_of="2025-06-30")
    assert by_word == by_id


def test_words_people_write_that_views_do_not_print() -> None:
    assert read_values("purchase.chip_origin", ["进口"]) == (["foreign"], {})


def test_a_word_no_value_has_is_refused_naming_the_field() -> None:
    with pytest.raises(ProfileError) as caught:
        aivoucher.parse_profile(_profile(chip_origin="进口芯片"))
    assert (caught.value.code, caught.value.field) == (
        "profile.invalid",
        "purchases[0].chip_origin",
    )


def test_batch_tables_read_the_same_words() -> None:
    np = pytest.importorskip("numpy")
    from aivoucher import batch

    table = {
        "applicant": np.array([1, 2], dtype=np.int64),
        "applicant.kind": np.array(["企业", "enterprise"]),
        "applicant.city": np.array(["深圳", "shenzhen"]),
        "applicant.startup": np.array([True, True]),
        "purchase.item": np.array(["算力", "compute"]),
        "purchase.use": np.array(["训练", "training"]),
        "purchase.amount_fen": np.array([800_0000_00, 800_0000_00], dtype=np.int64),
        "purchase.signed": np.array(["2025-03-01", "2025-03-01"], dtype="datetime64[D]"),
    }
    result = batch.evaluate("shenzhen.training-compute", table, as_of="2025-06-30")
    assert result.high_fen.tolist() == [480_0000_00, 480_0000_00]
