"""``mnlu report``: benchmark scores as each benchmark defines them, published references, Markdown and PNG."""

from __future__ import annotations

import json
from statistics import fmean

import lm_eval
import pytest

from mnlu_instruct import lm_eval_bridge as bridge
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.report import (
    BLUE_DATASETS,
    BLURB_TYPES,
    GPT4_ZERO_SHOT,
    PUBMEDBERT,
    blue_score,
    blurb_score,
    dataset_results,
    load_results,
    write_report,
)

# Hand-picked per-dataset scores: the type means are 0.7, 0.4, 0.6, 0.5, 0.8, 0.3, so BLURB = 0.55,
# while the flat mean over the 13 datasets is 7.6 / 13.
BLURB_VALUES = {
    "bc5cdr_chem": 0.9, "bc5cdr_disease": 0.8, "ncbi_disease": 0.7, "bc2gm": 0.6, "jnlpba": 0.5,
    "ebm_pico": 0.4, "chemprot": 0.3, "ddi": 0.6, "gad": 0.9, "biosses": 0.5, "hoc": 0.8,
    "pubmedqa": 0.2, "bioasq": 0.4,
}
BLUE_VALUES = {
    "clinicalsts": 0.1, "biosses": 0.5, "bc5cdr_disease_blue": 0.8, "bc5cdr_chem_blue": 0.9, "share_clefe": 0.2,
    "ddi_blue": 0.6, "chemprot": 0.3, "i2b2_2010": 0.4, "hoc_blue": 0.7, "mednli": 0.5,
}


def results_file(values: dict[str, float], paper: dict[str, float] | None = None, **config) -> dict:
    """A results dict shaped as lm-eval writes it (only the fields the report reads)."""
    results = {}
    for name, value in values.items():
        row = {"alias": f"mnlu_{name}", "score,none": value, "score_stderr,none": "N/A", "parse_failures,none": 1.0}
        if paper is not None:
            row["score_paper,none"] = paper[name]
        results[f"mnlu_{name}"] = row
    return {
        "results": results,
        "groups": {"mnlu_blurb": {"alias": "mnlu_blurb", "score,none": fmean(values.values())}},
        "n-samples": {f"mnlu_{name}": {"original": 10, "effective": 10} for name in values},
        "config": {"model": "test-model", "model_args": "", "limit": None, **config},
    }


def test_blurb_score_is_the_mean_of_task_type_means():
    rows = dataset_results(results_file(BLURB_VALUES))
    score = blurb_score(rows)
    assert score.complete and score.strict == pytest.approx(55.0) and score.paper is None
    assert fmean(BLURB_VALUES.values()) * 100 == pytest.approx(7.6 / 13 * 100)
    assert sorted(d for ds in BLURB_TYPES.values() for d in ds) == sorted(BLURB_VALUES)


def test_benchmark_tables_follow_the_benchmark_registry():
    """BLURB's six task types come from the corpora's task types (PICO from its metric), in BLURB's order."""
    assert BLURB_TYPES == {
        "NER": ("bc5cdr_chem", "bc5cdr_disease", "ncbi_disease", "bc2gm", "jnlpba"),
        "PICO": ("ebm_pico",),
        "relation extraction": ("chemprot", "ddi", "gad"),
        "sentence similarity": ("biosses",),
        "document classification": ("hoc",),
        "question answering": ("pubmedqa", "bioasq"),
    }
    assert BLUE_DATASETS == (
        "clinicalsts", "biosses", "bc5cdr_disease_blue", "bc5cdr_chem_blue", "share_clefe", "ddi_blue", "chemprot",
        "i2b2_2010", "hoc_blue", "mednli",
    )
    rows = {row.corpus: row for row in dataset_results(results_file({**BLURB_VALUES, **BLUE_VALUES}))}
    assert (rows["ddi"].metric, rows["ddi"].benchmarks) == ("relation_micro_f1", ("blurb",))
    assert (rows["ddi_blue"].metric, rows["ddi_blue"].benchmarks) == ("relation_macro_f1", ("blue",))
    assert rows["chemprot"].benchmarks == ("blurb", "blue") and rows["bc5cdr_chem"].benchmarks == ("blurb",)


def test_partial_blurb_is_flagged_and_averages_the_types_present():
    open_values = {k: v for k, v in BLURB_VALUES.items() if k not in ("bioasq", "ebm_pico")}
    score = blurb_score(dataset_results(results_file(open_values)))
    assert not score.complete and set(score.missing) == {"bioasq", "ebm_pico"}
    # NER 0.7, RE 0.6, STS 0.5, DC 0.8, QA 0.2 (PubMedQA alone); no PICO
    assert score.strict == pytest.approx(fmean([70.0, 60.0, 50.0, 80.0, 20.0]))


