"""``python -m notesui``: the command line (``notesui.cli``)."""

import sys

from notesui.cli import main

if __name__ == "__main__":
    sys.exit(main())
