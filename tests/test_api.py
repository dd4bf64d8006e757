"""The library API: small, typed, never prints or exits."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Action, Agent, Code, LossError, ModelRef, ParseError, Rule, UnknownDialectError
from agentport import bulk

from conftest import FIXTURES

REVIEWER = FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"


def test_public_names_and_typing_marker() -> None:
    assert {"convert", "load", "loads", "dump", "dumps", "detect", "dialects", "Agent"} <= set(agentport.__all__)
    assert agentport.dialects()[:2] == ["claude", "opencode"]
    assert (Path(agentport.__file__).parent / "py.typed").exists()


def test_convert_returns_text_and_diagnostics() -> None:
    result = agentport.convert(REVIEWER.read_text(), read="claude", write="opencode")
    assert result.read == "claude" and result.write == "opencode"
    assert result.text.startswith("---\ndescription:")
    assert not result.lossless
    assert {d.code for d in result.diagnostics} == {Code.VALUE_APPROXIMATED, Code.FIELD_DROPPED}
    with pytest.raises(LossError) as error:
        agentport.convert(REVIEWER.read_text(), read="claude", write="opencode", strict=True)
    assert error.value.diagnostics


def test_detection_by_path_then_content() -> None:
    text = REVIEWER.read_text()
    assert agentport.detect(path=".opencode/agents/x.md") == "opencode"
    assert agentport.detect(text) == "claude"
    assert agentport.detect("just prose") is None
    assert agentport.load(REVIEWER).source.dialect == "claude"  # type: ignore[union-attr]


def test_unknown_dialect_says_what_was_meant() -> None:
    with pytest.raises(UnknownDialectError, match="Did you mean 'claude'"):
        agentport.get_dialect("claud")


def test_unreadable_input_raises_with_the_line() -> None:
    with pytest.raises(ParseError) as error:
        agentport.loads("---\nname: x\nmodel: [\n---\n", "claude")
    assert [(d.line, d.code) for d in error.value.diagnostics] == [(3, Code.INVALID_INPUT)]


def test_agents_built_in_code_are_written_fresh() -> None:
    agent = Agent(
        name="triage",
        description="Sorts incoming issues",
        prompt="Label and prioritise new issues.",
        model=ModelRef(alias="haiku"),
        rules=(Rule("*", Action.DENY), Rule("read", Action.ALLOW), Rule("bash", Action.ALLOW, "gh issue *")),
    )
    assert agentport.dumps(agent, "claude") == (
        "---\nname: triage\ndescription: Sorts incoming issues\ntools: Read, Bash(gh issue:*)\nmodel: haiku\n---\n\n"
        "Label and prioritise new issues.\n"
    )
    assert agentport.dumps(agent, "opencode") == (
        "---\ndescription: Sorts incoming issues\nmodel: anthropic/claude-haiku-4-5\npermission:\n"
        '  "*": deny\n  read: allow\n  bash:\n    gh issue *: allow\n---\n\nLabel and prioritise new issues.\n'
    )


def test_dump_is_atomic_and_refuses_to_clobber(tmp_path: Path) -> None:
    agent = agentport.load(REVIEWER)
    target = tmp_path / ".opencode" / "agents" / "code-reviewer.md"
    assert agentport.dump(agent, target) is True
    assert agentport.dump(agent, target) is False
    with pytest.raises(FileExistsError):
        agentport.dump(agent.replace(description="changed"), target)
    assert agentport.dump(agent.replace(description="changed"), target, overwrite=True) is True
    assert not list(target.parent.glob("*.agentport-tmp"))


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_converts_every_file_sequentially_and_in_parallel(tmp_path: Path, workers: int) -> None:
    source = tmp_path / ".claude" / "agents"
    source.mkdir(parents=True)
    count = bulk.PARALLEL_THRESHOLD + 50
    for index in range(count):
        (source / f"a{index}.md").write_text(f"---\nname: a{index}\ndescription: d\n---\n\nPrompt {index}.\n")
    options = bulk.Options(read=None, write="opencode")
    jobs = (bulk.Job(path, tmp_path / "out") for path in bulk.discover([tmp_path], None))
    outcomes = list(bulk.run(jobs, options, workers=workers))
    assert len(outcomes) == count and {o.status for o in outcomes} == {bulk.Status.CREATED}
    assert len(list((tmp_path / "out" / ".opencode" / "agents").iterdir())) == count


def test_every_public_name_resolves() -> None:
    for name in agentport.__all__:
        assert getattr(agentport, name) is not None
