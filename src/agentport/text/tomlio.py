"""TOML agent files: a fast reader that knows each top-level key's line, a small emitter, and
in-place edits.

Reads use ``tomllib`` (``tomli`` before Python 3.11). tomlkit keeps comments, key order and
formatting, but is slow, so it is imported only to edit a file's own text in place; a converted
file is emitted fresh by :func:`dump_table`, which writes multi-line strings (prompts) as TOML
multi-line strings.
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from ..diagnostics import Code, ParseError, Report
from .yamlio import DELETE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

BOM = "\ufeff"


@dataclass(frozen=True)
class Table:
    """A TOML file read as its top-level table, with what diagnostics and output need."""

    data: dict[str, Any]
    lines: Mapping[str, int]
    """1-based line of each top-level key (a table's header line for a table)."""
    newline: str = "\n"


def read_table(text: str, *, report: Report) -> Table:
    """The file's top-level table; a syntax error is a :class:`ParseError` naming its line."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _ERROR_PLACE.search(message)
        line, column = None, None
        if where and where.group(1):
            line, column = int(where.group(1)), int(where.group(2))
        elif where:  # at the end of the document: its last line
            line = len(body.splitlines()) or 1
        report.error(Code.INVALID_INPUT, f"invalid TOML: {_ERROR_PLACE.sub('', message).strip()}", line=line, column=column)
        raise ParseError(f"invalid TOML at line {line}" if line else "invalid TOML", list(report)) from None
    newline = "\r\n" if "\r\n" in body[: body.find("\n") + 1 or len(body)] else "\n"
    return Table(data, key_lines(body), newline)


_ERROR_PLACE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)")
_KEY_START = r"""[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\]*)"|'([^']*)')"""
_KEY_LINE = re.compile(_KEY_START + r"[ \t]*[.=]")
_HEADER_LINE = re.compile(r"""[ \t]*\[\[?""" + _KEY_START + r"""[^\],]*\]\]?[ \t]*(?:#.*)?$""")
_MULTILINE_OPEN = re.compile(r"'''|\"\"\"")


def key_lines(text: str) -> dict[str, int]:
    """1-based line of each top-level key: its ``key =`` line before the first table header,
    or the first header naming it. Multi-line strings are skipped, so a prompt line that looks
    like a key is not one."""
    lines: dict[str, int] = {}
    in_tables = False
    open_delimiter: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if open_delimiter is not None:
            if open_delimiter in line:
                open_delimiter = None
            continue
        header = _HEADER_LINE.match(line)
        if header:
            in_tables = True
            lines.setdefault(next(group for group in header.groups() if group is not None), number)
            continue
        key = None if in_tables else _KEY_LINE.match(line)
        if key:
            lines.setdefault(next(group for group in key.groups() if group is not None), number)
        open_delimiter = _opens_multiline_string(line)
    return lines


def _opens_multiline_string(line: str) -> str | None:
    opening = _MULTILINE_OPEN.search(line)
    if opening is None:
        return None
    delimiter = opening.group(0)
    return None if delimiter in line[opening.end() :] else delimiter


# --- emitting ----------------------------------------------------------------------------


def dump_table(data: Mapping[str, Any], *, newline: str = "\n") -> str:
    """TOML for ``data``: its plain keys in the given order, then its tables as ``[sections]``.

    ``None`` values are left out (TOML has no null).
    """
    out: list[str] = []
    _emit_table(data, (), out, header=None)
    text = "".join(out)
    return text.replace("\n", newline) if newline != "\n" else text


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(item, Mapping) for item in value)


def _emit_table(table: Mapping[str, Any], path: tuple[str, ...], out: list[str], header: str | None) -> None:
    plain = [(key, value) for key, value in table.items() if value is not None and not _is_table(value) and not _is_table_array(value)]
    nested = any(_is_table(value) or _is_table_array(value) for value in table.values())
    if header is not None and (plain or header.startswith("[[") or not nested):
        out.append(("\n" if out else "") + header + "\n")
    for key, value in plain:
        out.append(f"{_key(key)} = {value_text(value)}\n")
    for key, value in table.items():
        if _is_table(value):
            sub = (*path, key)
            _emit_table(value, sub, out, header=f"[{_dotted(sub)}]")
        elif _is_table_array(value):
            sub = (*path, key)
            for item in value:
                _emit_table(item, sub, out, header=f"[[{_dotted(sub)}]]")


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(_key(part) for part in path)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _basic_string(key)


