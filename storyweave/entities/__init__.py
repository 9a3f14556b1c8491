"""Entities: mentions of people, places and organisations, each with one id across scripts.

``recognise`` finds the names of one article, ``resolve`` gives each one an id, ``kb`` is the
knowledge base both read (its build lives apart, in ``kb.build``).
"""

from .recognise.recognizer import EntityRecognizer

__all__ = ["EntityRecognizer"]
