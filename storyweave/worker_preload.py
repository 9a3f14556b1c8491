"""Imported once by the fork server that enrichment workers are forked from (see ``executors/pool.py``).

Loading the language detector's models, the knowledge base and the recogniser models here, before
any worker exists, lets every worker share their pages with the server instead of loading a private
copy each: most of that memory (lingua's n-gram tables, spaCy's string tables and weights, the
knowledge base's arrays) is only ever read.
``gc.freeze()`` moves the loaded objects out of the collector's reach; otherwise each collection
in a worker would write to every object's header and copy the pages one by one.  Then the heap's
free pages go back to the system: loading leaves 55-120 MiB of freed temporaries in glibc's heap
(e5's weights are widened through several of them), which every worker would otherwise inherit and
count in its memory, and which the server itself would hold for the whole run.

The encoders load here too: both are numpy arrays run on one BLAS thread, so the fork starts no
thread the children would miss.  Recogniser models outside ``ner_preload`` are left to the workers:
the first stored article waits for everything loaded here.
Everything here is best effort: a worker loads whatever it does not find, exactly as without it.
"""

from __future__ import annotations

import gc
import logging

from .memory import release_free_memory

log = logging.getLogger(__name__)


def _preload() -> None:
    try:
        from .embed.embedder import preload_encoders
        from .entities.kb.base import get_kb
        from .entities.kb.demonyms import demonym_index
        from .entities.recognise.ner import shared_runner
        from .language import LanguageDetector, shared_lingua_detector
        from .settings import Settings

        settings = Settings.load()
        # The nationality-adjective index is built over the whole knowledge base on the first
        # article (about 40 MiB): here, it is built once for all workers.
        demonym_index(get_kb())
        for lang in settings.ner_models:
            if lang in settings.ner_preload:
                shared_runner(lang)
        if "embed" in settings.enrich_stages:
            preload_encoders(settings)
        # Every language model at once: a worker would otherwise load those its texts need, each
        # worker its own copy.  The detector the workers build for the same languages is this one.
        # Last: lingua loads on every core (the rest on one), and by now the process that started
        # this server has usually finished its own set-up and left the cores free.
        shared_lingua_detector(tuple(LanguageDetector.lingua_languages(settings).values()), preload=True)
    except Exception as exc:  # a worker then loads the models itself: slower to start, same results
        log.warning("worker preload failed (%s: %s); workers load their own models", type(exc).__name__, exc)
    gc.freeze()
    release_free_memory()


_preload()