def test_blue_score_is_the_mean_of_datasets_in_both_modes():
    paper = {name: value / 2 for name, value in BLUE_VALUES.items()}
    score = blue_score(dataset_results(results_file(BLUE_VALUES, paper)))
    assert set(BLUE_VALUES) == set(BLUE_DATASETS)
    assert score.complete
    assert score.strict == pytest.approx(100 * fmean(BLUE_VALUES.values()))
    assert score.paper == pytest.approx(50 * fmean(BLUE_VALUES.values()))


def test_markdown_names_references_sources_and_caveats(tmp_path):
    path = tmp_path / "results_2026.json"
    path.write_text(json.dumps(results_file(BLURB_VALUES, limit=5)), encoding="utf-8")
    text = write_report(path)
    assert "| BLURB | 13/13 | 55.00 | – | 81.16 (PubMedBERT (fine-tuned)) | mnlu_blurb: 58.46 |" in text
    assert "`--limit 5`" in text
    ncbi, chemprot = get_corpus("ncbi_disease").display_name, get_corpus("chemprot").display_name
    assert f"| {ncbi} (`mnlu_ncbi_disease`) | BLURB | entity_f1 | 10 | 1 | 70.00 | – | 87.82 | – | 56.73 |" in text
    assert f"| {chemprot} (`mnlu_chemprot`) | BLURB, BLUE | relation_micro_f1 | 10 | 1 | 30.00 | – | 77.24 | 69.20 | " \
           "66.18 (macro-F1) |" in text
    order = [line.split("`")[1] for line in text.splitlines() if line.startswith("| ") and "(`mnlu_" in line]
    assert order == [f"mnlu_{d}" for ds in BLURB_TYPES.values() for d in ds]
    for reference in (PUBMEDBERT, GPT4_ZERO_SHOT):
        assert reference.source in text
    assert "200 test examples" in text


def test_cli_writes_markdown_and_png(tmp_path, capsys):
    run = tmp_path / "run" / "model"
    run.mkdir(parents=True)
    older, newer = run / "results_2026-01-01.json", run / "results_2026-01-02.json"
    older.write_text(json.dumps(results_file({"gad": 0.1})), encoding="utf-8")
    newer.write_text(json.dumps(results_file(BLUE_VALUES)), encoding="utf-8")
    newer.touch()
    out = tmp_path / "report"
    assert mnlu(["report", str(tmp_path / "run"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed == (out / "report.md").read_text(encoding="utf-8")
    assert "| BLUE | 10/10 |" in printed and "![scores](report.png)" in printed
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "report.png"]


def test_bad_input_names_the_file(tmp_path, capsys):
    path = tmp_path / "not_results.json"
    path.write_text(json.dumps({"accuracy": 1}), encoding="utf-8")
    assert mnlu(["report", str(path)]) == 2
    assert str(path) in capsys.readouterr().err
    with pytest.raises(ValueError, match="no mnlu_"):
        write_report(_write(tmp_path / "other.json", {"results": {"hellaswag": {"acc,none": 0.5}}}))
    empty = tmp_path / "empty"
    empty.mkdir()
    for missing in (empty, tmp_path / "no_such_file.json"):
        with pytest.raises(ValueError, match="no lm-eval results|no such file"):
            load_results(missing)


def _write(path, payload):
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_report_of_a_real_gold_run(data_dir, tmp_path):
    """The gold-answering model on three small BLURB tasks: 100 on each, a flagged partial BLURB score."""
    tm = bridge.task_manager(metadata={"data_dir": str(data_dir)})
    tasks = ["mnlu_gad", "mnlu_hoc", "mnlu_pubmedqa"]
    results = lm_eval.simple_evaluate(
        model=bridge.GoldLM(), tasks=tasks, task_manager=tm, bootstrap_iters=0, log_samples=False
    )
    path = _write(tmp_path / "results.json", json.loads(json.dumps(results, default=str)))
    rows = dataset_results(load_results(path))
    assert [row.corpus for row in rows] == ["gad", "hoc", "pubmedqa"]
    assert all(row.strict == pytest.approx(100.0) and row.paper is None and row.parse_failures == 0 for row in rows)
    assert [row.n for row in rows] == [results["n-samples"][f"mnlu_{row.corpus}"]["effective"] for row in rows]
    text = write_report(path, tmp_path / "report")
    assert "| BLURB | 3/13 (missing" in text and "partial score" in text
