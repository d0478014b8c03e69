"""Model output text back to structure: the inverse of ``answer_format``. Never raises.

Forgiving in form, strict in meaning: case, spacing, bullets, a trailing period and chat chatter
around the answer are tolerated; unknown types and option letters are ignored and reported; an
output with no readable answer is a parse failure (``failed=True``, ``answer=None``), which the
scorer counts and scores as an empty answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional

from .answer_format import LETTERS, is_none_marker
from .examples import Answer, ChoiceAnswer, Example, SpanAnswer

_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_LETTER_AT_START = re.compile(r"^\(?([A-Za-z])\)(?=\s|$)")
_LETTER_ANYWHERE = re.compile(r"\(([A-Z])\)")
_OTHER_TYPE_LINE = re.compile(r"^([A-Za-z][\w ./-]{0,40}?)\s*:")
_SEPARATORS = ("...", "…")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    """The structure read from an output; ``unknown`` lists unknown types or option letters seen."""

    answer: Optional[Answer]
    failed: bool
    unknown: tuple[str, ...] = ()


def _lines(text: str) -> list[str]:
    return [_BULLET.sub("", line.rstrip("\r")).strip() for line in text.split("\n")]


def _next_separator(text: str, start: int) -> tuple[int, int]:
    """Position and length of the next span separator at or after ``start``, or ``(-1, 0)``."""
    hits = [(text.find(sep, start), len(sep)) for sep in _SEPARATORS]
    hits = [hit for hit in hits if hit[0] >= 0]
    return min(hits) if hits else (-1, 0)


def _quoted(text: str, start: int) -> Optional[tuple[str, int]]:
    """A JSON string at ``start`` followed by a separator or the end: its value and where parsing resumes."""
    try:
        value, end = _DECODER.raw_decode(text, start)
    except ValueError:
        return None
    if not isinstance(value, str):
        return None
    rest = text[end:].lstrip()
    if not rest:
        return value, len(text)
    for sep in _SEPARATORS:
        if rest.startswith(sep):
            return value, len(text) - len(rest) + len(sep)
    return None


def split_mentions(body: str) -> list[str]:
    """The mentions of one type line's body (``None`` gives none)."""
    body = body.strip()
    if is_none_marker(body):
        return []
    mentions: list[str] = []
    position = 0
    while position < len(body):
        while position < len(body) and body[position].isspace():
            position += 1
        if position >= len(body):
            break
        if body[position] == '"':
            quoted = _quoted(body, position)
            if quoted is not None:
                mentions.append(quoted[0])
                position = quoted[1]
                continue
        found, length = _next_separator(body, position)
        end = found if found >= 0 else len(body)
        segment = body[position:end].strip()
        if segment and not is_none_marker(segment):
            mentions.append(segment)
        position = end + length if found >= 0 else len(body)
    return mentions


def parse_spans(text: str, types: tuple[str, ...]) -> ParsedAnswer:
    """Read ``Type: span ... span`` lines for the asked ``types``."""
    found: dict[str, list[str]] = {name: [] for name in types}
    by_length = sorted(types, key=len, reverse=True)
    unknown: list[str] = []
    matched = False
    for line in _lines(text):
        if not line:
            continue
        lowered = line.lower()
        for name in by_length:
            if lowered.startswith(name.lower()):
                rest = line[len(name) :].lstrip()
                if rest.startswith(":"):
                    found[name].extend(split_mentions(rest[1:]))
                    matched = True
                    break
        else:
            other = _OTHER_TYPE_LINE.match(line)
            if other:
                unknown.append(other.group(1))
    if not matched:
        return ParsedAnswer(None, True, tuple(unknown))
    return ParsedAnswer(SpanAnswer(tuple((name, tuple(found[name])) for name in types)), False, tuple(unknown))


def parse_choices(text: str, options: tuple[str, ...], multi_label: bool) -> ParsedAnswer:
    """Read ``(X) option`` answers; several lines for multi-label questions."""
    selected: list[int] = []
    unknown: list[str] = []
    by_text = {option.strip().lower(): i for i, option in enumerate(options)}

    def take(letter: str) -> None:
        index = LETTERS.find(letter.upper())
        if 0 <= index < len(options):
            selected.append(index)
        else:
            unknown.append(f"({letter})")

    for line in _lines(text):
        match = _LETTER_AT_START.match(line)
        if match:
            take(match.group(1))
            continue
        plain = line.rstrip(".").strip().lower()
        if plain in by_text:
            selected.append(by_text[plain])
    if not selected:
        for letter in _LETTER_ANYWHERE.findall(text):
            take(letter)
            if selected and not multi_label:
                break
    unknown = list(dict.fromkeys(unknown))
    if not selected:
        return ParsedAnswer(None, True, tuple(unknown))
    chosen = tuple(sorted(set(selected))) if multi_label else (selected[0],)
    return ParsedAnswer(ChoiceAnswer(chosen), False, tuple(unknown))


def parse_answer(text: str, example: Example) -> ParsedAnswer:
    """Parse a model output for ``example``, in the example's answer shape. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return ParsedAnswer(None, True)
    if isinstance(example.answer, SpanAnswer):
        return parse_spans(text, tuple(name for name, _ in example.types))
    return parse_choices(text, example.options, example.multi_label)
