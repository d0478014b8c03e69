"""MNLU-Instruct as a dataset, one job per module.

- :mod:`.staging`: read every source once, drop what may not train (test documents and text, duplicates), apply
  the mixture, stage the rows on disk.
- :mod:`.decontamination`: the evaluation test sets' document ids, sentences and 13-grams, which every build
  checks training rows against.
- :mod:`.builder`: the ``datasets.ArrowBasedBuilder`` and its configs, views of one staging.
- :mod:`.folder`: ``mnlu build``: every config as parquet in a Hub-ready folder, written atomically.
- :mod:`.manifest`: the list of files a build vouches for (sha256, sources, licences).
- :mod:`.card` (template ``card.md.jinja``) and :mod:`.chart`: the dataset card and its composition chart.
- :mod:`.licences`: Hub licence identifiers and licence flags of a corpus.
- :mod:`.publish`: ``mnlu publish``: upload a build folder, only what its manifest lists.
"""
