"""GAD (Genetic Association Database corpus), gene–disease association, BLURB version.

BLURB's TSV files (``index, sentence, label`` with a header) come from BioBERT's preprocessed split.
The gene and the disease are masked in the sentence as ``@GENE$`` and ``@DISEASE$`` (the names are
not in the files); each row is one candidate whose two arguments are those masks, labelled
``association`` (label 1) or ``false`` (label 0). Counts: 4,261 / 535 / 534 rows, as in BLURB,
with 2,227 / 293 / 281 positives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, Relation, validate_kb

NAME = "gad"
HEADER = ("index", "sentence", "label")
MASKS = (("gene", "GENE", "@GENE$"), ("disease", "DISEASE", "@DISEASE$"))
NEGATIVE = "false"
LABEL_OF_VALUE = {"1": "association", "0": NEGATIVE}
FILES = {"train": ("blurb/train.tsv",), "validation": ("blurb/dev.tsv",), "test": ("blurb/test.tsv",)}


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """One record per row: the sentence, its two masks as entities and the one candidate pair."""
    path = folder / FILES[split][0]
    seen: set[str] = set()
    for number, (index, sentence, value) in read_rows(path, 3, header=HEADER):
        where = f"line {number} (index {index})"
        if index in seen:
            raise CorpusFormatError(path, where, f"index {index} appears twice")
        seen.add(index)
        if value not in LABEL_OF_VALUE:
            raise CorpusFormatError(path, where, f"label must be 0 or 1, found {value!r}")
        entities = []
        for suffix, type_, mask in MASKS:
            found = sentence.count(mask)
            if found != 1:
                raise CorpusFormatError(path, where, f"expected exactly one {mask} in the sentence, found {found}")
            start = sentence.index(mask)
            offsets = ((start, start + len(mask)),)
            entities.append(Entity(id=f"{index}.{suffix}", type=type_, text=(mask,), offsets=offsets))
        label = LABEL_OF_VALUE[value]
        doc = KBDocument(
            id=f"{NAME}-{split}-{index}",
            document_id=f"{split}-{index}",
            text=sentence,
            passages=(Passage(id=f"{index}.sentence", type="sentence", offsets=((0, len(sentence)),)),),
            entities=tuple(entities),
            relations=(
                Relation(id=f"{index}.pair", type=label, arg1_id=entities[0].id, arg2_id=entities[1].id),
            ),
        )
        yield validate_kb(doc, corpus=NAME, source=str(path))


CORPORA = (
    Corpus(
        name=NAME,
        display_name="GAD (Genetic Association Database corpus)",
        task_type="re",
        metric="relation_micro_f1",
        reader=read,
        folder="gad",
        files=FILES,
        split_sizes={"train": 4261, "validation": 535, "test": 534},
        license="No licence file with the data; BigBio lists CC BY 4.0 (BLURB's generation scripts are MIT)",
        citation=(
            "Bravo A, Pinero J, Queralt-Rosinach N, Rautschka M, Furlong LI. Extraction of relations between genes "
            "and diseases from text and large-scale data analysis: implications for translational research. "
            "BMC Bioinformatics. 2015;16:55."
        ),
        homepage="https://microsoft.github.io/BLURB/tasks.html#dataset_gad",
        description=(
            "Sentences from the Genetic Association Database, semi-automatically labelled for whether they state an "
            "association between a gene and a disease; the two are masked as @GENE$ and @DISEASE$. BLURB's split of "
            "BioBERT's preprocessed files (Lee et al. 2019)."
        ),
        role="eval",
        access=(
            "Public: run BLURB's data_generation package "
            "(https://microsoft.github.io/BLURB/sample_code/data_generation.tar.gz) and copy its GAD output "
            "train.tsv, dev.tsv and test.tsv into gad/blurb/."
        ),
        entity_types=(
            ("GENE", "a gene, masked in the text as @GENE$"),
            ("DISEASE", "a disease, masked in the text as @DISEASE$"),
        ),
        labels=(
            ("association", "Association: the text states that the gene is associated with the disease"),
            (NEGATIVE, "No association: the text does not state that the gene is associated with the disease"),
        ),
        negative_labels=(NEGATIVE,),
        question="Does the text state an association between the gene {arg1} and the disease {arg2}?",
    ),
)
