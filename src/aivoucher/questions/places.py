"""Places an applicant can register in, as far as the rule files are concerned.

A comparison asks "where should we register to buy this?": one place per city that has a
program of its own or lies in a province that has one. A province's cities without programs of
their own all get the same programs, so they share one place, named for the province and
represented by one of its cities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..base import jurisdictions
from ..errors import InputError, UnknownCityError
from ..vocabulary.profile import Profile, parse_profile

__all__ = ["Place", "place_of", "places_with_programs", "register"]


@dataclass(frozen=True, slots=True)
class Place(jurisdictions.Named):
    """A row of a comparison: a city, or a province's cities without programs of their own.

    ``city`` is the city the applicant is registered in for the estimate (for a province row,
    a representative city of the province).
    """

    id: str
    zh: str
    en: str
    province: str
    city: str
    whole_province: bool = False


def _city_place(city_id: str) -> Place:
    city = jurisdictions.CITIES[city_id]
    return Place(city.id, city.zh, city.en, city.province, city.id)


def _province_place(province_id: str, representative: str) -> Place:
    province = jurisdictions.PROVINCES[province_id]
    return Place(
        province.id, province.zh, province.en, province.id, representative, whole_province=True
    )


def places_with_programs(jurisdiction_ids: Iterable[str]) -> list[Place]:
    """The places that programs of these jurisdictions cover, in id order."""
    cities: set[str] = set()
    provinces: set[str] = set()
    for jid in jurisdiction_ids:
        if jid in jurisdictions.DISTRICTS:  # a district's programs are its city's row's too
            jid = jurisdictions.city_of(jid)
        if jid in jurisdictions.CITIES:
            cities.add(jid)
        elif jid in jurisdictions.PROVINCES:
            provinces.add(jid)
    places = {c: _city_place(c) for c in cities}
    for pid in sorted(provinces):
        own = sorted(
            c.id for c in jurisdictions.CITIES.values() if c.province == pid and c.id not in cities
        )
        if own and pid not in places:
            places[pid] = _province_place(pid, own[0])
    return [places[k] for k in sorted(places)]


def place_of(name: str, known: Iterable[Place]) -> Place:
    """The place a user names (a city or a province, pinyin or Chinese), among ``known`` where
    it is one of them, otherwise as a city of its own."""
    table = {p.id: p for p in known}
    try:
        city = jurisdictions.city(name)
    except UnknownCityError:
        city = None
    if city is not None:
        if city in table:
            return table[city]
        province = jurisdictions.province_of(city)
        found = table.get(province)
        if found is not None and found.whole_province:
            return Place(city, *_names(city), province, city)
        return _city_place(city)
    try:
        province = jurisdictions.province(name)
    except UnknownCityError:
        raise UnknownCityError(
            f"unknown place {name!r}: name a city or a province (pinyin or Chinese)",
            field="places",
        ) from None
    if province in table:
        return table[province]
    cities = sorted(c.id for c in jurisdictions.CITIES.values() if c.province == province)
    if not cities:
        raise InputError(f"no city of {name!r} is known", field="places")
    return _province_place(province, cities[0])


def _names(city_id: str) -> tuple[str, str]:
    city = jurisdictions.CITIES[city_id]
    return city.zh, city.en


def register(plan: Profile | Mapping[str, Any], city: str) -> Profile:
    """The plan with its applicant registered in ``city`` (the plan's own city, if any, is
    replaced: a comparison asks where to register)."""
    if isinstance(plan, Profile):
        # a district belongs to the city it was declared in: registering elsewhere drops it;
        # the city is read as a profile reads it (深圳, Shenzhen), since no validation runs here
        applicant = plan.applicant.model_copy(
            update={"city": jurisdictions.city(city), "district": None}
        )
        return plan.model_copy(update={"applicant": applicant})
    if not isinstance(plan, Mapping):
        raise TypeError("a plan is a Profile or a mapping in the profile contract")
    given = plan.get("applicant")
    data = dict(plan)
    fields = {
        k: v for k, v in (given.items() if isinstance(given, Mapping) else ()) if k != "district"
    }
    data["applicant"] = {**fields, "city": city}
    return parse_profile(data)
