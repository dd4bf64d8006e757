"""Roo Code custom modes: the ``customModes`` list of ``.roomodes`` in the project root, YAML
(preferred) or JSON.

One file holds every mode of a project, so :meth:`Roo.read_all` and :meth:`Roo.write_all` are
the real interface: writing merges modes into the existing file, editing a mode in place and
adding new ones after the last, so that every other byte - other modes, comments - stays as
written. A mode's ``groups`` is its tool allowlist; ``[edit, {fileRegex: ...}]`` restricts the
paths it may change. ``formats/roo/mappings.toml`` says how each field maps.

Sources: https://docs.roocode.com/features/custom-modes ; RooCodeInc/Roo-Code
packages/types/src/mode.ts and tool.ts (read 2026-11).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .. import mappings, schemas
from ..diagnostics import Code, ParseError, Report
from ..globs import globs_for_regex, regex_for_globs
from ..model import ANY_TOOL, Action, Agent, Mode, Rule, as_read, changed_fields
from ..permissions import decide, is_allowlist
from ..text import jsonc, yamlio
from ..text.yamlio import DELETE
from .base import FieldDialect, Parsed, ReadContext, WriteContext, _source_lines, field_edits, take

MODES_KEY = "customModes"
FIELDS_AS_READ = "fields_as_read"
"""Source hint: the mode's fields as the file had them, to know whether it is still so."""
FIELD_ORDER = ("slug", "name", "roleDefinition", "whenToUse", "description", "customInstructions", "groups", "source")
_MODES_KEY_LINE = re.compile(r'^[ \t{]*"?customModes"?[ \t]*:', re.MULTILINE)


