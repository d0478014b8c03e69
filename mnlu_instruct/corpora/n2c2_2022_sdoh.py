"""n2c2/UW 2022 SDoH (Lybarger et al. 2023): social determinants of health as events in the social history
sections of clinical notes (SHAC), a restricted training source of MNLU-Instruct.

Restricted (n2c2 data-use agreement; the MIMIC-III notes also need PhysioNet credentialing). The reader
reads the released brat folders as unpacked: ``train/``, ``dev/`` and ``test/``, each with one ``<note>.txt``
and one ``<note>.ann`` per section, in the release's source sub-folders (``mimic/``, ``uw/``); every
``.txt``/``.ann`` pair below a split folder is read, in path order, and a file without its pair is an error.
Splits are the official ones (``dev`` is the validation split). Record ids are ``<split>/<source>/<note>``.

Annotations: events ``E`` with a trigger typed by the determinant (Alcohol, Drug, Tobacco, Employment,
LivingStatus) and arguments ``Role:T`` whose spans are typed StatusTime, StatusEmploy, TypeLiving, Amount,
Frequency, Duration, History, Type or Method; attributes ``A`` give the labelled arguments their value
(``StatusTimeVal``: none, current, past, future; ``StatusEmployVal``: employed, unemployed, retired,
on_disability, student, homemaker; ``TypeLivingVal``: alone, with_family, with_others, homeless).

As PHEE's shape (:func:`~mnlu_instruct.views.event_view`): one span example per note asking the trigger types and
the argument types, then per trigger the multiple-choice questions that fit its determinant: the status of a
substance (StatusTime), the employment status (StatusEmploy), and the living status and living situation
(StatusTime, TypeLiving). An event's value is that of its argument of that type; an event without one, or
with two arguments of that type that disagree, is not asked. Events that share one trigger span are asked
once (see :func:`~mnlu_instruct.views.event_view`). ``split_sizes`` is unset: it counts examples (one per
note plus the questions), and that count is not published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus, EventAttribute
from ..examples import Example
from ..formats.brat import BratDocument, TextBound, parse_brat
from ..formats.text_file import read_text
from ..schema import CorpusFormatError, Entity, Event, EventArgument, KBDocument, Passage, validate_kb
from ..views import event_view

NAME = "n2c2_2022_sdoh"
FILES = {"train": ("train",), "validation": ("dev",), "test": ("test",)}
ACCESS = (
    "Restricted: sign the n2c2 data-use agreement (DBMI Data Portal, https://portal.dbmi.hms.harvard.edu/"
    "projects/n2c2-nlp/), then download the '2022 Track 2: Extracting Social Determinants of Health' data "
    "and unpack it so that its train/, dev/ and test/ folders (with their mimic/ and uw/ .txt and .ann files) "
    "are in n2c2_2022_sdoh/."
)
TRIGGER_TYPES = (
    ("Alcohol", "a mention of alcohol use, e.g. 'EtOH', 'drinks'"),
    ("Drug", "a mention of recreational or illicit drug use, e.g. 'IVDU', 'marijuana'"),
    ("Tobacco", "a mention of tobacco use, e.g. 'smoker', 'cigarettes'"),
    ("Employment", "a mention of work or employment, e.g. 'works', 'retired'"),
    ("LivingStatus", "a mention of where or with whom the patient lives, e.g. 'lives'"),
)
ARGUMENT_TYPES = (
    ("StatusTime", "the words that give whether the use or living situation is current, past, future or none"),
    ("StatusEmploy", "the words that give the employment status, e.g. 'retired', 'unemployed'"),
    ("TypeLiving", "the words that give the living situation, e.g. 'with wife', 'homeless'"),
    ("Amount", "how much is used, e.g. '2 beers', '1 ppd'"),
    ("Frequency", "how often it is used, e.g. 'daily', 'on weekends'"),
    ("Duration", "how long it lasted, e.g. 'for 20 years'"),
    ("History", "when it stopped or how long ago, e.g. 'quit 5 years ago'"),
    ("Type", "the kind of substance or work, e.g. 'cocaine', 'construction'"),
    ("Method", "how the substance is taken, e.g. 'IV', 'smokes'"),
)
LABELLED = {"StatusTimeVal": "StatusTime", "StatusEmployVal": "StatusEmploy", "TypeLivingVal": "TypeLiving"}
"""The release's attribute names and the argument type whose value each one gives."""
STATUS_TIME = (("none", "None: the patient does not or did not"), ("current", "Current"), ("past", "Past"),
               ("future", "Future: planned or expected"))
SUBSTANCE_STATUS: EventAttribute = ("StatusTime", "What is the patient's use of the substance of {trigger}?",
                                    STATUS_TIME)
EVENT_ATTRIBUTES: dict[str, tuple[EventAttribute, ...]] = {
    "Alcohol": (SUBSTANCE_STATUS,),
    "Drug": (SUBSTANCE_STATUS,),
    "Tobacco": (SUBSTANCE_STATUS,),
    "Employment": (
        ("StatusEmploy", "What is the patient's employment status, as the text states it at {trigger}?",
         (("employed", "Employed"), ("unemployed", "Unemployed"), ("retired", "Retired"),
          ("on_disability", "On disability"), ("student", "Student"), ("homemaker", "Homemaker"))),
    ),
    "LivingStatus": (
        ("StatusTime", "When does the living situation of {trigger} hold?", STATUS_TIME),
        ("TypeLiving", "How does the patient live, as the text states it at {trigger}?",
         (("alone", "Alone"), ("with_family", "With family"), ("with_others", "With others"),
          ("homeless", "Homeless"))),
    ),
}
"""Per determinant, the questions asked about its triggers."""


