"""JSON with comments (JSONC): read with positions, and edit members in place.

OpenCode and Kilo read their configuration as JSONC - ``//`` and ``/* */`` comments and
trailing commas allowed - and plain JSON is JSONC too. :func:`parse` gives the data together
with where every value sits in the text; :func:`edit` replaces, inserts or deletes object
members by splicing the text, so that comments, key order, indentation and spacing everywhere
else stay byte for byte as written. A new member copies the layout of its siblings (or, in an
empty object, of the document).

Only the standard library is used: strings are decoded by :func:`json.decoder.scanstring`, the
C scanner behind :func:`json.loads`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C scanner json.loads uses
from typing import Any

__all__ = ["DELETE", "Document", "JsoncError", "Member", "Node", "dumps", "edit", "loads", "member_changes", "parse"]

Path = tuple[str, ...]


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""Marker value for :func:`edit`: remove the member."""


class JsoncError(ValueError):
    """Text that is not JSONC, with the 1-based line and column of the problem."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


# --- the tree ------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """A value and its span ``text[start:end]``; objects have members, arrays items."""

    start: int
    end: int
    value: Any
    members: list[Member] | None = None
    items: list[Node] | None = None
    _by_key: dict[str, Member] | None = field(default=None, repr=False)

    def member(self, key: str) -> Member | None:
        """The member that decides ``key`` (the last one, as JSON readers take it)."""
        if self.members is None:
            return None
        if self._by_key is None:  # built on first use: a map of thousands of agents is searched often
            self._by_key = {member.key: member for member in self.members}
        return self._by_key.get(key)


@dataclass(eq=False)
class Member:
    key: str
    key_start: int
    key_end: int
    value: Node
    comma: int = -1
    """Offset of the comma after the value, or -1 for the last member without one."""


@dataclass(eq=False)
class Document:
    """A parsed JSONC text: ``data`` is the value, ``root`` its tree of positions."""

    text: str
    root: Node
    first_comment: int | None = None
    """Offset of the first comment, if any: plain JSON readers reject them."""
    first_trailing_comma: int | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)

    @property
    def data(self) -> Any:
        return self.root.value

    def node(self, path: Path) -> Node | None:
        """The value at ``path`` (keys of nested objects), or ``None`` if there is none."""
        node = self.root
        for key in path:
            member = node.member(key) if node.members is not None else None
            if member is None:
                return None
            node = member.value
        return node

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        if not self._line_starts:
            self._line_starts.extend([0, *(match.end() for match in _NEWLINE.finditer(self.text))])
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line(self, offset: int) -> int:
        return self.position(offset)[0]

    def key_lines(self, path: Path = ()) -> dict[str, int]:
        """The line of each key of the object at ``path`` (first occurrence of a duplicate)."""
        node = self.node(path)
        lines: dict[str, int] = {}
        for member in (node.members or ()) if node is not None else ():
            lines.setdefault(member.key, self.line(member.key_start))
        return lines


# --- parsing -------------------------------------------------------------------------------

_NEWLINE = re.compile(r"\n")
_TRIVIA = re.compile(r"(?:[ \t\n\r]+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.first_comment: int | None = None
        self.first_trailing_comma: int | None = None

    def fail(self, message: str, offset: int) -> JsoncError:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return JsoncError(message, line, column)

    def skip(self, position: int) -> int:
        end = _TRIVIA.match(self.text, position).end()  # type: ignore[union-attr]
        if end > position and self.first_comment is None and "/" in self.text[position:end]:
            self.first_comment = position + self.text[position:end].index("/")
        if self.text.startswith("/*", end):
            raise self.fail("unterminated /* comment", end)
        return end

    def value(self, position: int) -> Node:
        text = self.text
        if position >= len(text):
            raise self.fail("unexpected end of text, expected a value", position)
        char = text[position]
        if char == "{":
            return self.object(position)
        if char == "[":
            return self.array(position)
        if char == '"':
            string, end = self.string(position)
            return Node(position, end, string)
        match = _NUMBER.match(text, position)
        if match:
            number = match.group(0)
            value: Any = float(number) if match.group(1) or match.group(2) else int(number)
            return Node(position, match.end(), value)
        for word, literal in _LITERALS:
            if text.startswith(word, position):
                return Node(position, position + len(word), literal)
        if char == "/":
            raise self.fail("unexpected '/': a comment starts with // or /*", position)
        raise self.fail(f"unexpected {_describe(char)}, expected a value", position)

    def string(self, position: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, position + 1, True)
        except json.JSONDecodeError as error:
            raise self.fail(error.msg.lower().removesuffix(" at"), error.pos) from None

    def object(self, start: int) -> Node:
        text = self.text
        members: list[Member] = []
        data: dict[str, Any] = {}
        position = self.skip(start + 1)
        while True:
            if position >= len(text):
                raise self.fail("unexpected end of text, expected '}'", position)
            if text[position] == "}":
                if members and members[-1].comma >= 0 and self.first_trailing_comma is None:
                    self.first_trailing_comma = members[-1].comma
                return Node(start, position + 1, data, members=members)
            if members and members[-1].comma < 0:
                raise self.fail(f"expected ',' or '}}' after a member, found {_describe(text[position])}", position)
            if text[position] != '"':
                raise self.fail(f"expected a key in double quotes, found {_describe(text[position])}", position)
            key, key_end = self.string(position)
            colon = self.skip(key_end)
            if not text.startswith(":", colon):
                raise self.fail(f"expected ':' after the key \"{key}\"", colon)
            value = self.value(self.skip(colon + 1))
            member = Member(key, position, key_end, value)
            members.append(member)
            data[key] = value.value
            position = self.skip(value.end)
            if text.startswith(",", position):
                member.comma = position
                position = self.skip(position + 1)

    def array(self, start: int) -> Node:
        text = self.text
        items: list[Node] = []
        comma = -1
        position = self.skip(start + 1)
        while True:
            if position >= len(text):
                raise self.fail("unexpected end of text, expected ']'", position)
            if text[position] == "]":
                if items and comma >= 0 and self.first_trailing_comma is None:
                    self.first_trailing_comma = comma
                return Node(start, position + 1, [item.value for item in items], items=items)
            if items and comma < 0:
                raise self.fail(f"expected ',' or ']' after an item, found {_describe(text[position])}", position)
            item = self.value(position)
            items.append(item)
            position = self.skip(item.end)
            comma = position if text.startswith(",", position) else -1
            if comma >= 0:
                position = self.skip(position + 1)


def _describe(char: str) -> str:
    return f"'{char}'" if char.isprintable() else repr(char)


def parse(text: str) -> Document:
    """Parse JSONC ``text``; raises :class:`JsoncError` with the line and column of a problem.

    A leading byte order mark is skipped. Of duplicate keys the last one counts, as in
    ``JSON.parse``.
    """
    parser = _Parser(text)
    start = parser.skip(1 if text.startswith("\ufeff") else 0)
    if start >= len(text):
        raise parser.fail("empty document, expected a value", start)
    try:
        root = parser.value(start)
    except RecursionError:
        raise parser.fail("values nested too deeply", start) from None
    end = parser.skip(root.end)
    if end < len(text):
        raise parser.fail(f"unexpected {_describe(text[end])} after the end of the value", end)
    return Document(text, root, parser.first_comment, parser.first_trailing_comma)


def loads(text: str) -> Any:
    """The value of JSONC ``text``."""
    return parse(text).data


def dumps(value: Any, *, indent: str = "  ", newline: str = "\n") -> str:
    """``value`` as JSON the way editors and ``JSON.stringify(v, null, 2)`` lay it out."""
    text = json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", newline) if newline != "\n" else text


# --- editing -------------------------------------------------------------------------------


def edit(text: str, changes: Mapping[Path, Any]) -> str:
    """``text`` with each change applied, every other byte as written.

    A change maps a key path to a new value - replacing that member's value, or inserting the
    member at the end of its object, creating missing parent objects - or to :data:`DELETE`,
    removing the member (with the comments on the lines just above it). No path may lie
    inside another. Raises :class:`JsoncError` if ``text`` is not JSONC and ``ValueError`` if a
    parent on a path is not an object.
    """
    if not changes:
        return text
    if () in changes:
        raise ValueError("a change needs the key path of a member, not the empty path")
    paths = sorted(changes)
    for shorter, longer in itertools.pairwise(paths):
        if longer[: len(shorter)] == shorter:
            raise ValueError(f"overlapping changes: {'.'.join(shorter)} and {'.'.join(longer)}")
    document = parse(text)
    _require_object(document.root, ())
    plan = _plan(document, changes)
    text = _splice(document, [splice for target in plan for splice in target.removals_and_replacements()])
    if not any(target.inserts for target in plan):
        return text
    document = parse(text)
    inserts = {path: value for target in plan for path, value in target.insert_paths()}
    plan = _plan(document, inserts)
    return _splice(document, [splice for target in plan for splice in target.insertions()])


def member_changes(path: Path, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[Path, Any]:
    """The :func:`edit` changes that turn the object at ``path``, whose members are ``old``,
    into one whose members are ``new``, touching as little as possible.

    Members only in ``old`` are deleted and new ones appended. A member whose old and new values
    are both objects, their common keys in the same order, is changed member by member, so that
    comments and layout inside it stay; other values are replaced whole.
    """
    changes: dict[Path, Any] = {}
    for key, value in new.items():
        if key in old:
            _descend((*path, key), old[key], value, changes)
        else:
            changes[(*path, key)] = value
    changes.update({(*path, key): DELETE for key in old if key not in new})
    return changes


def _descend(path: Path, old: Any, new: Any, changes: dict[Path, Any]) -> None:
    if _same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict) and old and new and _appends_only(old, new):
        changes.update(member_changes(path, old, new))
    else:
        changes[path] = new


def _appends_only(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``new``'s keys are ``old``'s still in their order, then new ones: member edits
    append new keys, and the order of keys can mean something (last match wins)."""
    kept = [key for key in new if key in old]
    return kept == [key for key in old if key in new] and list(new)[: len(kept)] == kept


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, and key order counts."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) in (int, float) and type(b) in (int, float):
        return a == b
    return type(a) is type(b) and a == b


