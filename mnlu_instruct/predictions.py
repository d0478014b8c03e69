"""Predictions of any engine (vLLM, an API, lm-eval), read from a file and scored by example id.

Two file formats, told apart by the first non-blank line:

- ``{"id": "<example id>", "prediction": "<output text>"}`` JSON Lines;
- lm-eval ``--log_samples`` files (``samples_<task>_<date>.jsonl``): one object per document, whose ``doc`` is
  the document the ``mnlu_*`` task built (``doc["id"]`` is the example id, ``doc["source"]`` the corpus) and
  whose ``filtered_resps[0]`` is the answer lm-eval scored.

Every line must be in the format of the first; a malformed one stops the reading with an error naming the file,
the line and the full reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

from .answer_format import format_answer
from .examples import ChoiceAnswer, Example, SpanAnswer, TextAnswer, answer_to_dict
from .parse import ParsedAnswer, parse_answer
from .schema import CorpusFormatError
from .scoring import score_examples

PLAIN = "jsonl"
LM_EVAL = "lm-eval log samples"
FORMATS = (PLAIN, LM_EVAL)
_PLAIN_SHAPE = 'expected {"id": "<string>", "prediction": "<string>"}'


def read_predictions(path: Union[str, Path], corpus: Optional[str] = None) -> dict[str, str]:
    """The predictions of a file (either format) by example id; errors name the file and line.

    ``corpus``, when given, must be the corpus of every lm-eval sample (``doc["source"]``).
    """
    predictions: dict[str, str] = {}
    first_line: dict[str, int] = {}
    kind: Optional[str] = None
    for number, row in _rows(path):
        kind = kind or _format_of(row)
        example_id, prediction = _prediction(path, number, row, kind, corpus)
        if example_id in predictions:
            raise CorpusFormatError(path, f"line {number}", f"duplicate id {example_id!r} (first on line "
                                    f"{first_line[example_id]})")
        predictions[example_id] = prediction
        first_line[example_id] = number
    if kind is None:
        raise CorpusFormatError(path, "line 1", "the file is empty: no predictions")
    return predictions


def detect_format(path: Union[str, Path]) -> str:
    """The format of a predictions file (one of :data:`FORMATS`), from its first non-blank line."""
    for _, row in _rows(path):
        return _format_of(row)
    raise CorpusFormatError(path, "line 1", "the file is empty: no predictions")


def _rows(path: Union[str, Path]) -> Iterator[tuple[int, Any]]:
    """``(line number, JSON value)`` of each non-blank line."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise CorpusFormatError(path, f"line {number}", f"not UTF-8 text ({error.reason} at byte "
                                        f"{error.start + 1})") from None
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusFormatError(path, f"line {number}", f"not valid JSON: {error.msg} at column "
                                        f"{error.colno}") from None
            except RecursionError:
                raise CorpusFormatError(path, f"line {number}", "not readable JSON: nested too deeply") from None


def _format_of(row: Any) -> str:
    return LM_EVAL if isinstance(row, dict) and "doc" in row and "filtered_resps" in row else PLAIN


