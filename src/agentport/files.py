"""Writing files so that a crash or Ctrl-C leaves each one either old or new, never half-written."""

from __future__ import annotations

import enum
import os
from pathlib import Path

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
    folder = os.fspath(path.parent)
    temporary = os.path.join(folder, f".{path.name}.{os.getpid()}{TEMPORARY_SUFFIX}")
    try:
        with os.fdopen(_create(folder, temporary), "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return Written.CREATED if current is None else Written.UPDATED


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
