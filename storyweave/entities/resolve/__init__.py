"""Resolving: from a name to an entity id (knowledge base, names seen alongside, the store)."""