def _require_object(node: Node, path: Path) -> None:
    if node.members is None:
        where = ".".join(path) if path else "the document"
        raise ValueError(f"{where} is not an object")


@dataclass
class _Target:
    """The changes to one object of the document."""

    layout: _Layout
    path: Path
    node: Node
    replaces: dict[str, Any] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)
    inserts: dict[str, Any] = field(default_factory=dict)

    def insert_paths(self) -> Iterator[tuple[Path, Any]]:
        for key, value in self.inserts.items():
            yield (*self.path, key), value

    def removals_and_replacements(self) -> Iterator[tuple[int, int, str]]:
        members = self.node.members or []
        for key, value in self.replaces.items():
            member = self.node.member(key)
            assert member is not None
            yield member.value.start, member.value.end, self.layout.replacement(member, value)
        doomed = [index for index, member in enumerate(members) if member.key in self.deletes]
        if doomed:
            yield from self.layout.removals(self.node, doomed)

    def insertions(self) -> Iterator[tuple[int, int, str]]:
        if self.inserts:
            yield from self.layout.insertions(self.node, list(self.inserts.items()))


def _plan(document: Document, changes: Mapping[Path, Any]) -> list[_Target]:
    layout = _Layout(document)
    targets: dict[int, _Target] = {}
    for path, value in changes.items():
        node, depth = document.root, 0
        while depth < len(path) - 1:
            member = node.member(path[depth])
            if member is None:
                break
            _require_object(member.value, path[: depth + 1])
            node = member.value
            depth += 1
        if depth < len(path) - 1 and value is DELETE:
            continue
        target = targets.setdefault(id(node), _Target(layout, path[:depth], node))
        key = path[depth]
        if depth < len(path) - 1:
            _merge(target.inserts, key, _nest(path[depth + 1 :], value))
        elif value is DELETE:
            target.deletes.add(key)
        elif node.member(key) is not None:
            target.replaces[key] = value
        else:
            target.inserts[key] = value
    return list(targets.values())


