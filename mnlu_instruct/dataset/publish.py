"""``mnlu publish``: upload a build folder to the Hub in one commit, only the files its manifest vouches for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .card import CARD_NAME, PRETTY_NAME, validate_card
from .manifest import folder_files, refusals


class PublishRefused(ValueError):
    """A folder that must not be uploaded: an invalid card, or files the manifest does not vouch for."""


def publish(folder: Path | str, repo_id: str, private: bool = False, dry_run: bool = False,
            api: Any = None) -> list[str]:
    """Upload a build folder to the Hub dataset ``repo_id`` in one commit; return the files sent (or to send).

    Raises :class:`PublishRefused` when the card is invalid, or any file is not listed in the build's manifest,
    changed since, has no ``source`` column (parquet), or holds a restricted or unknown source.
    """
    folder = Path(folder)
    if not (folder / CARD_NAME).is_file():
        raise PublishRefused(f"{folder} has no {CARD_NAME}: build it with `mnlu build --out {folder}`")
    try:
        validate_card((folder / CARD_NAME).read_text(encoding="utf-8"), folder)
    except ValueError as error:
        raise PublishRefused(f"{folder / CARD_NAME}: {error}") from None
    refused = refusals(folder)
    if refused:
        raise PublishRefused("refusing to publish restricted or unverifiable data:\n  " + "\n  ".join(refused))
    files = folder_files(folder)
    if dry_run:
        return files
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi()
    from huggingface_hub import CommitOperationAdd

    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    api.create_commit(repo_id=repo_id, repo_type="dataset",
                      operations=[CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name))
                                  for name in files],
                      commit_message=f"Upload {PRETTY_NAME} ({len(files)} files)")
    return files
