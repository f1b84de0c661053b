"""The category catalogue as intake uses it: what citizens may report, which
questions each category asks (typed like Open311 attributes), which need a
photo, and which are emergencies that must show 112 (or 110)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Datatype(StrEnum):
    """Open311 GeoReport v2 attribute datatypes."""

    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"

    @property
    def is_list(self) -> bool:
        return self in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    datatype: Datatype
    required: bool
    description: str
    order: int
    values: tuple[Choice, ...] = ()

    def choice_keys(self) -> frozenset[str]:
        return frozenset(choice.key for choice in self.values)


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    group: str
    group_name_id: str
    group_name_en: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    emergency: bool
    call_numbers: tuple[str, ...]
    photo_required: bool
    photo_note: str | None
    default_privacy: str
    questions: tuple[Question, ...]

    @property
    def show_emergency_numbers(self) -> bool:
        """Emergency categories, and those whose catalogue entry lists numbers
        to call (police categories: 110/112), show them before the form."""
        return self.emergency or bool(self.call_numbers)

    def question(self, code: str) -> Question | None:
        for question in self.questions:
            if question.code == code:
                return question
        return None


class Catalogue:
    """All categories, in catalogue order, looked up by code."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self._by_code = {category.code: category for category in categories}

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Category | None:
        return self._by_code.get(code)

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)


def parse_catalogue(document: Mapping[str, Any]) -> Catalogue:
    """Builds the catalogue from ``data/categories.json`` (already parsed)."""
    return Catalogue(_category(entry) for entry in document["categories"])


def _category(entry: Mapping[str, Any]) -> Category:
    call_numbers = tuple(entry.get("call_numbers") or ())
    if entry["emergency"] and "112" not in call_numbers:
        # The catalogue promises that every emergency category shows 112.
        call_numbers = ("112", *call_numbers)
    return Category(
        code=entry["code"],
        group=entry["group"],
        group_name_id=entry["group_name_id"],
        group_name_en=entry["group_name_en"],
        name_id=entry["name_id"],
        name_en=entry["name_en"],
        description_id=entry["description_id"],
        description_en=entry["description_en"],
        emergency=bool(entry["emergency"]),
        call_numbers=call_numbers,
        photo_required=bool(entry["photo_required"]),
        photo_note=entry.get("photo_note"),
        default_privacy=entry.get("default_privacy") or "public",
        questions=_questions(entry.get("questions") or ()),
    )


def _questions(entries: Sequence[Mapping[str, Any]]) -> tuple[Question, ...]:
    return tuple(
        Question(
            code=q["code"],
            datatype=Datatype(q["datatype"]),
            required=bool(q["required"]),
            description=q["description"],
            order=index,
            values=tuple(Choice(key=str(v["key"]), name=v["name"]) for v in q.get("values", ())),
        )
        for index, q in enumerate(entries, start=1)
    )
