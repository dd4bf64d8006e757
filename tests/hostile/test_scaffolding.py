"""The hostile-test machinery itself: memory is measured per run, errors are recognised."""

from __future__ import annotations

from pathlib import Path

from hostile.generate import load_all
from hostile.support import agentport, assert_no_traceback, snapshot


def test_a_run_reports_its_own_exit_code_output_and_peak_memory(tmp_path: Path) -> None:
    run = agentport("--version", cwd=tmp_path)
    assert run.rc == 0 and "agentport" in run.stdout
    assert 5 < run.peak_rss_mb < 200
    assert_no_traceback(run)


def test_a_snapshot_sees_links_without_following_them(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "link").symlink_to("/etc")
    assert snapshot(tmp_path) == {"a.md": ("file", snapshot(tmp_path)["a.md"][1]), "link": ("link", "/etc")}


def test_every_case_module_imports() -> None:
    assert isinstance(load_all(), dict)
