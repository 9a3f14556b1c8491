"""Entities: mentions of people, places and organisations, each with one id across scripts."""

from .recognizer import EntityRecognizer

__all__ = ["EntityRecognizer"]
