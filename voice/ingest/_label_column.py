"""Whether a quote file's ``label`` column holds feedback labels at all.

A file made for another purpose may carry its own ``label`` column (a safeguarding set's
``concern`` / ``none``, a survey's own codes). When not one row holds a feedback label (good /
unsure / not so good, in any of the accepted wordings), the column is not Voice's: the quotes
are imported without tags and the import says so, instead of refusing every row. A column with
some feedback labels and some unknown ones is a column with typos, and is refused row by row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from voice.errors import VoiceError
from voice.ingest.fields import parse_label

SHOWN_VALUES = 4
"""How many of a foreign column's values the warning names."""


def foreign_label_values(labels: Iterable[str]) -> list[str] | None:
    """The most common values of a label column with no feedback label in it, else None.

    Stops at the first feedback label, so a usual file is decided by its first labelled row.
    None too for a column with no value at all.
    """
    seen: Counter[str] = Counter()
    for raw in labels:
        value = raw.strip()
        if not value:
            continue
        try:
            parse_label(value)
        except ValueError:
            seen[value] += 1
            continue
        return None
    return [v for v, _ in seen.most_common(SHOWN_VALUES)] if seen else None


def foreign_label_warning(name: str, values: list[str]) -> str:
    """What the import says when it leaves a foreign label column aside."""
    shown = ", ".join(repr(v) for v in values)
    return (
        f"{name}: column 'label' holds no feedback label (values such as {shown}); the quotes were "
        "imported untagged. To import tags, use good / unsure / not_so_good in that column"
    )


def set_labels_aside(path: Path, warnings: list[str]) -> bool:
    """True, with a warning added, when the file's ``label`` column holds no feedback label.

    A file that cannot be read is left to the import itself, which names its problems.
    """
    from voice.ingest.quote_file import numbered_rows

    try:
        rows = numbered_rows(path, [])
        values = foreign_label_values(str(row.get("label") or "") for _, row in rows)
    except (VoiceError, ValueError):
        return False
    if values is None:
        return False
    warnings.append(foreign_label_warning(path.name, values))
    return True
