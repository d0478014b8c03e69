"""The readable table ``mnlu score`` prints: what was scored, the metric's values and counts, then any per-type
(or other nested) breakdown. It shows whichever values the scorer returns, known ones first in a fixed order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VALUES = ("score", "precision", "recall", "f1", "accuracy", "pearson")
COUNTS = ("n", "parse_failures", "missing_ids", "unknown_ids", "unknown_labels")
SHOWN_ELSEWHERE = frozenset({*VALUES, *COUNTS, "tp", "fp", "fn", "n_pred", "n_gold", "correct", "total"})


def _cell(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    return f"{value:.4f}"


def _counts(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``tp / fp / fn`` (given, or from ``n_pred`` and ``n_gold``) and ``correct / total``, where present."""
    rows = []
    if "tp" in result:
        fp = result.get("fp", result["n_pred"] - result["tp"] if "n_pred" in result else None)
        fn = result.get("fn", result["n_gold"] - result["tp"] if "n_gold" in result else None)
        if fp is not None and fn is not None:
            rows.append(("tp / fp / fn", f"{result['tp']} / {fp} / {fn}"))
        else:
            rows.append(("tp", str(result["tp"])))
    if "correct" in result and "total" in result:
        rows.append(("correct / total", f"{result['correct']} / {result['total']}"))
    return rows


def _nested(name: str, table: Mapping[str, Any]) -> list[str]:
    """A sub-table of a ``{row: {column: value}}`` result entry (such as ``per_type``)."""
    columns = list(dict.fromkeys(key for row in table.values() if isinstance(row, Mapping) for key in row))
    rows = [[str(key), *(_cell(row.get(c, "")) for c in columns)] for key, row in table.items()
            if isinstance(row, Mapping)]
    grid = [[name, *columns], *rows]
    widths = [max(len(line[i]) for line in grid) for i in range(len(grid[0]))]
    return ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
            for line in grid]


def format_table(header: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """The table of one scoring run: ``header`` says what was scored, ``result`` is ``score_corpus``'s dict."""
    missing = result.get("missing_ids", 0)
    notes = {
        "missing_ids": "not scored: --only-predicted" if header.get("only_predicted") else "scored as empty answers",
        "unknown_ids": "not in the set, not scored",
        "parse_failures": "scored as empty answers",
    }
    rows: list[tuple[str, str]] = [
        ("metric", str(header["metric"])),
        *((key, _cell(result[key])) for key in VALUES if key in result),
        *_counts(result),
        *((key.replace("_", " "), _cell(result[key]) + (f"  ({notes[key]})" if key in notes and result[key] else ""))
          for key in COUNTS if key in result),
        *((key.replace("_", " "), _cell(value)) for key, value in result.items()
          if key not in SHOWN_ELSEWHERE and not isinstance(value, Mapping)),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        f"mnlu score: {header['task']} ({header['split']} split, {header['mode']} mode)",
        f"gold: {header['gold']}",
        f"predictions: {header['predictions']} ({header['predictions_format']})",
    ]
    if header.get("only_predicted"):
        lines.append(f"only the {result.get('n')} examples with a prediction are scored; {missing} without one are not")
    lines += ["", *(f"{label.ljust(width)}  {value}" for label, value in rows)]
    for key, value in result.items():
        if isinstance(value, Mapping) and value:
            lines += ["", *_nested(key.replace("_", " "), value)]
    return "\n".join(lines)
