"""How the command line reports: diagnostics as lines or JSON, a summary, the exit code."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from typing import Any, Iterable

import click

from ..diagnostics import Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


class Reporter:
    """Collects what a command did and tells it, in text for people or JSON for machines."""

    def __init__(
        self,
        *,
        fmt: str = "text",
        quiet: bool = False,
        verbose: bool = False,
        strict: bool = False,
        failing: Iterable[str] = ("failed", "conflict"),
    ) -> None:
        self.fmt = fmt
        self.quiet = quiet
        self.verbose = verbose
        self.strict = strict
        self.failing = frozenset(failing)
        """File statuses that fail the run."""
        self.extra: dict[str, Any] = {}
        """More top-level keys for the JSON report."""
        self.counts: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.files: list[dict[str, Any]] = []
        self.started = time.perf_counter()
        self.losses = 0
        self.errors = 0

    def diagnostics(self, items: Iterable[Diagnostic]) -> None:
        for item in items:
            self.codes[item.code.value] += 1
            self.losses += item.is_loss
            self.errors += item.severity >= Severity.ERROR
            if self.fmt == "text" and self._shown(item):
                click.echo(_styled(item), err=True)

    def _shown(self, item: Diagnostic) -> bool:
        if item.severity >= Severity.ERROR:
            return True
        if self.quiet:
            return False
        return self.verbose or item.severity >= Severity.WARNING

    def file(
        self,
        status: str,
        source: str | None,
        target: str | None,
        items: Iterable[Diagnostic],
        *,
        reason: str | None = None,
        listed: bool = False,
    ) -> None:
        """Count one file. Its line is printed with ``-v``, or if ``listed`` (unless ``-q``,
        which still lists files whose status fails the run)."""
        items = list(items)
        self.counts[status] += 1
        self.diagnostics(items)
        if self.fmt == "json":
            entry = {"source": source, "target": target, "status": status, "diagnostics": [d.to_json() for d in items]}
            if reason:
                entry["reason"] = reason
            self.files.append(entry)
        elif (self.verbose or listed) and (not self.quiet or (listed and status in self.failing)):
            why = f"  ({reason})" if reason else ""
            click.echo(f"{status:>9}  {target or source}{why}", err=True)

    @property
    def failed(self) -> bool:
        return self.errors > 0 or any(self.counts[s] for s in self.failing) or (self.strict and self.losses > 0)

    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def finish(self, verb: str = "converted") -> int:
        seconds = time.perf_counter() - self.started
        if self.fmt == "json":
            payload = {
                "files": self.files,
                "counts": dict(self.counts),
                "diagnostics": dict(self.codes),
                "seconds": round(seconds, 3),
                "ok": not self.failed,
                **self.extra,
            }
            json.dump(payload, sys.stdout, indent=2)
            sys.stdout.write("\n")
        elif not self.quiet or self.failed:
            parts = [f"{count} {status}" for status, count in sorted(self.counts.items())]
            detail = ", ".join(parts) if parts else "nothing to do"
            notes = f"; {self.losses} losses reported" if self.losses else ""
            strict = " (--strict: losses fail the run)" if self.strict and self.losses else ""
            click.echo(f"{verb}: {detail}{notes} in {seconds:.2f}s{strict}", err=True)
        return self.exit_code()


def _styled(item: Diagnostic) -> str:
    text = str(item)
    if sys.stderr.isatty():
        colour = _COLOURS[item.severity]
        return click.style(text, fg=colour) if item.severity >= Severity.ERROR else text.replace(
            f"{item.severity}[", click.style(f"{item.severity}", fg=colour) + "[", 1
        )
    return text
