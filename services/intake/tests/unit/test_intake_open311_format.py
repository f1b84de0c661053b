"""Open311 documents: XML and JSON from one data tree carry the same data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import orjson
from intake_testkit import as_text, xml_to_data

from tanggap.intake.domain.open311 import Format, errors, render_list, render_object

ROWS = [
    {
        "service_request_id": "0193",
        "status": "open",
        "description": "Jl. Raya Cilegon – Anyer, Kel. Ciwaduk <b>&</b>",
        "lat": -6.0337,
        "long": 106.0698,
        "address": None,
    }
]
DEFINITION = {
    "service_code": "jalan-rusak",
    "attributes": [
        {
            "variable": True,
            "code": "status_jalan",
            "order": 1,
            "values": [{"key": "kota", "name": "Jalan kota"}, {"key": "tol", "name": "Jalan tol"}],
        }
    ],
}


def test_xml_declares_utf8_and_has_no_namespace() -> None:
    body = render_list(Format.XML, "service_requests", "request", ROWS)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>')
    root = ET.fromstring(body)
    assert root.tag == "service_requests"
    assert "xmlns" not in body.decode()


def test_json_is_a_top_level_array_for_lists() -> None:
    assert isinstance(orjson.loads(render_list(Format.JSON, "services", "service", ROWS)), list)


def test_both_formats_carry_the_same_data() -> None:
    as_json = orjson.loads(render_list(Format.JSON, "service_requests", "request", ROWS))
    as_xml = xml_to_data(
        ET.fromstring(render_list(Format.XML, "service_requests", "request", ROWS))
    )
    assert as_text(as_json) == as_xml
    assert "address" not in as_json[0]  # no value: left out of both


def test_nested_lists_use_singular_element_names() -> None:
    body = render_object(Format.XML, "service_definition", DEFINITION)
    root = ET.fromstring(body)
    values = root.findall("./attributes/attribute/values/value")
    assert [v.findtext("key") for v in values] == ["kota", "tol"]
    as_json = orjson.loads(render_object(Format.JSON, "service_definition", DEFINITION))
    assert as_text(as_json) == xml_to_data(root)


def test_indonesian_text_and_markup_survive_the_round_trip() -> None:
    text = ROWS[0]["description"]
    xml_body = render_list(Format.XML, "service_requests", "request", ROWS)
    assert ET.fromstring(xml_body).findtext("./request/description") == text
    assert orjson.loads(render_list(Format.JSON, "r", "r", ROWS))[0]["description"] == text


def test_characters_xml_cannot_carry_are_dropped_from_both() -> None:
    rows = [{"description": "a\x00b\x07c"}]
    assert (
        ET.fromstring(render_list(Format.XML, "r", "i", rows)).findtext("./i/description") == "abc"
    )
    assert orjson.loads(render_list(Format.JSON, "r", "i", rows))[0]["description"] == "abc"


def test_error_lists() -> None:
    body = errors(Format.XML, [(403, "api_key tidak valid")])
    root = ET.fromstring(body)
    assert (root.tag, root.findtext("./error/code")) == ("errors", "403")
    assert orjson.loads(errors(Format.JSON, [(404, "x")])) == [{"code": 404, "description": "x"}]


def test_content_types() -> None:
    assert Format.XML.content_type == "text/xml; charset=utf-8"
    assert Format.JSON.content_type == "application/json; charset=utf-8"
