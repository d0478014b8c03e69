"""One prompt unit (an :class:`Example`) and the three answer shapes of the unified format.

Readers yield schema records; a task view (``views.py``) turns each record into one or more
examples. The renderer, the parser and the scorer all work on examples, so training data,
evaluation prompts and scoring share one definition of the gold answer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Optional, Union


@dataclass(frozen=True, slots=True)
class SpanAnswer:
    """Span extraction: for each asked type, in the instruction's order, the mentions in text order."""

    spans: tuple[tuple[str, tuple[str, ...]], ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {type_: list(mentions) for type_, mentions in self.spans}


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """Multiple choice: the indices of the selected options (one, or several when multi-label)."""

    selected: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """Free text (summarisation): the answer is the text itself, without outer whitespace."""

    text: str


Answer = Union[SpanAnswer, ChoiceAnswer, TextAnswer]


@dataclass(frozen=True, slots=True)
class Example:
    """Everything a template needs to render one prompt, and the gold answer.

    ``types`` are the asked span types with a one-line definition each; ``options`` are the
    multiple-choice option texts (lettered (A), (B), ... by the renderer); ``negative_options``
    are the indices a positive-class metric leaves out (no relation, none of the above).
    ``template`` names the template to render with (empty: the task type's canonical one).
    ``gold_score`` keeps the real-valued gold of STS pairs, which the option only rounds;
    ``gold_offsets`` keeps ``(type, start, end)`` of each gold span in ``text`` (word-level metrics use it).
    """

    id: str
    source: str
    task_type: str
    document_id: str
    text: str
    answer: Answer
    template: str = ""
    types: tuple[tuple[str, str], ...] = ()
    options: tuple[str, ...] = ()
    multi_label: bool = False
    negative_options: tuple[int, ...] = ()
    question: str = ""
    text_2: str = ""
    gold_score: Optional[float] = None
    gold_offsets: tuple[tuple[str, int, int], ...] = ()

    @property
    def template_id(self) -> str:
        """The template this example names, else its task type's canonical template."""
        if self.template:
            return self.template
        from .prompts import canonical_template  # prompts imports this module

        return canonical_template(self.task_type).id

    @property
    def shape(self) -> str:
        """``"spans"``, ``"choice"`` or ``"text"``: which answer grammar this example uses."""
        if isinstance(self.answer, SpanAnswer):
            return "spans"
        return "text" if isinstance(self.answer, TextAnswer) else "choice"

    def to_dict(self) -> dict[str, Any]:
        """A JSON- and Arrow-friendly dict; :meth:`from_dict` inverts it."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}  # shallow: no field is a dataclass
        row["answer"] = answer_to_dict(self.answer)
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Example:
        values = {f.name: row[f.name] for f in fields(cls) if f.name in row}
        values["answer"] = answer_from_dict(row["answer"])
        values["types"] = tuple(tuple(pair) for pair in values.get("types", ()))
        values["gold_offsets"] = tuple(tuple(span) for span in values.get("gold_offsets", ()))
        for name in ("options", "negative_options"):
            values[name] = tuple(values.get(name, ()))
        return cls(**values)


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """``{"spans": [[type, [mention, ...]], ...]}``, ``{"selected": [index, ...]}`` or ``{"text": text}``
    (the other keys ``None``; only a free-text answer has the ``text`` key)."""
    if isinstance(answer, TextAnswer):
        return {"spans": None, "selected": None, "text": answer.text}
    if isinstance(answer, SpanAnswer):
        return {"spans": [[type_, list(mentions)] for type_, mentions in answer.spans], "selected": None}
    return {"spans": None, "selected": list(answer.selected)}


def answer_from_dict(row: dict[str, Any]) -> Answer:
    if row.get("text") is not None:
        return TextAnswer(row["text"])
    if row.get("spans") is not None:
        return SpanAnswer(tuple((type_, tuple(mentions)) for type_, mentions in row["spans"]))
    return ChoiceAnswer(tuple(row["selected"]))