class Roo(FieldDialect):
    name = "roo"
    title = "Roo Code"
    agents_dir = "."
    suffix = ".roomodes"
    patterns = (".roomodes", "*/.roomodes")
    holds_many = True
    notes = "custom modes, all in one .roomodes (YAML or JSON); tool groups; fileRegex as globs"
    expresses = frozenset({"name", "description", "prompt", "mode", "rules"})
    field_keys = {
        "name": ("slug",),
        "prompt": ("roleDefinition", "customInstructions"),
        "description": ("whenToUse", "description"),
        "rules": ("groups",),
    }

    def __init__(self) -> None:
        data = mappings.table(self.name)
        self.groups = mappings.ToolMap.of(self.name)
        self.group_order = tuple(data["groups"]["order"])
        self.unrestricted = tuple(data["groups"]["unrestricted"])
        self.mcp_group = data["groups"]["mcp"]
        self.restrictable = frozenset(data["groups"]["restrictable"])
        self.always = tuple(data["always"]["capabilities"])
        granted = {capability for capabilities in self.groups.to_neutral.values() for capability in capabilities}
        self.without_group = tuple(
            capability for capability in mappings.table("neutral", "capabilities")["capabilities"]
            if capability not in granted and capability not in self.always
        )

    def relative_path(self, agent: Agent) -> str:
        return self.suffix

    def looks_like(self, text: str) -> int:
        return 3 if _MODES_KEY_LINE.search(text[:8192]) else 0

    # --- the file ------------------------------------------------------------------------

    def read(self, text: str, *, path: str | None = None, report: Report) -> Agent:
        agents = self.read_all(text, path=path, report=report)
        if len(agents) != 1:
            report.error(Code.INVALID_INPUT, f"the file holds {len(agents)} modes, not one: read them all with loads_all")
            raise ParseError(f"{path or '<input>'}: {len(agents)} modes where one was expected", list(report))
        return agents[0]

    def read_all(self, text: str, *, path: str | None = None, report: Report) -> list[Agent]:
        agents = []
        for mode in _read_modes(text, path, report).modes:
            context = ReadContext(self, Parsed(mode.value, lines=mode.lines), path, report)
            agent = self.parse(dict(mode.value), context)
            hints = {**context.hints, FIELDS_AS_READ: mode.value, "lines": self._field_lines(mode.lines)}
            agents.append(agent.with_source(self.name, text, path, hints))
        return agents

    def schema_documents(self, text: str, path: str | None) -> list[tuple[tuple[str | int, ...], Any]]:
        modes = _read_modes(text, path, Report()).modes
        return [((MODES_KEY, index), mode.value) for index, mode in enumerate(modes)]

    def write(self, agent: Agent, *, report: Report) -> str:
        existing = agent.source.text if agent.source is not None and self._read_here(agent) else None
        return self.write_all([agent], existing=existing, report=report)

    def write_all(self, agents: Sequence[Agent], *, existing: str | None = None, report: Report) -> str:
        """``existing`` with ``agents`` merged in; without it, the file holding ``agents``: the
        one they were read from if they are all its modes, else a new one.

        A mode whose slug the file has is edited in place (only the fields that differ); the
        others are added after the last mode. The file is read once and written once, so a
        large one costs no more per mode than a small one.
        """
        text = existing if existing is not None else self._shared_source(agents)
        if text is None:
            return yamlio.dump_mapping({MODES_KEY: [self._render_mode(agent, report) for agent in agents]})
        modes = _read_modes(text, None, report)
        index_of = {mode.value.get("slug"): index for index, mode in enumerate(modes.modes)}
        edits: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        added: dict[str, dict[str, Any]] = {}
        for agent in agents:
            slug = _slug_as_read(agent) if self._read_here(agent) else self.name_rule.make_valid(agent.name)
            index = index_of.get(slug)
            if index is None:
                mode = self._render_mode(agent, report)
                added[mode["slug"]] = mode
                continue
            change = self._changes(modes.modes[index].value, agent, report)
            if change is not None:
                edits[index] = change
        for index in sorted(edits, reverse=True):  # back to front: the spans before stay valid
            changes, rendered = edits[index]
            text = modes.edit(text, index, changes, rendered)
        if added:
            text = _read_modes(text, None, report).append(list(added.values()))
        return text

    def _shared_source(self, agents: Sequence[Agent]) -> str | None:
        """The file ``agents`` were all read from, if they are all of its modes."""
        if not agents or not all(self._read_here(agent) for agent in agents):
            return None
        texts = {agent.source.text for agent in agents if agent.source is not None}
        if len(texts) != 1:
            return None
        text = texts.pop()
        in_file = sorted(str(mode.value.get("slug")) for mode in _read_modes(text, None, Report()).modes)
        return text if in_file == sorted(_slug_as_read(agent) for agent in agents) else None

    def _read_here(self, agent: Agent) -> bool:
        return agent.source is not None and agent.source.dialect == self.name

    def _changes(self, current: dict[str, Any], agent: Agent, report: Report) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The edits that turn the mode ``current`` into ``agent``'s (and its full rendering),
        or ``None`` if there are none."""
        original = as_read(agent) if self._read_here(agent) else None
        if original is not None and agent.source is not None and current == agent.source.hints.get(FIELDS_AS_READ):
            if not changed_fields(agent):
                return None
            # The mode is as this agent was read: only the fields the agent changed are edited.
            before = self.render(original, WriteContext(self, Report(), agent.source.hints))
        else:
            before = current
        after = self._render_mode(agent, report)
        changes = field_edits(before, after)
        return (changes, after) if changes else None

    def _render_mode(self, agent: Agent, report: Report) -> dict[str, Any]:
        source = agent.source
        if source is not None and self._read_here(agent):
            return self.render(agent, WriteContext(self, report, source.hints, _source_lines(agent)))
        data = self.render(agent, WriteContext(self, report, {}, _source_lines(agent)))
        self._report_foreign_extras(agent, report)
        schemas.require_valid(self, data, report)
        return data

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        slug = take(data, "slug", str, context, "a string")
        if not slug:
            display = data.get("name")
            slug = (self.name_rule.make_valid(display) if isinstance(display, str) else None) or "mode"
            context.warn(Code.INVALID_INPUT, "slug", f"no slug (Roo Code requires one); using '{slug}'")
        role = take(data, "roleDefinition", str, context, "a string")
        custom = take(data, "customInstructions", str, context, "a string")
        context.hints["prompt_parts"] = (role, custom)
        description_key = "description" if "description" in data and "whenToUse" not in data else "whenToUse"
        context.hints["description_key"] = description_key
        agent = Agent(
            name=slug,
            description=take(data, description_key, str, context, "a string"),
            prompt=_joined(role, custom),
            rules=self._read_groups(data, context),
        )
        return agent.replace(extras={self.name: data} if data else {})

    def _read_groups(self, data: dict[str, Any], context: ReadContext) -> tuple[Rule, ...]:
        """The groups allowlist as rules. Entries the rules cannot say exactly (native groups,
        a regex no glob matches, a restriction's description) stay in ``data`` for Roo."""
        groups = data.pop("groups", [])
        if not isinstance(groups, list):
            context.invalid("groups", "a list of tool groups", groups)
            data["groups"] = groups
            return ()
        rules = [Rule(ANY_TOOL, Action.DENY), *(Rule(capability, Action.ALLOW) for capability in self.always)]
        kept = []
        for entry in groups:
            group, options = _group_entry(entry)
            capabilities = self.groups.capabilities(group) if group is not None else None
            if capabilities is None:
                if group is None or group.lower() not in self.groups.native:
                    context.warn(Code.UNKNOWN_TOOL, "groups", f"{entry!r} is not a Roo Code tool group; kept for Roo Code only")
                kept.append(entry)
            elif options is None:
                rules += [Rule(capability, Action.ALLOW) for capability in capabilities]
            else:
                globs = self._restriction_globs(group, options)  # type: ignore[arg-type]
                if globs is None or options != {"fileRegex": regex_for_globs(globs)}:
                    kept.append(entry)  # its exact spelling, its description, or all of it
                rules += [Rule(capability, Action.ALLOW, glob) for capability in capabilities for glob in globs or ()]
        if kept:
            data["groups"] = kept
        return tuple(rules)

    def _restriction_globs(self, group: str, options: Mapping[str, Any]) -> list[str] | None:
        regex = options.get("fileRegex")
        if group not in self.restrictable or not isinstance(regex, str) or not set(options) <= {"fileRegex", "description"}:
            return None
        return globs_for_regex(regex)

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        extras = dict(agent.extras_for(self.name))
        slug = self.named_validly(agent, context).name
        fields: dict[str, Any] = {"slug": slug, "name": extras.pop("name", None) or _display_name(slug)}
        role, custom = _split_prompt(agent.prompt, context.hints.get("prompt_parts"))
        if not role.strip():
            role = agent.description or fields["name"]
            context.approximated("prompt", f"Roo Code requires a roleDefinition: written as '{role}'")
        fields["roleDefinition"] = role
        if agent.description is not None:
            fields[context.hints.get("description_key", "whenToUse")] = agent.description
        if custom is not None:
            fields["customInstructions"] = custom
        fields["groups"] = self._render_groups(agent.rules, extras.pop("groups", []), context)
        if agent.mode in (Mode.PRIMARY, Mode.SUBAGENT):
            context.approximated("mode", f"'{agent.mode.value}': a Roo Code mode is picked by the user and delegated to alike")
        if agent.model is not None:
            context.dropped("model", f"'{agent.model}': Roo Code picks the model per API configuration profile, not per mode")
        for field in ("temperature", "top_p", "max_turns", "color", "skills", "mcp_servers", "hidden", "disabled"):
            value = getattr(agent, field)
            if value not in (None, False, ()):
                context.dropped(field, f"Roo Code modes have no {field.replace('_', ' ')} setting ({value!r})")
        fields.update(extras)
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_groups(self, rules: tuple[Rule, ...], kept: list[Any], context: WriteContext) -> list[Any]:
        allowlist = is_allowlist(rules)
        chosen: dict[str, Any] = {}
        for group in self.group_order:
            capabilities = self.groups.covered(group)
            if capabilities:
                entry = self._mapped_group(group, capabilities, rules, allowlist, context)
                if entry is not None:
                    chosen[group] = entry
            elif group in self.unrestricted and not allowlist:
                chosen[group] = group
        if self._mcp_rules(rules, allowlist, context):
            chosen.setdefault(self.mcp_group, self.mcp_group)
        self._report_unmapped_rules(rules, allowlist, context)
        # Entries a Roo file had that the rules cannot spell: restored where they grant the same.
        extra: list[Any] = []
        for entry in kept:
            group, _ = _group_entry(entry)
            if group is None or group not in self.group_order:
                extra.append(entry)
            elif group not in chosen or self._same_grant(chosen[group], entry):
                chosen[group] = entry
            else:
                context.approximated("permission", f"{entry!r} no longer says what the agent allows; written as {chosen[group]!r}")
        return [chosen[group] for group in self.group_order if group in chosen] + extra

    def _mapped_group(
        self, group: str, capabilities: tuple[str, ...], rules: tuple[Rule, ...], allowlist: bool, context: WriteContext
    ) -> Any:
        """The entry for ``group`` (``None`` to leave it out), reporting what it cannot say."""
        primary, *others = capabilities
        action = decide(rules, primary)
        patterned = [rule for rule in rules if rule.tool in capabilities and rule.pattern is not None]
        if action in (Action.ALLOW, Action.ASK) or (action is None and not allowlist):
            if action is Action.ASK:
                context.approximated(f"permission.{primary}", "'ask' written as allowed: Roo Code asks as its auto-approve settings say")
            for capability in others:
                if decide(rules, capability) is Action.DENY:
                    context.approximated(f"permission.{capability}", f"denied, but Roo Code's {group} group grants it with {primary}")
            for rule in patterned:
                if rule.action is not Action.ALLOW:
                    context.dropped(_field(rule), f"'{rule.action.value}': Roo Code grants the {group} group for every input")
            return group
        for capability in others:
            if decide(rules, capability) in (Action.ALLOW, Action.ASK):
                context.approximated(
                    f"permission.{capability}", f"allowed, but Roo Code grants it only with {primary} (the {group} group), which the agent denies"
                )
        allowed = list(dict.fromkeys(rule.pattern for rule in patterned if rule.tool == primary and rule.action is Action.ALLOW))
        for rule in patterned:
            if rule.action is not Action.ALLOW or (rule.tool != primary and rule.pattern not in allowed):
                context.dropped(_field(rule), f"'{rule.action.value}': Roo Code grants the {group} group with {primary}'s paths only")
        if not allowed:
            return None
        if group in self.restrictable:
            return [group, {"fileRegex": regex_for_globs(allowed)}]  # type: ignore[arg-type]
        context.approximated(
            f"permission.{primary}({allowed[0]})", f"Roo Code cannot limit the {group} group to some inputs: the whole group is allowed"
        )
        return group

    def _mcp_rules(self, rules: tuple[Rule, ...], allowlist: bool, context: WriteContext) -> bool:
        """Whether the agent's MCP rules call for the mcp group, which grants every MCP tool."""
        wanted = False
        for rule in rules:
            if not rule.tool.startswith("mcp:"):
                continue
            if rule.action is not Action.ALLOW:
                context.dropped(_field(rule), f"'{rule.action.value}': Roo Code cannot single out MCP tools")
            elif allowlist:
                wanted = True
                context.approximated(_field(rule), f"Roo Code grants MCP tools all together: the {self.mcp_group} group is allowed")
        return wanted

    def _report_unmapped_rules(self, rules: tuple[Rule, ...], allowlist: bool, context: WriteContext) -> None:
        """What the groups cannot say: capabilities without a group, and denying what every mode
        may do."""
        for rule in rules:
            grouped = rule.tool in (ANY_TOOL, *self.always) or rule.tool.startswith("mcp:") or self.groups.name_for(rule.tool)
            if rule.action is Action.ALLOW and not grouped:
                context.dropped(_field(rule), "Roo Code has no tool group for it")
        denied = [capability for capability in self.always if decide(rules, capability) is Action.DENY]
        if denied:
            context.approximated("permission", f"{', '.join(denied)}: every Roo Code mode may do these, whatever its groups")
        if not allowlist:
            lost = [capability for capability in self.without_group if decide(rules, capability) is not Action.DENY]
            if lost:
                context.dropped("permission", f"{', '.join(lost)}: no Roo Code tool group gives these; the mode cannot use them")

    def _same_grant(self, entry: Any, kept: Any) -> bool:
        """Whether a kept entry grants what the rules' entry grants (a regex spelled otherwise,
        or with a description)."""
        if entry == kept:
            return True
        group, options = _group_entry(entry)
        kept_group, kept_options = _group_entry(kept)
        if group != kept_group or options is None or kept_options is None:
            return False
        globs = self._restriction_globs(group, options)  # type: ignore[arg-type]
        kept_globs = self._restriction_globs(kept_group, kept_options)  # type: ignore[arg-type]
        return globs is not None and kept_globs is not None and set(globs) == set(kept_globs)


def _group_entry(entry: Any) -> tuple[str | None, dict[str, Any] | None]:
    """A groups entry as (group, options): ``"read"`` or ``["edit", {"fileRegex": ...}]``."""
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], dict):
        return entry[0], entry[1]
    return None, None


