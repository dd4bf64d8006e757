"""Files at paths the user named: written so that a crash or Ctrl-C leaves each one either old
or new, never half-written; folders listed without building a list of every entry.

Paths that come from content go through :mod:`agentport.containment` instead; the helpers here
hand a path the user gave to it, with the path's folder as the (trusted) folder.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, TypeVar

from .containment import TEMPORARY_SUFFIX, Folder, Written, split
from .diagnostics import AgentportError

__all__ = ["TEMPORARY_SUFFIX", "Written", "listing", "remove_leftovers", "replacing", "write_atomic"]


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> Written:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    An existing file with the same content is left alone (its mtime too). One with other
    content is replaced only with ``overwrite``; otherwise :class:`FileExistsError`. A link at
    ``path`` is refused, never written through.
    """
    folder, name = split(path)
    with folder:
        return folder.write(name, text.encode("utf-8"), overwrite=overwrite)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A stream whose bytes replace ``path`` in one rename when the block ends without error,
    so that a large file can be written without holding it in memory."""
    folder, name = split(path)
    with folder, folder.replacing(name) as stream:
        yield stream


def remove_leftovers(folder: Folder, inside: str = "") -> int:
    """Delete the temporary files that killed runs left in the folder ``inside`` of ``folder``;
    returns how many. A temporary file names the process writing it: one whose process still
    runs is left alone."""
    try:
        # Streamed: the folder may hold 100,000 files; only the leftovers are kept.
        leftovers = [name for name, kind in folder.entries(inside) if kind == "file" and _is_leftover(name)]
    except (OSError, AgentportError):
        return 0
    removed = 0
    for name in leftovers:
        try:
            removed += folder.unlink(f"{inside}/{name}" if inside else name)
        except (OSError, AgentportError):
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


SORTED_UP_TO = 1024
"""Folders up to this size are read in name order (a plan reads better sorted); larger ones are
streamed in the file system's order, so that no list grows with the number of files."""

Entry = TypeVar("Entry")


def sorted_when_few(entries: Iterable[Entry], key: Callable[[Entry], str]) -> Iterator[Entry]:
    """``entries`` sorted by ``key`` when there are few, else streamed as they come."""
    iterator = iter(entries)
    head = list(itertools.islice(iterator, SORTED_UP_TO))
    if len(head) < SORTED_UP_TO:
        yield from sorted(head, key=key)
        return
    yield from head
    yield from iterator


def listing(folder: str) -> Iterator[os.DirEntry[str]]:
    """The entries of ``folder``: sorted by name when few, streamed when many."""
    with os.scandir(folder) as entries:
        yield from sorted_when_few(entries, key=lambda entry: entry.name)
