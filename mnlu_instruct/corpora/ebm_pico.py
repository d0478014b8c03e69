"""EBM PICO (Nye et al. 2018, EBM-NLP 2.00): participants, interventions and outcomes in RCT abstracts.

BLURB's PICO task: spans of the three elements in each abstract, scored by word-level F1 per element,
macro-averaged. EBM-NLP is public but not shipped here: download and unpack it as :data:`ACCESS` says.

Layout read (EBM-NLP 2.00; as BigBio's ``ebm_pico`` loader and the authors' scripts read it):
``ebm_nlp_2_00/documents/<PMID>.tokens`` holds the abstract's tokens, one per line, and
``ebm_nlp_2_00/annotations/aggregated/starting_spans/<element>/<split>/<PMID>.AGGREGATED.ann`` one label
per token line, 1 inside a span of the element and 0 outside, for the elements ``participants``,
``interventions`` and ``outcomes``; ``<split>`` is ``train`` (aggregated crowd labels, 4,802 abstracts)
or ``test/gold`` (expert labels, 191 abstracts). A split's abstracts are those with an annotation file of
any element; an element without a file for an abstract has no span in it. The text of an example is the
abstract's tokens joined by single spaces, and each maximal run of labelled tokens is one span of its
element (the elements are independent: a word may be in spans of several, as the authors' evaluation
scores each element on its own).

Splits: the test set is the official expert-labelled one. For development, BLURB follows the authors'
data preparation (``models/lstm-crf/build_data.py``), which holds out 20% of the training abstracts
(``int(0.2 * 4802) = 960``), but picks them in Python set order, so the exact abstracts cannot be
reproduced from the release. This reader holds out every fifth training abstract in PMID order (the 5th,
10th, ...): 3,842 / 960 / 191 abstracts, BLURB's sizes, and a deterministic split. (BLURB's paper lists
339,167 / 85,321 / 16,364 for EBM PICO: not abstract counts: 86 to 89 per abstract in each split.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.text_file import numbered_lines
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb

NAME = "ebm_pico"
ROOT = "ebm_nlp_2_00"
DOCUMENTS = f"{ROOT}/documents"
SPANS = f"{ROOT}/annotations/aggregated/starting_spans"
ANN_SUFFIX = ".AGGREGATED.ann"
ELEMENTS = (
    (
        "participants",
        "Participants",
        "the people studied: their condition, and their number, age or sex when given (e.g. '60 adults with asthma')",
    ),
    (
        "interventions",
        "Interventions",
        "the treatments or exposures compared, including placebo and control arms (e.g. 'oral prednisolone')",
    ),
    (
        "outcomes",
        "Outcomes",
        "what was measured to judge the effect of the intervention (e.g. 'lung function', 'length of hospital stay')",
    ),
)
SPLIT_FOLDERS = {"train": "train", "validation": "train", "test": "test/gold"}
FILES = {split: (DOCUMENTS, SPANS) for split in SPLIT_FOLDERS}
DEV_EVERY = 5
"""Every fifth training abstract in PMID order is a development abstract (20%, as BLURB)."""
ACCESS = (
    "EBM-NLP 2.00 is public but not shipped here: download ebm_nlp_2_00.tar.gz from "
    "https://github.com/bepnye/EBM-NLP (https://github.com/bepnye/EBM-NLP/raw/master/ebm_nlp_2_00.tar.gz) and "
    "unpack it into <data dir>/ebm_pico/, so that ebm_pico/ebm_nlp_2_00/documents/ and "
    "ebm_pico/ebm_nlp_2_00/annotations/ exist."
)


def split_pmids(folder: Path, split: str) -> list[str]:
    """The PMIDs of ``split``, in numeric order: every annotated abstract of the split's folders."""
    pmids: set[str] = set()
    for element, _, _ in ELEMENTS:
        for path in (folder / SPANS / element / SPLIT_FOLDERS[split]).glob(f"*{ANN_SUFFIX}"):
            pmid = path.name[: -len(ANN_SUFFIX)]
            if not pmid.isdigit():
                raise CorpusFormatError(path, "file name", f"expected <PMID>{ANN_SUFFIX}")
            pmids.add(pmid)
    if not pmids:
        raise CorpusFormatError(folder / SPANS, SPLIT_FOLDERS[split], f"no <PMID>{ANN_SUFFIX} files for any element")
    ordered = sorted(pmids, key=int)
    if split == "test":
        return ordered
    held_out = ordered[DEV_EVERY - 1 :: DEV_EVERY]
    if split == "validation":
        return held_out
    skip = set(held_out)
    return [pmid for pmid in ordered if pmid not in skip]