def _slug_as_read(agent: Agent) -> str:
    original = as_read(agent)
    assert original is not None
    return original.name


def _field(rule: Rule) -> str:
    return f"permission.{rule.tool}" + (f"({rule.pattern})" if rule.pattern else "")


def _display_name(slug: str) -> str:
    return " ".join(word.capitalize() for word in slug.split("-") if word)


_PARTS_SEPARATOR = "\n\n"


def _joined(role: str | None, custom: str | None) -> str:
    """The neutral prompt: the role definition, then the custom instructions after a blank line."""
    return _PARTS_SEPARATOR.join(part.strip("\n") for part in (role, custom) if part and part.strip())


def _split_prompt(prompt: str, parts: tuple[str | None, str | None] | None) -> tuple[str, str | None]:
    """``roleDefinition`` and ``customInstructions`` for ``prompt``: a part that did not change
    keeps its own field (and spelling); a prompt from elsewhere is all role definition."""
    if parts is None:
        return prompt, None
    role, custom = parts
    if prompt == _joined(role, custom):
        return role or "", custom
    if role and role.strip() and custom and custom.strip():
        head = role.strip("\n") + _PARTS_SEPARATOR
        if prompt.startswith(head):
            return role, prompt[len(head) :]
        tail = _PARTS_SEPARATOR + custom.strip("\n")
        if prompt.endswith(tail):
            return prompt[: -len(tail)], custom
    return prompt, None


