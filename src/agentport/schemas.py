"""The dialects' JSON Schemas (``formats/<dialect>/schema.json``): compiled once, checked fast.

``convert`` checks every file it renders before writing it, so the check sits on the bulk path.
python-jsonschema takes 40-430 us for one agent's fields (and 135 ms to import); the checks
compiled here from the same schema take a few microseconds. They cover the keywords our schemas
use; a schema with any other keyword is checked by python-jsonschema instead. Either way the
messages of a failed check come from python-jsonschema, imported only then.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from . import mappings
from .diagnostics import AgentportError, Code, Diagnostic, Report

if TYPE_CHECKING:
    from .dialects.base import Dialect

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default", "format",
     "deprecated", "readOnly", "writeOnly"}
)
"""Keywords that never make an instance invalid (``format`` is an annotation by default)."""


class SchemaError(AgentportError):
    """A rendered file does not satisfy its dialect's schema; ``diagnostics`` say where."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Problem:
    """One way a document fails its schema: where (keys and indexes from the root) and why."""

    location: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        return field_name(self.location)


def field_name(location: tuple[str | int, ...]) -> str:
    """A location as ``key.sub[2].leaf``, or ``""`` for the document itself."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def has_schema(dialect: str) -> bool:
    return mappings.schema(dialect) is not None


def is_valid(dialect: str, data: Any) -> bool:
    """Whether ``data`` satisfies ``dialect``'s schema (true for a dialect without one)."""
    check = _checker(dialect)
    return check is None or check(data)


def problems(dialect: str, data: Any) -> list[Problem]:
    """Every way ``data`` fails ``dialect``'s schema (none if it is valid)."""
    if is_valid(dialect, data):
        return []
    return [problem for error in _jsonschema_validator(dialect).iter_errors(data) for problem in _problems(error)]


def require_valid(dialect: "Dialect", data: Mapping[str, Any], report: Report) -> None:
    """Raise :class:`SchemaError` (after reporting each problem) unless ``data`` is valid."""
    found = problems(dialect.name, data)
    if not found:
        return
    for problem in found:
        report.error(
            Code.SCHEMA,
            f"the {dialect.title} output would not satisfy its schema: {problem.message}",
            field=problem.field or None,
        )
    raise SchemaError(
        f"{report.path or '<input>'}: the {dialect.title} output is not valid; nothing written",
        [item for item in report if item.code is Code.SCHEMA],
    )


