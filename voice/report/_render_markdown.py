"""The appendix as Markdown: headings, one paragraph per quote, every text escaped."""

from __future__ import annotations

import re

from voice.records import LABEL_HEADINGS
from voice.report._appendix import Appendix, _group_counts, _line, quoted

_MD_SPECIAL = re.compile(r"([\\`*_<>$|~])")


def _md(text: str) -> str:
    """Escape the characters Markdown would treat as formatting, HTML, maths or a link.

    Square brackets stay readable ("[name]" markers); a link is broken at its "](".
    """
    return _MD_SPECIAL.sub(r"\\\1", text).replace("](", "]\\(")


def render_markdown(appendix: Appendix, with_counts: bool = True) -> str:
    """The appendix as Markdown (headings, one paragraph per quote)."""
    lines = [f"# {_md(appendix.title)}", ""]
    if with_counts:
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
                if with_counts:
                    lines += [_line(appendix, _group_counts(group), group.n_proposed), ""]
                level = "####"
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                lines += [f"{level} {_md(LABEL_HEADINGS[label])}", ""]
                for entry in entries:
                    lines += [_md(quoted(entry)), ""]
    return "\n".join(lines).rstrip() + "\n"