# --- the two spellings of .roomodes ------------------------------------------------------------


@dataclass(frozen=True)
class _Mode:
    value: dict[str, Any]
    line: int
    lines: Mapping[str, int]


class _Modes:
    """A ``.roomodes`` text: its modes, and how to change one or add one in place."""

    def __init__(self, text: str, modes: list[_Mode]) -> None:
        self.text = text
        self.modes = modes

    def edit(self, text: str, index: int, changes: Mapping[str, Any], rendered: dict[str, Any]) -> str:
        """``text`` (this text, changed only after mode ``index``) with that mode edited."""
        raise NotImplementedError

    def append(self, new_modes: list[dict[str, Any]]) -> str:
        """This text with ``new_modes`` after the last mode."""
        raise NotImplementedError


class _YamlModes(_Modes):
    def __init__(self, text: str, report: Report) -> None:
        self._document = yamlio.read_list(text, MODES_KEY, report=report)
        _check_modes(self._document.data, self._document.line, report)
        super().__init__(text, [_Mode(item.value, item.line, item.lines) for item in self._document.items])

    def edit(self, text: str, index: int, changes: Mapping[str, Any], rendered: dict[str, Any]) -> str:
        item = self._document.items[index]
        return yamlio.edit_list_item(text, item, changes, fallback=lambda: yamlio.dump_mapping(rendered))

    def append(self, new_modes: list[dict[str, Any]]) -> str:
        return yamlio.append_list_items(self.text, self._document, new_modes)


