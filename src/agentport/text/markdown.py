"""Re-wrap a prompt's Markdown, refusing any change to what it renders to.

Prompts are kept byte-exact unless asked. Asked to re-wrap, mdformat rewrites the Markdown and
markdown-it-py renders input and output to HTML: if the HTML differs (whitespace inside text
aside, which wrapping changes by design), the prompt is kept as it was and the refusal is
reported, the same safety check mdformat's own ``--validate`` makes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Union

from ..diagnostics import Code, Report

Wrap = Union[Literal["keep", "no"], int]
Numbering = Literal["keep", "one", "consecutive"]


@dataclass(frozen=True)
class Layout:
    """How to lay out a prompt.

    ``wrap`` is ``"keep"``, ``"no"`` (one line per paragraph) or a column. ``numbering`` is
    ``"keep"``, ``"one"`` (every item ``1.``, mdformat's style) or ``"consecutive"``; left
    ``None`` it is ``"one"`` when the prompt is re-wrapped and untouched otherwise.
    """

    wrap: Wrap = "keep"
    numbering: Numbering | None = None

    @property
    def is_identity(self) -> bool:
        return self.wrap == "keep" and self.numbering in (None, "keep")


KEEP = Layout()
_WHITESPACE = re.compile(r"\s+")


def relayout(prompt: str, layout: Layout, report: Report) -> str:
    """``prompt`` laid out as ``layout`` says, or unchanged if that would change its meaning."""
    if layout.is_identity or not prompt.strip():
        return prompt
    import mdformat

    options: dict[str, object] = {"wrap": layout.wrap}
    if layout.numbering == "consecutive":
        options["number"] = True
    formatted = mdformat.text(prompt, options=options).rstrip("\n")
    if layout.numbering == "keep":
        formatted = _restore_numbering(prompt, formatted)
    if not renders_alike(prompt, formatted):
        report.add(
            Code.REWRAP_REFUSED,
            "re-wrapping would change how the prompt renders; the prompt was kept as written",
            field="prompt",
        )
        return prompt
    return formatted


def renders_alike(before: str, after: str) -> bool:
    """Whether two Markdown texts render to the same HTML, up to whitespace in text."""
    return _html(before) == _html(after)


def _html(text: str) -> str:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    return _WHITESPACE.sub(" ", html).replace("> <", "><").strip()


_ORDERED_ITEM = re.compile(r"^(\s*)(\d+)([.)])(\s)", re.MULTILINE)


def _restore_numbering(original: str, formatted: str) -> str:
    """Give ordered-list items back the numbers they had, in order, where the counts agree."""
    numbers = [match.group(2) for match in _ORDERED_ITEM.finditer(original)]
    items = list(_ORDERED_ITEM.finditer(formatted))
    if len(numbers) != len(items):
        return formatted
    parts: list[str] = []
    last = 0
    for number, match in zip(numbers, items):
        parts.append(formatted[last : match.start(2)])
        parts.append(number)
        last = match.end(2)
    parts.append(formatted[last:])
    return "".join(parts)
