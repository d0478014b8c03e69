"""Task views: schema records to examples, one function per answer layout.

A corpus names its view; the common ones are here. Spans are listed in text order
(first offset, then end), relation arguments are marked inline with ``<e1>``/``<e2>`` tags.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from .corpus import Corpus, View
from .examples import ChoiceAnswer, Example, SpanAnswer, TextAnswer
from .schema import QA, Entity, KBDocument, Pair, SchemaError, Summary, TextClassification

ARG1_TAGS = ("<e1>", "</e1>")
ARG2_TAGS = ("<e2>", "</e2>")


def span_answer(entities: tuple[Entity, ...] | list[Entity], types: tuple[tuple[str, str], ...]) -> SpanAnswer:
    """Mentions grouped by asked type, each group in text order; unasked types are dropped."""
    ordered = sorted(entities, key=lambda e: (e.offsets[0][0], e.offsets[-1][1], e.id))
    return SpanAnswer(tuple((name, tuple(e.surface for e in ordered if e.type == name)) for name, _ in types))


def span_view(corpus: Corpus, doc: KBDocument) -> Iterator[Example]:
    """NER: one example per document asking every entity type of the corpus."""
    asked = {name for name, _ in corpus.entity_types}
    yield Example(
        id=doc.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=doc.document_id,
        text=doc.text,
        answer=span_answer(doc.entities, corpus.entity_types),
        types=corpus.entity_types,
        gold_offsets=tuple((e.type, start, end) for e in doc.entities for start, end in e.offsets if e.type in asked),
    )


def _label_index(corpus: Corpus, label: str, where: str) -> int:
    names = [name for name, _ in corpus.labels]
    if label not in names:
        raise SchemaError(f"corpus {corpus.name!r}, {where}: label {label!r} is not one of {names}")
    return names.index(label)


def _negative_indices(corpus: Corpus) -> tuple[int, ...]:
    return tuple(i for i, (name, _) in enumerate(corpus.labels) if name in corpus.negative_labels)


def mark_arguments(text: str, arg1: Entity, arg2: Entity) -> str:
    """The text with ``<e1>…</e1>`` around the first argument and ``<e2>…</e2>`` around the second."""
    inserts = [
        (arg1.offsets[0][0], 1, ARG1_TAGS[0]),
        (arg1.offsets[-1][1], 0, ARG1_TAGS[1]),
        (arg2.offsets[0][0], 1, ARG2_TAGS[0]),
        (arg2.offsets[-1][1], 0, ARG2_TAGS[1]),
    ]
    pieces, last = [], 0
    for position, _, tag in sorted(inserts):
        pieces.append(text[last:position])
        pieces.append(tag)
        last = position
    pieces.append(text[last:])
    return "".join(pieces)


def relation_view(corpus: Corpus, doc: KBDocument) -> Iterator[Example]:
    """RE: one multiple-choice example per candidate pair (``doc.relations``), arguments marked inline.

    ``corpus.question`` is a format string with ``{arg1}`` and ``{arg2}`` (the marked surfaces).
    """
    entities = {e.id: e for e in doc.entities}
    options = tuple(text for _, text in corpus.labels)
    for relation in doc.relations:
        try:
            arg1, arg2 = entities[relation.arg1_id], entities[relation.arg2_id]
        except KeyError as missing:
            raise SchemaError(
                f"corpus {corpus.name!r}, document {doc.document_id}: relation {relation.id} "
                f"points at unknown entity {missing}"
            ) from None
        where = f"document {doc.document_id}, relation {relation.id}"
        yield Example(
            id=f"{doc.id}/{relation.id}",
            source=corpus.name,
            task_type=corpus.task_type,
            document_id=doc.document_id,
            text=mark_arguments(doc.text, arg1, arg2),
            answer=ChoiceAnswer((_label_index(corpus, relation.type, where),)),
            options=options,
            negative_options=_negative_indices(corpus),
            question=corpus.question.format(
                arg1=f"{ARG1_TAGS[0]}{arg1.surface}{ARG1_TAGS[1]}",
                arg2=f"{ARG2_TAGS[0]}{arg2.surface}{ARG2_TAGS[1]}",
            ),
        )


def classification_view(corpus: Corpus, record: TextClassification) -> Iterator[Example]:
    """DC: one multiple-choice example; multi-label, with the corpus's negative option when no label applies."""
    labels = record.labels or corpus.negative_labels[:1]
    selected = sorted({_label_index(corpus, label, f"document {record.document_id}") for label in labels})
    yield Example(
        id=record.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=record.document_id,
        text=record.text,
        answer=ChoiceAnswer(tuple(selected)),
        options=tuple(text for _, text in corpus.labels),
        multi_label=True,
        negative_options=_negative_indices(corpus),
        question=corpus.question,
    )


