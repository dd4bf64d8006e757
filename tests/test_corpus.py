"""Every real agent file in tests/corpus and tests/seeds: read, identity, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Code, Report

from agents import assert_losses_reported, assert_round_trip
from conftest import corpus_path

CORPUS = {"claude": "claude", "opencode": "opencode"}


def corpus_files(folder: str) -> list[Path]:
    files = sorted(p for p in corpus_path("corpus", folder).rglob("*.md"))
    assert files, f"no corpus files under tests/corpus/{folder}"
    return files


def dialect_path(path: Path, dialect: str) -> str:
    """The path a tool would see: OpenCode takes the agent's name from it."""
    if dialect == "opencode":
        return f".opencode/agents/{path.stem}.md"
    return str(path)


def ids(files: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in files]


CLAUDE = corpus_files("claude")
OPENCODE = corpus_files("opencode")
CASES = [(p, "claude") for p in CLAUDE] + [(p, "opencode") for p in OPENCODE]


def test_corpus_is_complete() -> None:
    assert (len(CLAUDE), len(OPENCODE)) == (158, 15)


@pytest.mark.parametrize("path, dialect", CASES, ids=ids([p for p, _ in CASES]))
def test_reads_and_writes_back_byte_identical(path: Path, dialect: str) -> None:
    text = agentport.api.read_text(path)
    report = Report(str(path))
    agent = agentport.loads(text, dialect, path=dialect_path(path, dialect), report=report)
    assert not report.has_errors, list(report)
    assert agentport.detect(text, path=dialect_path(path, dialect)) == dialect
    assert agentport.dumps(agent, dialect).encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("path, dialect", CASES, ids=ids([p for p, _ in CASES]))
def test_round_trip_through_the_other_dialect(path: Path, dialect: str) -> None:
    other = "opencode" if dialect == "claude" else "claude"
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, other, dialect_path(path, dialect))
    assert_losses_reported(text, dialect, other, dialect_path(path, dialect))


def test_lenient_yaml_files_are_the_known_eight() -> None:
    lenient = []
    for path in CLAUDE:
        report = Report(str(path))
        agentport.loads(agentport.api.read_text(path), "claude", report=report)
        hits = [d for d in report if d.code is Code.LENIENT_YAML]
        if hits:
            assert hits[0].line == 3 and hits[0].field == "description"
            lenient.append(path.stem)
    assert len(lenient) == 8, lenient


def test_lenient_files_are_written_as_valid_yaml() -> None:
    import yaml

    for path in CLAUDE:
        result = agentport.convert(agentport.api.read_text(path), read="claude", write="claude", path=str(path))
        edited = result.agent.replace(description=result.agent.description)  # unchanged: same bytes
        assert agentport.dumps(edited, "claude") == agentport.api.read_text(path)
        fresh = agentport.dumps(result.agent.replace(source=None), "claude")
        frontmatter = fresh.split("---\n")[1]
        assert isinstance(yaml.safe_load(frontmatter), dict), path
