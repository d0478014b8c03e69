"""Shared fixtures: the real corpora folder (``$MNLU_DATA_DIR`` or ``shared/data`` beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Tests never reach the Hub: everything they read is local.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def find_data_dir() -> Path:
    """``$MNLU_DATA_DIR`` if set, else the ``shared/data`` folder beside the repository checkout."""
    configured = os.environ.get("MNLU_DATA_DIR")
    path = Path(configured) if configured else REPO.parent / "shared" / "data"
    if not (path / "README.md").exists():
        raise RuntimeError(f"real corpora not found at {path}; set MNLU_DATA_DIR to the shared data folder")
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return find_data_dir()
