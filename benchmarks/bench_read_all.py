"""Reading and rendering every split of every corpus in the data directory, end to end.

Two measurements in separate processes, each timed and with its peak resident memory:
- baseline: only read the raw files (decode, split into lines and tab-separated cells; parse JSON;
  decompress zip members), the least any reader must do;
- full: ``Corpus.examples`` for every split (parse, validate, build examples) and render each one.
Prints both, their ratio, and writes ``benchmarks/results/read_all.json``.
Targets: full under 2x the baseline, and under 1 GiB peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_dir, write_results  # noqa: E402

from mnlu_instruct.corpora import registry  # noqa: E402
from mnlu_instruct.corpus import MissingCorpusError  # noqa: E402
from mnlu_instruct.prompts import render  # noqa: E402


def present_corpora():
    for corpus in registry().values():
        try:
            corpus.locate(data_dir())
        except MissingCorpusError:
            continue
        yield corpus


def read_raw(path: Path) -> int:
    """Read one file (or every file under a folder) at the least cost; return a size figure."""
    if path.is_dir():
        return sum(read_raw(p) for p in sorted(path.rglob("*")) if p.is_file())
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as bundle:
            return sum(len(bundle.read(n).decode("utf-8").split("\n")) for n in bundle.namelist() if n.endswith(".xml"))
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            return len(json.loads(text))
        except json.JSONDecodeError:  # JSON Lines
            return len([json.loads(line) for line in text.split("\n") if line.strip()])
    return sum(len(line.split("\t")) for line in text.split("\n"))


def baseline() -> int:
    seen: set[Path] = set()
    total = 0
    for corpus in present_corpora():
        folder = data_dir() / corpus.folder
        for split in corpus.splits:
            for name in corpus.files[split]:
                path = folder / name
                if path not in seen:
                    seen.add(path)
                    total += read_raw(path)
    return total


def full() -> int:
    total = 0
    for corpus in present_corpora():
        for split in corpus.splits:
            for example in corpus.examples(split, data_dir()):
                render(example)
                total += 1
    return total


def measure(mode: str) -> dict:
    """Run ``mode`` in a fresh interpreter; its wall time, peak memory and count."""
    output = subprocess.run([sys.executable, __file__, mode], check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main() -> None:
    if len(sys.argv) == 2:
        start = time.perf_counter()
        count = {"baseline": baseline, "full": full}[sys.argv[1]]()
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": round(seconds, 2), "peak_mib": round(peak_mib, 1), "count": count}))
        return
    runs = {mode: [measure(mode) for _ in range(3)] for mode in ("baseline", "full")}
    medians = {mode: sorted(r, key=lambda x: x["seconds"])[1] for mode, r in runs.items()}
    ratio = medians["full"]["seconds"] / medians["baseline"]["seconds"]
    base, done = medians["baseline"], medians["full"]
    print(f"baseline (raw read)    {base['seconds']:7.2f} s  peak {base['peak_mib']:7.1f} MiB")
    print(
        f"full (read + render)   {done['seconds']:7.2f} s  peak {done['peak_mib']:7.1f} MiB  {done['count']:,} examples"
    )
    print(f"ratio full / baseline  {ratio:7.2f}x  (median of 3 runs each)")
    print(
        "wrote",
        write_results("read_all", {"baseline": medians["baseline"], "full": medians["full"], "ratio": round(ratio, 2)}),
    )


if __name__ == "__main__":
    main()
