"""Kilo Code's kilo.jsonc agent map: opencode.json's shape with Kilo's fields and schema URL."""

from __future__ import annotations

import pytest

import agentport
import agentport.api
from agentport import ParseError, Report

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

CONFIG = FIXTURES / "kilo-json" / "kilo.jsonc"


def config_text() -> str:
    return agentport.api.read_text(CONFIG)


def one_agent_files() -> list[tuple[str, str]]:
    agents = agentport.loads_all(config_text(), "kilo-json", path="kilo.jsonc")
    return [(agent.name, agentport.dumps_all([agent], "kilo-json")) for agent in agents]


def test_fixture_is_an_identity_whole_and_agent_by_agent() -> None:
    agents = agentport.loads_all(config_text(), "kilo-json", path="kilo.jsonc")
    assert [agent.name for agent in agents] == ["test-gen", "deep-thinker"]
    assert agentport.dumps_all(agents, "kilo-json") == config_text()
    for _, text in one_agent_files():
        validate_identity(text, "kilo-json", "kilo.jsonc")


def test_kilo_only_settings_are_kilos_and_the_rest_opencodes() -> None:
    deep = agentport.loads_all(config_text(), "kilo-json", path="kilo.jsonc")[1]
    assert deep.extras == {"opencode": {"options": {"reasoningEffort": "high"}}, "kilo": {"permission": {"agent_manager": "ask"}}}
    report = Report()
    markdown = agentport.dumps(deep, "kilo", report=report)
    assert "agent_manager: ask" in markdown and "reasoningEffort: high" in markdown and not report.has_losses


def test_detected_by_path_and_by_schema() -> None:
    assert agentport.detect(path="kilo.jsonc") == agentport.detect(path="app/kilo.json") == "kilo-json"
    assert agentport.detect(config_text()) == "kilo-json"


def test_an_edit_keeps_comments_and_the_other_agent() -> None:
    test_gen, deep = agentport.loads_all(config_text(), "kilo-json", path="kilo.jsonc")
    text = agentport.dumps_all([test_gen.replace(max_turns=20), deep], "kilo-json")
    assert text == config_text().replace('"steps": 15', '"steps": 20')


def test_a_new_file_names_kilos_schema() -> None:
    agent = agentport.loads("---\nname: a\ndescription: A\n---\n\nDo A.\n", "claude")
    text = agentport.dumps(agent, "kilo-json")
    assert text.startswith('{\n  "$schema": "https://app.kilo.ai/config.json",\n  "agent": {\n    "a": {\n')
    assert agentport.get_dialect("kilo-json").relative_path(agent) == "kilo.jsonc"


def test_malformed_file_names_the_line() -> None:
    with pytest.raises(ParseError) as failure:
        agentport.loads_all('{\n  "agent": {\n    "a": { "mode": subagent }\n  }\n}\n', "kilo-json", path="kilo.jsonc")
    [error] = failure.value.diagnostics
    assert (error.message, error.line, error.column) == ("invalid JSON: unexpected 's', expected a value", 3, 20)


@pytest.mark.parametrize("other", ["claude", "opencode", "kilo"])
@pytest.mark.parametrize("name, text", one_agent_files(), ids=[name for name, _ in one_agent_files()])
def test_round_trips(name: str, text: str, other: str) -> None:
    assert_round_trip(text, "kilo-json", other, "kilo.jsonc")
    assert_losses_reported(text, "kilo-json", other, "kilo.jsonc")
