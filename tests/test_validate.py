"""``agentport validate`` and the schema check ``convert`` runs before writing anything."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import agentport
from agentport import Code, Report, mappings, schemas
from agentport.bulk import Job, Options, Status, convert_one
from agentport.cli import main
from agentport.text import locate
from agentport.validate import validate_paths, validate_text

from matrix import samples

BAD_CLAUDE = """\
---
name: -bad
description: x
tools:
  - Read
  - 3
maxTurns: 0
---
Hello
"""

BAD_CARD = """\
{
  "name": "reviewer",
  "description": 7,
  "skills": [{"id": "x", "name": "x", "description": "", "tags": "none"}]
}
"""


def test_every_shipped_schema_is_compiled() -> None:
    assert all(compiled for _, compiled in schemas.compiled_dialects())


def mutations(data: dict) -> list[dict]:
    """``data`` with each top-level value replaced by values of every JSON type."""
    wrong = [None, True, 0, 1.5, -3, "", "x", [], ["x", 1], {}, {"a": 1}]
    return [{**data, key: value} for key in data for value in wrong] + [{}, {"unexpected-key": 1}]


def test_compiled_checks_agree_with_jsonschema() -> None:
    """On every matrix sample written in every dialect, and on mutations of each."""
    checked = 0
    for dialect in agentport.dialects():
        schema = mappings.schema(dialect)
        if schema is None:
            continue
        reference = jsonschema.validators.validator_for(schema)(schema)
        target = agentport.get_dialect(dialect)
        for sample in samples()[dialect][:4]:
            documents = target.schema_documents(sample.text, sample.path)
            for _, data in documents:
                for instance in [data, *mutations(data)]:
                    assert schemas.is_valid(dialect, instance) == reference.is_valid(instance), (dialect, instance)
                    checked += 1
    assert checked > 1000


def test_problems_name_the_line_and_column_of_yaml_frontmatter() -> None:
    report = validate_text(BAD_CLAUDE, "claude", path="bad.md")
    schema_problems = [(item.line, item.column, item.field, item.message) for item in report if item.code is Code.SCHEMA]
    assert schema_problems == [
        (2, 1, "name", "'-bad' does not match '^[^-:][^:]*$'"),
        (6, 5, "tools[1]", "3 is not of type 'string'"),
        (7, 1, "maxTurns", "0 is less than the minimum of 1"),
    ]
    assert [item.code for item in report if item.line == 4] == [Code.INVALID_VALUE]  # the reader's own note


def test_problems_name_the_line_and_column_in_json() -> None:
    report = validate_text(BAD_CARD, "a2a", path="reviewer.agent-card.json")
    found = [(item.line, item.column, item.field) for item in report if item.code is Code.SCHEMA]
    assert (3, 3, "description") in found
    assert (4, 58, "skills[0].tags") in found
    assert (1, 1, None) in found  # required keys missing: the object itself
    assert str(next(item for item in report if item.field == "description" and item.code is Code.SCHEMA)) == (
        "reviewer.agent-card.json:3:3: error[schema] description: 7 is not of type 'string'"
    )


def test_positions_in_toml() -> None:
    text = 'name = "a"\n"description" = 3\n\n[mcp_servers.docs]\ncommand = 3\n'
    assert locate.in_toml(text, ("description",)) == (2, 1)
    assert locate.in_toml(text, ("mcp_servers", "docs", "command")) == (5, 1)
    assert locate.in_toml(text, ("mcp_servers", "docs", "missing")) == (4, 1)


def test_unreadable_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / ".claude" / "agents").mkdir(parents=True)
    (tmp_path / ".claude" / "agents" / "broken.md").write_text("---\nname: [unclosed\n---\n", "utf-8")
    (tmp_path / ".claude" / "agents" / "fine.md").write_text("---\nname: fine\ndescription: ok\n---\nHi\n", "utf-8")
    reports = {Path(report.path or "").name: report for report in validate_paths([tmp_path])}
    assert reports["broken.md"].has_errors and not reports["fine.md"].has_errors
    assert [item.code for item in reports["broken.md"]] == [Code.INVALID_INPUT]


def test_cli_exit_status_and_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(BAD_CLAUDE, "utf-8")
    assert main(["validate", str(bad), "--from", "claude"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:6:5: error[schema] tools[1]: 3 is not of type 'string'" in err.splitlines()
    assert main(["validate", str(bad), "--from", "claude", "--report", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["counts"] == {"invalid": 1} and payload["ok"] is False
    assert main(["validate", "fixtures"]) == 0


def test_convert_refuses_to_write_output_its_schema_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / ".opencode" / "agents" / "reviewer.md"
    source.parent.mkdir(parents=True)
    source.write_text("---\ndescription: Reviews.\n---\nHi\n", "utf-8")
    claude = type(agentport.get_dialect("claude"))
    render = claude.render
    monkeypatch.setattr(claude, "render", lambda self, agent, context: {**render(self, agent, context), "maxTurns": 0})
    [outcome] = convert_one(Job(source, tmp_path), Options(read=None, write="claude"))
    assert outcome.status is Status.FAILED
    assert [(item.code, item.field) for item in outcome.diagnostics if item.code is Code.SCHEMA] == [(Code.SCHEMA, "maxTurns")]
    assert not (tmp_path / ".claude").exists()
    with pytest.raises(schemas.SchemaError):
        agentport.dumps(agentport.load(source), "claude", report=Report())