def value_text(value: Any) -> str:
    """``value`` as a TOML value; multi-line strings as TOML multi-line strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _multiline_string(value) if "\n" in value else _basic_string(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        items = ", ".join(f"{_key(str(key))} = {value_text(item)}" for key, item in value.items() if item is not None)
        return f"{{ {items} }}" if items else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    raise TypeError(f"{type(value).__name__} cannot be written as TOML")


_LITERAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''")
_BASIC_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_BASIC_UNSAFE = re.compile(r'[\\"\x00-\x1f\x7f]')
_MULTILINE_UNSAFE = re.compile(r'[\\\x00-\x08\x0b-\x1f\x7f]|"""|"\Z')


def _escape(char: str) -> str:
    return _BASIC_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _basic_string(text: str) -> str:
    return '"' + _BASIC_UNSAFE.sub(lambda match: _escape(match.group(0)), text) + '"'


def _multiline_string(text: str) -> str:
    """A ``'''`` literal when the text allows it (no escapes needed), else a ``\"\"\"`` string.
    The newline after the opening quotes is not part of the value, so the text starts on its
    own line."""
    if not _LITERAL_UNSAFE.search(text) and not text.endswith("'"):
        return f"'''\n{text}'''"
    escaped = _MULTILINE_UNSAFE.sub(lambda match: "".join(_escape(char) for char in match.group(0)), text)
    return f'"""\n{escaped}"""'


# --- editing in place ----------------------------------------------------------------------


def edit_table(
    text: str, changes: Mapping[str, Any], *, order: Sequence[str] = (), fallback: Callable[[], str]
) -> str:
    """``text`` with top-level ``changes`` applied, keeping comments, order and formatting.

    A new key goes after the plain key that comes before it in ``order`` (the order a fresh
    file would have), else after the last plain key; ``DELETE`` removes a key. A changed table
    is edited key by key, so its comments stay too. If tomlkit cannot parse the text,
    ``fallback()`` gives the text instead.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    crlf = "\r\n" in body
    try:
        document = tomlkit.parse(body.replace("\r\n", "\n") if crlf else body)
    except TOMLKitError:
        return fallback()
    _apply(document, changes, order)
    edited = document.as_string()
    return (BOM if bom else "") + (edited.replace("\n", "\r\n") if crlf else edited)


def _apply(container: Any, changes: Mapping[str, Any], order: Sequence[str] = ()) -> None:
    for key, value in changes.items():
        if value is DELETE:
            if key in container:
                del container[key]
        elif _is_table(value) and key in container and _is_table(container[key]):
            current = container[key]
            nested = {name: item for name, item in value.items() if current.get(name, DELETE) != item}
            nested.update({name: DELETE for name in list(current) if name not in value})
            _apply(current, nested)
        elif key in container or _is_table(value) or _is_table_array(value):
            container[key] = _item(value)
        else:
            _insert(container, key, _item(value), order)


def _insert(container: Any, key: str, item: Any, order: Sequence[str]) -> None:
    """Add a plain key after the plain key before it in ``order``; tomlkit's own place for a
    new key is after the comments that head the first table."""
    earlier = order[: order.index(key)] if key in order else ()
    anchor = next((name for name in reversed(earlier) if name in container and not _is_table(container[name])), None)
    insert_after = getattr(container, "_insert_after", None)  # tomlkit has no public insert
    if anchor is not None and insert_after is not None:
        insert_after(anchor, key, item)
    else:
        container[key] = item


def _item(value: Any) -> Any:
    """A tomlkit item spelled as :func:`dump_table` spells ``value``."""
    import tomlkit

    if _is_table(value) or _is_table_array(value):
        return value  # tomlkit lays out new tables itself
    return tomlkit.parse(f"x = {value_text(value)}\n")["x"]


__all__ = ["DELETE", "Table", "dump_table", "edit_table", "key_lines", "read_table", "value_text"]
