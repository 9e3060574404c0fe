"""The core never imports Textual: it must work (and be tested) on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "notesui" / "core"


def test_core_imports_without_textual() -> None:
    modules = sorted(f"notesui.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    assert "notesui.core.document" in modules
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'textual' or name.startswith('textual.'):\n"
        "            raise ImportError('textual is blocked in the core')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "from notesui.core.document import Document\n"
        "from notesui.core.notebook import Notebook\n"
        "from notesui.core.render import prepare\n"
        "Document.parse(b'# a\\nb\\n'); prepare('# a')\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
