"""``mnlu score`` as users run it on the outputs of any engine: lm-eval ``--log_samples`` files and
``{"id", "prediction"}`` JSONL, against raw corpora, a built dataset folder or the published configs; the table
and JSON outputs, ``--only-predicted``, ``--details``, and one-line errors for bad files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import datasets
import pytest

from mnlu_instruct import eval_sets
from mnlu_instruct.answer_format import format_answer, option_letter
from mnlu_instruct.cli import main as mnlu
from mnlu_instruct.corpora import get_corpus
from mnlu_instruct.dataset.folder import build_folder
from mnlu_instruct.examples import Example, answer_to_dict
from mnlu_instruct.predictions import LM_EVAL, PLAIN, detect_format, read_predictions
from mnlu_instruct.schema import CorpusFormatError
from mnlu_instruct.score_table import format_table
from mnlu_instruct.scoring import score_examples

LIMIT = 8  # documents per task in the lm-eval run


def option_block(options: tuple[str, ...]) -> str:
    """An answer that echoes the whole option list, ``(A) text`` lines, as a confused model may."""
    return "\n".join(f"({option_letter(i)}) {text}" for i, text in enumerate(options))


@pytest.fixture(scope="module")
def sets(data_dir: Path) -> dict[str, list[Example]]:
    return {name: list(get_corpus(name).examples("test", data_dir)) for name in ("biosses", "pubmedqa", "ncbi_disease")}


@pytest.fixture(scope="module")
def built(data_dir: Path, tmp_path_factory, test_set_index) -> Path:
    """``mnlu build`` output holding the ``eval_biosses`` config."""
    out = tmp_path_factory.mktemp("built") / "mnlu-instruct"
    # a build needs a training source
    build_folder(out, data_dir, corpora=["biosses", "euadr"], index=test_set_index)
    return out


@pytest.fixture(scope="module")
def lm_eval_run(data_dir: Path, tmp_path_factory) -> tuple[dict, dict[str, Path]]:
    """lm-eval's results and its ``--log_samples`` files of the gold-answering model on two tasks."""
    out = tmp_path_factory.mktemp("lm_eval")
    assert mnlu([
        "eval", "--model", "mnlu-gold", "--tasks", "mnlu_biosses,mnlu_pubmedqa", "--limit", str(LIMIT),
        "--metadata", json.dumps({"data_dir": str(data_dir)}), "--output_path", str(out), "--log_samples",
    ]) == 0
    (results,) = out.rglob("results_*.json")
    samples = {path.name.split("_")[2]: path for path in out.rglob("samples_*.jsonl")}
    return json.loads(results.read_text(encoding="utf-8")), samples


