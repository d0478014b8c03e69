"""PICO-data (Nguyen et al. 2017): crowd-annotated Participants spans in RCT abstracts, a training source of
MNLU-Instruct.

Files: ``docs/<PMID>.txt`` (title, a blank line, the abstract) and, per split folder,
``annotations/<split>/PICO-annos-crowdsourcing-agg.json`` (one JSON object per line: ``docid`` and
``Participants``, the spans ``[start, end)`` into the document file of each aggregation method). The release
has only Participants. This reader takes the ``HMMCrowd`` aggregation, the authors' own method and the best of
the three against the expert labels in their paper.

Splits as released: ``train`` / ``dev`` / ``test`` (3,549 / 500 / 500 abstracts) as ``train`` /
``validation`` / ``test``. The fourth folder, ``acl17-test`` (191 abstracts with a medical student's labels),
holds exactly the EBM-NLP test abstracts, BLURB's EBM PICO test set, and is never read. The other abstracts are
EBM-NLP documents as well (EBM PICO's training data), so EBM PICO is in-domain for this source.

Text and spans: the document file with its line breaks replaced by spaces (offsets unchanged; one line, as
EBM PICO's text) and the final line break dropped. Each span is trimmed of surrounding whitespace (many end
at a line break); spans left empty are dropped. The type is EBM PICO's ``Participants``. The corpus's metric
is entity F1: word-level PICO F1 cannot score the gold spans at the maximum, since a span's words that recur
elsewhere in the abstract count as predicted there too.

Overlap hygiene: abstracts shared with a BLUE/BLURB evaluation corpus are left out (:data:`EXCLUDED`):
8 train (1 in BC5CDR training, 1 in BC5CDR development, 1 in ChemProt development that also holds a BC2GM
sentence, 2 in PubMedQA PQA-L, 3 more with a BC2GM sentence), 1 dev (BC5CDR test), 1 test (a BC2GM sentence).
3,541 / 499 / 499 abstracts remain (14,012 / 1,969 / 1,980 spans).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb
from .ebm_pico import ELEMENTS

NAME = "pico_data"
DOCS = "docs"
AGGREGATED = "PICO-annos-crowdsourcing-agg.json"
METHOD = "HMMCrowd"
SPLIT_FOLDERS = {"train": "train", "validation": "dev", "test": "test"}
FILES = {split: (DOCS, f"annotations/{folder}/{AGGREGATED}") for split, folder in SPLIT_FOLDERS.items()}
PARTICIPANTS = next((type_, definition) for element, type_, definition in ELEMENTS if element == "participants")
EXCLUDED = {
    "train": ("1394200", "7743697", "9758264", "10637238", "10643677", "11500608", "17244100", "17931375"),
    "validation": ("3895875",),
    "test": ("3911965",),
}
"""PMIDs shared with a BLUE/BLURB evaluation corpus (BC5CDR, ChemProt, PubMedQA, or a BC2GM sentence)."""


def read_abstract(path: Path, pmid: str, spans: list[tuple[int, int]]) -> KBDocument:
    """One abstract as a single line of text, with its trimmed Participants spans."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusFormatError(path, "file", f"cannot read the abstract: {error}") from None
    text = raw.rstrip("\n").replace("\n", " ")
    title_end = raw.find("\n")
    title_end = len(text) if title_end < 0 else title_end
    abstract_start = title_end
    while abstract_start < len(text) and text[abstract_start] == " ":
        abstract_start += 1
    entities: list[Entity] = []
    for start, end in sorted(spans):
        if not 0 <= start < end <= len(raw):
            raise CorpusFormatError(path, "annotation", f"span [{start}, {end}) outside the text (length {len(raw)})")
        end = min(end, len(text))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            entities.append(Entity(id=f"{pmid}-P{len(entities)}", type=PARTICIPANTS[0], text=(text[start:end],),
                                   offsets=((start, end),)))
    return KBDocument(
        id=f"{NAME}-{pmid}",
        document_id=pmid,
        text=text,
        passages=(
            Passage(id=f"{pmid}-title", type="title", offsets=((0, title_end),)),
            Passage(id=f"{pmid}-abstract", type="abstract", offsets=((abstract_start, len(text)),)),
        ),
        entities=tuple(entities),
    )


def spans_of(path: Path, number: int, row: dict[str, object]) -> tuple[str, list[tuple[int, int]]]:
    """The PMID and the ``HMMCrowd`` spans of one annotation line, checked for shape."""
    pmid, participants = row.get("docid"), row.get("Participants")
    if not isinstance(pmid, str) or not pmid.isdigit() or not isinstance(participants, dict):
        raise CorpusFormatError(path, f"line {number}", "expected {'docid': '<PMID>', 'Participants': {...}}")
    spans = participants.get(METHOD)
    if not isinstance(spans, list) or not all(
        isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span) for span in spans
    ):
        raise CorpusFormatError(path, f"line {number}", f"{METHOD} is not a list of [start, end] pairs")
    return pmid, [(start, end) for start, end in spans]


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """The abstracts of ``split`` in the order of its annotation file, shared ones left out."""
    path = folder / FILES[split][1]
    excluded = set(EXCLUDED[split])
    for number, row in read_jsonl(path):
        pmid, spans = spans_of(path, number, row)
        if pmid in excluded:
            continue
        document = folder / DOCS / f"{pmid}.txt"
        doc = read_abstract(document, pmid, spans)
        yield validate_kb(doc, corpus=NAME, source=f"{path} (line {number}), {document.name}")


CORPORA = (
    Corpus(
        name=NAME,
        display_name="PICO-data (Participants)",
        task_type="ner",
        metric="entity_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 3541, "validation": 499, "test": 499},
        license="No licence stated for the data in the release (public repository; BigBio for EBM-NLP: unknown)",
        citation=(
            "Nguyen AT, Wallace BC, Li JJ, Nenkova A, Lease M. Aggregating and Predicting Sequence Labels from Crowd "
            "Annotations. ACL 2017:299-309. doi:10.18653/v1/P17-1028"
        ),
        homepage="https://github.com/yinfeiy/PICO-data",
        description="Participant spans in randomised controlled trial abstracts, aggregated from crowd workers.",
        role="train",
        access=(
            "Public: copy docs/ and annotations/{train,dev,test}/PICO-annos-crowdsourcing-agg.json of "
            "https://github.com/yinfeiy/PICO-data (commit e7e6479) into pico_data/, keeping the layout."
        ),
        entity_types=(PARTICIPANTS,),
        excluded_document_ids=EXCLUDED,
        in_domain_for=("ebm_pico",),
    ),
)
