"""The stable command-line surfaces: ``mnlu corpora``, ``mnlu render`` and ``mnlu score``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mnlu_instruct.cli import main
from mnlu_instruct.corpora import registry


def corpora_rows(capsys, *args: str) -> dict[str, dict]:
    assert main(["corpora", "--json", *args]) == 0
    return {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}


def test_corpora_lists_every_reader_with_flags(capsys, monkeypatch):
    monkeypatch.delenv("MNLU_DATA_DIR", raising=False)
    rows = corpora_rows(capsys)
    assert set(rows) == set(registry())
    assert rows["ddi"]["flags"] == ["non-commercial"] and rows["hoc"]["flags"] == ["share-alike"]
    assert rows["mednli"]["flags"] == ["restricted"] and rows["biored"]["role"] == "train"
    assert rows["bc5cdr_chem"]["benchmarks"] == ["blurb"] and rows["bc5cdr_chem_blue"]["benchmarks"] == ["blue"]
    assert rows["chemprot"]["benchmarks"] == ["blue", "blurb"] and rows["genia"]["benchmarks"] == []
    assert rows["pubmedqa"]["splits"] == {"train": 450, "validation": 50, "test": 500}
    assert rows["pubmed_pico"]["splits"] == {"train": None, "validation": None, "test": None}
    assert {row["present"] for row in rows.values()} == {None}  # no data folder given


def test_corpora_shows_which_are_present(capsys, data_dir):
    fixtures = Path(__file__).parent / "fixtures"
    rows = corpora_rows(capsys, "--data-dir", str(fixtures))
    assert rows["bc4chemd"]["present"] is True and rows["drugprot_full_re"]["present"] is True
    assert rows["ncbi_disease"]["present"] is False and rows["multinli"]["present"] is True
    real = corpora_rows(capsys, "--data-dir", str(data_dir))
    assert real["ncbi_disease"]["present"] is True and real["bc4chemd"]["present"] is False
    assert main(["corpora", "--data-dir", str(fixtures)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "task_type", "benchmarks", "role", "license", "flags", "splits", "present"]
    row = next(line for line in lines if line.startswith("bc4chemd "))
    assert re.split(r"\s{2,}", row.strip())[-2:] == ["3500 / 3500 / 3000", "yes"]


def test_render_writes_jsonl(capsys, data_dir):
    assert main(["render", "ncbi_disease", "--split", "test", "--limit", "3", "--data-dir", str(data_dir)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == [
        "ncbi_disease-test-00000",
        "ncbi_disease-test-00001",
        "ncbi_disease-test-00002",
    ]
    assert rows[0]["messages"][1] == {"role": "assistant", "content": rows[0]["target"]}
    assert rows[0]["target"] == "Disease: ataxia - telangiectasia ... sporadic T - cell leukaemia"


@pytest.mark.parametrize(
    ("corpus", "metric", "key"), [("ncbi_disease", "entity_f1", "f1"), ("pubmedqa", "accuracy", "accuracy")]
)
def test_score_gold_and_empty_predictions(corpus, metric, key, data_dir, tmp_path, capsys):
    assert main(["render", corpus, "--split", "test", "--data-dir", str(data_dir)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for name, prediction in (("gold", None), ("empty", "")):
        path = tmp_path / f"{name}.jsonl"
        lines = [{"id": r["id"], "prediction": r["target"] if prediction is None else prediction} for r in rows]
        path.write_text("\n".join(json.dumps(line) for line in lines + [{"id": "stray", "prediction": ""}]))
        assert main(["score", f"mnlu_{corpus}", str(path), "--data-dir", str(data_dir), "--format", "json"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["metric"] == metric and result["unknown_ids"] == 1 and result["missing_ids"] == 0
        assert result[key] == (1.0 if name == "gold" else 0.0)
        assert result["parse_failures"] == (0 if name == "gold" else len(rows))


def test_errors_are_one_line_with_exit_status_2(tmp_path, capsys, data_dir):
    assert main(["score", "ncbi_disease", str(tmp_path / "missing.jsonl"), "--data-dir", str(data_dir)]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "prediction": "x"}\n{"id": "b"\n')
    assert main(["score", "ncbi_disease", str(bad), "--data-dir", str(data_dir)]) == 2
    assert "bad.jsonl: line 2: not valid JSON" in capsys.readouterr().err
    assert main(["render", "no_such_corpus"]) == 2
    assert "unknown corpus 'no_such_corpus'" in capsys.readouterr().err


def test_corpora_table_is_readable_and_ends_quietly_when_its_pipe_closes(data_dir):
    table = subprocess.run([sys.executable, "-m", "mnlu_instruct.cli", "corpora", "--data-dir", str(data_dir)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(table) == len(registry()) + 1 and max(len(line) for line in table) <= 140
    piped = subprocess.run(f"{sys.executable} -m mnlu_instruct.cli corpora --json | head -1", shell=True,
                           capture_output=True, text=True, check=False)
    assert json.loads(piped.stdout)["name"] == next(iter(registry()))
    assert "Broken pipe" not in piped.stderr and "Traceback" not in piped.stderr


@pytest.mark.parametrize("command", ["render", "score"])
def test_split_help_shows_its_default(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "(default: test)" in " ".join(capsys.readouterr().out.split())