class _JsonModes(_Modes):
    def __init__(self, text: str, report: Report) -> None:
        try:
            self._document = jsonc.parse(text)
        except jsonc.JsoncError as error:
            report.error(Code.INVALID_INPUT, f"invalid JSON: {error.message}", line=error.line, column=error.column)
            raise ParseError(f"invalid JSON at line {error.line}", list(report)) from None
        document = self._document
        _check_modes(document.data, document.key_lines().get(MODES_KEY), report)
        node = document.node((MODES_KEY,))
        self._nodes = list(node.items or ()) if node is not None else []
        modes = [
            _Mode(item.value, document.line(item.start), {m.key: document.line(m.key_start) for m in item.members or ()})
            for item in self._nodes
        ]
        super().__init__(text, modes)

    def edit(self, text: str, index: int, changes: Mapping[str, Any], rendered: dict[str, Any]) -> str:
        # The mode's own text is a JSON object: edited by itself, with its indentation.
        node = self._nodes[index]
        start = _start_of_line_if_first(text, node.start)
        edited = jsonc.edit(
            text[start : node.end],
            {(key,): jsonc.DELETE if value is DELETE else value for key, value in changes.items()},
        )
        return text[:start] + edited + text[node.end :]

    def append(self, new_modes: list[dict[str, Any]]) -> str:
        text = self.text
        if not self._nodes:
            current = self._document.data.get(MODES_KEY) if isinstance(self._document.data, dict) else None
            return jsonc.edit(text, {(MODES_KEY,): [*(current or ()), *new_modes]})
        last = self._nodes[-1]
        line_start = text.rfind("\n", 0, last.start) + 1
        indent = text[line_start : last.start]
        if indent.strip(" \t"):  # the modes share a line: so do the new ones
            added = "".join(f", {json.dumps(mode, ensure_ascii=False)}" for mode in new_modes)
            return text[: last.end] + added + text[last.end :]
        newline = "\r\n" if "\r\n" in text else "\n"
        unit = _indent_unit(text, last, indent)
        added = "".join(f",{newline}{indent}{jsonc.dumps(mode, indent=unit, newline=newline + indent)}" for mode in new_modes)
        return text[: last.end] + added + text[last.end :]


