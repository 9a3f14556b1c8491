"""``python -m storyweave.entities.kb.build``."""

from . import main

main()
