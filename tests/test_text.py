"""The shared text machinery: frontmatter, YAML in and out, page copies, prompt re-wrapping."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import agentport
from agentport import Code, Layout, ParseError, Report
from agentport.text import frontmatter, markdown, pagecopy, yamlio

from conftest import FIXTURES

# --- frontmatter -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "---\nname: a\n---\nbody\n",
        "---\r\nname: a\r\n---\r\n\r\nbody\r\n",
        "\ufeff---\nname: a\n---\n\nbody",
        "---\nname: a\n---\n",
        "---\nname: a\ndescription: b\n---",
    ],
    ids=["lf", "crlf", "bom-no-final-newline", "empty-body", "no-body-no-newline"],
)
def test_files_come_back_byte_identical(text: str) -> None:
    assert agentport.dumps(agentport.loads(text, "claude"), "claude") == text


def test_split_keeps_layout_and_line_numbers() -> None:
    document = frontmatter.split("\ufeff---\r\nname: a\r\nx: 1\r\n---\r\n\r\nHello\r\n")
    assert (document.bom, document.newline, document.frontmatter) == (True, "\r\n", "name: a\nx: 1\n")
    assert (document.prompt, document.body_line) == ("Hello", 5)


def test_no_frontmatter_or_an_unclosed_fence_is_all_body() -> None:
    assert frontmatter.split("# Title\n").frontmatter is None
    assert frontmatter.split("---\nname: a\nno closing fence\n").frontmatter is None
    with pytest.raises(ParseError, match="no frontmatter"):
        agentport.loads("# Just markdown\n", "claude")


def test_an_edit_keeps_comments_key_order_and_line_endings() -> None:
    path = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"
    agent = agentport.load(path)
    edited = agentport.dumps(agent.replace(description="Reviews changes."), "claude")
    original = path.read_text()
    changed = [(a, b) for a, b in zip(original.splitlines(), edited.splitlines()) if a != b]
    assert changed == [(original.splitlines()[3], "description: \"Reviews changes.\"")]  # quoting style kept
    crlf = FIXTURES / "claude" / ".claude" / "agents" / "release-notes.md"
    agent = agentport.load(crlf)
    edited = agentport.dumps(agent.replace(prompt="New prompt."), "claude")
    assert edited.startswith("\ufeff---\r\n") and edited.endswith("\r\n\r\nNew prompt.\r\n")


# --- YAML ----------------------------------------------------------------------------------

scalars = st.one_of(
    st.text(alphabet=string.printable + "éü–你", max_size=40),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)
keys = st.text(alphabet=string.ascii_letters + string.digits + "_- :#*", min_size=1, max_size=12)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=12
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, values, max_size=6))
def test_emitted_yaml_reads_back_the_same(data: dict) -> None:
    text = yamlio.dump_mapping(data)
    assert (yamlio.load(text) or {}) == data
    assert (yaml.safe_load(text) or {}) == data, "also for YAML 1.1 readers"


simple_values = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " :#-'\"\\,.!*&[]{}|>%@`~", min_size=1, max_size=20),
    st.sampled_from(["true", "False", "null", "~", "yes", "0x1F", "1e3", "012", "0", "1_000", ".inf", "2024-01-01"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z][a-zA-Z_-]{0,8}", fullmatch=True), simple_values), min_size=1, max_size=5))
def test_the_fast_frontmatter_path_agrees_with_the_yaml_loader(entries: list[tuple[str, str]]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in entries)
    fast = yamlio.load_simple(text)
    if fast is not None:
        assert fast == yamlio.load(text)


def test_yaml_12_scalars_stay_strings() -> None:
    assert yamlio.load("a: yes\nb: on\nc: 2024-01-01\nd: true") == {"a": "yes", "b": "on", "c": "2024-01-01", "d": True}


def test_lenient_values_are_reported_and_structure_errors_are_not_forgiven() -> None:
    report = Report("x.md")
    data = yamlio.read_mapping("name: a\ndescription: Use when: b\n", first_line=2, report=report)
    assert data["description"] == "Use when: b"
    assert [(d.code, d.line, d.field) for d in report] == [(Code.LENIENT_YAML, 3, "description")]
    with pytest.raises(ParseError) as error:
        yamlio.read_mapping("name: a\ntools: [Read\n", first_line=2, report=Report("x.md"))
    assert [(d.line, d.field) for d in error.value.diagnostics] == [(3, "tools")]


# --- page copies ---------------------------------------------------------------------------


def page_copy(source: str) -> str:
    """Render ``source`` the way a code host's page view is copied."""
    lines = source.split("\n")[:-1] if source.endswith("\n") else source.split("\n")
    size = len(source.encode("utf-8"))
    header = f"{len(lines)} lines\n{size / 1024:.1f} KiB\nMarkdown\n" * 2
    body = "".join("|\n|\n" if line == "" else f"{line}\n|\n|\n" for line in lines)
    return header + body


source_lines = st.lists(st.text(alphabet=string.ascii_letters + " .-#*`", max_size=30).filter(lambda s: s.strip() != "|"), min_size=4, max_size=40)


@settings(max_examples=200, deadline=None)
@given(source_lines)
def test_page_copies_recover_exactly(lines: list[str]) -> None:
    source = "---\nname: a\n---\n" + "\n".join(line.rstrip() for line in lines) + "\n"
    copy = page_copy(source)
    assert pagecopy.is_page_copy(copy)
    report = Report()
    assert pagecopy.recover(copy, report) == source
    assert not [d for d in report if d.code is Code.PAGE_COPY_LOSS]


def test_a_truncated_page_copy_is_reported() -> None:
    copy = page_copy("---\nname: a\n---\n" + "line\n" * 30)
    report = Report()
    pagecopy.recover(copy[: len(copy) // 2], report)
    assert any(d.code is Code.PAGE_COPY_LOSS and "incomplete" in d.message for d in report)


# --- prompt layout -------------------------------------------------------------------------


def test_rewrap_numbering_options() -> None:
    prompt = "Steps:\n\n1. one\n2. two\n3. three"
    assert markdown.relayout(prompt, Layout(wrap="no"), Report()).endswith("1. one\n1. two\n1. three")
    assert markdown.relayout(prompt, Layout(wrap="no", numbering="keep"), Report()).endswith("1. one\n2. two\n3. three")


def test_rewrap_is_refused_when_it_would_change_the_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    import mdformat

    monkeypatch.setattr(mdformat, "text", lambda text, options: text.replace("**", ""))
    report = Report()
    prompt = "Be **bold** and brief."
    assert markdown.relayout(prompt, Layout(wrap=80), report) == prompt
    assert [d.code for d in report] == [Code.REWRAP_REFUSED]
