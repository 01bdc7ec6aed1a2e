"""Reading rendered pages the way a user sees them: a field's value and the error shown beside
it, a form's CSRF token. A small tree built with the standard library's HTML parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = field(default=None, repr=False)
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def _control(root: Element, name: str) -> Element:
    for element in root.iter():
        if element.tag in ("input", "select", "textarea") and element.attrs.get("name") == name:
            return element
    raise AssertionError(f"no form field named {name!r} on the page")


def field_value(html: str, name: str) -> str:
    """What the form shows in a field: an input's value, a textarea's text, the chosen option."""
    control = _control(parse(html), name)
    if control.tag == "textarea":
        text = "".join(c for c in control.children if isinstance(c, str))
        # A browser drops the one line break that follows <textarea>.
        return text.removeprefix("\r\n") if text.startswith("\r\n") else text.removeprefix("\n")
    if control.tag == "select":
        for option in control.iter():
            if option.tag == "option" and "selected" in option.attrs:
                return option.attrs.get("value", "")
        return ""
    return control.attrs.get("value", "")


def field_options(html: str, name: str) -> dict[str, str]:
    """A select field's choices: value -> label."""
    control = _control(parse(html), name)
    return {o.attrs.get("value", ""): o.text() for o in control.iter() if o.tag == "option"}


def selected_options(html: str, name: str) -> list[str]:
    """The values of a select field's options marked selected (none: the browser shows the
    first)."""
    control = _control(parse(html), name)
    return [
        o.attrs.get("value", "")
        for o in control.iter()
        if o.tag == "option" and "selected" in o.attrs
    ]


def field_error(html: str, name: str) -> str | None:
    """The error message shown beside a field (in the same form group), or None."""
    control = _control(parse(html), name)
    group = control.parent
    while group is not None and "mb-3" not in group.classes:
        group = group.parent
    assert group is not None, f"field {name!r} is not inside a form group"
    messages = [e.text() for e in group.iter() if "invalid-feedback" in e.classes]
    return " ".join(messages) or None


def csrf_token(html: str) -> str:
    """The CSRF token of the page's main form (the first one that is not the sign-out form)."""
    for form in parse(html).iter():
        if form.tag == "form" and form.attrs.get("action") != "/logout":
            return _control(form, "csrf_token").attrs["value"]
    raise AssertionError("no form on the page")


def by_testid(html: str, testid: str) -> Element | None:
    for element in parse(html).iter():
        if element.attrs.get("data-testid") == testid:
            return element
    return None


def page_text(html: str) -> str:
    """All the words on the page, as a reader sees them (no markup, no attribute values)."""
    return parse(html).text()
