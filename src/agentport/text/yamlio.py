"""YAML for frontmatter: a fast strict reader, a lenient fallback, a small emitter, in-place edits.

Reads use PyYAML's C loader (about 80 us a file). ruamel.yaml's round-trip mode keeps comments,
key order and quoting, but costs about 2.7 ms a file, so it is used only to edit a file's own
frontmatter in place; a converted file is emitted fresh by :func:`dump_mapping`.

Values are resolved the way the agent tools' JavaScript YAML parsers resolve them (YAML 1.2
core): ``yes``/``no``/``on``/``off`` and dates stay strings.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from io import StringIO
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Sequence

import yaml

from ..diagnostics import Code, ParseError, Report

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


def _yaml12_resolvers(
    resolvers: Mapping[str, list[tuple[str, re.Pattern[str]]]],
) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    dropped = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in resolvers.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag not in dropped]
        if first in "tTfF":
            kept.append(("tag:yaml.org,2002:bool", _BOOL))
        if kept:
            table[first] = kept
    return table


class FrontmatterLoader(_Loader):
    """Safe loader with YAML 1.2 core booleans and no timestamps."""

    yaml_implicit_resolvers = _yaml12_resolvers(_Loader.yaml_implicit_resolvers)


def _bool_constructor(loader: Any, node: yaml.ScalarNode) -> bool:
    return node.value in ("true", "True", "TRUE")


FrontmatterLoader.add_constructor("tag:yaml.org,2002:bool", _bool_constructor)


class _Resolver(yaml.resolver.BaseResolver):
    yaml_implicit_resolvers = FrontmatterLoader.yaml_implicit_resolvers


_RESOLVER = _Resolver()
_YAML11_RESOLVER = yaml.resolver.Resolver()
_NUMBER_LIKE = re.compile(r"^[-+]?\.?[0-9]|^[-+]?\.(?:inf|nan)$", re.IGNORECASE)


def load(text: str) -> Any:
    """Parse YAML text strictly; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=FrontmatterLoader)  # noqa: S506 - a safe loader subclass


_SIMPLE_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): (.*)")
_PLAIN_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_DIGITS = re.compile(r"[1-9][0-9]{0,17}|0")


def load_simple(text: str) -> dict[str, Any] | None:
    """The mapping of a frontmatter made only of ``key: scalar`` lines, or ``None``.

    Most agent files are just that, and reading them here costs a tenth of the C loader. Only
    forms whose YAML meaning is unambiguous are taken (plain text that resolves to a string,
    a whole number, quotes without escapes); anything else, the caller parses with :func:`load`.
    """
    data: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line:
            continue
        match = _SIMPLE_ENTRY.fullmatch(line)
        if match is None:
            return None
        key, raw = match.groups()
        value = _simple_scalar(raw.strip(" "))
        if value is None or key in data:
            return None
        data[key] = value
    return data


def _simple_scalar(raw: str) -> str | int | None:
    if not raw:
        return None
    first = raw[0]
    if first == '"':
        inner = raw[1:-1]
        return inner if len(raw) > 1 and raw[-1] == '"' and '"' not in inner and "\\" not in inner else None
    if first == "'":
        inner = raw[1:-1]
        return inner if len(raw) > 1 and raw[-1] == "'" and "'" not in inner else None
    if first in _PLAIN_INDICATORS or ": " in raw or " #" in raw or raw[-1] == ":" or "\t" in raw:
        return None
    if _DIGITS.fullmatch(raw):
        return int(raw)
    if _RESOLVER.resolve(yaml.ScalarNode, raw, (True, False)) != "tag:yaml.org,2002:str":
        return None
    return raw


_STRUCTURAL_START = frozenset("[{\"'|>&*!%@`")
"""A value starting with one of these is YAML structure, not prose: if it fails, it is broken."""
_TOP_LEVEL_KEY = re.compile(r"^([^\s#:][^:]*?):(?:[ \t]+(.*))?$")


def read_mapping(text: str, *, first_line: int, report: Report) -> dict[str, Any]:
    """The frontmatter mapping. Where strict YAML fails, read it the way the agent tools do.

    Claude Code and others take the rest of the line as a top-level value, so an unquoted
    ``description: Use when: X`` is valid to them. Each entry strict YAML rejects is read that
    way and reported with its line; anything else that fails to parse is an error.
    """
    simple = load_simple(text)
    if simple is not None:
        return simple
    try:
        data = load(text)
    except yaml.YAMLError as strict_error:
        return _read_leniently(text, first_line, report, strict_error)
    if data is None:
        return {}
    if not isinstance(data, dict):
        report.error(
            Code.INVALID_INPUT,
            f"frontmatter must be a mapping of keys to values, not {type(data).__name__}",
            line=first_line,
        )
        raise ParseError("frontmatter is not a mapping", list(report))
    return {str(key): value for key, value in data.items()}


