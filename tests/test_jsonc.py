"""JSONC: reading with positions, and in-place edits that leave every other byte as written.

Property tests generate documents in many layouts (indent widths, tabs, one-line objects, CRLF,
comments everywhere a comment may go, trailing commas), edit one or several members, and check
the data that results and that the text outside the edited member did not move.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentport.text import jsonc
from agentport.text.jsonc import DELETE, JsoncError

Path = tuple[str, ...]

keys = st.text(alphabet="abcxyz_-$ é\"\\/{}", min_size=1, max_size=6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="ab \"\\/\n\té{}[],:", max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=8,
)
objects = st.dictionaries(keys, values, max_size=4)


class Layout:
    """Writes a value as JSONC, drawing each layout choice from hypothesis."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.unit = draw(st.sampled_from(["  ", "    ", "\t"]))
        self.newline = draw(st.sampled_from(["\n", "\r\n"]))
        self.comments = draw(st.booleans())
        self.trailing = draw(st.booleans())

    def maybe(self) -> bool:
        return self.comments and self.draw(st.booleans())

    def value(self, value: Any, indent: str) -> str:
        if isinstance(value, dict):
            entries = [f"{json.dumps(k, ensure_ascii=False)}: {self.value(v, indent + self.unit)}" for k, v in value.items()]
            return self.container("{", "}", entries, indent)
        if isinstance(value, list):
            return self.container("[", "]", [self.value(v, indent + self.unit) for v in value], indent)
        return json.dumps(value, ensure_ascii=False)

    def container(self, opening: str, closing: str, entries: list[str], indent: str) -> str:
        if not entries:
            return opening + ("/* empty */" if self.maybe() else "") + closing
        trailing = self.trailing and self.draw(st.booleans())
        if self.draw(st.booleans()):  # one line
            parts = [entry + (" /* c, } */" if self.maybe() else "") for entry in entries]
            return opening + " " + ", ".join(parts) + ("," if trailing else "") + " " + closing
        inner = indent + self.unit
        lines = []
        for index, entry in enumerate(entries):
            if self.maybe():
                lines.append(f"{inner}// about the next one: {{ }} , \"")
            comma = "," if index < len(entries) - 1 or trailing else ""
            tail = " // tail }" if self.maybe() else ""
            lines.append(f"{inner}{entry}{comma}{tail}")
        body = self.newline.join(lines)
        return f"{opening}{self.newline}{body}{self.newline}{indent}{closing}"


@st.composite
def documents(draw: Any) -> tuple[dict[str, Any], str]:
    data = draw(objects)
    layout = Layout(draw)
    head = "// settings" + layout.newline if layout.maybe() else ""
    return data, head + layout.value(data, "") + layout.newline


def object_paths(data: dict[str, Any], prefix: Path = ()) -> list[Path]:
    """Paths of every object in ``data`` (the root is ``()``)."""
    paths = [prefix]
    for key, value in data.items():
        if isinstance(value, dict):
            paths += object_paths(value, (*prefix, key))
    return paths


def member_paths(data: dict[str, Any]) -> list[Path]:
    return [(*path, key) for path in object_paths(data) for key in get(data, path)]


def get(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def applied(data: dict[str, Any], changes: dict[Path, Any]) -> dict[str, Any]:
    result = copy.deepcopy(data)
    for path, value in changes.items():
        parent = result
        for key in path[:-1]:
            parent = parent.setdefault(key, {})
        if value is DELETE:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = value
    return result


def unchanged_outside(before: str, after: str, start: int, end: int) -> bool:
    """``after`` is ``before`` with only ``before[start:end]`` replaced."""
    tail = len(before) - end
    return after[:start] == before[:start] and after[len(after) - tail :] == before[end:] and len(after) >= start + tail


SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents())
def test_parse_reads_the_data(document: tuple[dict[str, Any], str]) -> None:
    data, text = document
    assert jsonc.loads(text) == data


@SETTINGS
@given(objects, st.sampled_from([None, 2, 4, "\t"]))
def test_plain_json_is_jsonc(data: dict[str, Any], indent: Any) -> None:
    text = json.dumps(data, indent=indent)
    parsed = jsonc.parse(text)
    assert parsed.data == json.loads(text)
    assert parsed.first_comment is None and parsed.first_trailing_comma is None