def _entity(span_id: str, span: TextBound, text: str, type_: str) -> Entity:
    return Entity(id=span_id, type=type_, text=tuple(text[s:e] for s, e in span.offsets),
                  offsets=span.offsets)


def _check(brat: BratDocument) -> None:
    triggers = {name for name, _ in TRIGGER_TYPES}
    arguments = {name for name, _ in ARGUMENT_TYPES}
    for span in brat.spans.values():
        if span.type not in triggers | arguments:
            raise CorpusFormatError(brat.source, f"line {span.line}", f"unknown span type {span.type!r}")
    for event in brat.events.values():
        if event.type not in triggers or brat.spans[event.trigger].type != event.type:
            found = brat.spans[event.trigger].type
            raise CorpusFormatError(brat.source, f"line {event.line}",
                                    f"event type {event.type!r} with a {found!r} trigger is not a determinant")
        for role, ref in event.arguments:
            if ref not in brat.spans or brat.spans[ref].type not in arguments:
                raise CorpusFormatError(brat.source, f"line {event.line}",
                                        f"argument {role}:{ref} is not an argument span")
    for attribute in brat.attributes.values():
        wanted = LABELLED.get(attribute.name)
        if wanted is None or brat.spans.get(attribute.target, None) is None or attribute.value is None:
            raise CorpusFormatError(brat.source, f"line {attribute.line}",
                                    f"unknown attribute {attribute.name!r} or target {attribute.target!r}")
        if brat.spans[attribute.target].type != wanted:
            raise CorpusFormatError(brat.source, f"line {attribute.line}",
                                    f"{attribute.name} qualifies a {brat.spans[attribute.target].type!r} span")


def _values(brat: BratDocument, arguments: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The labelled arguments' values, by argument type; a type whose arguments disagree is left out."""
    found: dict[str, set[str]] = {}
    for _, ref in arguments:
        for name, value in brat.attributes_of(ref).items():
            if value is not None:
                found.setdefault(LABELLED[name], set()).add(value)
    return tuple((name, values.pop()) for name, values in found.items() if len(values) == 1)


def note_document(note: str, brat: BratDocument) -> KBDocument:
    """One note: argument spans as entities, each event with its trigger, arguments and labelled values.

    Ids inside the record are the brat ids (a trigger is ``<event id>-trigger``: events may share a span).
    """
    _check(brat)
    triggers = {event.trigger for event in brat.events.values()}
    entities = tuple(_entity(span.id, span, brat.text, span.type) for span in brat.spans.values()
                     if span.id not in triggers)
    events = tuple(
        Event(id=event.id, type=event.type,
              trigger=_entity(f"{event.id}-trigger", brat.spans[event.trigger], brat.text, event.type),
              arguments=tuple(EventArgument(re.sub(r"\d+$", "", role), ref) for role, ref in event.arguments),
              attributes=_values(brat, event.arguments))
        for event in brat.events.values()
    )
    return KBDocument(id=f"{NAME}-{note}", document_id=note, text=brat.text,
                      passages=(Passage(id=f"{note}-P0", type="social history", offsets=((0, len(brat.text)),)),),
                      entities=entities, events=events)


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per note, every ``.txt``/``.ann`` pair below the split's folder in path order."""
    root = folder / FILES[split][0]
    notes = sorted({path.with_suffix("") for pattern in ("*.txt", "*.ann") for path in root.rglob(pattern)})
    if not notes:
        raise CorpusFormatError(root, "folder", "holds no .txt/.ann files")
    for stem in notes:
        text_path, ann_path = stem.with_suffix(".txt"), stem.with_suffix(".ann")
        for present, absent in ((text_path, ann_path), (ann_path, text_path)):
            if not absent.is_file():
                raise CorpusFormatError(present, "file", f"has no {absent.name} beside it")
        note = f"{split}/{stem.relative_to(root).as_posix()}"
        brat = parse_brat(read_text(text_path), read_text(ann_path), str(ann_path))
        yield validate_kb(note_document(note, brat), corpus=NAME, source=str(ann_path))


def view(corpus: Corpus, doc: KBDocument) -> Iterator[Example]:
    """The span example, then, per determinant and question, the questions about its triggers that have a value.

    :func:`~mnlu_instruct.views.event_view` asks every listed question of every event; the determinants
    differ in their questions, so it is called once per determinant and question, on the events it fits,
    and only its question examples (after its first, the span example) are kept.
    """
    yield from event_view(replace(corpus, event_attributes=()), doc)
    for event_type, attributes in EVENT_ATTRIBUTES.items():
        for attribute in attributes:
            fitting = tuple(e for e in doc.events if e.type == event_type and attribute[0] in dict(e.attributes))
            if fitting:
                questions = event_view(replace(corpus, event_attributes=(attribute,)), replace(doc, events=fitting))
                next(questions)
                yield from questions


CORPORA = (
    Corpus(
        name=NAME,
        display_name="n2c2/UW 2022 social determinants of health",
        task_type="ee",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={},
        license="n2c2 data-use agreement (not redistributable)",
        citation=(
            "Lybarger K, Yetisgen M, Uzuner O. The 2022 n2c2/UW shared task on extracting social determinants of "
            "health. J Am Med Inform Assoc. 2023;30(8):1367-1378."
        ),
        homepage="https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/",
        description="Alcohol, drug and tobacco use, employment and living status, with their status, amount, "
                    "frequency, duration, history, type and method, in social history sections.",
        view=view,
        role="train",
        restricted=True,
        access=ACCESS,
        entity_types=TRIGGER_TYPES + ARGUMENT_TYPES,
        event_attributes=tuple(dict.fromkeys(a for group in EVENT_ATTRIBUTES.values() for a in group)),
    ),
)
