"""Write the whole hostile corpus into a folder: ``python -m hostile.generate OUT`` from ``tests/``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from . import cases


def load_all() -> dict[str, dict[str, cases.Case]]:
    """Every registered case, after importing every module of :mod:`hostile.cases`."""
    for module in pkgutil.iter_modules(cases.__path__):
        importlib.import_module(f"{cases.__name__}.{module.name}")
    return cases.CASES


def main(out: Path) -> None:
    for attack_class, by_name in sorted(load_all().items()):
        for name, write in sorted(by_name.items()):
            folder = out / attack_class / name
            folder.mkdir(parents=True, exist_ok=False)
            write(folder)
            print(folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