def single_label_view(corpus: Corpus, record: TextClassification) -> Iterator[Example]:
    """DC with exactly one answer: the classification view, asking for one option (MTSamples' specialty)."""
    for example in classification_view(corpus, record):
        yield replace(example, multi_label=False)


def sts_option(score: float, n_options: int) -> int:
    """The option index of a real-valued score on a 0..n-1 integer scale (round half up, clipped)."""
    return min(n_options - 1, max(0, int(score + 0.5)))


def pair_view(corpus: Corpus, pair: Pair) -> Iterator[Example]:
    """NLI (label options) and STS (integer score options, the float gold kept as ``gold_score``)."""
    options = tuple(text for _, text in corpus.labels)
    if isinstance(pair.label, float):
        selected, gold_score = sts_option(pair.label, len(options)), pair.label
    else:
        selected, gold_score = _label_index(corpus, pair.label, f"pair {pair.id}"), None
    yield Example(
        id=pair.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=pair.document_id,
        text=pair.text_1,
        text_2=pair.text_2,
        answer=ChoiceAnswer((selected,)),
        options=options,
        negative_options=_negative_indices(corpus),
        question=corpus.question,
        gold_score=gold_score,
    )


def qa_view(corpus: Corpus, qa: QA) -> Iterator[Example]:
    """QA: the record's question over its context, its choices as options."""
    if len(qa.answer) != 1 or qa.answer[0] not in qa.choices:
        raise SchemaError(f"corpus {corpus.name!r}, question {qa.id}: answer {qa.answer} not among {qa.choices}")
    yield Example(
        id=qa.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=qa.document_id,
        text=qa.context,
        answer=ChoiceAnswer((qa.choices.index(qa.answer[0]),)),
        options=qa.choices,
        question=qa.question,
    )


def event_view(corpus: Corpus, doc: KBDocument) -> Iterator[Example]:
    """EE: one span example, then one multiple-choice example per distinct trigger and event attribute.

    The span example asks every type of ``corpus.entity_types``; the reader types trigger spans and argument
    spans by role, and a span that several events share (same type, same offsets) is listed once.
    ``corpus.event_attributes`` lists ``(name, question, ((value, option text), ...))``: the name
    ``"type"`` asks ``Event.type``, any other name the value in ``Event.attributes``. ``question`` is a format
    string with ``{trigger}``, and the trigger is marked ``<e1>…</e1>`` in the text. Events that share one
    trigger span are asked once, and not at all about an attribute on which they disagree (ambiguous).
    """
    spans = {(span.type, span.offsets): span for span in [*doc.entities, *(event.trigger for event in doc.events)]}
    yield Example(
        id=doc.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=doc.document_id,
        text=doc.text,
        answer=span_answer(list(spans.values()), corpus.entity_types),
        types=corpus.entity_types,
    )
    by_trigger: dict = {}
    for event in doc.events:
        by_trigger.setdefault(event.trigger.offsets, []).append(event)
    for events in by_trigger.values():
        trigger = events[0].trigger
        start, end = trigger.offsets[0][0], trigger.offsets[-1][1]
        text = f"{doc.text[:start]}{ARG1_TAGS[0]}{doc.text[start:end]}{ARG1_TAGS[1]}{doc.text[end:]}"
        for name, question, values in corpus.event_attributes:
            found = {event.type if name == "type" else dict(event.attributes).get(name) for event in events}
            if len(found) != 1:
                continue
            value = found.pop()
            names = [option for option, _ in values]
            if value not in names:
                raise SchemaError(
                    f"corpus {corpus.name!r}, document {doc.document_id}: event {events[0].id} has {name} "
                    f"{value!r}, not one of {names}"
                )
            yield Example(
                id=f"{doc.id}/{trigger.id}/{name}",
                source=corpus.name,
                task_type=corpus.task_type,
                document_id=doc.document_id,
                text=text,
                answer=ChoiceAnswer((names.index(value),)),
                options=tuple(option_text for _, option_text in values),
                question=question.format(trigger=f"{ARG1_TAGS[0]}{trigger.surface}{ARG1_TAGS[1]}"),
            )


def summary_view(corpus: Corpus, record: Summary) -> Iterator[Example]:
    """Summarisation: the record's text, the corpus's instruction (``corpus.question``) and the summary as a
    free-text answer, both without outer whitespace."""
    yield Example(
        id=record.id,
        source=corpus.name,
        task_type=corpus.task_type,
        document_id=record.document_id,
        text=record.text.strip(),
        answer=TextAnswer(record.summary.strip()),
        question=corpus.question,
    )


VIEWS: Mapping[str, View] = {
    "ner": span_view,
    "re": relation_view,
    "ee": event_view,
    "dc": classification_view,
    "nli": pair_view,
    "sts": pair_view,
    "qa": qa_view,
    "summ": summary_view,
}
"""The view of each task type; a corpus declares ``view`` only where it differs."""
