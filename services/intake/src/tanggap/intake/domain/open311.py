"""Open311 GeoReport v2 documents in XML and JSON, from one data tree.

JSON is the spec's mechanical mapping of the XML: a list under a wrapper
element becomes a top-level array, a repeated child becomes an array, and
everything else maps field for field. Rendering both from the same rows is
what keeps the two formats carrying identical data. Every id and code is
written as a string (the spec's examples with leading-zero numbers are
invalid JSON); booleans are ``true``/``false`` in both formats; a field
without a value is left out of both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import orjson

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# Repeated children take the singular name in XML (Spark convention).
_ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all; input is checked, but stored text
# from the stream is written defensively.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Row = Mapping[str, Any]


class Format(StrEnum):
    XML = "xml"
    JSON = "json"

    @property
    def content_type(self) -> str:
        return (
            "text/xml; charset=utf-8" if self is Format.XML else "application/json; charset=utf-8"
        )


def render_list(fmt: Format, wrapper: str, item: str, rows: Sequence[Row]) -> bytes:
    """``<wrapper><item>…</item>…</wrapper>`` or a JSON array of objects."""
    if fmt is Format.JSON:
        return _json([_clean(row) for row in rows])
    root = ET.Element(wrapper)
    for row in rows:
        _fill(ET.SubElement(root, item), row)
    return _xml(root)


def render_object(fmt: Format, root_name: str, row: Row) -> bytes:
    """``<root_name>…</root_name>`` or one JSON object (discovery, service definition)."""
    if fmt is Format.JSON:
        return _json(_clean(row))
    root = ET.Element(root_name)
    _fill(root, row)
    return _xml(root)


def errors(fmt: Format, problems: Sequence[tuple[int, str]]) -> bytes:
    """The spec's error list: ``<errors><error><code/><description/></error></errors>``."""
    rows = [{"code": code, "description": description} for code, description in problems]
    return render_list(fmt, "errors", "error", rows)


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


def _fill(element: ET.Element, row: Row) -> None:
    for name, value in row.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            container = ET.SubElement(element, name)
            child_name = _ITEM_NAMES.get(name, name.rstrip("s"))
            for entry in value:
                child = ET.SubElement(container, child_name)
                if isinstance(entry, Mapping):
                    _fill(child, entry)
                else:
                    child.text = _text(entry)
        elif isinstance(value, Mapping):
            _fill(ET.SubElement(element, name), value)
        else:
            ET.SubElement(element, name).text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _json(document: Any) -> bytes:
    encoded: bytes = orjson.dumps(document)
    return encoded


def _xml(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return XML_DECLARATION + body
