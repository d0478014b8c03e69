"""PHEE (Sun et al. 2022): pharmacovigilance event extraction, a training source of MNLU-Instruct.

One record per sentence (JSON Lines, ``id`` = ``<PMID>_<n>``). Each event becomes a trigger span (type
``Trigger``) and argument spans typed by role: the main arguments Subject, Treatment and Effect and
their sub-arguments (a Disorder is ``Subject_Disorder`` under Subject and ``Treatment_Disorder`` under
Treatment; ``Freq`` is ``Frequency``). Discontiguous spans keep their fragments. The nested
``Combination`` events (drug combinations inside a Treatment) are not used.

:func:`~mnlu_instruct.views.event_view` makes one span example per sentence and multiple-choice
questions per trigger: the event type (adverse vs potential therapeutic), whether it is speculated,
whether it is negated, and its severity (PHEE's ``Speculated``/``Negated``/``Severity`` attributes; an
absent attribute is "no" / "not stated").

Overlap hygiene: every sentence of an abstract listed in PHEE's ``OVERLAP_WITH_EVAL.json`` (PMIDs shared
with BC5CDR or the DDI corpus, whichever split) is left out: 33 / 5 / 7 abstracts, listed in
``excluded_document_ids``. PHEE has 2,898 / 961 / 968 sentences (3,006 / 1,003 / 1,010 events);
after the exclusion 2,823 / 941 / 950 sentences (2,929 / 982 / 992 events) remain. ``split_sizes`` counts
examples: one span example per sentence plus the attribute questions, 14,475 / 4,847 / 4,902.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Entity, Event, EventArgument, KBDocument, Passage, validate_kb

NAME = "phee"
FILES = {"train": ("train.json",), "validation": ("dev.json",), "test": ("test.json",)}
ARGUMENTS = {
    "Subject": ("Age", "Gender", "Population", "Race", "Disorder"),
    "Treatment": ("Drug", "Dosage", "Route", "Freq", "Duration", "Time_elapsed", "Disorder"),
    "Effect": (),
}
RENAMED = {("Subject", "Disorder"): "Subject_Disorder", ("Treatment", "Disorder"): "Treatment_Disorder",
           ("Treatment", "Freq"): "Frequency"}
ENTITY_TYPES = (
    ("Trigger", "the word or phrase that signals a drug event (an adverse effect or a therapeutic effect)"),
    ("Subject", "the patient or population who undergoes the event"),
    ("Age", "the subject's age"),
    ("Gender", "the subject's sex or gender"),
    ("Population", "the number of subjects"),
    ("Race", "the subject's race or ethnicity"),
    ("Subject_Disorder", "a disorder the subject has"),
    ("Treatment", "the therapy that causes the event, as a whole"),
    ("Drug", "a drug taken in the treatment"),
    ("Dosage", "the dose of the drug"),
    ("Route", "how the drug is given, e.g. 'oral', 'intravenous'"),
    ("Frequency", "how often the drug is given"),
    ("Duration", "how long the drug is given"),
    ("Time_elapsed", "the time between the start of the treatment and the event"),
    ("Treatment_Disorder", "the disorder the treatment is given for"),
    ("Effect", "the outcome of the treatment: the adverse effect or the therapeutic effect"),
)
YES_NO = (("yes", "Yes"), ("no", "No"))
EVENT_ATTRIBUTES = (
    ("type", "What kind of drug event does the trigger {trigger} describe?",
     (("Adverse_event", "An adverse event: the treatment harms the subject"),
      ("Potential_therapeutic_event", "A potential therapeutic event: the treatment benefits the subject"))),
    ("Speculated", "Is the event of the trigger {trigger} speculated (hedged, uncertain) rather than stated as fact?",
     YES_NO),
    ("Negated", "Is the event of the trigger {trigger} negated (stated as not happening)?", YES_NO),
    ("Severity", "How severe is the event of the trigger {trigger}, as the text states it?",
     (("high", "High"), ("medium", "Medium"), ("low", "Low"), ("unspecified", "Not stated"))),
)
EXCLUDED = {
    "train": (
        "1109248", "1115340", "1420650", "2051906", "2320800", "2894766", "3997294", "4038510", "6453500",
        "6529939", "6536282", "7496198", "7619765", "7653281", "8667442", "11077455", "11160777", "11181395",
        "11197768", "11206417", "11213850", "12523465", "16649344", "16680561", "19531695", "21715267", "21728158",
        "21751542", "21751666", "21751692", "21762153", "21789791", "21887897"
    ),
    "validation": (
        "2549018", "3967572", "11573852", "11672959", "24927617"
    ),
    "test": (
        "3084231", "3969689", "7369302", "8308951", "11147747", "11197767", "21729965"
    ),
}


def _spans(value: object, path: Path, where: str) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """The spans of a PHEE span object: one (texts, starts) per entity, one text per fragment."""
    if not (isinstance(value, dict) and isinstance(value.get("text"), list) and isinstance(value.get("start"), list)):
        raise CorpusFormatError(path, where, "a span object needs 'text' and 'start' lists")
    if len(value["text"]) != len(value["start"]) or any(
        not isinstance(t, list) or not isinstance(s, list) or len(t) != len(s) or not t
        for t, s in zip(value["text"], value["start"], strict=False)
    ):
        raise CorpusFormatError(path, where, f"'text' {value['text']} and 'start' {value['start']} do not align")
    for texts, starts in zip(value["text"], value["start"], strict=True):
        if not all(isinstance(t, str) for t in texts) or not all(type(s) is int for s in starts):
            expected = "strings in 'text' and integers in 'start'"
            raise CorpusFormatError(path, where, f"expected {expected}, found {texts} and {starts}")
    return [(tuple(t), tuple(s)) for t, s in zip(value["text"], value["start"], strict=True)]


def _offsets(texts: tuple[str, ...], starts: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    return tuple((start, start + len(text)) for text, start in zip(texts, starts, strict=True))


class _Sentence:
    """Collects the entities of one sentence, one per (type, offsets)."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.entities: dict[tuple, Entity] = {}

    def entity(self, type_: str, texts: tuple[str, ...], starts: tuple[int, ...]) -> Entity:
        key = (type_, _offsets(texts, starts))
        if key not in self.entities:
            entity_id = f"{self.doc_id}-T{len(self.entities)}"
            self.entities[key] = Entity(id=entity_id, type=type_, text=texts, offsets=key[1])
        return self.entities[key]