def score_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert mnlu(["score", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def score_error(capsys, *args: str) -> str:
    capsys.readouterr()
    assert mnlu(["score", *args]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    return error


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


# --- lm-eval --log_samples files -------------------------------------------------------------------------------------


def test_log_samples_files_are_read_directly(lm_eval_run, sets, data_dir, capsys):
    results, samples = lm_eval_run
    path = samples["biosses"]
    assert detect_format(path) == LM_EVAL
    examples = {ex.id: ex for ex in sets["biosses"]}
    predictions = read_predictions(path)
    assert len(predictions) == LIMIT
    assert all(text == format_answer(examples[key]) for key, text in predictions.items())
    only = score_json(capsys, "mnlu_biosses", str(path), "--data-dir", str(data_dir), "--only-predicted")
    assert only["score"] == pytest.approx(results["results"]["mnlu_biosses"]["score,none"], abs=1e-12)
    assert (only["n"], only["missing_ids"], only["unknown_ids"], only["only_predicted"]) == (LIMIT, 12, 0, True)
    assert only["predictions_format"] == LM_EVAL
    whole = score_json(capsys, "biosses", str(path), "--data-dir", str(data_dir))
    expected = score_examples(sets["biosses"], [predictions.get(ex.id) for ex in sets["biosses"]], "pearson")
    assert (whole["n"], whole["missing_ids"]) == (20, 12)
    assert whole["score"] == pytest.approx(expected["score"], abs=1e-12) and whole["score"] < only["score"]


def test_log_samples_with_unreadable_answers(lm_eval_run, data_dir, tmp_path, capsys):
    """Edited lm-eval samples: an echoed option block is a parse failure in strict mode, counted in the table."""
    lines = lm_eval_run[1]["pubmedqa"].read_text(encoding="utf-8").splitlines()
    samples = [json.loads(line) for line in lines]
    for sample in samples[:3]:
        sample["filtered_resps"] = [option_block(("yes", "no", "maybe"))]
    path = write_jsonl(tmp_path / "samples_mnlu_pubmedqa_edited.jsonl", samples)
    result = score_json(capsys, "pubmedqa", str(path), "--data-dir", str(data_dir), "--only-predicted")
    assert (result["n"], result["parse_failures"], result["accuracy"]) == (LIMIT, 3, (LIMIT - 3) / LIMIT)
    capsys.readouterr()
    assert mnlu(["score", "pubmedqa", str(path), "--data-dir", str(data_dir), "--only-predicted"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"^parse failures +3 ", table, re.M) and re.search(r"^accuracy +0\.6250$", table, re.M)
    assert "(lm-eval log samples)" in table and f"only the {LIMIT} examples with a prediction" in table


def test_log_samples_of_another_task_are_refused(lm_eval_run, data_dir, capsys):
    path = lm_eval_run[1]["pubmedqa"]
    error = score_error(capsys, "biosses", str(path), "--data-dir", str(data_dir))
    assert f"{path}: line 1: an lm-eval sample of corpus 'pubmedqa', not 'biosses'" in error


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(filtered_resps=[]), 'expected "filtered_resps": ["<answer>", ...], got []'),
        (lambda s: s.update(filtered_resps=[["x"]]), 'expected "filtered_resps"'),
        (lambda s: s["doc"].pop("id"), 'has no string "id"'),
        (lambda s: s.pop("doc"), 'not an lm-eval sample ("doc" and "filtered_resps"), as line 1 is'),
    ],
)
def test_bad_log_sample_lines_name_file_and_line(lm_eval_run, tmp_path, change, message):
    samples = [json.loads(line) for line in lm_eval_run[1]["biosses"].read_text(encoding="utf-8").splitlines()]
    change(samples[4])
    path = write_jsonl(tmp_path / "samples.jsonl", samples)
    with pytest.raises(CorpusFormatError, match=re.escape(message)) as error:
        read_predictions(path)
    assert error.value.where == "line 5"


# --- where the gold comes from ---------------------------------------------------------------------------------------


def test_built_folder_gives_the_raw_examples_and_the_same_scores(built, sets, data_dir, tmp_path, capsys):
    examples = sets["biosses"]
    loaded = eval_sets.load_eval_set(get_corpus("biosses"), "test", dataset=str(built))
    assert loaded.examples == examples  # Example.from_dict of the build's `example` column gives every field back
    assert loaded.origin == str(eval_sets.built_file(built, "biosses", "test"))
    rows = [{"id": ex.id, "prediction": f"({'ABCDE'[i % 5]}) {i % 5}"} for i, ex in enumerate(examples)]
    path = write_jsonl(tmp_path / "pred.jsonl", rows)
    from_raw = score_json(capsys, "biosses", str(path), "--data-dir", str(data_dir))
    from_build = score_json(capsys, "biosses", str(path), "--dataset", str(built))
    assert from_build.pop("gold") == loaded.origin and from_raw.pop("gold").endswith("test.tsv, " + str(
        data_dir / "biosses" / "annotation_pairs_scores.tsv"))
    assert from_build == from_raw and 0 < abs(from_raw["score"]) < 1


def test_published_configs_load_through_datasets(built, sets, tmp_path, monkeypatch):
    """A folder or Hub id without the build's file layout goes through ``load_dataset(source, eval_<corpus>)``."""
    copy = tmp_path / "published"
    shutil.copytree(built, copy)
    data = copy / "data" / "eval_biosses"
    (data / "test-00000-of-00001.parquet").rename(data / "test.parquet")
    card = copy / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("eval_biosses/test-00000-of-00001", "eval_biosses/test"),
                    encoding="utf-8")
    loaded = eval_sets.from_dataset(str(copy), "biosses", "test")
    assert loaded.examples == sets["biosses"] and loaded.origin == f"{copy} (eval_biosses, test)"
    calls = []
    real = datasets.load_dataset

    def from_hub(source, config, split):
        calls.append((source, config, split))
        return real(str(copy), config, split=split)

    monkeypatch.setattr(datasets, "load_dataset", from_hub)
    assert eval_sets.from_dataset("org/MNLU-Instruct", "biosses", "test").examples == sets["biosses"]
    assert calls == [("org/MNLU-Instruct", "eval_biosses", "test")]


def test_a_dataset_that_cannot_be_loaded_is_one_line(capsys, tmp_path, monkeypatch):
    def offline(source, config, split):
        raise ConnectionError(f"Couldn't reach '{source}' on the Hub\n(offline)")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    path = write_jsonl(tmp_path / "pred.jsonl", [{"id": "biosses-59", "prediction": "(A) 0"}])
    error = score_error(capsys, "biosses", str(path), "--dataset", "org/none")
    assert "org/none (eval_biosses, test): could not be loaded: Couldn't reach 'org/none' on the Hub (offline)" in error


