"""A sync killed mid-run (SIGKILL, the whole process group) leaves no half-written file, and the
next sync finishes the job: it adopts what the killed run wrote and makes the manifest whole."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from agentport.files import TEMPORARY_SUFFIX
from agentport.containment import Folder
from agentport.manifest import Manifest, digest

from conftest import corpus_path

FILES = 2000
CONFIG = '[source]\ndialect = "claude"\n\n[targets.opencode]\n'


def make_project(root: Path) -> None:
    """``FILES`` real Claude agents, each under a name of its own."""
    (root / ".git").mkdir()
    (root / "agentport.toml").write_text(CONFIG)
    source = root / ".claude" / "agents"
    source.mkdir(parents=True)
    corpus = sorted(corpus_path("corpus", "claude").rglob("*.md"))
    texts = [(path.stem, path.read_text("utf-8")) for path in corpus]
    for index in range(FILES):
        stem, text = texts[index % len(texts)]
        name = f"{stem}-{index:05d}"
        (source / f"{name}.md").write_text(re.sub(r"^name:.*$", f"name: {name}", text, count=1, flags=re.MULTILINE), "utf-8")


def sync(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agentport", "sync", *args],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def test_a_killed_sync_leaves_each_file_old_or_new_and_the_next_sync_completes(tmp_path: Path) -> None:
    make_project(tmp_path)
    out = tmp_path / ".opencode" / "agents"
    manifest_path = tmp_path / ".agentport" / "manifest.tsv"

    run = sync(tmp_path, "-q")
    deadline = time.monotonic() + 120
    while not (out.is_dir() and sum(1 for _ in os.scandir(out)) >= 20):
        assert run.poll() is None, f"sync ended before it could be killed: {run.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate()
    assert run.returncode == -signal.SIGKILL
    assert not manifest_path.exists(), "the run was not killed mid-run"

    left = {entry.name: Path(entry.path).read_bytes() for entry in os.scandir(out)}
    written = {name: data for name, data in left.items() if not name.endswith(TEMPORARY_SUFFIX)}
    assert 0 < len(written) < FILES

    stdout, stderr = sync(tmp_path, "--report", "json").communicate(timeout=300)
    report = json.loads(stdout)
    assert report["ok"], stderr
    statuses = {Path(item["target"]).name: item["status"] for item in report["files"] if item["target"]}
    # Every file the killed run left holds exactly what a full sync writes: adopted, not rewritten.
    assert {statuses[name] for name in written} == {"unchanged"}
    assert report["counts"] == {"unchanged": len(written), "created": FILES - len(written)}
    for name, data in written.items():
        assert (out / name).read_bytes() == data
    assert not [path for path in tmp_path.rglob(f"*{TEMPORARY_SUFFIX}")]

    manifest = Manifest.read(Folder(tmp_path), ".agentport/manifest.tsv")
    assert len(manifest) == FILES == sum(1 for _ in out.iterdir())
    for path in manifest:
        assert manifest.get(path)[0] == digest((tmp_path / path).read_bytes())  # type: ignore[index]
    stdout, _ = sync(tmp_path, "--report", "json").communicate(timeout=300)
    assert json.loads(stdout)["counts"] == {"unchanged": FILES}
