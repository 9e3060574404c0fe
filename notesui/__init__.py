"""notesui: Markdown Q&A study notes in the terminal."""

__version__ = "0.1.0"
