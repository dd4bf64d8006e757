"""The command line, through click's runner: what a user types and what they get back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentport.cli import cli, main

from conftest import FIXTURES


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "claude" / ".claude", tmp_path / ".claude")
    return tmp_path


def test_tree_goes_into_the_target_layout(project: Path) -> None:
    code, _, err = run("convert", str(project / ".claude" / "agents"), "--to", "opencode")
    assert code == 0, err
    written = sorted(p.name for p in (project / ".opencode" / "agents").iterdir())
    assert written == ["code-reviewer.md", "release-notes.md", "test-writer.md"]
    assert "3 created" in err


def test_second_run_is_unchanged_and_keeps_mtimes(project: Path) -> None:
    run("convert", str(project / ".claude"), "--to", "opencode")
    target = project / ".opencode" / "agents" / "code-reviewer.md"
    before = target.stat().st_mtime_ns
    code, _, err = run("convert", str(project / ".claude"), "--to", "opencode")
    assert code == 0 and "3 unchanged" in err
    assert target.stat().st_mtime_ns == before


def test_existing_different_file_is_not_overwritten_without_force(project: Path) -> None:
    target = project / ".opencode" / "agents" / "code-reviewer.md"
    target.parent.mkdir(parents=True)
    target.write_text("hand written\n")
    code, _, err = run("convert", str(project / ".claude"), "--to", "opencode")
    assert code == 1
    assert "exists with other content" in err and "1 conflict" in err
    assert target.read_text() == "hand written\n"
    code, _, _ = run("convert", str(project / ".claude"), "--to", "opencode", "--force")
    assert code == 0 and target.read_text().startswith("---\ndescription:")


def test_one_bad_file_is_reported_with_its_line_and_the_rest_converts(project: Path) -> None:
    bad = project / ".claude" / "agents" / "broken.md"
    bad.write_text("---\nname: broken\ntools: [Read\n---\nbody\n")
    code, _, err = run("convert", str(project / ".claude"), "--to", "opencode")
    assert code == 1
    assert f"{bad}:3: error[invalid-input]" in err
    assert "1 failed" in err and "3 created" in err
    assert not (project / ".opencode" / "agents" / "broken.md").exists()


def test_dry_run_writes_nothing(project: Path) -> None:
    code, _, err = run("convert", str(project / ".claude"), "--to", "opencode", "--dry-run")
    assert code == 0 and "3 would be created" in err
    assert not (project / ".opencode").exists()


def test_output_folder_and_single_file_output(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    code, _, _ = run("convert", str(project / ".claude"), "--to", "opencode", "-o", str(out))
    assert code == 0 and (out / ".opencode" / "agents" / "test-writer.md").is_file()
    single = tmp_path / "one.md"
    source = project / ".claude" / "agents" / "release-notes.md"
    code, _, _ = run("convert", str(source), "--to", "opencode", "-o", str(single))
    assert code == 0 and single.read_bytes().startswith(b"\xef\xbb\xbf---\r\ndescription:")


def test_stdin_to_stdout() -> None:
    text = (FIXTURES / "opencode" / ".opencode" / "agents" / "docs-writer.md").read_text()
    code, out, err = run("convert", "-", "--from", "opencode", "--to", "claude", input=text)
    assert code == 0
    assert out.startswith("---\nname: agent\n") and "disallowedTools: Bash(rm:*), WebFetch" in out
    assert "temperature" in err


def test_strict_fails_on_loss_and_report_json_lists_everything(project: Path) -> None:
    code, out, _ = run("convert", str(project / ".claude"), "--to", "opencode", "--strict", "--report", "json", "-o", str(project / "out"))
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["counts"] == {"created": 3}
    codes = {d["code"] for f in report["files"] for d in f["diagnostics"]}
    assert {"lenient-yaml", "unknown-tool", "field-dropped", "value-approximated"} <= codes
    first = report["files"][0]
    assert set(first) == {"source", "target", "status", "diagnostics"}


def test_wrap_refuses_nothing_on_plain_prose_and_rewraps(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\nname: a\ndescription: d\n---\n\n" + " ".join(["word"] * 60) + "\n")
    code, out, _ = run("convert", str(source), "--from", "claude", "--to", "opencode", "-o", "-", "--wrap", "40")
    assert code == 0
    body = out.split("---\n", 2)[2]
    assert max(len(line) for line in body.splitlines()) <= 40


def test_show_prints_the_neutral_model() -> None:
    code, out, _ = run("show", str(FIXTURES / "claude" / ".claude" / "agents" / "code-reviewer.md"))
    assert code == 0
    data = json.loads(out)
    assert data["name"] == "code-reviewer" and data["model"] == {"alias": "opus"}
    assert {"tool": "bash", "action": "allow", "pattern": "git diff*"} in data["rules"]
    assert data["extras"] == {"claude": {"permissionMode": "plan"}}


def test_detect_and_dialects() -> None:
    code, out, _ = run("detect", str(FIXTURES / "claude"), str(FIXTURES / "opencode"))
    assert code == 0
    assert out.count("claude\t") == 3 and out.count("opencode\t") == 3
    code, out, _ = run("dialects")
    assert code == 0 and out.splitlines()[0].startswith("claude")


def test_unknown_dialect_suggests_the_right_one() -> None:
    assert main(["convert", "x.md", "--to", "opencod"]) == 2


def test_help_teaches_with_examples() -> None:
    code, out, _ = run("convert", "--help")
    assert "Examples:" in out and "--dry-run" in out and "Exit status" in out


def test_a_folder_without_agent_files_says_where_it_looked(tmp_path: Path) -> None:
    code, _, err = run("convert", str(tmp_path), "--to", "opencode")
    assert code == 0
    assert "no agent files under" in err and "--from" in err
