"""What every hostile test asserts: nothing outside the folder changed, one-line errors, bounded memory."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

ONE_LINE_ERROR = re.compile(r"^\S.*: error\[[a-z-]+\] .+$|^agentport: error: .+$|^Error: .+$")
"""``file[:line[:col]]: error[code] message``, or click's and agentport's usage errors."""


def snapshot(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry under ``root`` (links not followed): kind and content digest or link target."""
    entries: dict[str, tuple[str, str]] = {}
    for folder, subfolders, files in os.walk(root):
        for name in subfolders + files:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[relative] = ("folder", "")
            else:
                entries[relative] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return entries


@dataclass(frozen=True)
class Run:
    rc: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    """The largest resident set of the agentport process (its workers not included)."""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def agentport(*args: str, cwd: Path, stdin: bytes = b"", timeout: float = 120, memory_limit_mb: int = 1024) -> Run:
    """Run the ``agentport`` command line in a fresh process, under an address-space limit, and
    measure its peak memory (``wait4``'s resource usage, for this process only)."""
    limit = memory_limit_mb * 1024 * 1024

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    process = subprocess.Popen(
        [sys.executable, "-m", "agentport", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limit_memory,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    outputs: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda name=name, stream=stream: outputs.__setitem__(name, stream.read()))
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    for reader in readers:
        reader.start()
    assert process.stdin is not None
    try:
        process.stdin.write(stdin)
        process.stdin.close()
    except BrokenPipeError:
        pass
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        # wait4, not wait: its resource usage is this child's alone (RUSAGE_CHILDREN keeps the
        # largest child the test process ever had).
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return Run(
        process.returncode,
        outputs["stdout"].decode("utf-8", "replace"),
        outputs["stderr"].decode("utf-8", "replace"),
        usage.ru_maxrss / 1024,
    )


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run.output
    for line in run.stderr.splitlines():
        assert "Error:" not in line or ONE_LINE_ERROR.match(line), line
