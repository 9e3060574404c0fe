"""When Python's full garbage collections run: while the user is idle, not under a key.

A full pass walks every object the app holds (pages rendered, widgets, notes) and takes
20–40 ms here; left to Python it runs every second or so while the user reads, and the key
it lands on waits for it. ``Collector`` makes automatic full passes ten times rarer and runs
the due one itself once no key has come for a while. Nothing is collected less: a due pass
runs at the next idle moment, and Python's own still runs when the user never pauses.
What the app reads on opening (the notes, their index) is kept out of full passes altogether
(``settle``).
"""

from __future__ import annotations

import gc
import sys
import time

RARER = 10
"""Automatic full passes run this many times less often than Python's default."""
IDLE_SECONDS = 1.0
"""No key (or click) for this long: a due full pass runs now."""


class Collector:
    """Full garbage collections moved to idle moments (see the module)."""

    def __init__(self) -> None:
        self._thresholds = gc.get_threshold()
        # (an incremental collector, Python 3.14's, has no separate full passes to move)
        self.enabled = self._thresholds[2] > 0 and sys.version_info < (3, 14)
        self._last_input = time.monotonic()
        self.passes = 0  # full passes run here
        self._settled = False

    def start(self) -> None:
        if self.enabled:
            first, second, full = self._thresholds
            gc.set_threshold(first, second, full * RARER)

    def stop(self) -> None:
        if self.enabled:
            gc.set_threshold(*self._thresholds)

    def settle(self) -> None:
        """What the app holds now stays (the notes, their index): keep it out of every full
        pass from now on (at 100k questions a pass took 150 ms). What is garbage already goes
        first. Only the first call does anything."""
        if not self._settled:
            self._settled = True
            gc.collect()
            gc.freeze()

    def input(self) -> None:
        """The user pressed a key or clicked."""
        self._last_input = time.monotonic()

    def idle(self, now: float | None = None) -> bool:
        """Run the full pass Python would have run by now, if the user is idle; whether it ran."""
        now = time.monotonic() if now is None else now
        if not self.enabled or now - self._last_input < IDLE_SECONDS or gc.get_count()[2] < self._thresholds[2]:
            return False
        gc.collect()
        self.passes += 1
        return True