def _problems(error: Any) -> list[Problem]:
    location = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # One problem per unexpected key, located at that key rather than at its parent.
        allowed = error.schema.get("properties", {})
        patterns = [re.compile(pattern) for pattern in error.schema.get("patternProperties", {})]
        unexpected = [
            key for key in error.instance if key not in allowed and not any(p.search(key) for p in patterns)
        ]
        if unexpected:
            return [Problem((*location, key), f"'{key}' is not allowed here") for key in unexpected]
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The branches whose type fits say what is wrong inside; if none fits, name the types.
        fitting = [sub for sub in error.context if not (sub.validator == "type" and not sub.relative_path)]
        if fitting:
            return _problems(max(fitting, key=lambda sub: len(sub.absolute_path)))
        kinds = [kind for sub in error.context for kind in _as_list(sub.validator_value)]
        expected = " or ".join(dict.fromkeys(kinds))
        return [Problem(location, f"{_short(error.instance)} is not of type {expected}")]
    return [Problem(location, _clip(error.message))]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _clip(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


# --- compiled checks ------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _checker(dialect: str) -> Check | None:
    schema = mappings.schema(dialect)
    if schema is None:
        return None
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return _jsonschema_validator(dialect).is_valid


@functools.lru_cache(maxsize=None)
def _jsonschema_validator(dialect: str) -> Any:
    import jsonschema

    schema = mappings.schema(dialect)
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


class _Unsupported(Exception):
    """The schema uses a keyword the compiled checks do not implement."""


_TYPES: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0`` but ``true != 1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b


class _Compiler:
    """Turns a schema into nested closures, one per keyword; ``$ref`` targets are shared."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise _Unsupported(repr(schema))
        checks = [check for keyword in schema if (check := self._keyword(keyword, schema)) is not None]
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            return checks[0]
        first, *rest = checks  # the type check usually comes first and rejects cheaply

        def all_hold(value: Any) -> bool:
            if not first(value):
                return False
            for check in rest:
                if not check(value):
                    return False
            return True

        return all_hold

    def _keyword(self, keyword: str, schema: Mapping[str, Any]) -> Check | None:
        if keyword in ANNOTATIONS or keyword.startswith("x-"):
            return None
        method = getattr(self, "_kw_" + keyword.lstrip("$"), None)
        if method is None:
            raise _Unsupported(keyword)
        return method(schema[keyword], schema)

    def _kw_ref(self, ref: str, schema: Mapping[str, Any]) -> Check:
        if not ref.startswith("#"):
            raise _Unsupported(ref)
        if ref not in self.refs:
            cell: list[Check] = []
            self.refs[ref] = lambda value: cell[0](value)  # a recursive schema reaches itself
            cell.append(self.compile(self._resolve(ref)))
        return self.refs[ref]

    def _resolve(self, ref: str) -> Any:
        target: Any = self.root
        for part in ref[1:].split("/")[1:]:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target

    def _kw_type(self, kind: str | list[str], schema: Mapping[str, Any]) -> Check:
        kinds = [kind] if isinstance(kind, str) else kind
        tests = [_TYPES[name] for name in kinds]
        return lambda value: any(test(value) for test in tests)

    def _kw_enum(self, options: list[Any], schema: Mapping[str, Any]) -> Check:
        return lambda value: any(_equal(value, option) for option in options)

    def _kw_const(self, expected: Any, schema: Mapping[str, Any]) -> Check:
        return lambda value: _equal(value, expected)

    def _kw_properties(self, properties: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
        checks = {key: self.compile(sub) for key, sub in properties.items()}
        # Walk the instance's keys, not the schema's: agents set few of many known keys.
        return lambda value: not isinstance(value, dict) or all(
            checks[key](item) for key, item in value.items() if key in checks
        )

    def _kw_patternProperties(self, patterns: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
        checks = [(re.compile(pattern), self.compile(sub)) for pattern, sub in patterns.items()]
        return lambda value: not isinstance(value, dict) or all(
            check(item) for key, item in value.items() for regex, check in checks if regex.search(key)
        )

    def _kw_additionalProperties(self, extra: Any, schema: Mapping[str, Any]) -> Check:
        known = frozenset(schema.get("properties", ()))
        patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", ())]
        check = self.compile(extra)

        def additional_ok(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            return all(
                check(item)
                for key, item in value.items()
                if key not in known and not any(regex.search(key) for regex in patterns)
            )

        return additional_ok

    def _kw_required(self, keys: list[str], schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, dict) or all(key in value for key in keys)

    def _kw_minProperties(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, dict) or len(value) >= limit

    def _kw_maxProperties(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, dict) or len(value) <= limit

    def _kw_items(self, items: Any, schema: Mapping[str, Any]) -> Check:
        if isinstance(items, list):
            raise _Unsupported("items as a list")
        skip = len(schema.get("prefixItems", ()))
        check = self.compile(items)
        return lambda value: not isinstance(value, list) or all(check(item) for item in value[skip:])

    def _kw_prefixItems(self, items: list[Any], schema: Mapping[str, Any]) -> Check:
        checks = [self.compile(sub) for sub in items]
        return lambda value: not isinstance(value, list) or all(
            check(item) for check, item in zip(checks, value)
        )

    def _kw_minItems(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, list) or len(value) >= limit

    def _kw_maxItems(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, list) or len(value) <= limit

    def _kw_uniqueItems(self, unique: bool, schema: Mapping[str, Any]) -> Check | None:
        if not unique:
            return None
        return lambda value: not isinstance(value, list) or not any(
            _equal(a, b) for index, a in enumerate(value) for b in value[index + 1 :]
        )

    def _kw_minLength(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, str) or len(value) >= limit

    def _kw_maxLength(self, limit: int, schema: Mapping[str, Any]) -> Check:
        return lambda value: not isinstance(value, str) or len(value) <= limit

    def _kw_pattern(self, pattern: str, schema: Mapping[str, Any]) -> Check:
        regex = re.compile(pattern)
        return lambda value: not isinstance(value, str) or regex.search(value) is not None

    def _kw_minimum(self, limit: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value >= limit

    def _kw_maximum(self, limit: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value <= limit

    def _kw_exclusiveMinimum(self, limit: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value > limit

    def _kw_exclusiveMaximum(self, limit: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value < limit

    def _kw_anyOf(self, options: list[Any], schema: Mapping[str, Any]) -> Check:
        checks = [self.compile(sub) for sub in options]
        return lambda value: any(check(value) for check in checks)

    def _kw_allOf(self, options: list[Any], schema: Mapping[str, Any]) -> Check:
        checks = [self.compile(sub) for sub in options]
        return lambda value: all(check(value) for check in checks)

    def _kw_oneOf(self, options: list[Any], schema: Mapping[str, Any]) -> Check:
        checks = [self.compile(sub) for sub in options]
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def _kw_not(self, sub: Any, schema: Mapping[str, Any]) -> Check:
        check = self.compile(sub)
        return lambda value: not check(value)


def compiled_dialects() -> Iterator[tuple[str, bool]]:
    """(dialect, whether its schema is checked by the compiled checks) for every shipped schema."""
    for folder in sorted(mappings.formats_root().iterdir()):
        schema = mappings.schema(folder.name)
        if schema is None:
            continue
        try:
            _Compiler(schema).compile(schema)
        except _Unsupported:
            yield folder.name, False
        else:
            yield folder.name, True
