"""Labelled samples in tab-separated files: a header line naming at least `label` (1 = spam or
ad, 0 = normal) and `text`; other columns (e.g. `source`) are kept, unknown ones ignored."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Row:
    label: int
    text: str
    source: str = ""


class BadFile(ValueError):
    pass


def read_tsv(path: str | Path) -> Iterator[Row]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or "label" not in header or "text" not in header:
            raise BadFile(f"{path}: the header must name the columns label and text")
        li, ti = header.index("label"), header.index("text")
        si = header.index("source") if "source" in header else None
        for lineno, cells in enumerate(reader, start=2):
            if len(cells) <= max(li, ti):
                continue  # a blank or truncated line
            label = cells[li].strip()
            if label not in ("0", "1"):
                raise BadFile(f"{path}:{lineno}: label must be 0 or 1, not {label!r}")
            yield Row(int(label), cells[ti], cells[si] if si is not None and si < len(cells) else "")


def seed_rows() -> list[Row]:
    """The samples the product ships: written by the project, not taken from any data set."""
    with resources.as_file(resources.files("plugins.antispam") / "data" / "seed.tsv") as path:
        return list(read_tsv(path))
