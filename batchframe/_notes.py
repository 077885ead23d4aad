"""Notes kept about LazyFrames this package returned, for the functions they are passed to.

A lazy chain of public functions (``scan_request_logs`` -> ``aggregate_request_logs``)
can evaluate better when the later function knows how the earlier one built its frame
(fold the file's raw values rather than the cleaned columns). Only the very frame
returned is recognised: any frame derived from it is an ordinary frame, and nothing is
kept alive by a note (a weak reference drops it with its frame).
"""

from __future__ import annotations

import weakref
from typing import Generic, TypeVar

import polars as pl

T = TypeVar("T")


class FrameNotes(Generic[T]):
    """``frame -> note`` for frames that are still alive, keyed by identity.

    Examples:
        >>> import polars as pl
        >>> notes: FrameNotes[str] = FrameNotes()
        >>> frame = notes.remember(pl.LazyFrame({"a": [1]}), "made here")
        >>> notes.get(frame), notes.get(frame.select("a"))
        ('made here', None)
    """

    def __init__(self) -> None:
        self._notes: dict[int, tuple[weakref.ref[pl.LazyFrame], T]] = {}

    def remember(self, frame: pl.LazyFrame, note: T) -> pl.LazyFrame:
        key = id(frame)

        def forget(ref: weakref.ref[pl.LazyFrame]) -> None:
            entry = self._notes.get(key)
            if entry is not None and entry[0] is ref:
                del self._notes[key]

        self._notes[key] = (weakref.ref(frame, forget), note)
        return frame

    def get(self, frame: object) -> T | None:
        entry = self._notes.get(id(frame))
        if entry is None or entry[0]() is not frame:
            return None
        return entry[1]
