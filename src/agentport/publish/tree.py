"""Folders as data: ``{relative POSIX path: bytes}``, read, compared and written all or nothing.

Packing, installing and pulling all end the same way: a set of files lands in a folder. Doing it
here once means every one of them refuses to clobber, supports a dry run, and leaves the folder
untouched when anything fails (files are staged in a temporary folder next to their targets and
only then moved into place).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from .errors import ConflictError, SourceError

Files = Mapping[str, bytes]
"""Relative POSIX path -> content."""

ChangeStatus = Literal["created", "updated", "unchanged", "removed", "kept"]

_SKIPPED_DIRS = frozenset({".git"})


def sha256(data: bytes) -> str:
    """The OCI-style digest of ``data``: ``sha256:<hex>``."""
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def safe_path(relative: str) -> str:
    """``relative`` as a clean POSIX path that stays inside its folder, or :class:`SourceError`.

    Paths come from manifests and bundles other people wrote: ``../../.bashrc`` must never be
    written outside the folder being installed into.
    """
    path = PurePosixPath(relative.replace("\\", "/"))
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts or path.is_absolute() or ".." in parts or ":" in parts[0]:
        raise SourceError(f"refusing the unsafe path {relative!r}: paths must stay inside their folder")
    return "/".join(parts)


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (``.git`` excluded), by relative POSIX path, in sorted order."""
    files: dict[str, bytes] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in _SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(folder, name)
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class FileChange:
    """What happened (or, in a dry run, would happen) to one file."""

    path: str
    status: ChangeStatus


def install_files(
    root: Path,
    files: Files,
    *,
    replaceable: Mapping[str, str] | None = None,
    remove: Iterable[str] = (),
    force: bool = False,
    dry_run: bool = False,
) -> list[FileChange]:
    """Write ``files`` under ``root``, all of them or none.

    An existing file with other content is replaced only when its current digest is the one
    ``replaceable`` gives for it (a file agentport wrote and nobody edited since) or with
    ``force``; otherwise :class:`ConflictError` is raised before anything is written. Paths in
    ``remove`` are deleted when unedited by the same rule and kept otherwise.
    """
    replaceable = replaceable or {}
    changes: list[FileChange] = []
    conflicts: list[str] = []
    for path, data in files.items():
        current = _read(root / safe_path(path))
        if current is None:
            changes.append(FileChange(path, "created"))
        elif current == data:
            changes.append(FileChange(path, "unchanged"))
        else:
            changes.append(FileChange(path, "updated"))
            if not force and replaceable.get(path) != sha256(current):
                conflicts.append(path)
    for path in remove:
        current = _read(root / safe_path(path))
        if current is not None and path not in files:
            unedited = force or replaceable.get(path) == sha256(current)
            changes.append(FileChange(path, "removed" if unedited else "kept"))
    if conflicts:
        if len(conflicts) == 1:
            what = f"{root / conflicts[0]} already exists"
        else:
            more = f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
            what = f"{', '.join(conflicts[:3])}{more} in {root} already exist"
        raise ConflictError(f"{what} with other content (use --force to replace)")
    if not dry_run:
        _apply(root, files, changes)
    return changes


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _apply(root: Path, files: Files, changes: list[FileChange]) -> None:
    writes = [change.path for change in changes if change.status in ("created", "updated")]
    removals = [change.path for change in changes if change.status == "removed"]
    if not writes and not removals:
        return
    created_root = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".agentport-staging-"))
    try:
        for index, path in enumerate(writes):
            (staging / str(index)).write_bytes(files[path])
        for index, path in enumerate(writes):
            target = root / safe_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / str(index), target)
        for path in removals:
            (root / safe_path(path)).unlink()
    except BaseException:
        if created_root:
            shutil.rmtree(root, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_tree(root: Path, files: Files, *, force: bool = False, dry_run: bool = False) -> ChangeStatus:
    """Make the folder ``root`` hold exactly ``files``: ``created``, ``updated`` or ``unchanged``.

    A folder that holds something else is replaced only with ``force``; the new content is
    built next to it and swapped in, so a failure leaves the old folder as it was.
    """
    if not root.exists():
        status: ChangeStatus = "created"
    elif not root.is_dir():
        raise ConflictError(f"{root} exists and is not a folder")
    elif read_tree(root) == dict(files):
        return "unchanged"
    elif not force:
        raise ConflictError(f"{root} already exists with other content (use --force to replace it)")
    else:
        status = "updated"
    if dry_run:
        return status
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.agentport-"))
    try:
        for path, data in files.items():
            target = staging / safe_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if status == "updated":
            retired = staging.with_name(staging.name + "-old")
            os.replace(root, retired)
            os.replace(staging, root)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return status
