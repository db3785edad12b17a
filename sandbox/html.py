"""Telegram's HTML parse mode, loosely: plain text and entities out, Telegram's parse errors for bad markup."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED = {*_SIMPLE, "a", "span", "blockquote", "tg-emoji", "tg-time"}
_ATTR = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class HtmlParseError(ValueError):
    """Markup Telegram refuses; str() is the text after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int
    byte_offset: int


@dataclass
class _Parser:
    source: str
    out: list[str] = field(default_factory=list)
    length: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """The text a reader sees and its MessageEntity list; raises HtmlParseError like Telegram would."""
    p = _Parser(source)
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "<":
            i = _tag(p, i)
        elif ch == "&":
            m = _ENTITY.match(source, i)
            decoded = _decode_entity(m.group(1)) if m else None
            if m and decoded is not None:
                p.emit(decoded)
                i = m.end()
            else:
                p.emit("&")
                i += 1
        else:
            j = i
            while j < len(source) and source[j] not in "<&":
                j += 1
            p.emit(source[i:j])
            i = j
    if p.stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{p.stack[-1].name}"')
    p.entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(p.out), p.entities


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _tag(p: _Parser, start: int) -> int:
    """Reads one tag the way tdlib does: the name runs to whitespace or '>', then attributes to '>'."""
    source = p.source
    if source.startswith("</", start):
        end = source.find(">", start)
        if end < 0:
            raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(source, start)}")
        _close(p, source[start + 2 : end].strip().lower(), start)
        return end + 1
    j = start + 1
    while j < len(source) and not source[j].isspace() and source[j] != ">":
        j += 1
    if j == len(source):
        raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, start)}")
    name = source[start + 1 : j].lower()
    if name not in _SUPPORTED:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, start)}')
    end = source.find(">", j)
    if end < 0:
        raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(source, start)}")
    attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(source[j:end])}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, start)}')
    p.stack.append(_Open(name=name, attrs=attrs, offset=p.length, byte_offset=_byte_offset(source, start)))
    return end + 1


def _close(p: _Parser, name: str, start: int) -> None:
    if not p.stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(p.source, start)}")
    top = p.stack.pop()
    if name and name != top.name:
        where = _byte_offset(p.source, start)
        raise HtmlParseError(f'Unmatched end tag at byte offset {where}, expected "</{top.name}>", found "</{name}>"')
    length = p.length - top.offset
    if length == 0:
        return
    entity = _entity_for(top, p.stack)
    if entity is not None:
        entity.update(offset=top.offset, length=length)
        p.entities.append(entity)


def _entity_for(tag: _Open, enclosing: list[_Open]) -> dict[str, Any] | None:
    if tag.name == "code" and enclosing and enclosing[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            enclosing[-1].attrs["language"] = language[len("language-") :]
        return None
    if tag.name == "pre" and tag.attrs.get("language"):
        return {"type": "pre", "language": tag.attrs["language"]}
    if tag.name in _SIMPLE:
        return {"type": _SIMPLE[tag.name]}
    if tag.name == "span":
        return {"type": "spoiler"}
    if tag.name == "a":
        return {"type": "text_link", "url": tag.attrs.get("href", "")}
    if tag.name == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"}
    if tag.name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": tag.attrs.get("emoji-id", "")}
    return None


def _decode_entity(code: str) -> str | None:
    if code.startswith("#"):
        point = int(code[2:], 16) if code.startswith("#x") else int(code[1:])
        return chr(point) if 0 < point <= 0x10FFFF else None
    return _NAMED.get(code.lower())
