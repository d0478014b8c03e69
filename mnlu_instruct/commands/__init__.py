"""Sub-commands of ``mnlu``, one module each (see ``mnlu_instruct/cli.py``)."""
