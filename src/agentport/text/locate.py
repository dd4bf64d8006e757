"""Where a value sits in YAML, JSON or TOML source text, for diagnostics that name a line.

A location is the path of keys and list indexes from the document's top, as JSON Schema errors
give it. Positions are 1-based (line, column) in the text as written, never in a re-dump: YAML
uses the composed nodes' marks, JSON a small scanner, TOML its table headers and key lines. A
member of a mapping is found at its key; a list item at its first character. A location that
cannot be found gives the position of the deepest part that can.
"""

from __future__ import annotations

import re
from typing import Sequence

Location = Sequence["str | int"]
Position = tuple[int, int]


def in_yaml(text: str, location: Location, first_line: int = 1) -> Position:
    """The position of ``location`` in the YAML ``text``, whose first line is ``first_line``."""
    import yaml

    from .yamlio import FrontmatterLoader

    try:
        node = yaml.compose(text, Loader=FrontmatterLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError:
        return _top_level_key_line(text, location, first_line)
    if node is None:
        return first_line, 1
    mark = node.start_mark
    for part in location:
        if isinstance(node, yaml.MappingNode):
            entry = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if entry is None:
                break
            mark, node = entry[0].start_mark, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return first_line + mark.line, mark.column + 1


def _top_level_key_line(text: str, location: Location, first_line: int) -> Position:
    """For YAML only the agent tools accept (read leniently): the line of the top-level key."""
    if location:
        match = re.search(rf"^{re.escape(str(location[0]))}[ \t]*:", text, re.MULTILINE)
        if match:
            return first_line + text.count("\n", 0, match.start()), 1
    return first_line, 1


# --- JSON (with comments and trailing commas, as JSONC files have them) ---------------------


def in_json(text: str, location: Location) -> Position:
    """The position of ``location`` in the JSON (or JSONC) ``text``."""
    from . import jsonc

    try:
        document = jsonc.parse(text)
    except jsonc.JsoncError as error:
        return error.line, error.column
    node, offset = document.root, document.root.start
    for part in location:
        if isinstance(part, str) and node.members is not None and node.member(part) is not None:
            member = node.member(part)
            assert member is not None
            node, offset = member.value, member.key_start
        elif isinstance(part, int) and node.items is not None and part < len(node.items):
            node = node.items[part]
            offset = node.start
        else:
            break
    return document.position(offset)


# --- TOML ---------------------------------------------------------------------------------

_HEADER = re.compile(r"^[ \t]*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY_LINE = re.compile(r"""^[ \t]*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)[ \t]*[.=]""")


def in_toml(text: str, location: Location) -> Position:
    """The line of ``location``'s key (or its table header) in the TOML ``text``."""
    wanted = [str(part) for part in location if not isinstance(part, int)]
    table: list[str] = []
    best: Position = (1, 1)
    best_depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            table = [_toml_key(part) for part in _split_dotted(header.group(2))]
            if table == wanted[: len(table)] and len(table) > best_depth:
                best, best_depth = (number, 1), len(table)
            continue
        key = _KEY_LINE.match(line)
        if key and table == wanted[: len(table)] and len(wanted) > len(table):
            if _toml_key(key.group(1)) == wanted[len(table)] and len(table) + 1 > best_depth:
                best, best_depth = (number, key.start(1) + 1), len(table) + 1
    return best


def _split_dotted(text: str) -> list[str]:
    return [part.strip() for part in re.findall(r""""(?:[^"\\]|\\.)*"|'[^']*'|[^.]+""", text)]


def _toml_key(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        import json

        try:
            return str(json.loads(text))
        except ValueError:
            return text[1:-1]
    return text.strip("'")


def in_text(kind: str, text: str, location: Location, first_line: int = 1) -> Position:
    """The position of ``location`` in ``text`` written in ``kind`` (yaml, json or toml)."""
    if kind == "json":
        line, column = in_json(text, location)
        return line + first_line - 1, column
    if kind == "toml":
        line, column = in_toml(text, location)
        return line + first_line - 1, column
    return in_yaml(text, location, first_line)


def kind_of(text: str, suffix: str) -> str:
    """The data language of a file: by its name ending, then by its first character."""
    if suffix.endswith(".toml"):
        return "toml"
    if suffix.endswith((".json", ".jsonc")) or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        return "json"
    return "yaml"


