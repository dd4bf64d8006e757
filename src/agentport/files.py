"""Writing files so that a crash or Ctrl-C leaves each one either old or new, never half-written."""

from __future__ import annotations

import contextlib
import enum
import itertools
import os
from pathlib import Path
from typing import BinaryIO, Iterator

TEMPORARY_SUFFIX = ".agentport-tmp"
"""Temporary files end in this; a crash can leave one behind, never a half-written target."""


class Written(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


_known_folders: set[str] = set()


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> Written:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    An existing file with the same content is left alone (its mtime too). One with other
    content is replaced only with ``overwrite``; otherwise :class:`FileExistsError`.
    """
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            current: bytes | None = handle.read()
    except FileNotFoundError:
        current = None
    if current == data:
        return Written.UNCHANGED
    if current is not None and not overwrite:
        raise FileExistsError(f"{path} exists with other content (use --force to replace it)")
    with replacing(path) as stream:
        stream.write(data)
    return Written.CREATED if current is None else Written.UPDATED


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A stream whose bytes replace ``path`` in one rename when the block ends without error,
    so that a large file can be written without holding it in memory."""
    folder = os.fspath(path.parent)
    temporary = os.path.join(folder, f".{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        with os.fdopen(_create(folder, temporary), "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files that killed runs left in ``folder``; returns how many.

    A temporary file names the process writing it: one whose process still runs is left alone.
    """
    try:
        with os.scandir(folder) as entries:  # streamed: the folder may hold 100,000 files
            leftovers = [entry.path for entry in entries if _is_leftover(entry.name)]
    except OSError:
        return 0
    removed = 0
    for path in leftovers:
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _is_leftover(name: str) -> bool:
    if not (name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)):
        return False
    pid = name[: -len(TEMPORARY_SUFFIX)].rsplit(".", 1)[-1]
    return not (pid.isdigit() and _running(int(pid)))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process nobody has reaped yet (common in containers) still answers: a zombie.
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _create(folder: str, temporary: str) -> int:
    """Open ``temporary`` for writing, making its folder once per process (a stat per file
    adds up over a large tree); a folder removed since is made again."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    if folder not in _known_folders:
        os.makedirs(folder, exist_ok=True)
        _known_folders.add(folder)
    try:
        return os.open(temporary, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        return os.open(temporary, flags, 0o666)


SORTED_UP_TO = 1024
"""Folders up to this size are read in name order (a plan reads better sorted); larger ones are
streamed in the file system's order, so that no list grows with the number of files."""


def listing(folder: str) -> Iterator[os.DirEntry[str]]:
    """The entries of ``folder``: sorted by name when few, streamed when many."""
    with os.scandir(folder) as entries:
        head = list(itertools.islice(entries, SORTED_UP_TO))
        if len(head) < SORTED_UP_TO:
            yield from sorted(head, key=lambda entry: entry.name)
            return
        yield from head
        yield from entries
