"""GNormPlus corpus (Wei, Kao & Lu 2015): genes, gene families and protein domains in PubMed abstracts, a
training source of MNLU-Instruct.

The BioCreative II Gene Normalization abstracts plus the NLM Citation GIA collection, re-annotated at mention
level for GNormPlus, in the PubTator files NCBI ships with AIONER. Splits as released: Train (BC2GN training
+ NLM GIA, 432 abstracts) as ``train``, Test (BC2GN test, 262) as ``test``; there is no development set.
The text is the title, a space and the abstract; every mention is an entity of its type (Gene, FamilyName,
DomainMotif); gene ids are not kept.

Upstream offsets: 39 mentions (35 Train, 4 Test) do not match the text at their offsets (e.g. 'Ge-1' one
character off in PMID 7520377, a whole abstract shifted in PMID 7649249, quotes written as spaces in
'"DEAD" box'); they are listed in :data:`SKIP` and left out (every other mention is checked against the text).

Overlap hygiene: 15 Train and 8 Test abstracts are left out (:data:`EXCLUDED`): 3 NCBI-disease training
abstracts and 1 ChemProt test abstract (by PMID), and the abstracts that contain a BC2GM sentence (any BC2GM
split; BC2GM has no document ids, so sentences were searched in the text). 417 / 254 abstracts remain
(5,793 / 4,849 mentions in the files).
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.pubtator_corpus import pubtator_ner_reader

NAME = "gnormplus"
TRAIN_FILE, TEST_FILE = "GNormPlus_Train.PubTator", "GNormPlus_Test.PubTator"
FILES = {"train": (TRAIN_FILE,), "test": (TEST_FILE,)}
ENTITY_TYPES = (
    ("Gene", "a specific gene or gene product (protein, mRNA), e.g. 'lysophospholipase', 'ZNF133'"),
    ("FamilyName", "a family or group of genes or proteins rather than one gene, e.g. 'DNA ligases', "
                   "'Ge-1 fusion proteins'"),
    ("DomainMotif", "a protein domain or a DNA or protein motif, e.g. 'KRAB domain', 'TATA box', 'NLS'"),
)
SKIP = {
    TRAIN_FILE: frozenset(
        (pmid, start, end)
        for pmid, spans in (
            ("10880510", ((15, 24),)),
            ("7520377", ((507, 511), (563, 567), (719, 739), (790, 794), (935, 964), (966, 969), (1050, 1053),
                         (1326, 1335), (1372, 1376), (1426, 1429))),
            ("7649249", ((239, 262), (349, 368), (386, 404), (406, 412), (417, 423), (438, 462), (500, 506),
                         (525, 535), (578, 590), (604, 610), (615, 621), (626, 667), (739, 750), (756, 762),
                         (798, 836), (878, 894), (898, 903), (905, 909), (937, 948), (1009, 1021))),
            ("8248204", ((936, 948), (1224, 1246), (1248, 1275), (1291, 1302))),
        )
        for start, end in spans
    ),
    TEST_FILE: frozenset(
        (("11121057", 724, 734), ("14576168", 1077, 1085), ("15280356", 676, 703), ("9149941", 934, 988))
    ),
}
"""Mentions whose text differs from the text at their offsets upstream (35 Train, 4 Test), left out."""
EXCLUDED = {
    "train": (
        "1731328", "2674141", "2739739", "7490079", "7490083", "7790377", "8428750", "8555498", "9480843",
        "9480859", "9480897", "10441506", "10484772", "10684944", "10915776",
    ),
    "test": ("9129147", "9451016", "9468509", "9932288", "10215850", "10381257", "10588946", "11076957"),
}
"""PMIDs shared with a BLUE/BLURB evaluation corpus (NCBI-disease, ChemProt, or a BC2GM sentence)."""


CORPORA = (
    Corpus(
        name=NAME,
        display_name="GNormPlus",
        task_type="ner",
        metric="entity_f1",
        reader=pubtator_ner_reader(NAME, FILES, {name for name, _ in ENTITY_TYPES}, excluded=EXCLUDED, skip=SKIP),
        folder=NAME,
        files=FILES,
        split_sizes={"train": 417, "test": 254},
        license="No licence stated (NCBI public release; BigBio: unknown)",
        citation=(
            "Wei C-H, Kao H-Y, Lu Z. GNormPlus: An Integrative Approach for Tagging Genes, Gene Families, and "
            "Protein Domains. BioMed Research International. 2015;2015:918710. doi:10.1155/2015/918710"
        ),
        homepage="https://www.ncbi.nlm.nih.gov/research/bionlp/Tools/gnormplus/",
        description="Genes, gene families and protein domains or motifs in PubMed abstracts.",
        role="train",
        access=(
            "Public: copy data/pubtator/GNormPlus_Train.PubTator and data/pubtator/GNormPlus_Test.PubTator of "
            "https://github.com/ncbi/AIONER (commit b8fa941) into gnormplus/."
        ),
        entity_types=ENTITY_TYPES,
        excluded_document_ids=EXCLUDED,
    ),
)