@SETTINGS
@given(documents(), st.data())
def test_replacing_a_value_touches_only_that_value(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    data, text = document
    paths = member_paths(data)
    if not paths:
        return
    path = draw.draw(st.sampled_from(paths))
    new = draw.draw(values)
    result = jsonc.edit(text, {path: new})
    assert jsonc.loads(result) == applied(data, {path: new})
    node = jsonc.parse(text).node(path)
    assert node is not None and unchanged_outside(text, result, node.start, node.end)


@SETTINGS
@given(documents(), st.data())
def test_deleting_a_member_touches_only_its_surroundings(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    data, text = document
    paths = member_paths(data)
    if not paths:
        return
    path = draw.draw(st.sampled_from(paths))
    result = jsonc.edit(text, {path: DELETE})
    assert jsonc.loads(result) == applied(data, {path: DELETE})
    parent = jsonc.parse(text).node(path[:-1])
    assert parent is not None and parent.members is not None
    index = next(i for i, member in enumerate(parent.members) if member.key == path[-1])
    start = parent.members[index - 1].value.end if index else parent.start + 1
    end = parent.members[index + 1].key_start if index + 1 < len(parent.members) else parent.end - 1
    assert unchanged_outside(text, result, start, end)


@SETTINGS
@given(documents(), st.data())
def test_inserting_a_member_touches_only_the_end_of_its_object(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    data, text = document
    where = draw.draw(st.sampled_from(object_paths(data)))
    key = draw.draw(keys.filter(lambda key: key not in get(data, where)))
    new = draw.draw(values)
    result = jsonc.edit(text, {(*where, key): new})
    assert jsonc.loads(result) == applied(data, {(*where, key): new})
    parent = jsonc.parse(text).node(where)
    assert parent is not None
    start = parent.members[-1].value.end if parent.members else parent.start + 1
    assert unchanged_outside(text, result, start, parent.end - 1)


@SETTINGS
@given(documents(), st.data())
def test_several_changes_at_once(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    data, text = document
    existing = member_paths(data)
    fresh = [(*path, "new") for path in object_paths(data) if "new" not in get(data, path)]
    chosen = draw.draw(st.lists(st.sampled_from(existing + fresh), max_size=4, unique=True))
    chosen = [p for p in chosen if not any(q != p and p[: len(q)] == q for q in chosen)]
    changes = {path: draw.draw(st.one_of(st.just(DELETE), values)) for path in chosen}
    result = jsonc.edit(text, changes)
    assert jsonc.loads(result) == applied(data, changes)


@SETTINGS
@given(documents(), st.data())
def test_member_edits_descend_into_objects(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    data, text = document
    where = draw.draw(st.sampled_from(object_paths(data)))
    current = get(data, where)
    edits = draw.draw(st.dictionaries(st.sampled_from([*current, "new"]), st.one_of(st.just(DELETE), values), max_size=3))
    # A changed object member: its value with one member more, keeping the rest as written.
    for key, value in current.items():
        if isinstance(value, dict) and draw.draw(st.booleans()):
            edits[key] = {**value, "added": draw.draw(values)}
    old = {key: current[key] for key in edits if key in current}
    new = {key: value for key, value in edits.items() if value is not DELETE}
    changes = jsonc.member_changes(where, old, new)
    result = jsonc.edit(text, changes)
    assert jsonc.loads(result) == applied(data, {(*where, key): value for key, value in edits.items()})
    assert all(path[: len(where) + 1] in {(*where, key) for key in edits} for path in changes)


@SETTINGS
@given(documents(), st.data())
def test_truncated_documents_fail_with_a_position(document: tuple[dict[str, Any], str], draw: st.DataObject) -> None:
    _, text = document
    root = jsonc.parse(text).root
    cut = draw.draw(st.integers(min_value=0, max_value=root.end - 1))
    with pytest.raises(JsoncError) as failure:
        jsonc.parse(text[:cut])
    assert 1 <= failure.value.line <= text[:cut].count("\n") + 1


# --- what the edits look like ------------------------------------------------------------

CONFIG = """\
{
  "$schema": "https://opencode.ai/config.json",
  // the agents
  "agent": {
    /* reviewer */
    "reviewer": {
      "description": "Reviews", // short
      "mode": "subagent",
      "permission": { "bash": "deny" }
    },
    "docs": { "hidden": true },
  },
  "model": "anthropic/claude-sonnet-4-5"
}
"""


def test_a_new_member_follows_its_siblings() -> None:
    result = jsonc.edit(CONFIG, {("agent", "reviewer", "temperature"): 0.1, ("agent", "new"): {"mode": "all", "steps": 3}})
    assert result == CONFIG.replace(
        '"permission": { "bash": "deny" }\n',
        '"permission": { "bash": "deny" },\n      "temperature": 0.1\n',
    ).replace(
        '"docs": { "hidden": true },\n',
        '"docs": { "hidden": true },\n    "new": {\n      "mode": "all",\n      "steps": 3\n    },\n',
    )


def test_a_one_line_object_stays_on_one_line() -> None:
    result = jsonc.edit(CONFIG, {("agent", "reviewer", "permission", "edit"): "ask"})
    assert '"permission": { "bash": "deny", "edit": "ask" }\n' in result


def test_deleting_takes_the_comment_lines_above_and_the_comma_before() -> None:
    result = jsonc.edit(CONFIG, {("agent", "reviewer"): DELETE, ("model",): DELETE})
    assert result == '{\n  "$schema": "https://opencode.ai/config.json",\n  // the agents\n  "agent": {\n    "docs": { "hidden": true },\n  }\n}\n'


def test_missing_parents_are_created_in_the_document_style() -> None:
    assert jsonc.edit("{}\n", {("agent", "x", "mode"): "all"}) == '{\n  "agent": {\n    "x": {\n      "mode": "all"\n    }\n  }\n}\n'
    tabbed = '{\r\n\t"a": 1\r\n}'
    assert jsonc.edit(tabbed, {("b",): [1]}) == '{\r\n\t"a": 1,\r\n\t"b": [\r\n\t\t1\r\n\t]\r\n}'


def test_replacing_keeps_the_rest_of_the_line() -> None:
    result = jsonc.edit(CONFIG, {("agent", "reviewer", "description"): "Reviews code"})
    assert '"description": "Reviews code", // short\n' in result


def test_key_lines_and_positions() -> None:
    document = jsonc.parse(CONFIG)
    assert document.key_lines(("agent",)) == {"reviewer": 6, "docs": 11}
    assert document.first_comment == CONFIG.index("// the agents")
    assert document.first_trailing_comma == CONFIG.index("},\n  },") + 1


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ('{\n  "a": 1,,\n}', "expected a key in double quotes, found ','", 2, 10),
        ('{\n  "a" 1\n}', "expected ':' after the key \"a\"", 2, 7),
        ('{"a": [1, 2}', "expected ',' or ']' after an item, found '}'", 1, 12),
        ('{"a": 1} x', "unexpected 'x' after the end of the value", 1, 10),
        ('{"a": "x\ny"}', "invalid control character", 1, 9),
        ("{\n/* open", "unterminated /* comment", 2, 1),
        ("", "empty document, expected a value", 1, 1),
    ],
)
def test_errors_name_the_line_and_column(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(JsoncError) as failure:
        jsonc.parse(text)
    assert (failure.value.message, failure.value.line, failure.value.column) == (message, line, column)


def test_overlapping_or_impossible_changes_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        jsonc.edit(CONFIG, {("agent",): {}, ("agent", "docs"): DELETE})
    with pytest.raises(ValueError, match="model is not an object"):
        jsonc.edit(CONFIG, {("model", "id"): "x"})


def test_parsing_is_fast() -> None:
    import time

    agents = {f"agent-{i}": {"description": "d" * 40, "mode": "subagent", "permission": {"bash": {"*": "ask", "git *": "allow"}}} for i in range(300)}
    text = json.dumps({"agent": agents}, indent=2)
    start = time.perf_counter()
    jsonc.parse(text)
    assert time.perf_counter() - start < 0.5, "parsing ~80 kB took more than half a second"


def test_member_changes_keep_a_nested_object_as_written() -> None:
    reviewer = jsonc.loads(CONFIG)["agent"]["reviewer"]
    path = ("agent", "reviewer")
    edited = {key: value for key, value in reviewer.items() if key != "mode"}
    edited["permission"] = {"bash": "deny", "edit": "ask"}
    changes = jsonc.member_changes(path, reviewer, edited)
    assert changes == {(*path, "permission", "edit"): "ask", (*path, "mode"): DELETE}
    assert '"permission": { "bash": "deny", "edit": "ask" }' in jsonc.edit(CONFIG, changes)
    edited["permission"] = {"edit": "ask", "bash": "deny"}
    reordered = jsonc.member_changes(path, reviewer, edited)
    assert reordered[(*path, "permission")] == {"edit": "ask", "bash": "deny"}  # the order of rules can matter
