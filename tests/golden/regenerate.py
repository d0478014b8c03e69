"""Rewrite the golden files from the current templates: ``python tests/golden/regenerate.py``.

One file per template and golden example of its task type (``<template id>/<case>.txt``); files of templates
or cases that no longer exist are removed. Review the diff before committing: it is the exact text models see.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from golden_examples import golden_cases  # noqa: E402

if __name__ == "__main__":
    files = golden_cases()
    for path in sorted(set(HERE.glob("*/*.txt")) - set(files)):
        path.unlink()
        print(f"removed {path.relative_to(HERE)}")
    for path, text in files.items():
        path.parent.mkdir(exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE)}")
