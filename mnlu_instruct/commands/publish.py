"""``mnlu publish``: upload a build folder to the Hugging Face Hub in one commit."""

from __future__ import annotations

import argparse

HELP = "upload a `mnlu build` folder to the Hub: only the files its manifest lists, unchanged, never restricted data"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="the folder `mnlu build --out` wrote")
    parser.add_argument("--repo-id", required=True, help="the Hub dataset, ORG/NAME")
    parser.add_argument("--private", action="store_true", help="create the repository as private")
    parser.add_argument("--dry-run", action="store_true", help="check and list the files, upload nothing")


def run(args: argparse.Namespace) -> int:
    from ..dataset.publish import publish

    files = publish(args.folder, args.repo_id, private=args.private, dry_run=args.dry_run)
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{verb} {len(files)} files to https://huggingface.co/datasets/{args.repo_id}:")
    for name in files:
        print(f"  {name}")
    return 0
