"""The two seed files: one agent as an OpenCode file and as a web page copy of its Claude file."""

from __future__ import annotations

import agentport
from agentport import Code, Layout, Report
from agentport.text import frontmatter, pagecopy

from conftest import corpus_path

OPENCODE_SEED = corpus_path("seeds", "000_bcee76f5e56ba4d0.txt")
CLAUDE_PAGE_COPY = corpus_path("seeds", "004_c2cfe775667046f4.txt")


def recovered() -> tuple[str, Report]:
    report = Report("004")
    text = pagecopy.recover(CLAUDE_PAGE_COPY.read_text("utf-8"), report)
    return text, report


def test_page_copy_is_detected_and_the_opencode_seed_is_not() -> None:
    assert pagecopy.is_page_copy(CLAUDE_PAGE_COPY.read_text("utf-8"))
    assert not pagecopy.is_page_copy(OPENCODE_SEED.read_text("utf-8"))


def test_page_copy_recovers_the_header_line_count_and_size() -> None:
    text, report = recovered()
    assert text.count("\n") == 247
    assert len(text.encode("utf-8")) == 7034
    assert text.startswith("---\nname: backend-developer\n")
    losses = [d for d in report if d.code is Code.PAGE_COPY_LOSS]
    assert [(d.line, d.message.split(" was ")[0]) for d in losses] == [
        (121, "indentation inside the code block of lines 121-127"),
        (174, "indentation inside the code block of lines 174-180"),
    ]


def test_page_copy_reads_as_claude_and_writes_back_the_recovered_file() -> None:
    report = Report("004")
    agent = agentport.loads(CLAUDE_PAGE_COPY.read_text("utf-8"), report=report)
    assert agent.source is not None and agent.source.dialect == "claude"
    assert agentport.dumps(agent, "claude") == recovered()[0]
    unknown = [d.message.split("'")[1] for d in report if d.code is Code.UNKNOWN_TOOL]
    assert unknown == ["Docker", "database", "redis", "postgresql"]
    assert agent.extras["claude"]["tools"] == unknown


def test_opencode_seed_wrapped_at_120_gives_the_claude_seed_body() -> None:
    """Only what the page view lost may differ: code-block indentation and a stray last '|'."""
    result = agentport.convert(
        OPENCODE_SEED.read_text("utf-8"),
        read="opencode",
        write="claude",
        path=".opencode/agents/backend-developer.md",
        layout=Layout(wrap=120),
    )
    ours = frontmatter.split(result.text).body.split("\n")
    theirs = frontmatter.split(recovered()[0]).body.split("\n")
    assert theirs[-2:] == ["|", ""] and ours[-1] == ""
    theirs = theirs[:-2] + [""]
    assert len(ours) == len(theirs)
    differences = [(ours[i], theirs[i]) for i in range(len(ours)) if ours[i] != theirs[i]]
    assert len(differences) == 10
    for mine, copied in differences:
        assert mine.startswith("  ") and mine.strip() == copied, (mine, copied)


def test_opencode_seed_to_claude_and_back() -> None:
    text = OPENCODE_SEED.read_text("utf-8")
    result = agentport.convert(text, read="opencode", write="claude", path=".opencode/agents/backend-developer.md")
    assert result.agent.model is not None and result.agent.model.alias == "sonnet"
    assert [d.field for d in result.diagnostics] == ["model"]
    back = agentport.convert(result.text, read="claude", write="opencode")
    assert back.agent.prompt == result.agent.prompt
    assert "mode: subagent\n" in back.text
