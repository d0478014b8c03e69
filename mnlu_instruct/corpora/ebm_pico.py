"""EBM PICO (Nye et al. 2018, EBM-NLP 2.00): participants, interventions and outcomes in RCT abstracts.

BLURB scores word-level F1 for each of the three elements, macro-averaged. EBM-NLP is public but not
shipped here: download ``ebm_nlp_2_00.tar.gz`` from https://github.com/bepnye/EBM-NLP and unpack it into
``<data dir>/ebm_pico/`` so that ``ebm_pico/ebm_nlp_2_00/documents/<PMID>.tokens`` exists.

Layout read (EBM-NLP 2.00): ``documents/<PMID>.tokens`` holds one token per line;
``annotations/aggregated/starting_spans/<element>/train/<PMID>.AGGREGATED.ann`` (crowd labels, the
training split) and ``.../<element>/test/gold/<PMID>.AGGREGATED.ann`` (expert labels, the test split)
hold one 0/1 label per token line. The text of an example is the abstract's tokens joined by single
spaces; each maximal run of labelled tokens is one span of its element. BLURB carves a development
set out of the training abstracts with an index file that is not reproduced here, so this reader
offers the official training and test splits; ``split_sizes`` are the abstract counts of the release
as its authors describe it (4,993 abstracts, 191 of them in the expert-annotated test set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb
from ..views import span_view

ROOT = "ebm_nlp_2_00"
ELEMENTS = (
    (
        "participants",
        "Participants",
        "the people studied: their condition, age, sex or number (e.g. '60 adults with asthma')",
    ),
    (
        "interventions",
        "Interventions",
        "the treatments or exposures compared, including placebo and control (e.g. 'oral prednisolone')",
    ),
    ("outcomes", "Outcomes", "what was measured to judge the effect (e.g. 'lung function', 'length of hospital stay')"),
)
SPLIT_FOLDERS = {"train": "train", "test": "test/gold"}
FILES = {split: (f"{ROOT}/documents", f"{ROOT}/annotations/aggregated/starting_spans") for split in SPLIT_FOLDERS}


def _labels(path: Path, expected: int) -> list[int]:
    lines = path.read_text(encoding="utf-8").split()
    if len(lines) != expected or any(value not in ("0", "1") for value in lines):
        raise CorpusFormatError(
            path, "whole file", f"expected {expected} labels of 0 or 1 (one per token), found {len(lines)}"
        )
    return [int(value) for value in lines]


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    root = folder / ROOT
    spans_root = root / "annotations/aggregated/starting_spans"
    first = spans_root / ELEMENTS[0][0] / SPLIT_FOLDERS[split]
    pmids = sorted(p.name.split(".")[0] for p in first.glob("*.AGGREGATED.ann"))
    if not pmids:
        raise CorpusFormatError(first, "folder", "no <PMID>.AGGREGATED.ann files")
    for pmid in pmids:
        tokens_path = root / "documents" / f"{pmid}.tokens"
        if not tokens_path.exists():
            raise CorpusFormatError(tokens_path, "file", f"missing tokens of abstract {pmid}")
        tokens = [line.strip() for line in tokens_path.read_text(encoding="utf-8").splitlines()]
        if any(not token or " " in token for token in tokens):
            raise CorpusFormatError(tokens_path, "file", "expected one non-empty token per line")
        starts, position = [], 0
        for token in tokens:
            starts.append(position)
            position += len(token) + 1
        text = " ".join(tokens)
        entities = []
        for element, type_, _ in ELEMENTS:
            ann = spans_root / element / SPLIT_FOLDERS[split] / f"{pmid}.AGGREGATED.ann"
            labels = _labels(ann, len(tokens)) if ann.exists() else [0] * len(tokens)
            index = 0
            while index < len(labels):
                if not labels[index]:
                    index += 1
                    continue
                end = index
                while end < len(labels) and labels[end]:
                    end += 1
                begin, stop = starts[index], starts[end - 1] + len(tokens[end - 1])
                entities.append(
                    Entity(
                        id=f"ebm_pico-{pmid}-{element}-{index}",
                        type=type_,
                        text=(text[begin:stop],),
                        offsets=((begin, stop),),
                    )
                )
                index = end
        doc = KBDocument(
            id=f"ebm_pico-{pmid}",
            document_id=pmid,
            text=text,
            passages=(Passage(id=f"ebm_pico-{pmid}-abstract", type="abstract", offsets=((0, len(text)),)),),
            entities=tuple(entities),
        )
        yield validate_kb(doc, corpus="ebm_pico", source=str(tokens_path))


CORPORA = (
    Corpus(
        name="ebm_pico",
        display_name="EBM PICO (EBM-NLP 2.00)",
        task_type="ner",
        metric="pico_word_f1",
        reader=read,
        view=span_view,
        folder="ebm_pico",
        files=FILES,
        split_sizes={"train": 4802, "test": 191},
        license="No licence stated in the release (public download)",
        citation=(
            "Nye B, Li JJ, Patel R, et al. A Corpus with Multi-Level Annotations of Patients, Interventions and "
            "Outcomes to Support Language Processing for Medical Literature. ACL 2018:197-207. doi:10.18653/v1/P18-1019"
        ),
        homepage="https://github.com/bepnye/EBM-NLP",
        description="Participant, intervention and outcome spans in randomised-controlled-trial abstracts.",
        benchmarks=("blurb",),
        access=(
            "EBM-NLP 2.00 is public but not shipped: download ebm_nlp_2_00.tar.gz from "
            "https://github.com/bepnye/EBM-NLP and unpack it into <data dir>/ebm_pico/ (giving "
            "ebm_pico/ebm_nlp_2_00/documents and ebm_pico/ebm_nlp_2_00/annotations)."
        ),
        entity_types=tuple((type_, definition) for _, type_, definition in ELEMENTS),
    ),
)
