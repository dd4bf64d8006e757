"""``agentport sync``, ``check`` and ``diff`` on small projects: what a user types, what they get."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import agentport
from agentport import config
from agentport.cli import cli
from agentport.containment import Folder
from agentport.manifest import Manifest, digest
from agentport.sync import Action, Sync

CONFIG = """\
[source]
dialect = "claude"

[targets.opencode]
"""
OUT = Path(".opencode/agents")


def agent(name: str, body: str = "You help.", model: str | None = None, description: str | None = None) -> str:
    model_line = f"model: {model}\n" if model else ""
    return f"---\nname: {name}\ndescription: {description or name.title() + ' agent.'}\n{model_line}---\n\n{body}\n"


def opencode(description: str, body: str = "You help.", model: str | None = None) -> str:
    model_line = f"model: {model}\n" if model else ""
    return f"---\ndescription: {description}\nmode: subagent\n{model_line}---\n\n{body}\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration is not looked for above the repository
    source = tmp_path / ".claude" / "agents"
    source.mkdir(parents=True)
    (source / "alpha.md").write_text(agent("alpha"))
    (source / "beta.md").write_text(agent("beta", model="haiku"))
    (tmp_path / "agentport.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def out(project: Path, name: str) -> Path:
    return project / OUT / f"{name}.md"


def listed(err: str) -> list[str]:
    """The per-file lines of a report, as 'status path'."""
    return [" ".join(line.split()[:2]) for line in err.splitlines() if line.startswith(" ") and "  " in line.strip()]


def test_sync_writes_every_agent_in_the_target_layout_and_a_manifest(project: Path) -> None:
    code, _, err = run("sync")
    assert code == 0, err
    assert out(project, "alpha").read_text() == opencode("Alpha agent.")
    assert out(project, "beta").read_text() == opencode("Beta agent.", model="anthropic/claude-haiku-4-5")
    assert sorted(listed(err)) == ["created .opencode/agents/alpha.md", "created .opencode/agents/beta.md"]
    manifest = Manifest.read(Folder(project), ".agentport/manifest.tsv")
    assert sorted(manifest) == [".opencode/agents/alpha.md", ".opencode/agents/beta.md"]
    assert manifest.get(".opencode/agents/beta.md")[1] == ".claude/agents/beta.md"  # type: ignore[index]


def test_second_sync_changes_nothing_and_keeps_every_mtime(project: Path) -> None:
    run("sync")
    files = [out(project, "alpha"), out(project, "beta"), project / ".agentport" / "manifest.tsv"]
    for file in files:
        os.utime(file, ns=(1_000_000_000, 1_000_000_000))
    code, _, err = run("sync")
    assert code == 0 and listed(err) == [] and "sync: 2 unchanged" in err
    assert [file.stat().st_mtime_ns for file in files] == [1_000_000_000] * 3


def test_an_edited_source_updates_its_file_only(project: Path) -> None:
    run("sync")
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="You help more."))
    code, _, err = run("sync")
    assert code == 0
    assert listed(err) == ["updated .opencode/agents/alpha.md"]
    assert out(project, "alpha").read_text() == opencode("Alpha agent.", body="You help more.")


def test_a_deleted_source_removes_its_generated_file(project: Path) -> None:
    run("sync")
    (project / ".claude/agents/beta.md").unlink()
    code, _, err = run("sync")
    assert code == 0
    assert "deleted  .opencode/agents/beta.md  (its source .claude/agents/beta.md is gone)" in err
    assert not out(project, "beta").exists() and out(project, "alpha").exists()
    assert list(Manifest.read(Folder(project), ".agentport/manifest.tsv")) == [".opencode/agents/alpha.md"]


def test_a_hand_edited_file_is_a_conflict_left_alone_until_force(project: Path) -> None:
    run("sync")
    edited = opencode("Alpha agent, tuned by hand.")
    out(project, "alpha").write_text(edited)
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="New body."))
    code, _, err = run("sync")
    assert code == 1
    assert "conflict  .opencode/agents/alpha.md  (edited by hand since sync wrote it)" in err
    assert out(project, "alpha").read_text() == edited
    code, _, err = run("sync")  # still a conflict: the manifest keeps the file's owner
    assert code == 1 and "1 conflict" in err
    assert run("diff")[:2] == (1, "")  # sync would not change it...
    assert "-description: Alpha agent, tuned by hand.\n+description: Alpha agent.\n" in run("diff", "--force")[1]
    code, _, err = run("sync", "--force")
    assert code == 0 and "updated  .opencode/agents/alpha.md  (taken over with --force" in err
    assert out(project, "alpha").read_text() == opencode("Alpha agent.", body="New body.")
    assert run("check")[0] == 0


def test_a_file_a_person_wrote_at_a_target_path_is_a_conflict(project: Path) -> None:
    mine = project / OUT / "alpha.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own alpha\n")
    (project / OUT / "notes.md").write_text("not an agent sync knows\n")
    code, _, err = run("sync")
    assert code == 1
    assert "conflict  .opencode/agents/alpha.md  (exists, and sync did not write it)" in err
    assert mine.read_text() == "my own alpha\n" and out(project, "beta").exists()
    assert ".opencode/agents/alpha.md" not in Manifest.read(Folder(project), ".agentport/manifest.tsv")
    run("sync", "--force")
    (project / ".claude/agents/alpha.md").unlink()
    run("sync")
    assert (project / OUT / "notes.md").read_text() == "not an agent sync knows\n"


def test_a_file_that_already_holds_what_sync_writes_is_adopted(project: Path) -> None:
    """How a run killed before it wrote the manifest is recovered."""
    target = out(project, "alpha")
    target.parent.mkdir(parents=True)
    target.write_text(opencode("Alpha agent."))
    code, _, err = run("sync", "-v")
    assert code == 0
    assert "unchanged  .opencode/agents/alpha.md  (adopted: it already holds what sync writes)" in err
    assert ".opencode/agents/alpha.md" in Manifest.read(Folder(project), ".agentport/manifest.tsv")


def test_a_stale_file_edited_by_hand_is_a_conflict_not_deleted(project: Path) -> None:
    run("sync")
    out(project, "beta").write_text("kept notes\n")
    (project / ".claude/agents/beta.md").unlink()
    code, _, err = run("sync")
    assert code == 1 and "edited by hand, and its source .claude/agents/beta.md is gone" in err
    assert out(project, "beta").read_text() == "kept notes\n"
    assert run("sync", "--force")[0] == 0
    assert not out(project, "beta").exists()


def test_dry_run_prints_the_plan_and_changes_nothing(project: Path) -> None:
    run("sync")
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="Changed."))
    (project / ".claude/agents/beta.md").unlink()
    (project / ".claude/agents/gamma.md").write_text(agent("gamma"))
    out(project, "beta").write_text("edited\n")
    (project / ".claude/agents/delta.md").write_text(agent("delta"))
    run("sync")
    (project / ".claude/agents/delta.md").unlink()
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    code, _, err = run("sync", "--dry-run")
    assert code == 1  # the conflict
    assert sorted(listed(err)) == [
        "conflict .opencode/agents/beta.md",
        "delete .opencode/agents/delta.md",
        "update .agentport/manifest.tsv",
    ]
    (project / ".claude/agents/gamma.md").write_text(agent("gamma", body="Again."))
    code, _, err = run("sync", "--dry-run")
    assert "update  .opencode/agents/gamma.md  (out of date)" in err
    after = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    assert after.keys() == before.keys()
    assert all(after[path] == before[path] for path in after if path.name != "gamma.md")


def test_check_exit_codes_say_whether_the_targets_are_up_to_date(project: Path) -> None:
    assert run("check")[0] == 1  # nothing generated yet
    run("sync")
    code, stdout, err = run("check")
    assert (code, stdout) == (0, "") and re.fullmatch(r"check: 2 unchanged in \d+\.\d\ds\n", err)
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="Changed."))
    code, _, err = run("check")
    assert code == 1 and "update  .opencode/agents/alpha.md  (out of date)" in err
    assert "run 'agentport sync'" in err
    run("sync")
    out(project, "beta").write_text("edited\n")
    code, _, err = run("check", "-q")
    assert code == 1 and "conflict  .opencode/agents/beta.md  (edited by hand since sync wrote it)" in err
    assert out(project, "beta").read_text() == "edited\n"


def test_check_without_a_configuration_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check"], standalone_mode=False)
    assert result.exit_code == 2 or getattr(result.exception, "exit_code", None) == 2
    assert "agentport init" in str(result.exception)


def test_diff_prints_what_sync_would_change(project: Path) -> None:
    run("sync")
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="You help more."))
    (project / ".claude/agents/beta.md").unlink()
    code, stdout, _ = run("diff")
    assert code == 1
    assert stdout == (
        "--- a/.opencode/agents/alpha.md\n"
        "+++ b/.opencode/agents/alpha.md\n"
        "@@ -3,4 +3,4 @@\n"
        " mode: subagent\n"
        " ---\n"
        " \n"
        "-You help.\n"
        "+You help more.\n"
        "--- a/.opencode/agents/beta.md\n"
        "+++ /dev/null\n"
        "@@ -1,7 +0,0 @@\n"
        "----\n"
        "-description: Beta agent.\n"
        "-mode: subagent\n"
        "-model: anthropic/claude-haiku-4-5\n"
        "----\n"
        "-\n"
        "-You help.\n"
    )
    assert out(project, "beta").exists()
    run("sync")
    assert run("diff")[:2] == (0, "")


def test_configuration_in_pyproject(project: Path) -> None:
    (project / "agentport.toml").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.agentport]\nmanifest = "build/agents.tsv"\n\n'
        '[tool.agentport.source]\ndialect = "claude"\n\n[tool.agentport.targets.opencode]\nroot = "generated"\n'
    )
    code, _, err = run("sync")
    assert code == 0, err
    assert (project / "generated" / OUT / "alpha.md").read_text() == opencode("Alpha agent.")
    assert ".opencode/agents/alpha.md" not in Manifest.read(Folder(project), "build/agents.tsv")
    assert "generated/.opencode/agents/alpha.md" in Manifest.read(Folder(project), "build/agents.tsv")


def test_the_configuration_is_found_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / ".claude")
    assert run("sync")[0] == 0
    assert out(project, "alpha").exists()


def test_include_and_exclude_pick_agents_by_name_or_glob(project: Path) -> None:
    (project / ".claude/agents/beta-draft.md").write_text(agent("beta-draft"))
    (project / "agentport.toml").write_text(CONFIG + 'include = ["beta*"]\nexclude = ["*-draft"]\n')
    code, _, err = run("sync", "-v")
    assert code == 0
    assert sorted(path.name for path in (project / OUT).iterdir()) == ["beta.md"]
    assert "excluded  .claude/agents/alpha.md  ('alpha' is excluded by targets.opencode)" in err
    (project / "agentport.toml").write_text(CONFIG + 'exclude = "beta"\n')
    code, _, err = run("sync")
    assert "deleted  .opencode/agents/beta.md  (.claude/agents/beta.md no longer generates it)" in err
    assert sorted(path.name for path in (project / OUT).iterdir()) == ["alpha.md", "beta-draft.md"]


def test_a_model_override_reaches_the_writer_and_is_reported(project: Path) -> None:
    (project / ".claude/agents/gamma.md").write_text(agent("gamma", model="claude-sonnet-4-5"))
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", model="sonnet"))
    (project / "agentport.toml").write_text(
        CONFIG + 'models = { sonnet = "github-copilot/claude-sonnet-4", haiku = "openrouter/some-small-model" }\n'
    )
    code, _, err = run("sync")
    assert code == 0, err
    assert out(project, "alpha").read_text() == opencode("Alpha agent.", model="github-copilot/claude-sonnet-4")
    assert out(project, "gamma").read_text() == opencode("Gamma agent.", model="github-copilot/claude-sonnet-4")
    assert out(project, "beta").read_text() == opencode("Beta agent.", model="openrouter/some-small-model")
    assert "targets.opencode.models: 'sonnet' written as 'github-copilot/claude-sonnet-4' in 1 file" in err
    assert "'anthropic/claude-sonnet-4-5' written as 'github-copilot/claude-sonnet-4' in 1 file" in err
    code, stdout, _ = run("sync", "--force", "--report", "json")
    report = json.loads(stdout)
    assert {"target": "opencode", "replaced": "haiku", "written": "openrouter/some-small-model", "files": 1} in report[
        "model_overrides"
    ]
    notes = [d for f in report["files"] for d in f["diagnostics"] if d["code"] == "model-overridden"]
    assert {"field": "model", "message": "'haiku' replaced by 'openrouter/some-small-model' (targets.opencode.models.haiku)",
            "path": ".claude/agents/beta.md", "severity": "info", "code": "model-overridden"} in notes


def test_one_bad_source_fails_alone_and_keeps_its_generated_file(project: Path) -> None:
    run("sync")
    (project / ".claude/agents/beta.md").write_text("---\nname: beta\ntools: [Read\n---\nbody\n")
    (project / ".claude/agents/gamma.md").write_text(agent("gamma"))
    code, _, err = run("sync")
    assert code == 1
    assert ".claude/agents/beta.md:3" in err and "failed  .claude/agents/beta.md  (cannot be read)" in err
    assert out(project, "gamma").exists()
    assert out(project, "beta").read_text() == opencode("Beta agent.", model="anthropic/claude-haiku-4-5")
    assert ".opencode/agents/beta.md" in Manifest.read(Folder(project), ".agentport/manifest.tsv")


def test_json_report_has_each_file_counts_diagnostics_and_timings(project: Path) -> None:
    code, stdout, err = run("sync", "--report", "json")
    assert code == 0 and err == ""
    report = json.loads(stdout)
    files = sorted(report["files"], key=lambda f: f["target"])
    assert [(f["source"], f["target"], f["status"]) for f in files] == [
        (".claude/agents/alpha.md", ".opencode/agents/alpha.md", "created"),
        (".claude/agents/beta.md", ".opencode/agents/beta.md", "created"),
    ]
    assert files[1]["diagnostics"][0]["code"] == "value-approximated"
    assert report["counts"] == {"created": 2} and report["ok"] is True
    assert report["manifest"] == {"path": ".agentport/manifest.tsv", "changed": True}
    assert set(report["timings"]) == {"sources", "stale", "manifest"}


def test_agents_with_the_same_name_fail_and_a_name_cannot_leave_the_target(project: Path) -> None:
    (project / ".claude/agents/alpha-copy.md").write_text(agent("alpha", body="Another alpha."))
    (project / ".claude/agents/escape.md").write_text(agent("../../outside"))
    code, _, err = run("sync")
    assert code == 1
    sources = sorted(line.split(": error[duplicate-name]")[0] for line in err.splitlines() if "error[duplicate-name]" in line)
    assert sources == [".claude/agents/alpha-copy.md", ".claude/agents/alpha.md"]
    assert "both become .opencode/agents/alpha.md: agent names must be unique in a target; neither is written" in err
    assert not (project / OUT / "alpha.md").exists()
    assert ".opencode/agents/alpha.md" not in Manifest.read(Folder(project), ".agentport/manifest.tsv")
    assert "'../../outside': OpenCode names are" in err and "written as 'outside'" in err
    assert (project / OUT / "outside.md").is_file() and not (project.parent / "outside.md").exists()


def test_temporary_files_a_killed_run_left_are_removed(project: Path) -> None:
    run("sync")
    leftover = project / OUT / ".alpha.md.999999999.agentport-tmp"
    leftover.write_text("half")
    run("sync")
    assert not leftover.exists()


def test_a_target_whose_one_file_holds_every_agent(project: Path) -> None:
    (project / "agentport.toml").write_text(CONFIG + "[targets.roo]\n")
    code, _, err = run("sync")
    assert code == 0, err
    assert "created  .roomodes" in err
    modes = agentport.loads_all((project / ".roomodes").read_text(), "roo", path=".roomodes")
    assert [(mode.name, mode.description) for mode in modes] == [("alpha", "Alpha agent."), ("beta", "Beta agent.")]
    assert run("sync")[0] == 0 and run("check")[0] == 0
    (project / ".claude/agents/beta.md").write_text("---\nname: [\n---\n")
    code, _, err = run("sync")
    assert code == 1
    assert "failed  .roomodes  (kept as it is: it would lose the agents of sources that could not be read)" in err
    assert agentport.loads_all((project / ".roomodes").read_text(), "roo", path=".roomodes")[1].name == "beta"


def test_a_run_stopped_early_records_what_it_finished(project: Path) -> None:
    """Ctrl-C reaches the run as the generator being closed: the manifest lists what is done."""
    run("sync")
    (project / ".claude/agents/alpha.md").write_text(agent("alpha", body="Changed."))
    (project / ".claude/agents/beta.md").write_text(agent("beta", body="Changed too."))
    changes = Sync(config.load(project / "agentport.toml")).run()
    first = next(changes)
    changes.close()
    assert (first.action, first.path) == (Action.UPDATE, ".opencode/agents/alpha.md")
    manifest = Manifest.read(Folder(project), ".agentport/manifest.tsv")
    recorded = {path: manifest.get(path)[0] for path in manifest}  # type: ignore[index]
    assert recorded[".opencode/agents/alpha.md"] == digest(out(project, "alpha").read_bytes())
    assert recorded[".opencode/agents/beta.md"] == digest(out(project, "beta").read_bytes())  # not reached: as it was
    code, _, err = run("sync")
    assert code == 0 and listed(err) == ["updated .opencode/agents/beta.md"]


def test_a_missing_source_folder_is_an_error_not_an_empty_source(project: Path) -> None:
    run("sync")
    (project / ".claude/agents").rename(project / ".claude/renamed")
    result = CliRunner().invoke(cli, ["sync"], standalone_mode=False)
    assert getattr(result.exception, "exit_code", None) == 2
    assert "source.path: .claude/agents does not exist" in str(result.exception)
    assert out(project, "alpha").exists() and out(project, "beta").exists()
