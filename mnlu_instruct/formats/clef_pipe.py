"""The ShARe/CLEF eHealth 2013 pipe format: one mention per line,
``file||Disease_Disorder||CUI||start||end[||start||end...]``.

Offsets are character offsets into the report, end exclusive; more than one start/end pair is a
discontiguous mention. The first field (the report's file name) is not checked: the report is the
file of the same name in the reports folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..schema import CorpusFormatError, Offsets


@dataclass(frozen=True, slots=True)
class Mention:
    """One annotated mention: its class, its code (CUI or ``CUI-less``), its fragments, and where it was read."""

    type: str
    code: str
    offsets: Offsets
    where: str


def fragments(pairs: list[tuple[int, int]], path: Path, where: str) -> Offsets:
    """Fragments sorted by start, touching or overlapping ones joined; an empty or reversed pair is an error."""
    for start, end in pairs:
        if not 0 <= start < end:
            raise CorpusFormatError(path, where, f"bad span [{start}, {end})")
    joined: list[list[int]] = []
    for start, end in sorted(pairs):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return tuple((start, end) for start, end in joined)


def read_pipe(path: Path) -> Iterator[Mention]:
    """The mentions of one pipe-format gold file, in file order."""
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line:
                continue
            fields = line.split("||")
            if len(fields) < 5 or len(fields) % 2 == 0:
                raise CorpusFormatError(
                    path, f"line {number}", f"expected file||type||code||start||end[||start||end...], got {line!r}"
                )
            try:
                numbers = [int(value) for value in fields[3:]]
            except ValueError:
                raise CorpusFormatError(path, f"line {number}", f"offsets must be integers: {line!r}") from None
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            where = f"line {number}"
            yield Mention(fields[1], fields[2], fragments(pairs, path, where), where)