def _prediction(path: Union[str, Path], number: int, row: Any, kind: str, corpus: Optional[str]) -> tuple[str, str]:
    """The ``(id, prediction)`` of one line of a file of format ``kind``."""
    where = f"line {number}"
    if kind == PLAIN:
        if _format_of(row) == LM_EVAL:
            raise CorpusFormatError(path, where, "an lm-eval sample in a file whose first line is "
                                    '{"id", "prediction"} JSON')
        if not isinstance(row, dict):
            raise CorpusFormatError(path, where, f"{_PLAIN_SHAPE}, got a JSON {_json_type(row)}")
        for key in ("id", "prediction"):
            if not isinstance(row.get(key), str):
                found = "no such key" if key not in row else f"a JSON {_json_type(row[key])}"
                raise CorpusFormatError(path, where, f'{_PLAIN_SHAPE}; "{key}": {found}')
        return row["id"], row["prediction"]
    if _format_of(row) != LM_EVAL:
        raise CorpusFormatError(path, where, 'not an lm-eval sample ("doc" and "filtered_resps"), as line 1 is')
    doc, responses = row["doc"], row["filtered_resps"]
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        raise CorpusFormatError(path, where, 'the lm-eval sample\'s "doc" has no string "id" (the example id '
                                "that the mnlu_* tasks write)")
    if corpus is not None and doc.get("source") != corpus:
        raise CorpusFormatError(path, where, f"an lm-eval sample of corpus {doc.get('source')!r}, not {corpus!r}")
    if not isinstance(responses, list) or not responses or not isinstance(responses[0], str):
        raise CorpusFormatError(path, where, 'expected "filtered_resps": ["<answer>", ...], got '
                                f"{json.dumps(responses, ensure_ascii=False)[:200]}")
    return doc["id"], responses[0]


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def score_corpus(
    examples: Sequence[Example],
    predictions: Mapping[str, str],
    metric: str,
    mode: str = "strict",
    only_predicted: bool = False,
) -> dict[str, object]:
    """Score predictions keyed by example id with ``scoring.score_examples``.

    Examples without a prediction are scored as empty answers and counted in ``missing_ids``; with
    ``only_predicted`` they are left out instead (``missing_ids`` still counts them). Predictions whose id is not
    an example of the set are never scored: ``unknown_ids`` counts them. No matching id at all is an error.
    """
    if not examples:
        raise ValueError("the evaluation set is empty")
    known = {ex.id for ex in examples}
    unknown = [key for key in predictions if key not in known]
    if predictions and len(unknown) == len(predictions):
        raise ValueError(f"none of the {len(predictions)} prediction ids is an example of this set "
                         f"(first: {unknown[0]!r}; the set's first: {examples[0].id!r})")
    missing = sum(1 for ex in examples if ex.id not in predictions)
    scored = [ex for ex in examples if ex.id in predictions] if only_predicted else list(examples)
    result = score_examples(scored, [predictions.get(ex.id) for ex in scored], metric, mode)
    result.pop("missing", None)
    result["missing_ids"] = missing
    result["unknown_ids"] = len(unknown)
    return result


def correct(parsed: ParsedAnswer, example: Example) -> bool:
    """Whether the strict reading of a prediction is the gold answer: the same options, or for each type the same
    mentions (as a multiset, in any order), or for free text the same text."""
    gold, answer = example.answer, parsed.answer
    if isinstance(gold, ChoiceAnswer):
        return isinstance(answer, ChoiceAnswer) and set(answer.selected) == set(gold.selected)
    if isinstance(gold, TextAnswer):
        return isinstance(answer, TextAnswer) and answer.text == gold.text
    if not isinstance(answer, SpanAnswer):
        return False
    found = {type_: Counter(mentions) for type_, mentions in answer.spans}
    return all(found.get(type_, Counter()) == Counter(mentions) for type_, mentions in gold.spans)


def detail_rows(examples: Sequence[Example], predictions: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per example: id, gold answer and its target text, prediction (``None`` when missing), parsed answer
    (``None`` when unreadable), whether parsing failed, and whether the parsed answer is the gold one."""
    rows = []
    for example in examples:
        text = predictions.get(example.id)
        parsed = parse_answer(text, example) if text is not None else ParsedAnswer(None, True)
        rows.append({
            "id": example.id,
            "gold": answer_to_dict(example.answer),
            "target": format_answer(example),
            "prediction": text,
            "parsed": answer_to_dict(parsed.answer) if parsed.answer is not None else None,
            "parse_failed": parsed.failed and text is not None,
            "correct": correct(parsed, example),
        })
    return rows


def write_jsonl_atomically(path: Union[str, Path], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write JSON Lines to ``path`` through a temporary file beside it: readers see the old file or the new one."""
    target = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent or Path("."))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
