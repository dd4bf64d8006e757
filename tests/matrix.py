"""The conversion matrix: every ordered pair of dialects, over the fixtures and a corpus sample.

Each source file is converted to every other dialect; a conversion passes when it does not crash,
its output satisfies the target's schema and reads back without error, a round trip keeps every
field both dialects express (or reports it), and every field the target cannot hold is reported.
The dialects come from :func:`agentport.dialects`, so the matrix grows with them. A dialect with
no files of its own gets the Claude fixtures written in it.

    python -c "import sys; sys.path[:0] = ['tests']; import matrix; print(matrix.summary())"
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import agentport
from agentport import AgentportError, Report, Severity
from agentport.bulk import discover
from agentport.validate import validate_text

from agents import assert_losses_reported, assert_round_trip
from conftest import FIXTURES, corpus_path

SAMPLE_SIZE = 10
"""Files taken from each corpus folder, evenly spread over its sorted list."""


@dataclass(frozen=True)
class Sample:
    dialect: str
    label: str
    text: str
    path: str
    """The path a tool would read it from: dialects such as OpenCode take the name from it."""


@functools.lru_cache(maxsize=1)
def samples() -> dict[str, tuple[Sample, ...]]:
    """Input files for each dialect: its fixtures and corpus sample, or converted fixtures."""
    dialects = agentport.dialects()
    found: dict[str, list[Sample]] = defaultdict(list)
    for dialect in dialects:
        folder = FIXTURES / dialect
        if folder.is_dir():
            for path in discover([folder], dialect):
                relative = path.relative_to(folder).as_posix()
                found[dialect].append(Sample(dialect, f"fixtures/{dialect}/{relative}", _read(path), relative))
    for folder in sorted(corpus_path("corpus").iterdir()):
        if folder.name not in dialects:
            continue
        files = sorted(discover([folder], folder.name))
        step = max(1, len(files) // SAMPLE_SIZE)
        layout = agentport.get_dialect(folder.name).agents_dir
        for path in files[::step][:SAMPLE_SIZE]:
            label = f"corpus/{path.relative_to(folder).as_posix()}"
            found[folder.name].append(Sample(folder.name, label, _read(path), f"{layout}/{path.name}"))
    for dialect in dialects:
        if agentport.get_dialect(dialect).holds_many:
            found[dialect] = [one for sample in found[dialect] for one in _one_per_agent(sample)]
        if not found[dialect]:
            converted = (_converted(sample, dialect) for sample in found["claude"] if sample.label.startswith("fixtures/"))
            found[dialect] = [sample for sample in converted if sample is not None]
    return {dialect: tuple(found[dialect]) for dialect in dialects}


def _read(path: Path) -> str:
    return agentport.api.read_text(path)


def _one_per_agent(sample: Sample) -> list[Sample]:
    """A file holding many agents, as one file per agent (the round-trip helpers read one)."""
    agents = agentport.loads_all(sample.text, sample.dialect, path=sample.path)
    return [
        Sample(sample.dialect, f"{sample.label}#{agent.name}", agentport.dumps_all([agent], sample.dialect), sample.path)
        for agent in agents
    ]


def _converted(sample: Sample, dialect: str) -> Sample | None:
    """``sample`` written in ``dialect``; ``None`` if that fails (``test_every_dialect_has_inputs``
    then names the dialect, and its own pairs show why)."""
    try:
        agent = agentport.loads(sample.text, sample.dialect, path=sample.path)
        text = agentport.dumps(agent, dialect)
        path = agentport.get_dialect(dialect).relative_path(agent)
    except Exception:  # noqa: BLE001 - reported by the tests that use the samples
        return None
    return Sample(dialect, f"{sample.label} as {dialect}", text, path)


def check(sample: Sample, target: str) -> str | None:
    """Why converting ``sample`` to ``target`` fails the matrix, or ``None`` if it passes."""
    try:
        report = Report(sample.path)
        agent = agentport.loads(sample.text, sample.dialect, path=sample.path, report=report)
        output = agentport.dumps(agent, target, report=report)
        target_path = agentport.get_dialect(target).relative_path(agent)
        errors = [str(item) for item in validate_text(output, target, path=target_path) if item.severity >= Severity.ERROR]
        if errors:
            return "output does not validate: " + "; ".join(errors[:3])
        assert_round_trip(sample.text, sample.dialect, target, sample.path)
        assert_losses_reported(sample.text, sample.dialect, target, sample.path)
    except AssertionError as failure:
        return f"{failure}".strip().splitlines()[0]
    except AgentportError as error:
        details = "; ".join(str(item) for item in getattr(error, "diagnostics", [])[:2]) or str(error)
        return f"{type(error).__name__}: {details}"
    except Exception as error:  # a crash is a result here: the summary lists it
        return f"crash: {type(error).__name__}: {error}"
    return None


def pairs() -> list[tuple[str, str]]:
    dialects = agentport.dialects()
    return [(source, target) for source in dialects for target in dialects if source != target]


def failures(source: str, target: str) -> list[str]:
    return [
        f"{sample.label} -> {target}: {problem}"
        for sample in samples()[source]
        if (problem := check(sample, target)) is not None
    ]


def summary() -> str:
    """The matrix in a few lines, for a closing note: sizes, failures per pair, first failures."""
    every_pair = pairs()
    conversions = sum(len(samples()[source]) for source, _ in every_pair)
    failed = {(source, target): failures(source, target) for source, target in every_pair}
    failed = {pair: found for pair, found in failed.items() if found}
    count = sum(len(found) for found in failed.values())
    lines = [
        f"conversion matrix: {len(agentport.dialects())} dialects, {len(every_pair)} ordered pairs, "
        f"{sum(len(found) for found in samples().values())} source files, {conversions} conversions, "
        f"{count} failures in {len(failed)} pairs"
    ]
    for (source, target), found in sorted(failed.items()):
        lines.append(f"  {source} -> {target}: {len(found)} failing, e.g. {found[0]}")
    return "\n".join(lines)
