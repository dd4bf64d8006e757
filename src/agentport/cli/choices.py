"""Parameter types of the command line: dialect names, and paths that the OS can take.

Listing every dialect means scanning installed packages for plugins (about 50 ms): the help
text names the built-in dialects, and a plugin's name is checked only when someone gives one.
"""

from __future__ import annotations

from typing import Any

import click

from .. import registry
from ..diagnostics import UnknownDialectError


class DialectName(click.ParamType):
    name = "dialect"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        # An installed plugin's dialect is accepted too; it is named by its own name.
        return "[" + "|".join(registry.builtin_names()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return registry.get(str(value)).name
        except UnknownDialectError as error:
            self.fail(str(error), param, ctx)


DIALECT = DialectName()


class PathArgument(click.Path):
    """A path given on the command line: refused in one line when no file system could hold it
    (a NUL or another control character), instead of failing deep inside with a traceback."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = value if isinstance(value, str) else str(value)
        bad = next((char for char in text if ord(char) < 32 or ord(char) == 127), None)
        if bad is not None:
            self.fail(f"{text.encode('unicode_escape').decode('ascii')!r} holds the control character {bad!r}", param, ctx)
        return super().convert(value, param, ctx)
