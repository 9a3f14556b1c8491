"""Events and storylines: online assignment, near-duplicate collapse, consolidation."""

from .assigner import Assigner

__all__ = ["Assigner"]
