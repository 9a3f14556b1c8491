"""Following sources: the poll loop, politeness towards hosts, OPML lists and source health."""
