"""Open311 GeoReport v2's two formats, as the specification writes them: a JSON array of
objects, or an XML document whose root element holds one element per item (and nested
lists as their own elements). Pure: values in, bytes out."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

# Nested lists in the specification's XML: (list element, item element).
XML_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_value(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list | tuple):
        item_name = XML_ITEMS.get(name, "item")
        for inner in value:
            _xml_value(element, item_name, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def to_xml(root: str, item: str | None, payload: Sequence[Mapping] | Mapping) -> bytes:
    """<root><item>...</item>...</root> for a list, or <root>...</root> for one object."""
    document = ElementTree.Element(root)
    if item is None:
        assert isinstance(payload, Mapping)
        for key, value in payload.items():
            _xml_value(document, key, value)
    else:
        for entry in payload:
            _xml_value(document, item, entry)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        document, encoding="unicode"
    ).encode("utf-8")


def to_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def errors_payload(code: int, description: str) -> list[dict[str, Any]]:
    """The specification's error list: one error with its code and description."""
    return [{"code": code, "description": description}]
