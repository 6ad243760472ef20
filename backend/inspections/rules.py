"""Counting tasks (domain rules §6b): pure functions, no clock, no database.

A rate is a pair of counts, never a percentage carried around: a county's rate sums its homes'
counts (never averages their percentages), a province's sums its counties'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    """Expected, done and done on time (domain rules §6b) for any grouping of tasks."""

    expected: int = 0
    done: int = 0
    on_time: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.expected + other.expected, self.done + other.done, self.on_time + other.on_time)

    @property
    def done_rate(self) -> float | None:
        """done ÷ expected (None when nothing was expected: no rate, not 0 % or 100 %)."""
        return self.done / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        """on time ÷ expected (None when nothing was expected)."""
        return self.on_time / self.expected if self.expected else None

    @property
    def late(self) -> int:
        """Done, but recorded after the deadline (补录)."""
        return self.done - self.on_time

    @property
    def missed(self) -> int:
        return self.expected - self.done


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of counts (a county from its homes, a province from its counties)."""
    result = Counts()
    for item in counts:
        result = result + item
    return result


def task_counts(expected: int, done: int, on_time: int) -> Counts:
    """One task's contribution to a rate: an occurrence done twice counts once, so done and on time
    never exceed expected."""
    done = min(done, expected)
    return Counts(expected, done, min(on_time, done))
