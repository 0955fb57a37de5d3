"""direct_constructor: the same record as the dataclass's constructor makes, or that
constructor itself wherever it might do more than store its arguments."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aivoucher.base.records import direct_constructor


@dataclass(frozen=True, slots=True)
class Plain:
    a: Any
    b: Any = None
    c: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Checked:
    a: Any
    b: Any = None
    c: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.a is None:
            raise ValueError("a is required")


@dataclass(frozen=True, slots=True)
class Kept:
    a: Any
    b: Any = None
    c: tuple[Any, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", tuple(self.c))


values = st.one_of(st.none(), st.integers(), st.booleans(), st.text(), st.tuples(st.integers()))


@given(a=values, b=values, c=st.tuples(values))
def test_a_plain_record_is_made_as_its_constructor_makes_it(a: Any, b: Any, c: Any) -> None:
    make = direct_constructor(Plain, ("a", "b", "c"))
    made = make(a, b, c)
    assert made == Plain(a, b, c)
    assert type(made) is Plain
    assert (made.a, made.b, made.c) == (a, b, c)
    assert all(x is y for x, y in zip((made.a, made.b, made.c), (a, b, c), strict=True))
    with pytest.raises(FrozenInstanceError):
        made.a = 1  # type: ignore[misc]


def test_the_order_given_is_the_order_taken() -> None:
    make = direct_constructor(Plain, ("c", "a", "b"))
    assert make((1,), "x", 2) == Plain("x", 2, (1,))


@pytest.mark.parametrize("cls", [Checked, Kept])
def test_a_constructor_that_does_more_is_called(cls: type[Any]) -> None:
    make = direct_constructor(cls, ("a", "b", "c"))
    assert make(1, 2, [3]) == cls(1, 2, [3])
    if cls is Checked:
        with pytest.raises(ValueError, match="required"):
            make(None, 2, ())
    else:
        assert make(1, 2, [3]).c == (3,)


def test_other_fields_than_the_records_call_the_constructor() -> None:
    assert direct_constructor(Plain, ("a", "b"))(1, 2) == Plain(1, 2)  # c: its default
    with pytest.raises(TypeError):  # the constructor refuses a field it does not have
        direct_constructor(Plain, ("a", "b", "c", "d"))(1, 2, (), 4)
