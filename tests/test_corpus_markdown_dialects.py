"""Every real Claude Code agent in tests/corpus/claude through the Markdown subagent dialects
of Gemini CLI, Qwen Code, Cursor and Factory: a round trip keeps or reports every field, and
every field the target cannot hold is reported. Content detection still tells the Claude Code
and OpenCode corpora apart from these dialects."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport.api import read_text

from agents import assert_losses_reported, assert_round_trip
from conftest import corpus_path

DIALECTS = ("gemini", "qwen", "cursor", "factory")
CLAUDE = sorted(corpus_path("corpus", "claude").rglob("*.md"))
OPENCODE = sorted(corpus_path("corpus", "opencode").rglob("*.md"))


def test_the_corpus_is_complete() -> None:
    assert (len(CLAUDE), len(OPENCODE)) == (158, 15)


def test_opencode_agents_are_still_detected_as_opencode() -> None:
    assert [agentport.detect(read_text(path)) for path in OPENCODE] == ["opencode"] * len(OPENCODE)


@pytest.mark.parametrize("path", CLAUDE, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_claude_agents_are_still_detected_as_claude(path: Path) -> None:
    assert agentport.detect(read_text(path)) == "claude"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("path", CLAUDE, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_claude_agents_convert_faithfully(path: Path, dialect: str) -> None:
    text = read_text(path)
    assert_round_trip(text, "claude", dialect, str(path))
    assert_losses_reported(text, "claude", dialect, str(path))
