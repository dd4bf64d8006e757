"""A dialect option that checks names when used, not when the command line is built.

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
        return "[" + "|".join(registry.builtin_names()) + "|plugin]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return registry.get(str(value)).name
        except UnknownDialectError as error:
            self.fail(str(error), param, ctx)


DIALECT = DialectName()
