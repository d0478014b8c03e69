"""``python -m mnlu_instruct.tasks_path``: print the folder of the ``mnlu_*`` lm-eval tasks.

Use it as ``lm_eval --include_path "$(python -m mnlu_instruct.tasks_path)" --tasks mnlu_blurb_open ...``.
"""

from __future__ import annotations

from .resources import tasks_dir


def main() -> None:
    print(tasks_dir())


if __name__ == "__main__":
    main()
