"""``python -m storyweave`` runs the CLI."""

from .cli import main

main()
