"""Cut a token stream at stop strings without ever showing a partial stop string.

Text that could be the start of a stop string is held back until the next piece decides it;
the held text never exceeds the longest stop string, so each token costs O(1).
"""

from __future__ import annotations


class StopMatcher:
    def __init__(self, stops: list[str]) -> None:
        self.stops = [s for s in stops if s]
        self._held = ""

    def feed(self, piece: str) -> tuple[str, bool]:
        """Return (text safe to show, whether a stop string was hit)."""
        if not self.stops:
            return piece, False
        held = self._held + piece
        cut = min((i for i in (held.find(s) for s in self.stops) if i >= 0), default=-1)
        if cut >= 0:
            self._held = ""
            return held[:cut], True
        keep = 0
        for stop in self.stops:
            for k in range(min(len(stop) - 1, len(held)), keep, -1):
                if held.endswith(stop[:k]):
                    keep = k
                    break
        self._held = held[len(held) - keep :] if keep else ""
        return held[: len(held) - keep], False

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held
