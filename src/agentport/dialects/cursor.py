"""Cursor subagents: ``.cursor/agents/*.md``, Markdown with YAML frontmatter.

A Cursor subagent has a name, a description, a model (``inherit``, ``fast`` or a name from
Cursor's model picker), ``readonly`` and ``is_background``; it has no tool list. ``readonly:
true`` is read as denying every capability in ``formats/cursor/mappings.toml`` ``[readonly]``
(file changes and the shell), and an agent is written read-only when its rules deny file writes
and edits; every other tool decision is reported as lost, tool by tool. ``is_background`` stays
in extras.

Sources: https://cursor.com/docs/agent/subagents (read 2026-11; the field list cross-checked
with syllago.dev's Cursor provider page); see ``formats/cursor/``.
"""

from __future__ import annotations

from typing import Any

from .. import mappings
from ..model import Action, Agent, Mode, ModelRef, Rule
from ..permissions import decide
from ._subagent import report_unheld
from ._tool_lists import report_rule_losses
from .base import MarkdownDialect, ReadContext, WriteContext, take

FIELD_ORDER = ("name", "description", "model", "readonly", "is_background")


class Cursor(MarkdownDialect):
    name = "cursor"
    title = "Cursor"
    agents_dir = ".cursor/agents"
    patterns = ("*.cursor/agents/*.md",)
    markers = FIELD_ORDER
    signature = ("readonly", "is_background")
    notes = "subagents; no tool list: readonly denies edits and the shell; model inherit/fast/id"
    field_keys = {"rules": ("readonly",)}
    expresses = frozenset({"name", "description", "prompt", "model", "rules"})

    def __init__(self) -> None:
        data = mappings.table(self.name)
        self.readonly_denies = tuple(data["readonly"]["denies"])
        self.readonly_requires = tuple(data["readonly"]["requires"])
        self.aliases = frozenset(data["models"]["aliases"])
        self.catalog = data["models"]["catalog"]
        self.family_models: dict[str, str] = dict(data["models"]["families"])

    # --- reading -------------------------------------------------------------------------

    def parse(self, data: dict[str, Any], context: ReadContext) -> Agent:
        data = dict(data)
        name, _ = context.required_name(data)
        readonly = take(data, "readonly", bool, context, "true or false")
        if readonly is not None:
            context.hints["readonly_written"] = True
        agent = Agent(
            name=name,
            description=take(data, "description", str, context, "a string"),
            prompt=context.prompt,
            mode=Mode.SUBAGENT,
            model=self._read_model(data, context),
            rules=self._readonly_rules() if readonly else (),
        )
        return agent.replace(extras={self.name: data} if data else {})

    def _readonly_rules(self) -> tuple[Rule, ...]:
        return tuple(Rule(capability, Action.DENY) for capability in self.readonly_denies)

    def _read_model(self, data: dict[str, Any], context: ReadContext) -> ModelRef | None:
        value = take(data, "model", str, context, "inherit, fast or a model name")
        if value is None:
            return None
        if value in self.aliases:
            return ModelRef(alias=value)
        return ModelRef(alias=mappings.family_of(value), provider=self.catalog, id=value)

    # --- writing -------------------------------------------------------------------------

    def render(self, agent: Agent, context: WriteContext) -> dict[str, Any]:
        fields: dict[str, Any] = {"name": agent.name}
        if agent.description is not None:
            fields["description"] = agent.description
        model = self._render_model(agent.model, context)
        if model is not None:
            fields["model"] = model
        readonly = all(decide(agent.rules, capability) is Action.DENY for capability in self.readonly_requires)
        if readonly or context.hints.get("readonly_written"):
            fields["readonly"] = readonly
        report_rule_losses(
            agent.rules,
            self._readonly_rules() if readonly else (),
            context,
            f"{self.title} subagents have no tool list, only readonly (no file changes, no shell)",
        )
        report_unheld(
            agent, ("temperature", "top_p", "max_turns", "color", "skills", "mcp_servers", "hidden", "disabled"),
            context, self.title,
        )
        fields.update(agent.extras_for(self.name))
        return {key: fields[key] for key in (*FIELD_ORDER, *fields) if key in fields}

    def _render_model(self, model: ModelRef | None, context: WriteContext) -> str | None:
        if model is None:
            return None
        if model.id is None and model.alias in self.aliases:
            return model.alias
        if model.provider == self.catalog and model.id is not None:
            return model.id
        if model.alias in self.family_models:
            written = self.family_models[model.alias]
            context.approximated("model", f"'{model}' written as {self.title}'s {model.alias} model, '{written}'")
            return written
        if model.id is not None:
            context.approximated("model", f"'{model}' written as '{model.id}': check that {self.title} offers it")
            return model.id
        context.dropped("model", f"'{model.alias}' is not a {self.title} model; the parent's model applies")
        return None