def _read_leniently(
    text: str, first_line: int, report: Report, strict_error: yaml.YAMLError
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    entries = list(_top_level_entries(text))
    preamble = text.splitlines()[: entries[0][2] if entries else None]
    stray = next((i for i, line in enumerate(preamble) if line.strip() and not line.lstrip().startswith("#")), None)
    if stray is not None:
        line = first_line + stray
        report.error(Code.INVALID_INPUT, f"invalid YAML in frontmatter: {_first_line(strict_error)}", line=line)
        raise ParseError(f"invalid YAML in frontmatter at line {line}", list(report))
    for key, entry, offset in entries:
        line = first_line + offset
        try:
            value = load(entry)
        except yaml.YAMLError as entry_error:
            match = _TOP_LEVEL_KEY.match(entry.rstrip("\n")) if entry.count("\n") <= 1 else None
            if match is None or (match.group(2) or "")[:1] in _STRUCTURAL_START:
                problem = getattr(entry_error, "problem", None) or _first_line(strict_error)
                report.error(Code.INVALID_INPUT, f"invalid YAML in '{key}': {problem}", field=key, line=line)
                raise ParseError(f"invalid YAML in frontmatter at line {line}", list(report)) from None
            data[key] = (match.group(2) or "").strip()
            report.add(
                Code.LENIENT_YAML,
                f"'{key}' is not valid YAML (an unquoted ': ' inside the value?); read as the rest of "
                "the line, as the agent tools do. It is quoted whenever this frontmatter is written anew.",
                field=key,
                line=line,
            )
            continue
        if isinstance(value, dict):
            data.update({str(k): v for k, v in value.items()})
    return data


def _top_level_entries(text: str) -> Iterable[tuple[str, str, int]]:
    """(key, entry text, line offset) for each top-level key, with its indented continuation."""
    lines = text.splitlines(keepends=True)
    start = None
    for index, line in enumerate(lines):
        if line[:1] not in ("", " ", "\t", "\n", "#", "-") and ":" in line:
            if start is not None:
                yield _entry(lines, start, index)
            start = index
    if start is not None:
        yield _entry(lines, start, len(lines))


def _entry(lines: list[str], start: int, stop: int) -> tuple[str, str, int]:
    key = lines[start].split(":", 1)[0].strip().strip("'\"")
    return key, "".join(lines[start:stop]), start


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


# --- emitting ----------------------------------------------------------------------------

_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` \t")
_PLAIN_UNSAFE_ANYWHERE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\ufeff]|: |:$| #|\t")


_SIMPLE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _./(),+@-]*[A-Za-z0-9_./()+-]")
_RESERVED_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


def _is_plain_safe(text: str) -> bool:
    # Fast path for the common case (names, tool lists, prose without ': '): letters first, no
    # indicator characters, not a reserved word. Anything else goes through both resolvers.
    if _SIMPLE_PLAIN.fullmatch(text) and ": " not in text and text.lower() not in _RESERVED_WORDS:
        return True
    return _is_plain_safe_slow(text)


@functools.lru_cache(maxsize=4096)
def _is_plain_safe_slow(text: str) -> bool:
    if not text or text[0] in _PLAIN_UNSAFE_START or text[-1] in " \t":
        return False
    if _PLAIN_UNSAFE_ANYWHERE.search(text):
        return False
    # Plain only where YAML 1.1 and 1.2 readers both see a string ("yes", "0o17" are not).
    if _NUMBER_LIKE.match(text):
        return False
    return all(
        resolver.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
        for resolver in (_RESOLVER, _YAML11_RESOLVER)
    )


def _string(text: str, indent: str) -> str:
    if _is_plain_safe(text):
        return text
    if "\n" in text.rstrip("\n") and _literal_block_safe(text):
        chomp = "-" if not text.endswith("\n") else ("+" if text.endswith("\n\n") else "")
        body = text[:-1] if text.endswith("\n") and chomp != "+" else text
        inner = indent + "  "
        lines = body.split("\n")
        return f"|{chomp}\n" + "\n".join(inner + line if line else "" for line in lines)
    return json.dumps(text, ensure_ascii=False)


def _literal_block_safe(text: str) -> bool:
    lines = text.rstrip("\n").split("\n")
    first = next((line for line in lines if line), "")
    return (
        not first.startswith((" ", "\t"))
        and all(line == line.rstrip(" \t") for line in lines)
        and not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]", text)
    )


def _scalar(value: Any, indent: str) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:  # YAML needs a dot in an exponent float
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    return _string(str(value), indent)


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Append the block-style rendering of a mapping's or sequence's items to ``out``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _emit_item(f"{indent}{_string(str(key), indent)}:", item, indent, out)
    else:
        for item in value:
            if isinstance(item, Mapping) and item:
                first = True
                for key, sub in item.items():
                    prefix = f"{indent}- " if first else f"{indent}  "
                    _emit_item(f"{prefix}{_string(str(key), indent)}:", sub, indent + "  ", out)
                    first = False
            else:
                _emit_item(f"{indent}-", item, indent, out)


def _emit_item(head: str, value: Any, indent: str, out: list[str]) -> None:
    if type(value) is str:  # most values: skip the abstract-class checks below
        out.append(f"{head} {_string(value, indent)}\n")
    elif isinstance(value, Mapping) and value:
        out.append(head + "\n")
        _emit(value, indent + "  ", out)
    elif isinstance(value, (list, tuple)) and value:
        out.append(head + "\n")
        _emit(value, indent + "  ", out)
    elif isinstance(value, Mapping):
        out.append(head + " {}\n")
    elif isinstance(value, (list, tuple)):
        out.append(head + " []\n")
    else:
        out.append(f"{head} {_scalar(value, indent)}\n")


def dump_mapping(data: Mapping[str, Any]) -> str:
    """Block-style YAML for ``data``, keys in the given order, ending in a newline."""
    out: list[str] = []
    _emit(data, "", out)
    return "".join(out)


DELETE: Any = object()
"""Marker value for :func:`edit_mapping`: remove this key."""


def edit_mapping(text: str, changes: Mapping[str, Any], *, fallback: Callable[[], str]) -> str:
    """``text`` (a YAML mapping) with ``changes`` applied, keeping comments, order and quoting.

    New keys go at the end; ``DELETE`` removes a key. If ``text`` is not YAML that the
    round-trip parser accepts (a leniently read file), ``fallback()`` gives the text instead.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as RuamelError

    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 1 << 16
    editor.indent(mapping=2, sequence=_sequence_indent(text), offset=_sequence_offset(text))
    try:
        document = editor.load(text)
    except RuamelError:
        return fallback()
    if document is None:
        document = {}
    for key, value in changes.items():
        if value is DELETE:
            document.pop(key, None)
        else:
            document[key] = value
    if not document:
        return ""
    out = StringIO()
    editor.dump(document, out)
    return out.getvalue()


_SEQUENCE_ITEM = re.compile(r"^( *)- ", re.MULTILINE)


def _sequence_offset(text: str) -> int:
    """How far this file indents ``-`` under its key (``key:\\n  - x`` is 2, ``- x`` is 0)."""
    for match in _SEQUENCE_ITEM.finditer(text):
        return len(match.group(1))
    return 0


def _sequence_indent(text: str) -> int:
    return _sequence_offset(text) + 2


# --- a list of mappings (Roo Code's customModes) ----------------------------------------------


@dataclass(frozen=True)
class ListItem:
    """One item of a list, where its text is, and the line of each of its keys."""

    value: Any
    start: int
    """Offset of the item's first character (after its ``- ``)."""
    end: int
    """Offset just after its last value, and after a comment that follows it on that line."""
    line: int
    lines: Mapping[str, int]
    """1-based line of each key, when the item is a mapping."""
    flow_keys: frozenset[str] = frozenset()
    """Keys whose values are written in flow style (``[a, b]``), kept so when edited."""


@dataclass(frozen=True)
class ListDocument:
    """A YAML document, and the list under one of its top-level keys."""

    data: Any
    key: str
    items: list[ListItem]
    entry: tuple[int, int] | None = None
    """Where ``key: value`` is in the text, if the key is there."""
    line: int | None = None
    """The key's line, if it is there."""


BOM = "\ufeff"


def read_list(text: str, key: str, *, report: Report) -> ListDocument:
    """Parse ``text`` strictly and find the items of the list under top-level ``key``.

    A syntax error is a :class:`ParseError` naming its line. Offsets count in ``text`` as
    given, byte order mark included.
    """
    body = text[1:] if text.startswith(BOM) else text
    loader = FrontmatterLoader(body)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        report.error(Code.INVALID_INPUT, f"invalid YAML: {_first_line(error)}", line=line)
        raise ParseError(f"invalid YAML at line {line}" if line else "invalid YAML", list(report)) from None
    finally:
        loader.dispose()
    offset = len(text) - len(body)
    entry = next((pair for pair in root.value if pair[0].value == key), None) if isinstance(root, yaml.MappingNode) else None
    if entry is None:
        return ListDocument(data, key, [])
    key_node, node = entry
    span = (key_node.start_mark.index + offset, _line_end_after(body, _content_end(node)) + offset)
    items = []
    if isinstance(node, yaml.SequenceNode) and isinstance(data, dict):
        for item, value in zip(node.value, data[key]):
            end = _line_end_after(body, _content_end(item))
            pairs = item.value if isinstance(item, yaml.MappingNode) else []
            lines = {str(item_key.value): item_key.start_mark.line + 1 for item_key, _ in pairs}
            flow = frozenset(str(item_key.value) for item_key, item_value in pairs if getattr(item_value, "flow_style", False))
            start = item.start_mark.index + offset
            items.append(ListItem(value, start, end + offset, item.start_mark.line + 1, lines, flow))
    return ListDocument(data, key, items, span, key_node.start_mark.line + 1)


def _content_end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the comments and
    blank lines that follow it, so take the end of its last value instead."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark.index


_TRAILING_COMMENT = re.compile(r"[ \t]*(?:#[^\r\n]*)?")


def _line_end_after(text: str, offset: int) -> int:
    """``offset``, moved past spaces and a comment that end its line."""
    end = _TRAILING_COMMENT.match(text, offset).end()  # type: ignore[union-attr]
    return end if end == len(text) or text[end] in "\r\n" else offset


def edit_list_item(text: str, item: ListItem, changes: Mapping[str, Any], *, fallback: Callable[[], str]) -> str:
    """``text`` with the mapping ``item`` edited as :func:`edit_mapping` edits a mapping; every
    byte outside the item stays as written. ``fallback()`` gives the item's text (unindented)
    where the round-trip parser cannot read it."""
    column = item.start - (text.rfind("\n", 0, item.start) + 1)
    original = text[item.start : item.end]
    newline = "\r\n" if "\r\n" in original else "\n"
    lines = original.replace("\r\n", "\n").split("\n")
    indent = " " * column
    if any(line.strip() and not line.startswith(indent) for line in lines[1:]):
        block = fallback()  # a comment left of the item's keys: it cannot be cut out cleanly
    else:
        changes = {key: _flow_style(value) if key in item.flow_keys else value for key, value in changes.items()}
        block = edit_mapping("\n".join([lines[0], *(line[column:] for line in lines[1:])]) + "\n", changes, fallback=fallback)
    return text[: item.start] + _indented(block, indent).replace("\n", newline) + text[item.end :]


def _flow_style(value: Any) -> Any:
    """A list or mapping that ruamel.yaml writes in flow style, as the value it replaces was."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        styled: Any = CommentedMap(value)
    elif isinstance(value, list):
        styled = CommentedSeq(value)
    else:
        return value
    styled.fa.set_flow_style()
    return styled


def append_list_items(text: str, document: ListDocument, values: Sequence[Mapping[str, Any]]) -> str:
    """``text`` with the mappings ``values`` added at the end of ``document``'s list, laid out
    like the item before them; every other byte stays as written. A list that is empty or in
    flow style (``[...]``) is written anew in block style, and a missing one at the end."""
    items = document.items
    last = items[-1] if items else None
    line_start = text.rfind("\n", 0, last.start) + 1 if last is not None else 0
    prefix = text[line_start : last.start] if last is not None else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    if last is None or not re.fullmatch(r" *- +", prefix):
        current = document.data.get(document.key) if isinstance(document.data, dict) else None
        block = dump_mapping({document.key: [*(current if isinstance(current, list) else ()), *map(dict, values)]})
        block = block.replace("\n", newline)
        if document.entry is None:
            return text + (newline if text and not text.endswith("\n") else "") + block
        start, end = document.entry
        return text[:start] + block.rstrip("\r\n") + text[end:]
    # Items apart by a blank line stay so.
    gap = text[items[-2].end : line_start] if len(items) > 1 else ""
    separator = newline * (2 if "\n\n" in gap.replace("\r", "") else 1)
    blocks = [prefix + _indented(dump_mapping(value), " " * len(prefix)).replace("\n", newline) for value in values]
    return text[: last.end] + "".join(separator + block for block in blocks) + text[last.end :]


def _indented(block: str, indent: str) -> str:
    """A mapping's text placed at a column: lines after the first indented, no final newline."""
    lines = block.rstrip("\n").split("\n")
    return "\n".join([lines[0], *(indent + line if line else line for line in lines[1:])])


__all__ = [
    "DELETE",
    "FrontmatterLoader",
    "ListDocument",
    "ListItem",
    "append_list_items",
    "edit_list_item",
    "read_list",
    "dump_mapping",
    "edit_mapping",
    "load",
    "read_mapping",
]
