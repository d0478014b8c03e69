"""tmVar (Wei et al. 2013, 2018, 2022): sequence variants, genes, species, cell lines and diseases in PubMed
abstracts, a training source of MNLU-Instruct.

Versions: tmVar v1, v2 and v3 annotate the same abstracts (v3's 500 PMIDs are v1's 334 + 166; v2's 158 are
among them), so each abstract is read once, from the newest version that has it. v3 has every one of them,
so only the v3 files are read; v1 and v2 are not needed. v3 also annotates more types than v1/v2 (variants
only). Splits: the official v3 release is one unsplit file; this reader takes NCBI's own Train/Test division
of it as shipped with AIONER (Test = the 158 tmVar v2 abstracts): 342 / 158 abstracts as ``train`` /
``test``; there is no development set.

The text is the title, a space and the abstract; every mention is an entity of its type (11 types), the
normalisation column is not kept.

Upstream offsets: 21 mentions of the Train file (all in PMID 21904390) sit one or more characters off the
text; they are listed in :data:`SKIP` and left out (every other mention is checked against the text).

Overlap hygiene: PMID 16840830 (Train) is a ChemProt training abstract and is left out. 341 / 158
abstracts remain, with 7,907 / 4,625 mentions (7,957 / 4,625 in the files).
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.pubtator_corpus import pubtator_ner_reader

NAME = "tmvar"
TRAIN_FILE = "v3/tmVar3_Train.PubTator"
FILES = {"train": (TRAIN_FILE,), "test": ("v3/tmVar3_Test.PubTator",)}
ENTITY_TYPES = (
    ("DNAMutation", "a DNA-level sequence variant written as a change, e.g. 'c.920T>G', '1799 del T'"),
    ("ProteinMutation", "a protein-level sequence variant, e.g. 'Asp506Gly', 'p.R132H'"),
    ("SNP", "a variant named by its dbSNP reference id, e.g. 'rs1042522'"),
    ("DNAAllele", "a DNA allele named on its own, e.g. '-174G allele', 'C allele'"),
    ("ProteinAllele", "a protein allele or residue variant named on its own, e.g. 'Arg72'"),
    ("AcidChange", "an amino-acid or nucleotide change without a position, e.g. 'Arg-to-Trp substitution'"),
    ("OtherMutation", "any other variant description, e.g. a named deletion or frameshift without standard "
                      "notation"),
    ("Gene", "a gene or gene product, e.g. 'PAX6', 'MLYCD'"),
    ("Species", "a species or organism, e.g. 'patients', 'mice'"),
    ("CellLine", "a cell line, e.g. 'HEK293'"),
    ("Disease", "a disease, disorder or abnormal phenotype, e.g. 'Peters anomaly', 'malonyl-CoA decarboxylase "
                "deficiency'"),
)
SKIP = {
    TRAIN_FILE: frozenset(
        ("21904390", start, end)
        for start, end in (
            (271, 301), (312, 326), (343, 347), (443, 445), (447, 475), (480, 510), (753, 757), (1038, 1040),
            (1042, 1071), (1081, 1111), (1122, 1136), (1156, 1160), (1313, 1315), (1388, 1417), (1487, 1491),
            (1516, 1530), (1631, 1635), (1645, 1659), (1711, 1713), (1801, 1829), (2043, 2047),
        )
    )
}
"""Mentions whose offsets do not match the text upstream (PMID 21904390: shifted against its text), left out."""
EXCLUDED = {"train": ("16840830",), "test": ()}
"""PMIDs shared with a BLUE/BLURB evaluation corpus: 16840830 is in ChemProt's training set."""


CORPORA = (
    Corpus(
        name=NAME,
        display_name="tmVar 3",
        task_type="ner",
        metric="entity_f1",
        reader=pubtator_ner_reader(NAME, FILES, {name for name, _ in ENTITY_TYPES}, excluded=EXCLUDED, skip=SKIP),
        folder=NAME,
        files=FILES,
        split_sizes={"train": 341, "test": 158},
        license=(
            "No licence stated for the corpus (NCBI public release; BigBio: unknown); the tmVar 3 tool repository "
            "carries NCBI's public-domain notice"
        ),
        citation=(
            "Wei C-H, Allot A, Riehle K, Milosavljevic A, Lu Z. tmVar 3.0: an improved variant concept recognition "
            "and normalization tool. Bioinformatics. 2022;38(18):4449-4451. doi:10.1093/bioinformatics/btac537"
        ),
        homepage="https://ftp.ncbi.nlm.nih.gov/pub/lu/tmVar3/",
        description="Sequence variants, with the genes, species, cell lines and diseases around them, in PubMed "
                    "abstracts.",
        role="train",
        access=(
            "Public: copy data/pubtator/tmVar3_Train.PubTator and data/pubtator/tmVar3_Test.PubTator of "
            "https://github.com/ncbi/AIONER (commit b8fa941) into tmvar/v3/."
        ),
        entity_types=ENTITY_TYPES,
        excluded_document_ids=EXCLUDED,
    ),
)
