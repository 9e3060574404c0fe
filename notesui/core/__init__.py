"""The core of notesui: parsing, the notebook, search, storage and watching.

Nothing in this package imports Textual; a test enforces it.
"""
