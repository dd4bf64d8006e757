"""Neutral path globs and the regular expressions some dialects write instead (Roo Code's
``fileRegex``).

A neutral pattern is a glob matched against a whole path: ``*`` is any run of characters
(``/`` included) and ``?`` one character, as :func:`agentport.permissions.decide` matches them.
A dialect's regular expression is searched for in the path (JavaScript ``RegExp.test``), so
it matches anywhere unless anchored with ``^`` and ``$``.

Every glob has an exact regular expression. Only some regular expressions have exact globs:
:func:`globs_for_regex` converts literals, ``.``, ``.*``, ``.+``, anchors and alternatives
of literals (``\\.(md|mdx)$`` is ``*.md`` and ``*.mdx``) and gives ``None`` for anything
else, which the caller keeps as written.
"""

from __future__ import annotations

import itertools
import re

MAX_GLOBS = 16
"""Alternatives multiply: beyond this many globs a regex is kept as written."""

_REGEX_SPECIAL = set("\\^$.|?*+()[]{}")
_GLOB_SPECIAL = set("*?[]")


def regex_for_globs(globs: list[str]) -> str:
    """One regular expression matching exactly the paths that match any of ``globs``."""
    return "|".join(_regex_for_glob(glob) for glob in globs)


def _regex_for_glob(glob: str) -> str:
    anchored_start = not glob.startswith("*")
    anchored_end = not glob.endswith("*")
    core = glob.strip("*")
    parts = []
    index = 0
    while index < len(core):
        char = core[index]
        closing = core.find("]", index + 2) if char == "[" else -1
        if closing > 0:  # a character class: [!x] in a glob is [^x] in a regex
            members = core[index + 1 : closing]
            parts.append("[" + ("^" + members[1:] if members.startswith("!") else members) + "]")
            index = closing + 1
            continue
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append("\\" + char if char in _REGEX_SPECIAL else char)
        index += 1
    body = "".join(parts) or ".*"
    return ("^" if anchored_start and core else "") + body + ("$" if anchored_end and core else "")


def globs_for_regex(regex: str) -> list[str] | None:
    """The globs that together match exactly what ``regex`` matches, or ``None`` if there are none."""
    alternatives = _split_top_level(regex)
    if alternatives is None:
        return None
    globs: list[str] = []
    for alternative in alternatives:
        converted = _globs_for_branch(alternative)
        if converted is None:
            return None
        globs += converted
        if len(globs) > MAX_GLOBS:
            return None
    return list(dict.fromkeys(globs))


def _split_top_level(regex: str) -> list[str] | None:
    """``regex`` cut at its top-level ``|``; ``None`` if its brackets do not balance."""
    parts, depth, current, escaped = [], 0, [], False
    for char in regex:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if depth or escaped:
        return None
    parts.append("".join(current))
    return parts


_GROUP = re.compile(r"\((?:\?:)?([^()]*)\)")


def _globs_for_branch(branch: str) -> list[str] | None:
    anchored_start = branch.startswith("^")
    anchored_end = branch.endswith("$") and not branch.endswith("\\$")
    core = branch[1 if anchored_start else 0 : len(branch) - (1 if anchored_end else 0)]
    # A group of literal alternatives is expanded: (md|mdx) gives one glob per alternative.
    pieces: list[list[str]] = []
    position = 0
    for match in _GROUP.finditer(core):
        pieces.append([core[position : match.start()]])
        pieces.append(match.group(1).split("|"))
        position = match.end()
        if core[position : position + 1] in ("?", "*", "+", "{"):
            return None  # a quantified group repeats: no glob says that
    pieces.append([core[position:]])
    globs = []
    for combination in itertools.product(*pieces):
        body = _glob_for_literal_run("".join(combination))
        if body is None:
            return None
        glob = ("" if anchored_start else "*") + body + ("" if anchored_end else "*")
        globs.append(re.sub(r"\*+", "*", glob))
        if len(globs) > MAX_GLOBS:
            return None
    return globs


def _glob_for_literal_run(text: str) -> str | None:
    """A regex without groups or alternatives as a glob body, or ``None`` if it needs more."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 2]
        if char == "\\":
            if not following or following.isalnum() or following in _GLOB_SPECIAL:
                return None  # \d, \w, \b ... or a literal * ? [ ] that a glob cannot spell simply
            out.append(following)
            index += 2
        elif char == ".":
            if following == "*":
                out.append("*")
                index += 2
            elif following == "+":
                out.append("?*")
                index += 2
            else:
                out.append("?")
                index += 1
        elif char in _REGEX_SPECIAL or char in _GLOB_SPECIAL:
            return None  # a quantifier, class or anchor in the middle
        else:
            out.append(char)
            index += 1
        if text[index : index + 1] in ("?", "*", "+", "{") and not out[-1].endswith("*"):
            return None  # x? x+ x{2}: a repeated or optional character has no glob
    return "".join(out)