def read_tokens(path: Path) -> list[str]:
    """The tokens of a ``.tokens`` file, one per line (final empty lines ignored)."""
    if not path.is_file():
        raise CorpusFormatError(path, "file", "missing: the tokens of an annotated abstract")
    lines = list(numbered_lines(path))
    while lines and not lines[-1][1]:
        lines.pop()
    for number, token in lines:
        if not token.strip():
            raise CorpusFormatError(path, f"line {number}", "empty token")
    if not lines:
        raise CorpusFormatError(path, "file", "no tokens")
    return [token for _, token in lines]


def read_labels(path: Path, expected: int, tokens: Path) -> list[bool]:
    """The 0/1 label of each token, one per line; the count must equal the number of tokens."""
    labels = []
    for number, line in numbered_lines(path):
        value = line.strip()
        if not value:
            continue
        if value not in ("0", "1"):
            raise CorpusFormatError(path, f"line {number}", f"label {value!r} is not 0 or 1")
        labels.append(value == "1")
    if len(labels) != expected:
        raise CorpusFormatError(
            path, "whole file", f"expected {expected} labels (one per token of {tokens.name}), found {len(labels)}"
        )
    return labels


def runs(labels: list[bool]) -> Iterator[tuple[int, int]]:
    """``(first, last_exclusive)`` token indices of each maximal run of labelled tokens."""
    start = None
    for index, inside in enumerate([*labels, False]):
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            yield start, index
            start = None


def read_abstract(folder: Path, split: str, pmid: str) -> KBDocument:
    """One abstract with the spans of the three elements."""
    tokens_path = folder / DOCUMENTS / f"{pmid}.tokens"
    tokens = read_tokens(tokens_path)
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    text = " ".join(tokens)
    entities = []
    for element, type_, _ in ELEMENTS:
        ann = folder / SPANS / element / SPLIT_FOLDERS[split] / f"{pmid}{ANN_SUFFIX}"
        if not ann.is_file():
            continue
        for first, last in runs(read_labels(ann, len(tokens), tokens_path)):
            begin, end = starts[first], starts[last - 1] + len(tokens[last - 1])
            entities.append(
                Entity(id=f"{pmid}-{element}-{first}", type=type_, text=(text[begin:end],), offsets=((begin, end),))
            )
    doc = KBDocument(
        id=f"{NAME}-{pmid}",
        document_id=pmid,
        text=text,
        passages=(Passage(id=f"{pmid}-abstract", type="abstract", offsets=((0, len(text)),)),),
        entities=tuple(entities),
    )
    return validate_kb(doc, corpus=NAME, source=str(tokens_path))


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """The abstracts of ``split`` in PMID order."""
    for pmid in split_pmids(folder, split):
        yield read_abstract(folder, split, pmid)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="EBM PICO (EBM-NLP 2.00)",
        task_type="ner",
        metric="pico_word_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 3842, "validation": 960, "test": 191},
        license="No licence stated in the release (public download; BigBio: 'License information unavailable')",
        citation=(
            "Nye B, Li JJ, Patel R, et al. A Corpus with Multi-Level Annotations of Patients, Interventions and "
            "Outcomes to Support Language Processing for Medical Literature. ACL 2018:197-207. doi:10.18653/v1/P18-1019"
        ),
        homepage="https://github.com/bepnye/EBM-NLP",
        description="Participant, intervention and outcome spans in randomised controlled trial abstracts.",
        user_supplied=True,
        access=ACCESS,
        entity_types=tuple((type_, definition) for _, type_, definition in ELEMENTS),
    ),
)
