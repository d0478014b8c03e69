"""Rewrite the golden files from the current templates: ``python tests/golden/regenerate.py``.

Review the diff before committing: it is the exact text models see.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from golden_examples import GOLDEN_EXAMPLES, golden_text  # noqa: E402

from mnlu_instruct.prompts import render  # noqa: E402

if __name__ == "__main__":
    for name, example in GOLDEN_EXAMPLES.items():
        rendered = render(example)
        (HERE / f"{name}.txt").write_text(golden_text(rendered.prompt, rendered.target), encoding="utf-8")
        print(f"wrote {name}.txt")
