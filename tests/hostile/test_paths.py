"""Paths from content never lead agentport outside the folder it works in (docs/security.md,
"Containment"): each case's outcome, and a snapshot proving nothing outside changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile.cases import paths
from hostile.support import Run, agentport, assert_no_traceback, snapshot

MEMORY_MB = 150


def in_project(case: object, tmp_path: Path) -> tuple[Path, dict[str, tuple[str, str]]]:
    case(tmp_path)  # type: ignore[operator]
    return tmp_path / "project", snapshot(tmp_path / "outside")


def assert_outside_untouched(tmp_path: Path, before: dict[str, tuple[str, str]], run: Run) -> None:
    assert snapshot(tmp_path / "outside") == before
    assert paths.SECRET.strip() not in run.output
    assert_no_traceback(run)
    assert run.peak_rss_mb < MEMORY_MB


def generated(project: Path) -> dict[str, str]:
    """Every file under the project's generated folders, with its text."""
    found = {}
    for folder in (".opencode", ".github", "opencode.json"):
        for path in sorted((project / folder).rglob("*")) if (project / folder).is_dir() else ():
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(project).as_posix()] = path.read_text()
    return found


@pytest.mark.parametrize("case", [paths.name_climbs_out, paths.absolute_name])
def test_a_name_is_made_a_name_and_stays_in_the_output_folder(case: object, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    run = agentport("convert", ".claude/agents", "--to", "opencode", "-o", "out", cwd=project)
    assert run.rc == 0, run.output
    assert_outside_untouched(tmp_path, before, run)
    written = [path.relative_to(project / "out").as_posix() for path in (project / "out").rglob("*.md")]
    assert len(written) == 1 and written[0].startswith(".opencode/agents/") and ".." not in written[0]
    assert "warning[value-approximated] name:" in run.stderr
    assert not Path("/tmp/agentport-pwned.md").exists()


@pytest.mark.parametrize("case", [paths.linked_output_folder, paths.linked_output_file])
def test_a_link_where_output_goes_is_refused_not_written_through(case: object, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    run = agentport("convert", ".claude/agents", "--to", "opencode", "--force", cwd=project)
    assert run.rc == 1
    assert_outside_untouched(tmp_path, before, run)
    [error] = [line for line in run.stderr.splitlines() if "error[" in line]
    assert error.startswith(".claude/agents/reviewer.md: error[invalid-input] ")
    assert "is a symbolic link inside" in error and "never" in error


@pytest.mark.parametrize("case", [paths.linked_agent_file, paths.linked_agent_map, paths.linked_agents_folder])
def test_a_link_inside_the_folder_read_is_not_followed(case: object, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    run = agentport("convert", ".", "--to", "opencode", "-o", "out", cwd=project)
    assert_outside_untouched(tmp_path, before, run)
    for path in (project / "out").rglob("*"):
        assert path.is_dir() or paths.SECRET.strip() not in path.read_text()
    if case is paths.linked_agents_folder:
        assert run.rc == 0  # a linked folder is not entered: its agents are simply not there
        assert [p.name for p in (project / "out").rglob("*.md")] == ["reviewer.md"]
    else:
        assert run.rc == 1
        assert "is a symbolic link inside" in run.stderr


def test_two_sources_of_one_name_are_both_refused(tmp_path: Path) -> None:
    project, before = in_project(paths.two_sources_one_name, tmp_path)
    run = agentport("convert", ".claude/agents", "--to", "opencode", cwd=project)
    assert run.rc == 1
    assert_outside_untouched(tmp_path, before, run)
    errors = sorted(line for line in run.stderr.splitlines() if "error[duplicate-name]" in line)
    assert [line.split(":")[0] for line in errors] == [".claude/agents/first.md", ".claude/agents/second.md"]
    assert "neither is written" in errors[0] and "--force" not in run.stderr
    assert not (project / ".opencode/agents/reviewer.md").exists()


def test_names_that_clash_once_valid_are_both_refused(tmp_path: Path) -> None:
    project, before = in_project(paths.names_that_differ_until_made_valid, tmp_path)
    run = agentport("convert", ".github/agents", "--to", "claude", cwd=project)
    assert run.rc == 1
    assert_outside_untouched(tmp_path, before, run)
    assert run.stderr.count("error[duplicate-name]") == 2
    assert "'Issue Triage Agent': Claude Code names are lowercase letters, digits and hyphens; written as 'issue-triage-agent'" in run.stderr
    assert not (project / ".claude/agents/issue-triage-agent.md").exists()


@pytest.mark.parametrize(
    "case", [paths.manifest_lists_outside_file, paths.manifest_lists_absolute_file, paths.manifest_lists_project_file]
)
def test_sync_deletes_nothing_the_manifest_may_not_claim(case: object, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    planned = agentport("sync", "--dry-run", cwd=project)
    assert planned.rc == 1
    [line] = [line for line in planned.stderr.splitlines() if "error[unsafe-path]" in line]
    assert line.startswith(".agentport/manifest.tsv: error[unsafe-path] .agentport/manifest.tsv lists ")
    assert line.endswith("; not deleted, and dropped from the manifest")
    for command in (("diff",), ("sync",), ("sync", "--force")):
        run = agentport(*command, cwd=project)
        assert_outside_untouched(tmp_path, before, run)
    assert (project / "README.md").exists() or case is not paths.manifest_lists_project_file
    assert (project / ".opencode/agents/reviewer.md").is_file()


def test_a_manifest_entry_through_a_link_is_never_deleted(tmp_path: Path) -> None:
    project, before = in_project(paths.manifest_lists_file_through_link, tmp_path)
    run = agentport("sync", "--force", cwd=project)
    assert run.rc == 1
    assert_outside_untouched(tmp_path, before, run)
    assert "is a symbolic link inside" in run.stderr


@pytest.mark.parametrize(
    ("case", "key"),
    [
        (paths.config_target_outside, "targets.opencode.root"),
        (paths.config_source_outside, "source.path"),
        (paths.config_manifest_outside, "manifest"),
    ],
)
def test_a_configuration_cannot_point_outside_its_folder(case: object, key: str, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    run = agentport("sync", cwd=project)
    assert run.rc == 2
    assert_outside_untouched(tmp_path, before, run)
    [line] = run.stderr.strip().splitlines()
    assert f"agentport.toml: {key}: the path leads out of its folder ('..'); paths stay inside" in line


def test_a_source_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    project, before = in_project(paths.config_source_is_link, tmp_path)
    run = agentport("sync", cwd=project)
    assert run.rc == 2
    assert_outside_untouched(tmp_path, before, run)
    assert "agentport.toml: source.path: agents is a symbolic link inside the project" in run.stderr


@pytest.mark.parametrize("command", [("convert", "a\x01b", "--to", "claude"), ("validate", "x\x1b"), ("show", "\x7f")])
def test_a_control_character_in_a_path_argument_is_one_line(command: tuple[str, ...], tmp_path: Path) -> None:
    # (A NUL cannot be an argument at all: the OS passes arguments as C strings.)
    run = agentport(*command, cwd=tmp_path)
    assert run.rc == 2
    assert_no_traceback(run)
    assert "holds the control character" in run.stderr


def test_a_nul_in_a_name_is_made_a_name(tmp_path: Path) -> None:
    project, before = in_project(paths.nul_in_name, tmp_path)
    run = agentport("convert", ".claude/agents", "--to", "opencode", cwd=project)
    assert run.rc == 0, run.output
    assert_outside_untouched(tmp_path, before, run)
    assert sorted(p.name for p in (project / ".opencode/agents").iterdir()) == ["a-b.md"]


@pytest.mark.parametrize("case", [paths.nul_in_manifest_entry, paths.nul_in_config_value])
def test_a_nul_in_a_manifest_or_configuration_is_one_line(case: object, tmp_path: Path) -> None:
    project, before = in_project(case, tmp_path)
    for command in (("check",), ("diff",), ("sync",)):
        run = agentport(*command, cwd=project)
        assert run.rc in (1, 2)
        assert_outside_untouched(tmp_path, before, run)
        assert "control character '\\x00'" in run.stderr
