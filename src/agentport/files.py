"""Writing files so that a crash or Ctrl-C leaves each one either old or new, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, *, overwrite: bool = False) -> bool:
    """Write ``text`` to ``path`` through a temporary file and a rename; return whether it changed.

    An existing file with the same content is left alone (its mtime too). One with other
    content is replaced only with ``overwrite``; otherwise :class:`FileExistsError`.
    """
    data = text.encode("utf-8")
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    if current == data:
        return False
    if current is not None and not overwrite:
        raise FileExistsError(f"{path} exists with other content (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".agentport-tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return True
