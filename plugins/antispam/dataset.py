"""Labelled samples in tab-separated files: a header line naming at least `label` (1 = spam or
ad, 0 = normal) and `text`; `source`, `category` and `campaign` are kept when present, unknown
columns ignored.

The project's own corpus (`data/corpus/*.tsv`, columns label, category, campaign, text) is split
into train and a held-out test by a hash of the campaign id, so every near-copy of one campaign
lands on the same side."""

from __future__ import annotations

import csv
import hashlib
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
    category: str = ""
    campaign: str = ""


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
        ci = header.index("category") if "category" in header else None
        gi = header.index("campaign") if "campaign" in header else None

        def cell(i: int | None, cells: list[str]) -> str:
            return cells[i] if i is not None and i < len(cells) else ""

        for lineno, cells in enumerate(reader, start=2):
            if len(cells) <= max(li, ti):
                continue  # a blank or truncated line
            label = cells[li].strip()
            if label not in ("0", "1"):
                raise BadFile(f"{path}:{lineno}: label must be 0 or 1, not {label!r}")
            yield Row(int(label), cells[ti], cell(si, cells), cell(ci, cells), cell(gi, cells))


def read_many(paths: list[Path]) -> list[Row]:
    """Files, or folders whose *.tsv files are read in name order."""
    rows: list[Row] = []
    for path in paths:
        files = sorted(Path(path).glob("*.tsv")) if Path(path).is_dir() else [Path(path)]
        if not files:
            raise BadFile(f"{path}: no .tsv files")
        for f in files:
            rows.extend(read_tsv(f))
    return rows


TEST_SHARE = 20  # percent of campaigns held out


def split_of(row: Row) -> str:
    """"test" or "train": a stable hash of the campaign id (of the text when a file has none)."""
    key = row.campaign.strip() or "text:" + row.text.strip()
    bucket = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:4], "big") % 100
    return "test" if bucket < TEST_SHARE else "train"


def corpus_dir() -> Path:
    """The project's own labelled corpus, shipped in the package source tree."""
    return Path(__file__).resolve().parent / "data" / "corpus"


def seed_rows() -> list[Row]:
    """The samples the product ships: written by the project, not taken from any data set."""
    with resources.as_file(resources.files("plugins.antispam") / "data" / "seed.tsv") as path:
        return list(read_tsv(path))