def test_an_empty_test_set_is_an_error_naming_the_file(data_dir, tmp_path, capsys):
    shutil.copytree(data_dir / "biosses", tmp_path / "biosses")
    shutil.copy(data_dir / "README.md", tmp_path / "README.md")
    empty = tmp_path / "biosses" / "blurb" / "test.tsv"
    empty.write_text("", encoding="utf-8")
    path = write_jsonl(tmp_path / "pred.jsonl", [{"id": "biosses-59", "prediction": "(A) 0"}])
    error = score_error(capsys, "biosses", str(path), "--data-dir", str(tmp_path))
    assert str(empty) in error and "empty" in error


# --- output: table, JSON, missing and unknown ids, details -----------------------------------------------------------


@pytest.fixture(scope="module")
def pubmedqa_predictions(sets, tmp_path_factory) -> Path:
    """10 echoed option blocks, 390 gold answers, 100 examples without a prediction and one unknown id."""
    examples = sets["pubmedqa"]
    rows = [{"id": ex.id, "prediction": option_block(ex.options)} for ex in examples[:10]]
    rows += [{"id": ex.id, "prediction": format_answer(ex)} for ex in examples[10:400]]
    rows.append({"id": "pubmedqa-not-a-test-id", "prediction": "(A) yes"})
    return write_jsonl(tmp_path_factory.mktemp("pubmedqa") / "pred.jsonl", rows)


def test_table_is_the_default_output(pubmedqa_predictions, data_dir, capsys):
    capsys.readouterr()
    assert mnlu(["score", "pubmedqa", str(pubmedqa_predictions), "--data-dir", str(data_dir)]) == 0
    table = capsys.readouterr().out
    for row in (
        r"metric +accuracy", r"accuracy +0\.7800", r"n +500", r"parse failures +10 +\(scored as empty answers\)",
        r"missing ids +100 +\(scored as empty answers\)", r"unknown ids +1 +\(not in the set, not scored\)",
    ):
        assert re.search(f"^{row}$", table, re.M), row
    assert table.startswith("mnlu score: pubmedqa (test split, strict mode)\n")


def test_only_predicted_scores_the_predicted_ids_and_says_so(pubmedqa_predictions, data_dir, capsys):
    result = score_json(capsys, "pubmedqa", str(pubmedqa_predictions), "--data-dir", str(data_dir), "--only-predicted")
    assert (result["n"], result["missing_ids"], result["unknown_ids"]) == (400, 100, 1)
    assert result["accuracy"] == 390 / 400 and result["only_predicted"] is True
    capsys.readouterr()
    assert mnlu(["score", "pubmedqa", str(pubmedqa_predictions), "--data-dir", str(data_dir), "--only-predicted"]) == 0
    table = capsys.readouterr().out
    assert "only the 400 examples with a prediction are scored; 100 without one are not" in table
    assert re.search(r"^missing ids +100 +\(not scored: --only-predicted\)$", table, re.M)


def test_span_table_gives_tp_fp_fn(sets, data_dir, tmp_path, capsys):
    examples = sets["ncbi_disease"]
    rows = [{"id": ex.id, "prediction": format_answer(ex) if i % 2 else "Disease: aspirin"}
            for i, ex in enumerate(examples)]
    path = write_jsonl(tmp_path / "pred.jsonl", rows)
    result = score_json(capsys, "ncbi_disease", str(path), "--data-dir", str(data_dir))
    capsys.readouterr()
    assert mnlu(["score", "ncbi_disease", str(path), "--data-dir", str(data_dir)]) == 0
    table = capsys.readouterr().out
    tp, fp, fn = result["tp"], result["n_pred"] - result["tp"], result["n_gold"] - result["tp"]
    assert min(tp, fp, fn) > 0
    assert re.search(rf"^tp / fp / fn +{tp} / {fp} / {fn}$", table, re.M)
    assert re.search(rf"^Disease +{result['precision']:.4f} +{result['recall']:.4f} +{result['f1']:.4f} +"
                     rf"{result['n_gold']}$", table, re.M)


def test_table_shows_the_counts_and_values_the_scorer_gives():
    header = {"task": "ddi", "split": "test", "mode": "strict", "metric": "relation_micro_f1", "gold": "g",
              "predictions": "p", "predictions_format": PLAIN, "only_predicted": False}
    result = {"precision": 0.5, "recall": 0.25, "f1": 1 / 3, "tp": 2, "fp": 2, "fn": 6, "macro_f1": 0.3,
              "correct": 7, "total": 9, "score": 1 / 3, "n": 9, "parse_failures": 0, "missing_ids": 0,
              "unknown_ids": 0, "unknown_labels": 0, "per_type": {"DDI-advise": {"f1": 0.5, "support": 3}}}
    table = format_table(header, result)
    for row in (r"tp / fp / fn +2 / 2 / 6", r"correct / total +7 / 9", r"macro f1 +0\.3000", r"f1 +0\.3333",
                r"missing ids +0", r"DDI-advise +0\.5000 +3"):
        assert re.search(f"^{row}$", table, re.M), row


