"""The knowledge base: ``base`` is what runs (loading, alias look-ups), ``build`` what writes
``data/kb.json.gz`` (sources, hygiene, integrity checks; never imported at run time), ``demonyms``
recognises nationality adjectives from the run-time entities."""
