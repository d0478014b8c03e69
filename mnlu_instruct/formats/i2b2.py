"""The i2b2/VA 2010 concept and relation files (``.txt`` + ``.con`` + ``.rel`` per record).

A record's ``.txt`` has one sentence per line, tokens separated by whitespace. Annotations point at
tokens: ``c="text" L:T L:T`` gives the 1-based line and the 0-based, inclusive first and last token.
``.con`` lines add ``||t="problem|test|treatment"``; ``.rel`` lines are
``c="..." L:T L:T||r="TrAP"||c="..." L:T L:T``. Tokens are the runs of non-whitespace of a line; as in
BLUE's ``create_i2b2_bert.py``, a line that starts with whitespace has an empty token 0 before them
(what splitting the line on single spaces gives). The annotated text is compared with the tokens,
ignoring case (the ``.con`` files write concepts in lower case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..schema import CorpusFormatError

_SPAN = r'c="(.*?)" (\d+):(\d+) (\d+):(\d+)'
_CONCEPT = re.compile(rf'^{_SPAN}\|\|t="(.*?)"$')
_RELATION = re.compile(rf'^{_SPAN}\|\|r="(.*?)"\|\|{_SPAN}$')


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept: 0-based line index, character offsets inside that line, type, and the ``.con`` line number."""

    line: int
    start: int
    end: int
    text: str
    type: str
    record_line: int


@dataclass(frozen=True, slots=True)
class RelationLine:
    """A ``.rel`` line: the two argument spans (line index, start, end within the line) and the relation type."""

    arg1: tuple[int, int, int]
    arg2: tuple[int, int, int]
    type: str
    record_line: int


def read_lines(path: Path) -> list[str]:
    """The sentences of a ``.txt`` record: its lines (universal newlines, as BLUE reads them)."""
    with open(path, encoding="utf-8") as handle:
        return handle.read().split("\n")


def token_offsets(line: str) -> list[tuple[int, int]]:
    """Character offsets of the tokens of one line (an empty token 0 when the line starts with whitespace)."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    if line[:1].isspace():
        tokens.insert(0, (0, 0))
    return tokens


def _locate(
    lines: list[str], match: re.Match, first: int, path: Path, number: int
) -> tuple[int, int, int]:
    """(line index, start, end) of the span whose text and positions start at group ``first``."""
    text = match.group(first)
    start_line, start_token, end_line, end_token = (int(match.group(first + k)) for k in range(1, 5))
    if start_line != end_line:
        raise CorpusFormatError(path, f"line {number}", f"concept {text!r} spans lines {start_line}-{end_line}")
    if not 1 <= start_line <= len(lines):
        raise CorpusFormatError(path, f"line {number}", f"line {start_line} is past the end of the record")
    tokens = token_offsets(lines[start_line - 1])
    if not 0 <= start_token <= end_token < len(tokens):
        raise CorpusFormatError(
            path, f"line {number}", f"tokens {start_token}-{end_token} outside line {start_line} ({len(tokens)} tokens)"
        )
    start, end = tokens[start_token][0], tokens[end_token][1]
    found = lines[start_line - 1][start:end]
    if found.lower() != text.lower():
        raise CorpusFormatError(
            path, f"line {number}", f"concept {text!r} does not match the text at {start_line}:{start_token}: {found!r}"
        )
    return start_line - 1, start, end


def read_concepts(path: Path, lines: list[str]) -> list[Concept]:
    """The concepts of a ``.con`` file, in file order, located in the record's ``lines``."""
    concepts = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line:
                continue
            match = _CONCEPT.match(line)
            if match is None:
                raise CorpusFormatError(
                    path, f"line {number}", f'not a concept line c="..." L:T L:T||t="...": {line!r}'
                )
            index, start, end = _locate(lines, match, 1, path, number)
            concepts.append(Concept(index, start, end, lines[index][start:end], match.group(6), number))
    return concepts


def read_relations(path: Path, lines: list[str]) -> list[RelationLine]:
    """The relations of a ``.rel`` file, in file order, located in the record's ``lines``."""
    relations = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line:
                continue
            match = _RELATION.match(line)
            if match is None:
                raise CorpusFormatError(
                    path, f"line {number}", f'not a relation line c="..." L:T L:T||r="..."||c="..." L:T L:T: {line!r}'
                )
            arg1 = _locate(lines, match, 1, path, number)
            arg2 = _locate(lines, match, 7, path, number)
            relations.append(RelationLine(arg1, arg2, match.group(6), number))
    return relations
