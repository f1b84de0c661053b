"""Answers to a category's questions, checked by Open311 datatype."""

from __future__ import annotations

from tanggap.intake.domain.answers import check_answers, open311_path
from tanggap.intake.domain.catalogue import Catalogue, Category, Choice, Datatype, Question


def _category(*questions: Question) -> Category:
    return Category(
        code="uji",
        group="g",
        group_name_id="G",
        group_name_en="G",
        name_id="Uji",
        name_en="Test",
        description_id="d",
        description_en="d",
        emergency=False,
        call_numbers=(),
        photo_required=False,
        photo_note=None,
        default_privacy="public",
        questions=questions,
    )


YA_TIDAK = (Choice("ya", "Ya"), Choice("tidak", "Tidak"))
CATEGORY = _category(
    Question("ada_korban", Datatype.SINGLEVALUELIST, True, "Ada korban?", 1, YA_TIDAK),
    Question("tinggi_cm", Datatype.NUMBER, False, "Tinggi air", 2),
    Question("menimpa", Datatype.MULTIVALUELIST, False, "Menimpa", 3, YA_TIDAK),
    Question("nama_simpang", Datatype.STRING, False, "Simpang", 4),
    Question("sejak", Datatype.DATETIME, False, "Sejak", 5),
)


def test_valid_answers_are_normalised() -> None:
    answers, problems = check_answers(
        CATEGORY,
        {
            "ada_korban": " ya ",
            "tinggi_cm": "30,5",
            "menimpa": ["ya", "ya", ""],
            "nama_simpang": "Simpang Tiga",
            "sejak": "2026-12-01T09:30:00+07:00",
        },
    )
    assert problems == []
    assert answers == {
        "ada_korban": "ya",
        "tinggi_cm": 30.5,
        "menimpa": ["ya"],
        "nama_simpang": "Simpang Tiga",
        "sejak": "2026-12-01T09:30:00+07:00",
    }


def test_every_problem_is_reported_with_its_path_and_code() -> None:
    _, problems = check_answers(
        CATEGORY,
        {"tinggi_cm": "tinggi", "menimpa": ["mungkin"], "warna": "merah", "sejak": "kemarin"},
    )
    found = {(p.path, p.code) for p in problems}
    assert found == {
        ("answers.ada_korban", "required"),
        ("answers.tinggi_cm", "not_a_number"),
        ("answers.menimpa", "invalid_choice"),
        ("answers.warna", "unknown_question"),
        ("answers.sejak", "not_a_datetime"),
    }


def test_open311_paths_and_blank_required_answer() -> None:
    _, problems = check_answers(CATEGORY, {"ada_korban": "  "}, open311_path)
    assert [(p.path, p.code) for p in problems] == [("attribute[ada_korban]", "required")]


def test_numbers_must_be_finite_and_not_booleans() -> None:
    for value in (float("inf"), "nan", True):
        _, problems = check_answers(CATEGORY, {"ada_korban": "ya", "tinggi_cm": value})
        assert [p.code for p in problems] == ["not_a_number"], value


def test_single_line_strings_refuse_line_breaks_and_overlong_text() -> None:
    _, problems = check_answers(CATEGORY, {"ada_korban": "ya", "nama_simpang": "a\nb"})
    assert [p.code for p in problems] == ["invalid_format"]
    _, problems = check_answers(CATEGORY, {"ada_korban": "ya", "nama_simpang": "x" * 501})
    assert [p.code for p in problems] == ["too_long"]


def test_a_catalogue_looks_categories_up_by_code() -> None:
    catalogue = Catalogue([CATEGORY])
    assert catalogue.get("uji") is CATEGORY
    assert catalogue.get("lain") is None
    assert catalogue.codes == ["uji"]
