"""The support table: which dialects exist and what each reads and writes, from the code itself.

``agentport dialects`` prints it and the README carries the same table (a test compares them).
"""

from __future__ import annotations

from . import registry


def support_table() -> list[dict[str, str]]:
    from .dialects.base import Dialect

    rows = []
    for dialect in registry.all_dialects():
        kind = type(dialect)
        rows.append(
            {
                "dialect": dialect.name,
                "tool": dialect.title,
                "read": "yes" if kind.read is not Dialect.read else "no",
                "write": "yes" if kind.write is not Dialect.write else "no",
                "files": f"{dialect.agents_dir}/NAME{dialect.suffix}",
                "notes": dialect.notes,
            }
        )
    return rows
