"""A small pool of open aiosqlite connections for ``db.PooledSQLiteEngine`` (its read-only
connections): lent one at a time, a borrower beyond the size waits its turn."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Awaitable, Callable

import aiosqlite


class ConnectionPool:
    """Up to ``size`` open connections, lent one at a time; a borrower beyond that waits. Not
    tied to an event loop (the CLI runs several in turn), and safe across threads."""

    def __init__(self, open_: Callable[[], Awaitable[aiosqlite.Connection]], size: int) -> None:
        self._open = open_
        self._size = size
        self._idle: list[aiosqlite.Connection] = []
        self._lent = 0
        self._waiters: deque[asyncio.Future] = deque()
        self._lock = threading.Lock()

    async def acquire(self) -> aiosqlite.Connection:
        while True:
            with self._lock:
                if self._idle:
                    self._lent += 1
                    return self._idle.pop()
                if self._lent < self._size:
                    self._lent += 1
                    break
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                with self._lock:
                    if waiter in self._waiters:
                        self._waiters.remove(waiter)
                    else:  # woken, then cancelled: pass the turn on
                        self._wake()
                raise
        try:
            return await self._open()
        except BaseException:
            self._give_back(None)
            raise

    @property
    def lent(self) -> int:
        """How many connections are borrowed now."""
        return self._lent

    def release(self, connection: aiosqlite.Connection, broken: bool = False) -> None:
        if broken:
            connection.stop()  # closes it on its own thread; nothing to wait for
        self._give_back(None if broken else connection)

    def _give_back(self, connection: aiosqlite.Connection | None) -> None:
        with self._lock:
            self._lent -= 1
            if connection is not None:
                self._idle.append(connection)
            self._wake()

    def _wake(self) -> None:  # with the lock held
        while self._waiters:
            waiter = self._waiters.popleft()
            try:
                waiter.get_loop().call_soon_threadsafe(_wake_up, waiter)
                return
            except RuntimeError:  # its event loop is closed: the next one
                continue

    async def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()


def _wake_up(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