def _nest(path: Path, value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _merge(into: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(into.get(key), dict) and isinstance(value, dict):
        for inner_key, inner_value in value.items():
            _merge(into[key], inner_key, inner_value)
    else:
        into[key] = value


def _splice(document: Document, splices: list[tuple[int, int, str]]) -> str:
    text = document.text
    pieces: list[str] = []
    position = len(text)
    # Back to front, so offsets stay valid; of two insertions at one offset, the first given
    # comes first in the text.
    ordered = sorted(((start, end, index, new) for index, (start, end, new) in enumerate(splices)), reverse=True)
    for start, end, _, replacement in ordered:
        if end > position:
            raise AssertionError(f"overlapping edits at offset {start}")  # a bug, not bad input
        pieces += [text[end:position], replacement]
        position = start
    pieces.append(text[:position])
    return "".join(reversed(pieces))


_LINE_COMMENT = re.compile(r"[ \t]*(?://[^\n]*|/\*[^\n]*?\*/)?[ \t]*(?://[^\n]*)?")


class _Layout:
    """How the document is laid out: what new text must look like to fit in."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.text = document.text
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self.unit = self._indent_unit()

    # layout facts

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def indent(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.text[start:offset]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def starts_line(self, offset: int) -> bool:
        return not self.text[self.line_start(offset) : offset].strip(" \t")

    def rest_of_line(self, offset: int) -> int:
        """The end of the trailing spaces and comments after ``offset``, if only they follow on
        its line (else -1)."""
        end = _LINE_COMMENT.match(self.text, offset).end()  # type: ignore[union-attr]
        if end == len(self.text) or self.text[end] in "\r\n":
            return end
        return -1

    def multiline(self, node: Node) -> bool:
        return "\n" in self.text[node.start : node.end]

    def _indent_unit(self) -> str:
        for node in _objects(self.document.root):
            if node.members and self.starts_line(node.members[0].key_start):
                outer, inner = self.indent(node.start), self.indent(node.members[0].key_start)
                if inner.startswith(outer) and len(inner) > len(outer):
                    return inner[len(outer) :]
        return "  "

    def separator(self, node: Node) -> str:
        """What this object writes between a key and its value."""
        for member in (*(node.members or ()), *(self.document.root.members or ())):
            between = self.text[member.key_end : member.value.start]
            if between.strip(" \t") == ":":
                return between
        return ": "

    # rendering

    def render(self, value: Any, indent: str, multiline: bool) -> str:
        if not multiline:
            return json.dumps(value, ensure_ascii=False, allow_nan=False)
        return dumps(value, indent=self.unit, newline=self.newline + indent)

    def member_text(self, key: str, value: Any, separator: str, indent: str, multiline: bool) -> str:
        return f"{json.dumps(key, ensure_ascii=False)}{separator}{self.render(value, indent, multiline)}"

    # edits

    def replacement(self, member: Member, value: Any) -> str:
        old = member.value
        if old.members or old.items:
            multiline = self.multiline(old)
        else:
            multiline = self.starts_line(member.key_start)
        return self.render(value, self.indent(member.key_start), multiline)

    def removals(self, node: Node, doomed: list[int]) -> Iterator[tuple[int, int, str]]:
        members = node.members or []
        if len(doomed) == len(members):
            yield node.start + 1, node.end - 1, ""
            return
        last = len(members) - 1
        survivors = [index for index in range(len(members)) if index not in doomed]
        tail = last in doomed and members[last].comma < 0
        keeper = survivors[-1]
        for index in doomed:
            if tail and index > keeper:
                continue
            yield (*self.block(members[index]), "")
        if tail:
            # The new last member must lose its comma: strict JSON allows none after it.
            first_gone = members[keeper + 1]
            comma = members[keeper].comma
            if self.starts_line(first_gone.key_start):
                yield comma, comma + 1, ""
                for member in members[keeper + 1 :]:
                    yield (*self.block(member), "")
            else:
                yield comma, members[last].value.end, ""

    def block(self, member: Member) -> tuple[int, int]:
        """The text a member owns: itself, its comma, and - when it has lines of its own - the
        comment lines just above it and the comment after it on its line."""
        after = member.comma + 1 if member.comma >= 0 else member.value.end
        line_end = self.rest_of_line(after)
        if self.starts_line(member.key_start) and line_end >= 0:
            start = self.line_start(member.key_start)
            while start > 0:
                above = self.line_start(start - 1)
                line = self.text[above : start - 1].strip(" \t\r")
                if not (line.startswith("//") or (line.startswith("/*") and line.endswith("*/") and len(line) >= 4)):
                    break
                start = above
            end = line_end + (2 if self.text.startswith("\r\n", line_end) else 1)
            return start, min(end, len(self.text))
        end = after
        while end < len(self.text) and self.text[end] in " \t":
            end += 1
        return member.key_start, end

    def insertions(self, node: Node, entries: list[tuple[str, Any]]) -> Iterator[tuple[int, int, str]]:
        members = node.members or []
        if not members:
            yield from self._fill_empty(node, entries)
            return
        last = members[-1]
        separator = self.separator(node)
        trailing = last.comma >= 0
        after = last.comma + 1 if trailing else last.value.end
        line_end = self.rest_of_line(after)
        if self.starts_line(last.key_start) and line_end >= 0:
            indent = self.indent(last.key_start)
            texts = [self.member_text(key, value, separator, indent, True) for key, value in entries]
            joined = f",{self.newline}{indent}".join(texts)
            if not trailing:
                yield after, after, ","
            yield line_end, line_end, f"{self.newline}{indent}{joined}{',' if trailing else ''}"
            return
        texts = [self.member_text(key, value, separator, "", False) for key, value in entries]
        joined = ", ".join(texts)
        yield after, after, f" {joined}," if trailing else f", {joined}"

    def _fill_empty(self, node: Node, entries: list[tuple[str, Any]]) -> Iterator[tuple[int, int, str]]:
        inside = self.text[node.start + 1 : node.end - 1]
        multiline = node is self.document.root or self.multiline(self.document.root)
        if not multiline:
            separator = self.separator(node)
            texts = [self.member_text(key, value, separator, "", False) for key, value in entries]
            yield node.start + 1, node.end - 1, f"{inside}{', '.join(texts)}" if inside.strip() else ", ".join(texts)
            return
        outer = self.indent(node.start)
        indent = outer + self.unit
        separator = self.separator(node)
        texts = [self.member_text(key, value, separator, indent, True) for key, value in entries]
        joined = f",{self.newline}{indent}".join(texts)
        closing = node.end - 1
        if not inside.strip(" \t\r\n"):
            yield node.start + 1, closing, f"{self.newline}{indent}{joined}{self.newline}{outer}"
        elif self.starts_line(closing):
            start = self.line_start(closing)
            yield start, start, f"{indent}{joined}{self.newline}"
        else:
            yield closing, closing, f"{self.newline}{indent}{joined}{self.newline}{outer}"


def _objects(node: Node) -> Iterator[Node]:
    """Every object in the tree, outermost first."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        if current.members is not None:
            yield current
            queue.extend(member.value for member in current.members)
        elif current.items:
            queue.extend(current.items)
