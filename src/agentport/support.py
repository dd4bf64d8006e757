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
                "files": dialect.layout(),
                "notes": dialect.notes,
            }
        )
    return rows


README_START = "<!-- dialects:start -->"
README_END = "<!-- dialects:end -->"


def markdown_table(rows: list[dict[str, str]] | None = None) -> str:
    """The support table in Markdown, as ``agentport dialects --format markdown`` prints it."""
    rows = support_table() if rows is None else rows
    header = "| dialect | tool | read | write | files | notes |\n|---|---|---|---|---|---|"
    lines = [
        f"| `{row['dialect']}` | {row['tool']} | {row['read']} | {row['write']} | `{row['files']}` | {row['notes']} |"
        for row in rows
    ]
    return "\n".join([header, *lines])


def with_table(readme: str, table: str) -> str:
    """``readme`` with ``table`` between the dialects markers (appended with them if absent)."""
    block = f"{README_START}\n{table}\n{README_END}"
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return f"{readme.rstrip()}\n\n{block}\n" if readme.strip() else f"{block}\n"
    return readme[:start] + block + readme[end + len(README_END) :]


def main(argv: list[str] | None = None) -> int:
    """``python -m agentport.support --write-readme [README]``: refresh the README's table."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m agentport.support", description=main.__doc__)
    parser.add_argument("--write-readme", nargs="?", const=Path(__file__).resolve().parents[2] / "README.md",
                        type=Path, metavar="README", required=True, help="the README to refresh (the checkout's)")
    readme: Path = parser.parse_args(argv).write_readme
    text = readme.read_text("utf-8") if readme.exists() else ""
    updated = with_table(text, markdown_table())
    if updated != text:
        readme.write_text(updated, "utf-8")
    print(f"{readme}: {'updated' if updated != text else 'already up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
