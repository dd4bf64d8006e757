"""Recover an agent file from a copy of a web page view of it.

Copying a file's page from a code host gives a header (``247 lines``, ``6.9 KiB``,
``Markdown``; sometimes twice) and then every source line followed by two ``|`` gutter lines,
with blank source lines reduced to their gutter. Recovery reverses that exactly and checks the
result against the header's line count and size. What the page view itself lost (indentation
inside code blocks) cannot be recovered; it is reported by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Code, Report, Severity

GUTTER = "|"
_LINES = re.compile(r"^(\d[\d,]*) lines?(?: \(\d[\d,]* loc\))?$")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?) (B|Bytes|KiB|KB|MiB|MB)$", re.IGNORECASE)
_UNITS = {"b": 1, "bytes": 1, "kib": 1024, "kb": 1024, "mib": 1 << 20, "mb": 1 << 20}
_HEADER_LINES = 3
_MIN_GUTTERED_LINES = 3


@dataclass(frozen=True)
class PageHeader:
    lines: int
    size: float
    unit: str
    language: str
    header_lines: int

    @property
    def approximate_bytes(self) -> tuple[float, float]:
        """The byte range the rounded size stands for."""
        scale = _UNITS[self.unit.lower()]
        decimals = len(str(self.size).split(".")[1]) if "." in str(self.size) else 0
        half_step = 0.5 * 10**-decimals if scale > 1 else 0.5
        return ((self.size - half_step) * scale, (self.size + half_step) * scale)


def _header(lines: list[str]) -> PageHeader | None:
    if len(lines) < _HEADER_LINES:
        return None
    count, size = _LINES.match(lines[0].strip()), _SIZE.match(lines[1].strip())
    language = lines[2].strip()
    if count is None or size is None or not language or language == GUTTER:
        return None
    used = _HEADER_LINES
    while lines[used : used + _HEADER_LINES] == lines[:_HEADER_LINES]:  # the view repeats it
        used += _HEADER_LINES
    return PageHeader(
        int(count.group(1).replace(",", "")), float(size.group(1)), size.group(2), language, used
    )


def is_page_copy(text: str) -> bool:
    """Whether ``text`` looks like a page-view copy (header, then gutter lines)."""
    if not text[:1].isdigit():  # every file is asked: most answer here
        return False
    lines = text[:4096].split("\n")
    header = _header(lines)
    if header is None:
        return False
    rest = lines[header.header_lines :]
    return rest[1:3] == [GUTTER, GUTTER] and rest[:-1].count(GUTTER) >= 2 * _MIN_GUTTERED_LINES


def recover(text: str, report: Report) -> str:
    """The source file a page copy was made from. ``text`` must satisfy :func:`is_page_copy`."""
    lines = text.split("\n")
    header = _header(lines)
    assert header is not None, "recover() needs a page copy; check is_page_copy() first"
    source = _strip_gutters(lines[header.header_lines :], header.lines)
    recovered = _with_final_newline(source, header)
    size = len(recovered.encode("utf-8"))
    low, high = header.approximate_bytes
    report.add(
        Code.PAGE_COPY,
        f"recovered from a web page copy: {len(source)} lines, {size:,} bytes "
        f"(the page said {header.lines} lines, {header.size:g} {header.unit})",
        severity=Severity.INFO,
        line=1,
    )
    if len(source) != header.lines or not low <= size <= high:
        report.add(
            Code.PAGE_COPY_LOSS,
            f"the recovered file does not match the page header ({len(source)} lines, {size:,} bytes "
            f"against {header.lines} lines, {header.size:g} {header.unit}): the copy is incomplete",
            line=1,
        )
    _report_lost_indentation(source, report)
    return recovered


def _strip_gutters(lines: list[str], expected_lines: int) -> list[str]:
    if lines and lines[-1] == "":
        lines = lines[:-1]  # the copy's own final newline
    source: list[str] = []
    index = 0
    gutters = 2
    while index < len(lines):
        line = lines[index]
        if line == GUTTER and lines[index + 1 : index + 2] == [GUTTER]:
            source.append("")  # a blank source line keeps only its two gutter lines
            index += 2
            continue
        source.append(line)
        index += 1
        gutters = 0
        while gutters < 2 and index < len(lines) and lines[index] == GUTTER:
            index += 1
            gutters += 1
    if gutters == 1 and len(source) == expected_lines - 1:
        # A lone "|" at the very end is a gutter cut short or a source line "|": the header's
        # line count says which.
        source.append(GUTTER)
    return source


def _with_final_newline(source: list[str], header: PageHeader) -> str:
    text = "\n".join(source)
    low, high = header.approximate_bytes
    with_newline = text + "\n"
    # Files normally end in a newline; keep it unless only its absence fits the header size.
    if not low <= len(with_newline.encode("utf-8")) <= high and low <= len(text.encode("utf-8")) <= high:
        return text
    return with_newline


_FENCE = re.compile(r"^(`{3,}|~{3,})")
_OPENS_NESTING = ("{", "[", "(", ":")


def _report_lost_indentation(source: list[str], report: Report) -> None:
    """Report code blocks whose nesting shows that the page view dropped their indentation."""
    fence: str | None = None
    block_start = 0
    flattened = False
    for number, line in enumerate(source, start=1):
        if fence is None:
            opening = _FENCE.match(line)
            if opening:
                fence, block_start, flattened = opening.group(1), number, False
            continue
        if line.startswith(fence):
            if flattened:
                report.add(
                    Code.PAGE_COPY_LOSS,
                    f"indentation inside the code block of lines {block_start + 1}-{number - 1} was "
                    "lost by the page view and cannot be recovered",
                    line=block_start + 1,
                )
            fence = None
            continue
        previous = source[number - 2]
        if number - 1 > block_start and line and not line[0].isspace():
            flattened = flattened or previous.rstrip().endswith(_OPENS_NESTING)