def _attribute(event: dict, name: str, kinds: tuple[type, ...], path: Path, where: str) -> object:
    """The ``value`` of an attribute object (``{"value": ...}``), ``None`` if absent; a wrong type is an error."""
    if name not in event:
        return None
    value = event[name].get("value") if isinstance(event[name], dict) else event[name]
    if not isinstance(event[name], dict) or (value is not None and not isinstance(value, kinds)):
        expected = " or ".join(kind.__name__ for kind in kinds)
        raise CorpusFormatError(path, f"{where}, {name}", f"expected {{'value': {expected}}}, found {event[name]!r}")
    return value


def _event(sentence: _Sentence, number: int, event: object, path: Path, where: str) -> Event:
    if not isinstance(event, dict):
        raise CorpusFormatError(path, f"{where}, event {number}", f"expected an event object, found {event!r}")
    where = f"{where}, event {event.get('event_id', number)}"
    triggers = _spans(event.get("Trigger"), path, f"{where}, Trigger")
    if len(triggers) != 1:
        raise CorpusFormatError(path, where, f"expected one trigger, found {len(triggers)}")
    trigger = Entity(id=f"{sentence.doc_id}-E{number}-trigger", type="Trigger", text=triggers[0][0],
                     offsets=_offsets(*triggers[0]))
    arguments = []
    for role, subroles in ARGUMENTS.items():
        if role not in event:
            continue
        for texts, starts in _spans(event[role], path, f"{where}, {role}"):
            arguments.append(EventArgument(role, sentence.entity(role, texts, starts).id))
        for sub in subroles:
            if sub in event[role]:
                type_ = RENAMED.get((role, sub), sub)
                for texts, starts in _spans(event[role][sub], path, f"{where}, {role}.{sub}"):
                    arguments.append(EventArgument(type_, sentence.entity(type_, texts, starts).id))
    severity = _attribute(event, "Severity", (str,), path, where)
    attributes = (
        ("Speculated", "yes" if _attribute(event, "Speculated", (bool,), path, where) else "no"),
        ("Negated", "yes" if _attribute(event, "Negated", (bool,), path, where) else "no"),
        ("Severity", str(severity).lower() if severity else "unspecified"),
    )
    event_type = event.get("event_type")
    if event_type not in ("Adverse_event", "Potential_therapeutic_event"):
        raise CorpusFormatError(path, where, f"unknown event type {event_type!r}")
    return Event(id=f"{sentence.doc_id}-E{number}", type=event_type, trigger=trigger,
                 arguments=tuple(arguments), attributes=attributes)


