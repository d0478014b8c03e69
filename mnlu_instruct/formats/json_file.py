"""Load a whole JSON file, turning a syntax error into a :class:`CorpusFormatError` with its line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..schema import CorpusFormatError


def load_json(path: Path) -> Any:
    """The parsed content of ``path``; a malformed file raises an error naming the file and line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise CorpusFormatError(
            path, f"line {error.lineno}, column {error.colno}", f"not valid JSON ({error.msg})"
        ) from None
