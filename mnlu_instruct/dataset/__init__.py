"""MNLU-Instruct as a dataset, one job per module.

- :mod:`.staging`: read every source once, drop what may not train (test documents and text, duplicates), apply
  the mixture, stage the rows on disk.
- :mod:`.decontamination`: the evaluation test sets' document ids, sentences and 13-grams, which every build
  checks training rows against.
- :mod:`.builder`: the ``datasets.ArrowBasedBuilder`` and its configs, views of one staging.
- :mod:`.folder`: ``mnlu build``: every config as parquet in a Hub-ready folder, written atomically.
- :mod:`.manifest`: the list of files a build vouches for (sha256, sources, licences).
- :mod:`.card` (template ``card.md.jinja``) and :mod:`.chart`: the dataset card and its composition chart;
  :mod:`.bibtex`: the card's BibTeX, generated from the readers' citation texts.
- :mod:`.licences`: one rule from a corpus's licence text to its Hub identifier and flags (restricted, unclear,
  non-commercial, share-alike).
- :mod:`.publish`: ``mnlu publish``: upload a build folder, only what its manifest lists; never restricted
  sources, and sources of unclear licence only when asked.
"""
