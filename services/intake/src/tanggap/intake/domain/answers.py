"""Answers to a category's questions, checked against their Open311 datatype.

Native clients send JSON (numbers as numbers, lists as lists); Open311 clients
send form fields, where everything is text and a multivaluelist repeats its
key. Both end up as the contract's ``str | list[str] | float``."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime

from tanggap.intake.domain.catalogue import Category, Datatype, Question
from tanggap.intake.domain.errors import FieldProblem

Answer = str | list[str] | float
PathOf = Callable[[str], str]

MAX_STRING = 500
MAX_TEXT = 2000


def native_path(code: str) -> str:
    return f"answers.{code}"


def open311_path(code: str) -> str:
    return f"attribute[{code}]"


def check_answers(
    category: Category, answers: Mapping[str, object], path_of: PathOf = native_path
) -> tuple[dict[str, Answer], list[FieldProblem]]:
    """The answers normalised, and every problem found (all at once, so a
    client can fix its form in one round)."""
    problems: list[FieldProblem] = []
    checked: dict[str, Answer] = {}
    for code, raw in answers.items():
        question = category.question(code)
        if question is None:
            problems.append(
                FieldProblem(
                    path_of(code),
                    "unknown_question",
                    f"kategori {category.code} tidak menanyakan {code!r}",
                )
            )
            continue
        value, problem = _check(question, raw, path_of(code))
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            checked[code] = value
    for question in category.questions:
        if question.required and question.code not in checked and question.code not in answers:
            problems.append(
                FieldProblem(
                    path_of(question.code), "required", f"wajib dijawab: {question.description}"
                )
            )
    return checked, problems


def _check(question: Question, raw: object, path: str) -> tuple[Answer | None, FieldProblem | None]:
    if _is_blank(raw):
        if question.required:
            return None, FieldProblem(path, "required", f"wajib dijawab: {question.description}")
        return None, None
    checker = _CHECKERS[question.datatype]
    return checker(question, raw, path)


def _is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list):
        return all(_is_blank(item) for item in raw)
    return False


def _single_text(
    limit: int, one_line: bool
) -> Callable[..., tuple[Answer | None, FieldProblem | None]]:
    def check(
        question: Question, raw: object, path: str
    ) -> tuple[Answer | None, FieldProblem | None]:
        if not isinstance(raw, str):
            return None, FieldProblem(path, "invalid_type", "harus berupa teks")
        text = raw.strip()
        if len(text) > limit:
            return None, FieldProblem(path, "too_long", f"paling banyak {limit} karakter")
        if one_line and ("\n" in text or "\r" in text):
            return None, FieldProblem(path, "invalid_format", "harus satu baris")
        return text, None

    return check


def _number(
    question: Question, raw: object, path: str
) -> tuple[Answer | None, FieldProblem | None]:
    if isinstance(raw, bool):
        return None, FieldProblem(path, "not_a_number", "harus berupa angka")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            return None, FieldProblem(path, "not_a_number", "harus berupa angka")
    else:
        return None, FieldProblem(path, "not_a_number", "harus berupa angka")
    if not math.isfinite(value):
        return None, FieldProblem(path, "not_a_number", "harus berupa angka terhingga")
    return value, None


def _datetime(
    question: Question, raw: object, path: str
) -> tuple[Answer | None, FieldProblem | None]:
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed.isoformat(), None
    return None, FieldProblem(
        path, "not_a_datetime", "harus tanggal-waktu ISO 8601 dengan zona waktu"
    )


def _single_choice(
    question: Question, raw: object, path: str
) -> tuple[Answer | None, FieldProblem | None]:
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str):
        return None, FieldProblem(path, "invalid_type", "pilih satu nilai")
    key = raw.strip()
    if key not in question.choice_keys():
        return None, _invalid_choice(question, path)
    return key, None


def _multi_choice(
    question: Question, raw: object, path: str
) -> tuple[Answer | None, FieldProblem | None]:
    items = raw if isinstance(raw, list) else [raw]
    keys: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return None, FieldProblem(path, "invalid_type", "daftar nilai berupa teks")
        key = item.strip()
        if not key:
            continue
        if key not in question.choice_keys():
            return None, _invalid_choice(question, path)
        if key not in keys:
            keys.append(key)
    return keys, None


def _invalid_choice(question: Question, path: str) -> FieldProblem:
    valid = ", ".join(sorted(question.choice_keys()))
    return FieldProblem(path, "invalid_choice", f"bukan pilihan yang sah; pilihan: {valid}")


_CHECKERS = {
    Datatype.STRING: _single_text(MAX_STRING, one_line=True),
    Datatype.TEXT: _single_text(MAX_TEXT, one_line=False),
    Datatype.NUMBER: _number,
    Datatype.DATETIME: _datetime,
    Datatype.SINGLEVALUELIST: _single_choice,
    Datatype.MULTIVALUELIST: _multi_choice,
}