def _document(row: dict, path: Path, number: int) -> KBDocument:
    where = f"line {number}"
    if not isinstance(row.get("id"), str) or not isinstance(row.get("context"), str):
        raise CorpusFormatError(path, where, "a sentence needs string 'id' and 'context'")
    annotations = row.get("annotations")
    if (
        not isinstance(annotations, list)
        or len(annotations) != 1
        or not isinstance(annotations[0], dict)
        or not isinstance(annotations[0].get("events"), list)
    ):
        raise CorpusFormatError(path, where, "expected 'annotations': [{'events': [...]}]")
    sentence = _Sentence(row["id"])
    events = tuple(_event(sentence, k, event, path, where) for k, event in enumerate(annotations[0]["events"]))
    text = row["context"]
    return KBDocument(
        id=row["id"],
        document_id=row["id"].split("_")[0],
        text=text,
        passages=(Passage(id=f"{row['id']}-P0", type="sentence", offsets=((0, len(text)),)),),
        entities=tuple(sentence.entities.values()),
        events=events,
    )


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per sentence, leaving out the abstracts that overlap an evaluation set."""
    path = folder / FILES[split][0]
    excluded = set(EXCLUDED[split])
    seen: dict[str, int] = {}
    for number, row in read_jsonl(path):
        doc = _document(row, path, number)
        if doc.id in seen:
            first = f"first at line {seen[doc.id]}"
            raise CorpusFormatError(path, f"line {number}", f"sentence {doc.id} comes again ({first})")
        seen[doc.id] = number
        if doc.document_id not in excluded:
            yield validate_kb(doc, corpus=NAME, source=f"{path}, line {number}")


CORPORA = (
    Corpus(
        name=NAME,
        display_name="PHEE",
        task_type="ee",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 14475, "validation": 4847, "test": 4902},
        license="MIT (authors' repository)",
        citation=(
            "Sun Z, Li J, Pergola G, Wallace BC, John B, Greene N, Kim J, He Y. PHEE: A Dataset for "
            "Pharmacovigilance Event Extraction from Text. EMNLP 2022."
        ),
        homepage="https://github.com/ZhaoyueSun/PHEE",
        description="Adverse and potential therapeutic drug events, with their arguments, in case-report sentences.",
        role="train",
        access="Public: copy data/json/{train,dev,test}.json of https://github.com/ZhaoyueSun/PHEE (commit 41489b0) "
               "into phee/.",
        entity_types=ENTITY_TYPES,
        event_attributes=EVENT_ATTRIBUTES,
        excluded_document_ids=EXCLUDED,
    ),
)
