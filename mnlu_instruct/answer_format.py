"""The answer grammar of the unified format: how a gold answer is written as the target text.

Span extraction, one line per asked type in the instruction's order::

    Chemical: naloxone ... clonidine
    Disease: None

Multiple choice, one line per selected option: ``(B) option text``.

Free text (summarisation): the text itself, without outer whitespace.

A mention is written as a JSON string when plain writing would be ambiguous (it contains ``...`` or a
line break, reads as the ``None`` marker, starts with a double quote, or has outer whitespace), so that
``parse.parse_answer(format_answer(example), example)`` always gives the gold answer back.
"""

from __future__ import annotations

import json
import string

from .examples import ChoiceAnswer, Example, SpanAnswer, TextAnswer

SPAN_SEPARATOR = " ... "
NONE_MARKER = "None"
LETTERS = string.ascii_uppercase


def option_letter(index: int) -> str:
    """``0 -> "A"``, ``1 -> "B"``, ...; at most 26 options."""
    if not 0 <= index < len(LETTERS):
        raise ValueError(f"option index {index} outside A-Z: at most {len(LETTERS)} options are supported")
    return LETTERS[index]


def is_none_marker(text: str) -> bool:
    """Whether ``text`` reads as the empty marker (``None``, any case, optional trailing period)."""
    return text.strip().rstrip(".").strip().lower() == "none"


def needs_quoting(mention: str) -> bool:
    """Whether a mention must be written as a JSON string to survive parsing."""
    return (
        not mention
        or mention != mention.strip()
        or "..." in mention
        or "\n" in mention
        or "\r" in mention
        or "…" in mention
        or mention.startswith('"')
        or is_none_marker(mention)
    )


def format_mention(mention: str) -> str:
    return json.dumps(mention, ensure_ascii=False) if needs_quoting(mention) else mention


def format_spans(answer: SpanAnswer) -> str:
    lines = []
    for type_, mentions in answer.spans:
        body = SPAN_SEPARATOR.join(format_mention(m) for m in mentions) if mentions else NONE_MARKER
        lines.append(f"{type_}: {body}")
    return "\n".join(lines)


def format_choices(answer: ChoiceAnswer, options: tuple[str, ...]) -> str:
    """``(X) option text`` per selected option, in option order (duplicates written once)."""
    return "\n".join(f"({option_letter(i)}) {options[i]}" for i in sorted(set(answer.selected)))


def format_text(example: Example, answer: TextAnswer) -> str:
    """A free-text target: the text without outer whitespace, which may not be empty."""
    text = answer.text.strip()
    if not text:
        raise ValueError(f"example {example.id}: a free-text answer may not be empty")
    return text


def format_answer(example: Example) -> str:
    """The target text of ``example``."""
    if isinstance(example.answer, TextAnswer):
        return format_text(example, example.answer)
    if isinstance(example.answer, SpanAnswer):
        return format_spans(example.answer)
    if len(example.options) > len(LETTERS):
        raise ValueError(f"example {example.id}: {len(example.options)} options; at most {len(LETTERS)} have letters")
    if not example.answer.selected:
        raise ValueError(f"example {example.id}: a multiple-choice answer selects at least one option")
    for index in example.answer.selected:
        if not 0 <= index < len(example.options):
            raise ValueError(
                f"example {example.id}: selected option {index} outside its {len(example.options)} options"
            )
    return format_choices(example.answer, example.options)
