"""The appendix as Markdown: the same content as the DOCX (marking, title, date, counts once,
sections, quotes, "you said, we did"), every text escaped."""

from __future__ import annotations

import re

from voice.records import LABEL_HEADINGS
from voice.report._appendix import (
    YOU_SAID_WE_DID,
    Appendix,
    _line,
    developments_by_heading,
    made_text,
    quoted,
)
from voice.report._markdown import markdown_text

_MD_SPECIAL = re.compile(r"([\\`*_<>$|~])")


def _md(text: str) -> str:
    """Data in the appendix's Markdown: no link, image, HTML or maths; "[name]" stays readable."""
    return markdown_text(text, keep_brackets=True)


def render_markdown(appendix: Appendix, with_counts: bool = True) -> str:
    """The appendix as Markdown (headings, one paragraph per quote)."""
    lines = [f"**{_md(appendix.marking)}**", ""] if appendix.marking else []
    lines += [f"# {_md(appendix.title)}", "", f"Made {made_text(appendix.made)}.", ""]
    if with_counts and appendix.sections:
        lines += [_line(appendix, appendix.counts, appendix.n_proposed), ""]
    if not appendix.sections:
        lines += ["No quotes were chosen for this appendix.", ""]
    for section in appendix.sections:
        lines += [f"## {_md(section.heading)}", ""]
        if section.subtitle:
            lines += [_md(section.subtitle), ""]
        if with_counts and len(appendix.sections) > 1:
            lines += [_line(appendix, section.counts, section.n_proposed), ""]
        for group in section.groups:
            level = "###"
            if group.heading is not None:
                lines += [f"### {_md(group.heading)}", ""]
                level = "####"
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                lines += [f"{level} {_md(LABEL_HEADINGS[label])}", ""]
                for entry in entries:
                    lines += [_md(quoted(entry)), ""]
    if appendix.developments:
        lines += [f"## {YOU_SAID_WE_DID}", ""]
        for heading, pairs in developments_by_heading(appendix.developments):
            lines += [f"### {_md(heading)}", ""]
            for d in pairs:
                if d.said:
                    lines += [f"You said: {_md(d.said)}", ""]
                lines += [f"We did: {_md(d.did)}", ""]
    return "\n".join(lines).rstrip() + "\n"