def _start_of_line_if_first(text: str, offset: int) -> int:
    """The start of ``offset``'s line if only spaces come before it there, else ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    return start if not text[start:offset].strip(" \t") else offset


def _indent_unit(text: str, node: jsonc.Node, indent: str) -> str:
    """How much deeper than the object the file indents its members."""
    for member in node.members or ():
        member_line = text.rfind("\n", 0, member.key_start) + 1
        member_indent = text[member_line : member.key_start]
        if not member_indent.strip(" \t") and member_indent.startswith(indent) and len(member_indent) > len(indent):
            return member_indent[len(indent) :]
    return "  "


def _read_modes(text: str, path: str | None, report: Report) -> _Modes:
    body = text.lstrip("\ufeff \t\r\n")
    modes: _Modes = _JsonModes(text, report) if body.startswith("{") else _YamlModes(text, report)
    for mode in modes.modes:
        if not isinstance(mode.value, dict):
            report.error(Code.INVALID_INPUT, f"a mode is a mapping of fields, not {_kind(mode.value)}", line=mode.line)
            raise ParseError(f"{path or '<input>'}: a mode that is not a mapping", list(report))
    return modes


def _check_modes(data: Any, line: int | None, report: Report) -> None:
    """A ``.roomodes`` document is a mapping whose ``customModes`` (if any) is a list."""
    if data is None:
        return
    if not isinstance(data, dict):
        report.error(Code.INVALID_INPUT, f"a .roomodes file is a mapping with {MODES_KEY}, not {_kind(data)}", line=1)
        raise ParseError(".roomodes is not a mapping", list(report))
    if not isinstance(data.get(MODES_KEY, []), list):
        report.error(
            Code.INVALID_INPUT, f"{MODES_KEY} must be a list of modes, not {_kind(data[MODES_KEY])}", field=MODES_KEY, line=line
        )
        raise ParseError(f"{MODES_KEY} is not a list", list(report))


def _kind(value: Any) -> str:
    return type(value).__name__
