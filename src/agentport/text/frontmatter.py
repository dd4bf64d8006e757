"""Markdown with YAML frontmatter: split a file into its parts and join them again.

Written once for every Markdown dialect. The parts keep what byte-exact output needs that the
neutral model does not: the line ending, a UTF-8 byte order mark, the frontmatter text as
written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOM = "\ufeff"
FENCE = "---"
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Document:
    """A Markdown file cut at its frontmatter fences; text is normalised to ``\\n`` line ends."""

    frontmatter: str | None
    """The YAML between the fences, or ``None`` when the file has no frontmatter."""
    body: str
    """Everything after the closing fence line."""
    frontmatter_line: int = 2
    """1-based line number of the first YAML line, for diagnostics."""
    body_line: int = 1
    newline: str = "\n"
    bom: bool = False

    @property
    def prompt(self) -> str:
        """The body as a prompt: without the blank lines after the fence and trailing space."""
        return _LEADING_BLANK_LINES.sub("", self.body).rstrip()


def split(text: str) -> Document:
    """Cut ``text`` into frontmatter and body. A file without an opening fence is all body."""
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    if newline == "\r\n" or "\r" in text:
        text = text.replace("\r\n", "\n")
    if not _is_fence(text, 0):
        return Document(None, text, newline=newline, bom=bom)
    start = text.find("\n") + 1
    if start == 0:  # a lone fence line and nothing else
        return Document(None, text, newline=newline, bom=bom)
    position = start
    line = 2
    while position < len(text):
        end = text.find("\n", position)
        stop = len(text) if end < 0 else end
        if text[position:stop].rstrip() == FENCE:
            body_start = len(text) if end < 0 else end + 1
            return Document(
                text[start:position],
                text[body_start:],
                frontmatter_line=2,
                body_line=line + 1,
                newline=newline,
                bom=bom,
            )
        if end < 0:
            break
        position = end + 1
        line += 1
    # An opening fence that is never closed: not frontmatter, the way the tools read it.
    return Document(None, text, newline=newline, bom=bom)


def _is_fence(text: str, position: int) -> bool:
    end = text.find("\n", position)
    return text[position : len(text) if end < 0 else end].rstrip() == FENCE


def join(frontmatter: str | None, body: str, *, newline: str = "\n", bom: bool = False) -> str:
    """The file text for ``frontmatter`` (YAML ending in a newline, or ``None``) and ``body``."""
    text = body if frontmatter is None else f"{FENCE}\n{frontmatter}{FENCE}\n{body}"
    if newline != "\n":
        text = text.replace("\n", newline)
    return BOM + text if bom else text


def body_for_prompt(prompt: str) -> str:
    """The conventional body around a prompt: a blank line after the fence, a final newline."""
    return f"\n{prompt}\n" if prompt else ""
