"""Model output text back to structure: the inverse of ``answer_format``. Never raises.

Forgiving in form, strict in meaning: case, spacing, bullets, a trailing period and chat chatter
around the answer are tolerated; unknown types and option letters are ignored and reported; an
output with no readable answer, or a single-choice answer naming several different options, is a
parse failure (``failed=True``, ``answer=None``), which the scorer counts and scores as an empty answer.
A free-text answer is the output itself, stripped; only an empty output fails.
Parsing takes time linear in the length of the output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional

from .answer_format import LETTERS, is_none_marker
from .examples import Answer, ChoiceAnswer, Example, SpanAnswer, TextAnswer

_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_LETTER_AT_START = re.compile(r"^\(?([A-Za-z])\)(?=\s|$)")
_LETTER_ANYWHERE = re.compile(r"\(([A-Z])\)")
_OTHER_TYPE_LINE = re.compile(r"^([A-Za-z][\w ./-]{0,40}?)\s*:\s*\S")
"""A ``Label: something`` line; a bare ``Here are the entities:`` (nothing after the colon) is chatter."""
_SEPARATOR = r"(?:\.\.\.|…|\Z)"  # a span separator, or the end of the line
_QUOTED = re.compile(r'\s*("(?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+")\s*' + _SEPARATOR)
"""A mention written as a JSON string (what ``json`` reads, possessive: no backtracking), then a separator."""
_PLAIN = re.compile(r"\s*(.*?)" + _SEPARATOR, re.DOTALL)


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """The structure read from an output; ``unknown`` lists unknown types or option letters seen."""

    answer: Optional[Answer]
    failed: bool
    unknown: tuple[str, ...] = ()


def _lines(text: str) -> list[str]:
    return [_BULLET.sub("", line.rstrip("\r")).strip() for line in text.split("\n")]


def split_mentions(body: str) -> list[str]:
    """The mentions of one type line's body (``None`` gives none), in one left-to-right pass.

    A mention is a JSON string followed by a separator or the end, else the text up to the next separator.
    """
    body = body.strip()
    if is_none_marker(body):
        return []
    mentions: list[str] = []
    position = 0
    while position < len(body):
        quoted = _QUOTED.match(body, position)
        if quoted:
            written = quoted.group(1)
            mentions.append(json.loads(written) if "\\" in written else written[1:-1])
            position = quoted.end()
            continue
        plain = _PLAIN.match(body, position)
        segment = plain.group(1).strip()  # type: ignore[union-attr]  # _PLAIN matches anywhere
        if segment and not is_none_marker(segment):
            mentions.append(segment)
        position = plain.end()  # type: ignore[union-attr]
    return mentions


def parse_spans(text: str, types: tuple[str, ...]) -> ParsedAnswer:
    """Read ``Type: span ... span`` lines for the asked ``types``.

    A line is a type line when it starts (after a bullet) with an asked type, any case, longest type first,
    then ``:``; a type given on several lines collects the mentions of all of them, an asked type on no line
    has none. Other ``Label: text`` lines are reported in ``unknown``; no type line at all is a failure.
    """
    found: dict[str, list[str]] = {name: [] for name in types}
    by_length = sorted(types, key=len, reverse=True)
    unknown: list[str] = []
    matched = False
    for line in _lines(text):
        if not line:
            continue
        for name in by_length:
            if line[: len(name)].lower() == name.lower():
                rest = line[len(name) :].lstrip()
                if rest.startswith(":"):
                    found[name].extend(split_mentions(rest[1:]))
                    matched = True
                    break
        else:
            other = _OTHER_TYPE_LINE.match(line)
            if other:
                unknown.append(other.group(1))
    unknown_seen = tuple(dict.fromkeys(unknown))
    if not matched:
        return ParsedAnswer(None, True, unknown_seen)
    return ParsedAnswer(SpanAnswer(tuple((name, tuple(found[name])) for name in types)), False, unknown_seen)


def _plain(text: str) -> str:
    return text.strip().rstrip(".").strip().lower()


def _indices(letters: list[str], n_options: int, unknown: list[str]) -> list[int]:
    """Option indices of ``letters``; letters past the last option go to ``unknown``."""
    indices = []
    for letter in letters:
        index = LETTERS.find(letter.upper())
        if 0 <= index < n_options:
            indices.append(index)
        else:
            unknown.append(f"({letter.upper()})")
    return indices


def parse_choices(text: str, options: tuple[str, ...], multi_label: bool) -> ParsedAnswer:
    """Read ``(X) option`` answers, trying in turn: ``(X)`` or ``X)`` at a line start (after a bullet),
    ``(X)`` anywhere, then a line equal to an option's text (case and a trailing period ignored).

    The first stage that finds any option decides. A multi-label answer takes every option it found; a
    single-choice answer must name one option (repeating it is fine): two or more different options, such
    as an echoed option list, are a parse failure.
    """
    lines = _lines(text)
    unknown: list[str] = []
    at_start = [match.group(1) for line in lines if (match := _LETTER_AT_START.match(line))]
    selected = _indices(at_start, len(options), unknown)
    if not selected:
        selected = _indices(_LETTER_ANYWHERE.findall(text), len(options), unknown)
    if not selected:
        by_text: dict[str, int] = {}
        for index, option in enumerate(options):
            by_text.setdefault(_plain(option), index)
        selected = [by_text[plain] for line in lines if line and (plain := _plain(line)) in by_text]
    unknown_seen = tuple(dict.fromkeys(unknown))
    chosen = tuple(sorted(set(selected)))
    if not chosen or (len(chosen) > 1 and not multi_label):
        return ParsedAnswer(None, True, unknown_seen)
    return ParsedAnswer(ChoiceAnswer(chosen), False, unknown_seen)


def parse_text(text: str) -> ParsedAnswer:
    """A free-text answer: the output without outer whitespace; an empty one is a failure."""
    stripped = text.strip()
    return ParsedAnswer(TextAnswer(stripped), False) if stripped else ParsedAnswer(None, True)


def parse_answer(text: str, example: Example) -> ParsedAnswer:
    """Parse a model output for ``example``, in the example's answer shape. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return ParsedAnswer(None, True)
    if isinstance(example.answer, TextAnswer):
        return parse_text(text)
    if isinstance(example.answer, SpanAnswer):
        return parse_spans(text, tuple(name for name, _ in example.types))
    return parse_choices(text, example.options, example.multi_label)
