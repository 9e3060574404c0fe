"""Fixtures of the core tests."""

from __future__ import annotations

import pytest

from notesui.core import document


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The structure parses (markdown-it) done, by the length of the text parsed."""
    calls: list[int] = []
    real = document.structure_of

    def counting(text: str):  # type: ignore[no-untyped-def]
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(document, "structure_of", counting)
    return calls
