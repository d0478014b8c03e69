"""NLM-Gene (Islamaj et al. 2021): gene mentions of many species in PubMed abstracts, a training source of
MNLU-Instruct.

The PubTator conversion NCBI ships with AIONER; its Train / Test files have the official 450 / 100 abstracts,
read as ``train`` / ``test`` (there is no development set). The text is the title, a space and the abstract;
every mention is an entity of its type (Gene, FamilyName, DomainMotif, Cell, ChromosomeLocation); gene ids are
not kept.

Upstream offsets: 11 Train mentions do not match the text at their offsets (PMID 19430421 ×10, a run of
mentions shifted against the text; PMID 20105280 ×1, 'ERK' over 'Erk'); they are listed in :data:`SKIP` and
left out (every other mention is checked against the text).

Overlap hygiene: no abstract is shared with a BLUE/BLURB evaluation corpus (by PMID, title or BC2GM
sentence), so nothing is excluded: 450 / 100 abstracts, 13,797 / 3,053 mentions in the files.
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.pubtator_corpus import pubtator_ner_reader

NAME = "nlm_gene"
TRAIN_FILE = "NLMgene_Train.PubTator"
FILES = {"train": (TRAIN_FILE,), "test": ("NLMgene_Test.PubTator",)}
ENTITY_TYPES = (
    ("Gene", "a specific gene or gene product of any species, e.g. 'insulin-like peptide', 'SIRT1'"),
    ("FamilyName", "a family or group of genes or proteins rather than one gene, e.g. 'HDAC', 'Wnt proteins'"),
    ("DomainMotif", "a protein domain or a DNA or protein motif, e.g. 'SH2 domain', 'E-box'"),
    ("Cell", "a cell type named in connection with genes, e.g. 'germline stem cells'"),
    ("ChromosomeLocation", "a chromosome region or band, e.g. '22q11.2'"),
)
SKIP = {
    TRAIN_FILE: frozenset(
        (("20105280", 1441, 1444),)
        + tuple(
            ("19430421", start, end)
            for start, end in ((1933, 1937), (1939, 1943), (1945, 1948), (1950, 1956), (1958, 1962), (1964, 1967),
                               (1969, 1981), (1983, 1988), (2027, 2032), (2122, 2127))
        )
    )
}
"""Train mentions whose text differs from the text at their offsets upstream (11), left out."""


CORPORA = (
    Corpus(
        name=NAME,
        display_name="NLM-Gene",
        task_type="ner",
        metric="entity_f1",
        reader=pubtator_ner_reader(NAME, FILES, {name for name, _ in ENTITY_TYPES}, skip=SKIP),
        folder=NAME,
        files=FILES,
        split_sizes={"train": 450, "test": 100},
        license="CC0 1.0 (the Zenodo record of the corpus; BigBio)",
        citation=(
            "Islamaj R, Wei C-H, Cissel D, et al. NLM-Gene, a richly annotated gold standard dataset for gene "
            "entities that addresses ambiguity and multi-species gene recognition. J Biomed Inform. "
            "2021;118:103779. doi:10.1016/j.jbi.2021.103779"
        ),
        homepage="https://zenodo.org/record/5089049",
        description="Gene mentions of many species, with gene families, domains, cells and chromosome locations, "
                    "in PubMed abstracts.",
        role="train",
        access=(
            "Public: copy data/pubtator/NLMgene_Train.PubTator and data/pubtator/NLMgene_Test.PubTator of "
            "https://github.com/ncbi/AIONER (commit b8fa941) into nlm_gene/."
        ),
        entity_types=ENTITY_TYPES,
    ),
)
