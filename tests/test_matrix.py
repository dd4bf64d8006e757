"""Every ordered pair of dialects converts the fixtures and a corpus sample faithfully.

See ``tests/matrix.py`` for what a passing conversion is; ``matrix.summary()`` prints the result.
"""

from __future__ import annotations

import pytest

from matrix import failures, pairs, samples


@pytest.mark.parametrize("source, target", pairs(), ids=[f"{s}->{t}" for s, t in pairs()])
def test_conversion(source: str, target: str) -> None:
    found = failures(source, target)
    assert not found, f"{len(found)} of {len(samples()[source])} files fail:\n" + "\n".join(found)


def test_every_dialect_has_inputs() -> None:
    assert all(samples().values()), {dialect: len(files) for dialect, files in samples().items()}