def test_details_file_has_one_line_per_example(pubmedqa_predictions, sets, data_dir, tmp_path, capsys):
    details = tmp_path / "details.jsonl"
    details.write_text("an older file\n", encoding="utf-8")
    score_json(capsys, "pubmedqa", str(pubmedqa_predictions), "--data-dir", str(data_dir), "--details", str(details))
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    examples = sets["pubmedqa"]
    assert [row["id"] for row in rows] == [ex.id for ex in examples]
    assert sum(row["correct"] for row in rows) == 390 and sum(row["parse_failed"] for row in rows) == 10
    echoed, gold, missing = rows[0], rows[10], rows[-1]
    assert echoed["prediction"] == option_block(examples[0].options) and echoed["parsed"] is None
    assert gold["gold"] == gold["parsed"] == answer_to_dict(examples[10].answer) and gold["correct"] is True
    assert gold["target"] == format_answer(examples[10])
    assert missing["prediction"] is None and not missing["parse_failed"] and missing["correct"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["details.jsonl"]  # no temporary file left
    score_json(capsys, "pubmedqa", str(pubmedqa_predictions), "--data-dir", str(data_dir), "--details",
               str(details), "--only-predicted")
    assert len(details.read_text(encoding="utf-8").splitlines()) == 400


def test_details_of_spans_compare_mentions_in_any_order(sets, data_dir, tmp_path, capsys):
    example = next(ex for ex in sets["ncbi_disease"] if len(ex.answer.spans[0][1]) >= 2)
    mentions = example.answer.spans[0][1]
    reordered = f"Disease: {' ... '.join(reversed(mentions))}"
    path = write_jsonl(tmp_path / "pred.jsonl", [{"id": example.id, "prediction": reordered}])
    details = tmp_path / "details.jsonl"
    score_json(capsys, "ncbi_disease", str(path), "--data-dir", str(data_dir), "--only-predicted",
               "--details", str(details))
    (row,) = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert row["correct"] is True and row["parsed"]["spans"] == [["Disease", list(reversed(mentions))]]


# --- bad prediction files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('{"id": "a", "prediction": "x"}\n{"id": "b" "prediction": "y"}\n', "line 2",
         "not valid JSON: Expecting ',' delimiter at column 12"),
        ('{"id": "a", "prediction": "x"}\n' + "[" * 200_000 + "\n", "line 2", "not readable JSON: nested too deeply"),
        ('{"id": "a", "prediction": null}\n', "line 1",
         'expected {"id": "<string>", "prediction": "<string>"}; "prediction": a JSON null'),
        ('{"id": "a", "text": "x"}\n', "line 1", '"prediction": no such key'),
        ('\n\n{"id": 7, "prediction": "x"}\n', "line 3", '"id": a JSON number'),
        ('"a line"\n', "line 1", "got a JSON string"),
        ('{"id": "a", "prediction": "x"}\n{"doc": {"id": "b"}, "filtered_resps": ["y"]}\n', "line 2",
         "an lm-eval sample in a file whose first line is"),
        ('{"id": "a", "prediction": "x"}\n\n{"id": "a", "prediction": "y"}\n', "line 3",
         "duplicate id 'a' (first on line 1)"),
        ("", "line 1", "the file is empty: no predictions"),
        ("\n  \n", "line 1", "the file is empty: no predictions"),
    ],
)
def test_bad_prediction_files_stop_with_file_line_and_full_reason(data_dir, tmp_path, capsys, content, where, message):
    path = tmp_path / "pred.jsonl"
    path.write_text(content, encoding="utf-8")
    error = score_error(capsys, "pubmedqa", str(path), "--data-dir", str(data_dir))
    assert error.startswith(f"mnlu score: error: {path}: {where}: ") and message in error


def test_non_utf8_names_line_and_byte(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_bytes(b'{"id": "a", "prediction": "ok"}\n{"id": "b", "prediction": "caf\xe9"}\n')
    with pytest.raises(CorpusFormatError, match="line 2: not UTF-8 text \\(invalid continuation byte at byte 31\\)"):
        read_predictions(path)


def test_predictions_for_another_set_are_an_error(data_dir, tmp_path, capsys):
    path = write_jsonl(tmp_path / "pred.jsonl", [{"id": "biosses-59", "prediction": "(A) 0"}])
    error = score_error(capsys, "pubmedqa", str(path), "--data-dir", str(data_dir))
    assert "none of the 1 prediction ids is an example of this set (first: 'biosses-59'" in error
