"""The 33 corpora of the BioMistral-NLU training mix, by the paper's task folder, and the readers that cover each.

From the authors' ``config_full.yaml`` mixer and README (see the design notes on the paper, section 2). A corpus
the paper uses for several tasks (DrugProt, BioRED, the 2011 and 2012 i2b2 sets) is listed once, under its first
folder, with every reader that covers it. The dataset card reports which of them a build contains.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperCorpus:
    """One corpus of the paper's mix: its name there, the paper's task folder, and our readers of it."""

    name: str
    folder: str
    readers: tuple[str, ...]


PAPER_CORPORA = (
    PaperCorpus("i2b2 2006 de-identification", "events", ("n2c2_2006_deid",)),
    PaperCorpus("i2b2/VA 2011 coreference", "events", ("n2c2_2011_coref", "n2c2_2011_coref_ner")),
    PaperCorpus("i2b2 2012 temporal relations", "events", ("n2c2_2012_temporal_ner", "n2c2_2012_temporal_re")),
    PaperCorpus("i2b2/UTHealth 2014 de-identification", "events", ("n2c2_2014_deid",)),
    PaperCorpus("GENIA", "events", ("genia",)),
    PaperCorpus("LINNAEUS", "events", ("linnaeus",)),
    PaperCorpus("tmVar", "events", ("tmvar",)),
    PaperCorpus("DrugProt", "events", ("drugprot", "drugprot_full_ner", "drugprot_full_re")),
    PaperCorpus("BioRED", "events", ("biored", "biored_re")),
    PaperCorpus("GNormPlus", "events", ("gnormplus",)),
    PaperCorpus("NLM-Gene", "events", ("nlm_gene",)),
    PaperCorpus("ClinicalIE", "events", ("clinical_ie_med_attr", "clinical_ie_med_status")),
    PaperCorpus("BC4CHEMD", "events", ("bc4chemd",)),
    PaperCorpus("PubMed-PICO", "events", ("pubmed_pico",)),
    PaperCorpus("PICO-data", "events", ("pico_data",)),
    PaperCorpus("i2b2 2009 medication", "events", ("n2c2_2009_medication",)),
    PaperCorpus("n2c2 2018 ADE and medication", "events", ("n2c2_2018_ade", "n2c2_2018_ade_re")),
    PaperCorpus("n2c2/UW 2022 SDoH", "events", ("n2c2_2022_sdoh",)),
    PaperCorpus("i2b2 2006 smoking status", "DC", ("n2c2_2006_smoking",)),
    PaperCorpus("i2b2 2008 obesity", "DC", ("n2c2_2008_obesity",)),
    PaperCorpus("n2c2 2018 cohort selection", "DC", ("n2c2_2018_cohort",)),
    PaperCorpus("SemEval-2024 NLI4CT", "DC", ("nli4ct",)),
    PaperCorpus("TrialStop (Reason2Stop)", "DC", ("trialstop",)),
    PaperCorpus("MTSamples", "DC", ("mtsamples",)),
    PaperCorpus("CZI DRSM", "DC", ("czi_drsm",)),
    PaperCorpus("EU-ADR", "RE", ("euadr",)),
    PaperCorpus("BioNLI", "NLI", ("bionli",)),
    PaperCorpus("SNLI", "NLI", ("snli",)),
    PaperCorpus("MultiNLI", "NLI", ("multinli",)),
    PaperCorpus("STS-B", "STS", ("stsb",)),
    PaperCorpus("PubMed summarisation", "summarization", ("pubmed_summ", "pubmed_summ_full")),
    PaperCorpus("CDSR lay summaries", "summarization", ("cdsr",)),
    PaperCorpus("ACI-Bench", "summarization", ("aci_bench",)),
)

BEYOND_THE_PAPER = ("anatem", "phee")
"""Training sources of ours that are not in the paper's mix."""
