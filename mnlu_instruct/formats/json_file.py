"""Load a whole JSON file, turning a syntax error into a :class:`CorpusFormatError` with its line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..schema import CorpusFormatError
from .text_file import read_text


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for key, value in pairs:
        if key in content:
            raise _DuplicateKey(key)
        content[key] = value
    return content


def _key_lines(text: str, key: str) -> list[int]:
    """The lines on which ``"key":`` occurs in ``text``."""
    needle, lines, position = json.dumps(key) + ":", [], text.find(json.dumps(key) + ":")
    while position >= 0:
        lines.append(text.count("\n", 0, position) + 1)
        position = text.find(needle, position + 1)
    return lines


def load_json(path: Path, *, unique_keys: bool = False) -> Any:
    """The parsed content of ``path``; a malformed file raises an error naming the file and line.

    Invalid UTF-8 names its line. With ``unique_keys``, a key that comes twice in one object is an error
    naming the lines it occurs on (instead of the last value silently winning).
    """
    text = read_text(path)
    if not text.strip():
        raise CorpusFormatError(path, "line 1", "the file is empty: expected a JSON document")
    try:
        return json.loads(text, object_pairs_hook=_unique_object if unique_keys else None)
    except json.JSONDecodeError as error:
        raise CorpusFormatError(
            path, f"line {error.lineno}, column {error.colno}", f"not valid JSON ({error.msg})"
        ) from None
    except _DuplicateKey as error:
        lines = ", ".join(str(line) for line in _key_lines(text, error.key))
        raise CorpusFormatError(path, f"lines {lines}", f"key {error.key!r} comes twice in one object") from None
