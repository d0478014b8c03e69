"""``mnlu pipeline``: corpora -> build -> train -> merge -> evaluate -> report, resumable stage by stage.

- :mod:`.config`: the pipeline configs (``configs/*.yaml``: ``paper``, ``lora``, ``smoke``) and their overrides.
- :mod:`.manifest`: input hashes, versions, manifests and the atomic stage folders.
- :mod:`.commands`: the command lines of the stages that run in their own process (train, evaluate).
- :mod:`.stages`: what each stage reads, runs and writes.
- :mod:`.compare`: the side-by-side report of several runs.
- :mod:`.runner`: the order of the stages, skipping, resuming and stopping at a failure.
"""
