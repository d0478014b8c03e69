"""The dataset card's parts: licence classification, the paper's 33 corpora, BibTeX, and the card of a real
small build (composition, removals, licences, in-domain notes), with the publish rule for unclear licences."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from mnlu_instruct.corpora import get_corpus, registry
from mnlu_instruct.dataset.bibtex import bibtex_entries, split_works
from mnlu_instruct.dataset.card import CARD_NAME, UNCLEAR_LINE, card_unclear_sources, render_card
from mnlu_instruct.dataset.folder import BuildReport, build_folder
from mnlu_instruct.dataset.licences import HUB_LICENSES, classify
from mnlu_instruct.dataset.manifest import MANIFEST_NAME, sha256
from mnlu_instruct.dataset.publish import PublishRefused, publish
from mnlu_instruct.dataset.staging import SplitStats
from mnlu_instruct.paper_corpora import BEYOND_THE_PAPER, PAPER_CORPORA

CORPORA = ["genia", "pubmed_summ", "euadr", "biosses"]


@pytest.fixture(scope="module")
def built(data_dir, tmp_path_factory, test_set_index) -> tuple[Path, BuildReport]:
    """A build of GENIA (in-domain for JNLPBA), PubMed summarisation (unclear licence), EU-ADR (ODbL) and BIOSSES."""
    out = tmp_path_factory.mktemp("card") / "mnlu-instruct"
    return out, build_folder(out, data_dir, corpora=CORPORA, index=test_set_index)


@pytest.fixture(scope="module")
def card(built) -> str:
    return (built[0] / CARD_NAME).read_text(encoding="utf-8")


# -- licences ------------------------------------------------------------------------------------------
def test_licence_rule_on_every_registered_corpus_agrees_with_the_declared_flags():
    known = registry()
    for name, corpus in known.items():
        licence = classify(corpus)
        assert licence.hub in HUB_LICENSES, name
        assert (licence.share_alike, licence.non_commercial) == (corpus.share_alike, corpus.non_commercial), name
        assert (licence.hub == "unknown") == licence.unclear, name
        assert not (licence.restricted and licence.unclear), name
    flagged = {flag: {n for n, c in known.items() if flag in classify(c).flags and c.role == "train"}
               for flag in ("unclear", "share-alike", "non-commercial")}
    assert flagged["unclear"] == {"bc4chemd", "biored", "biored_re", "cdsr", "clinical_ie_med_attr",
                                  "clinical_ie_med_status", "gnormplus", "mtsamples", "nli4ct", "pico_data",
                                  "pubmed_pico", "pubmed_summ", "pubmed_summ_full", "tmvar"}
    assert flagged["share-alike"] == {"anatem", "euadr", "multinli", "snli", "stsb"}
    assert {n for n, c in known.items() if classify(c).non_commercial} == {"ddi"}
    assert {n for n, c in known.items() if "share-alike" in classify(c).flags and c.role == "eval"} == {
        "biosses", "hoc", "hoc_blue"}
    expected = {"euadr": "odbl", "mtsamples": "unknown", "snli": "cc-by-sa-4.0", "czi_drsm": "cc0-1.0",
                "trialstop": "apache-2.0", "ncbi_disease_abstracts": "other", "n2c2_2006_deid": "other"}
    assert {name: classify(known[name]).hub for name in expected} == expected


@pytest.mark.parametrize("text, hub, flags", [
    ("CC BY-NC-SA 4.0 (the authors)", "cc-by-nc-sa-4.0", ["non-commercial", "share-alike"]),
    ("Unclear: a wrapper package is MIT, the texts' own terms are not known", "unknown", ["unclear"]),
    ("MIT for the code; the annotations: no licence stated", "unknown", ["unclear"]),
    ("The provider's own terms of use", "unknown", ["unclear"]),
    ("Public domain (a US Government work)", "other", []),
    ("GPL-3.0; split files MIT", "gpl-3.0", ["share-alike"]),
])
def test_licence_rule_reads_the_text(text, hub, flags):
    licence = classify(dataclasses.replace(get_corpus("linnaeus"), license=text))
    assert (licence.hub, licence.flags) == (hub, flags)


def test_a_restricted_corpus_is_restricted_whatever_its_text_says():
    licence = classify(dataclasses.replace(get_corpus("linnaeus"), restricted=True))
    assert (licence.hub, licence.flags) == ("other", ["restricted"])


# -- the paper's 33 corpora ----------------------------------------------------------------------------
def test_the_paper_corpora_are_33_each_covered_by_registered_training_readers():
    known = registry()
    assert len(PAPER_CORPORA) == 33 and len({p.name for p in PAPER_CORPORA}) == 33
    readers = [name for paper in PAPER_CORPORA for name in paper.readers]
    assert len(readers) == len(set(readers)), "a reader covers two of the paper's corpora"
    assert all(known[name].role == "train" for name in readers)
    training = {name for name, corpus in known.items() if corpus.role == "train"}
    assert training == set(readers) | set(BEYOND_THE_PAPER)
    assert not set(readers) & set(BEYOND_THE_PAPER)
    clinical = [p for p in PAPER_CORPORA if p.name.startswith(("i2b2", "n2c2"))]
    assert len(clinical) == 10 and all(known[name].restricted for p in clinical for name in p.readers)


# -- BibTeX --------------------------------------------------------------------------------------------
def test_bibtex_entry_from_a_citation_text():
    (entry,) = bibtex_entries([get_corpus("genia")])
    assert entry.text() == """@misc{kim2003genia,
  author = {Kim, J.-D. and Ohta, T. and Tateisi, Y. and Tsujii, J.},
  title = {{GENIA corpus - a semantically annotated corpus for bio-textmining}},
  howpublished = {Bioinformatics. 2003;19(suppl 1):i180-i182},
  year = {2003},
  doi = {10.1093/bioinformatics/btg1023},
  url = {http://www.geniaproject.org/genia-corpus/term-corpus},
}"""


def test_bibtex_splits_works_shares_entries_and_keeps_unparsed_citations_whole():
    assert len(split_works(get_corpus("stsb").citation)) == 2
    entries = bibtex_entries(registry().values())
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys))
    by_key = {e.key: e for e in entries}
    assert by_key["li2016biocreative"].sources[:3] == ("bc5cdr_abstracts", "bc5cdr_chem", "bc5cdr_chem_blue")
    assert {"cer2017task", "wang2019glue"} <= set(keys)
    assert dict(by_key["cohan2018discourseaware"].fields)["author"].endswith("and Goharian, N.")
    assert dict(by_key["guo2021automated"].fields)["eprint"] == "2012.12573"
    odd = dataclasses.replace(get_corpus("linnaeus"), name="odd_one", display_name="Odd & Co",
                              citation="Odd & Co notes, 100% free_text, 2020.")
    fields = dict(bibtex_entries([odd])[0].fields)
    assert fields["title"] == r"{Odd \& Co}" and fields["howpublished"] == r"Odd \& Co notes, 100\% free\_text, 2020"
    assert fields["year"] == "2020" and bibtex_entries([odd])[0].key == "oddone"


# -- the card of a real small build --------------------------------------------------------------------
def test_card_composition_by_task_type_and_source(card):
    assert "| Named entity recognition (`ner`) | `genia` | 1,882 | - |" in card  # 26 rows dropped for test text
    assert "| Relation extraction (`re`) | `euadr` | 790 | 55 |" in card
    assert "| Summarisation (`summ`) | `pubmed_summ` | 77 | 10 |" in card
    assert "![Training instances per task type and per source](assets/composition.png)" in card


def test_card_lists_the_paper_corpora_it_contains_and_lacks(card):
    assert "this build contains 3 of them" in card
    assert "| GENIA | events | `genia` | yes: `genia` |" in card
    assert "| PubMed summarisation | summarization | `pubmed_summ`, `pubmed_summ_full` | yes: `pubmed_summ` |" in card
    assert "| tmVar | events | `tmvar` | no (not requested) |" in card
    assert "Sources beyond the paper's mix: none." in card


def test_card_says_when_a_paper_corpus_was_read_but_kept_nothing(built):
    stats = {**built[1].stats, "genia": {"train": SplitStats(1908, 1908, available=1908, selected=0)}}
    text = render_card(dataclasses.replace(built[1], stats=stats))
    assert "| GENIA | events | `genia` | no (read, no instance kept) |" in text and "contains 2 of them" in text


def test_card_licences_flags_and_in_domain_notes(built, card):
    assert "- **Share-alike** (derivatives under the same licence): EU-ADR (`euadr`: Open Database License" in card
    assert "BIOSSES (`biosses`: GPL-3.0" in card
    assert "- **Unclear** (no licence stated, or its terms are unclear): PubMed summarisation (`pubmed_summ`:" in card
    assert f"{UNCLEAR_LINE}`pubmed_summ`." in card and card_unclear_sources(card) == ["pubmed_summ"]
    assert "In this build: `genia` (GENIA term corpus 3.02) for `jnlpba`, `jnlpba_typed`." in card
    manifest = json.loads((built[0] / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["unclear_licences"] == ["pubmed_summ"]


def test_card_removals_per_source_reason_and_test_set(built, card):
    assert "| `genia` | train | 1,908 | 1,908 | 91 | 0 | 26 | 0 | 1,882 | 1,882 |" in card
    assert "| `genia` | train | text overlap | `jnlpba` | 25 |" in card
    assert "| `genia` | train | text overlap | `bc2gm` | 1 |" in card
    report = dataclasses.replace(built[1], stats={**built[1].stats, "euadr": {
        "train": SplitStats(790, 790, {"gad": 3}, {"bc5cdr_abstracts": 2, "chemprot": 1}, 4, 780, 780)}})
    text = render_card(report)
    assert "| `euadr` | train | 790 | 790 | 0 | 3 | 3 | 4 | 780 | 780 |" in text
    assert ("| `euadr` | train | document overlap | `gad` | 3 |\n"
            "| `euadr` | train | text overlap | `bc5cdr_abstracts` | 2 |\n"
            "| `euadr` | train | text overlap | `chemprot` | 1 |\n") in text


def test_card_citations_as_bibtex(card):
    block = card[card.index("```bibtex\n"):]
    assert block.startswith("```bibtex\n@inproceedings{fu2025biomistralnlu,")
    for key in ("kim2003genia", "cohan2018discourseaware", "vanmulligen2012euadr", "sogancoglu2017biosses"):
        assert f"\n@misc{{{key}," in block
    assert "- `kim2003genia`: `genia`" in card


# -- publishing unclear licences -----------------------------------------------------------------------
def test_publish_refuses_unclear_licences_unless_told(built, capsys):
    from mnlu_instruct.cli import main

    with pytest.raises(PublishRefused) as refused:
        publish(built[0], "org/MNLU-Instruct", dry_run=True)
    (line,) = str(refused.value).splitlines()[1:]
    assert "pubmed_summ: PubMed summarisation has an unknown or unclear licence (No licence stated" in line
    assert line.endswith("Pass --include-unclear-licences to publish it anyway")
    assert publish(built[0], "org/MNLU-Instruct", dry_run=True, include_unclear=True)
    assert main(["publish", str(built[0]), "--repo-id", "org/M", "--dry-run", "--include-unclear-licences"]) == 0
    assert "would upload" in capsys.readouterr().out


def test_publish_with_unclear_licences_checks_the_card_and_manifest_agree(built, tmp_path):
    folder = tmp_path / "tampered"
    shutil.copytree(built[0], folder)
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["unclear_licences"] = []
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishRefused, match=r"unclear_licences lists \[\], but the files hold \['pubmed_summ'\]"):
        publish(folder, "org/MNLU-Instruct", dry_run=True, include_unclear=True)
    manifest["unclear_licences"] = ["pubmed_summ"]
    card = (folder / CARD_NAME).read_text(encoding="utf-8")
    card = card.replace(f"{UNCLEAR_LINE}`pubmed_summ`", f"{UNCLEAR_LINE}none")
    (folder / CARD_NAME).write_text(card, encoding="utf-8")
    for entry in manifest["files"]:
        if entry["file"] == CARD_NAME:
            entry["sha256"] = sha256(folder / CARD_NAME)
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PublishRefused, match=r"README.md: names \[\] as sources of unknown or unclear licence"):
        publish(folder, "org/MNLU-Instruct", dry_run=True, include_unclear=True)
