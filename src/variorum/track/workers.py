"""Worker processes for the tracker's page checks, fed and read by the event loop itself.

A :class:`concurrent.futures.ProcessPoolExecutor` hands each call over through two threads of the calling
process (one feeding the workers, one reading their answers) and wakes both for every call: at hundreds of
pages a second those threads, the event loop and the store thread took turns at the interpreter lock, and
every page waited for its turn several times. :class:`PageWorkers` has no thread: each worker reads calls
from one pipe and writes answers to another, and the event loop writes and reads those pipes without
blocking. A worker gets at most :data:`QUEUED` calls at a time (one running, the next waiting in its pipe),
so it never waits for the event loop between two calls; the other calls wait in the tracker, for whichever
worker answers first.

>>> import asyncio
>>> with PageWorkers(2) as workers:
...     asyncio.run(workers.run(divmod, 7, 2))
(3, 1)
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from variorum.extract.parallel import leave_with_parent

T = TypeVar("T")
QUEUED = 2  # calls handed to one worker at once: the one it runs and the next
_HEADER = 8  # bytes of a frame's length, big-endian; a frame of length 0 tells a worker to leave
_READ = 1 << 20


class BrokenWorkers(RuntimeError):
    """A worker process died (killed, or crashed in native code) with calls in hand, or none is left."""


def _serve(calls: Connection, answers: Connection) -> None:
    """A worker's loop: read a call, run it, write back ``(True, result)`` or ``(False, exception)``."""
    leave_with_parent()
    with open(calls.fileno(), "rb", closefd=False) as reader, open(answers.fileno(), "wb", closefd=False) as writer:
        while len(header := reader.read(_HEADER)) == _HEADER and (size := int.from_bytes(header, "big")):
            function, args = pickle.loads(reader.read(size))
            try:
                answer = pickle.dumps((True, function(*args)), pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # handed to the caller, as an executor would
                try:
                    answer = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
                except Exception:  # an exception that cannot be pickled is described instead
                    answer = pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))
            writer.write(len(answer).to_bytes(_HEADER, "big") + answer)
            writer.flush()


@dataclass(eq=False)
class _Worker:
    """One worker process and the tracker's side of its two pipes."""

    process: BaseProcess
    calls: Connection
    answers: Connection
    waiting: deque[asyncio.Future[Any]] = field(default_factory=deque)  # calls in hand, in order
    unsent: bytearray = field(default_factory=bytearray)
    received: bytearray = field(default_factory=bytearray)
    alive: bool = True


class PageWorkers:
    """``processes`` worker processes running calls for coroutines of one event loop at a time (see the
    module docstring); a context manager that stops them on exit. They leave by themselves if the process
    that started them dies."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context()
        self._workers: list[_Worker] = []
        self._backlog: deque[tuple[bytes, asyncio.Future[Any]]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        for _ in range(max(1, processes)):
            their_calls, calls = context.Pipe(duplex=False)
            answers, their_answers = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(their_calls, their_answers), daemon=True)
            process.start()
            their_calls.close()
            their_answers.close()
            os.set_blocking(calls.fileno(), False)
            os.set_blocking(answers.fileno(), False)
            self._workers.append(_Worker(process, calls, answers))

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [worker.process.pid for worker in self._workers if worker.process.pid is not None]

    def __enter__(self) -> PageWorkers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Ask the workers to leave, and wait for them (a worker still busy after 5 s is killed)."""
        self._detach()
        for worker in self._workers:
            if worker.alive and not worker.unsent:  # not in the middle of a call's frame
                with suppress(OSError):
                    os.set_blocking(worker.calls.fileno(), True)
                    os.write(worker.calls.fileno(), bytes(_HEADER))
        for worker in self._workers:
            worker.process.join(5.0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.calls.close()
            worker.answers.close()
        self._workers = []

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker; its exception, if it raises, is raised here."""
        self._attach()
        assert self._loop is not None
        future: asyncio.Future[Any] = self._loop.create_future()
        self._backlog.append((pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL), future))
        self._dispatch()
        ok, value = await future
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def _attach(self) -> None:
        """Watch the answer pipes from the running event loop (again, if a new loop runs)."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        self._detach()
        self._loop = loop
        for worker in self._workers:
            if worker.alive:
                loop.add_reader(worker.answers.fileno(), self._read, worker)

    def _detach(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            for worker in self._workers:
                if worker.alive:
                    self._loop.remove_reader(worker.answers.fileno())
                    self._loop.remove_writer(worker.calls.fileno())
        self._loop = None

    def _dispatch(self) -> None:
        """Hand waiting calls to the workers with room for them, the least busy first."""
        while self._backlog:
            ready = [worker for worker in self._workers if worker.alive and len(worker.waiting) < QUEUED]
            if not ready:
                if not any(worker.alive for worker in self._workers):
                    while self._backlog:
                        _, future = self._backlog.popleft()
                        if not future.done():
                            future.set_exception(BrokenWorkers("no worker process is left"))
                return
            worker = min(ready, key=lambda candidate: len(candidate.waiting))
            call, future = self._backlog.popleft()
            if future.done():  # cancelled while it waited
                continue
            worker.waiting.append(future)
            idle = not worker.unsent
            worker.unsent += len(call).to_bytes(_HEADER, "big") + call
            if idle:
                self._write(worker)

    def _write(self, worker: _Worker) -> None:
        assert self._loop is not None
        try:
            written = os.write(worker.calls.fileno(), worker.unsent)
        except BlockingIOError:
            written = 0
        except OSError:
            self._lost(worker)
            return
        del worker.unsent[:written]
        if worker.unsent:
            self._loop.add_writer(worker.calls.fileno(), self._write, worker)
        else:
            self._loop.remove_writer(worker.calls.fileno())

    def _read(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.answers.fileno(), _READ)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost(worker)
            return
        worker.received += data
        while len(worker.received) >= _HEADER:
            size = int.from_bytes(worker.received[:_HEADER], "big")
            if len(worker.received) < _HEADER + size:
                break
            answer = pickle.loads(worker.received[_HEADER:_HEADER + size])
            del worker.received[:_HEADER + size]
            future = worker.waiting.popleft()
            if not future.done():
                future.set_result(answer)
        self._dispatch()

    def _lost(self, worker: _Worker) -> None:
        """A worker died: its calls in hand fail, the others go to the workers left."""
        assert self._loop is not None
        worker.alive = False
        self._loop.remove_reader(worker.answers.fileno())
        self._loop.remove_writer(worker.calls.fileno())
        while worker.waiting:
            future = worker.waiting.popleft()
            if not future.done():
                future.set_exception(BrokenWorkers(f"worker process {worker.process.pid} died"))
        self._dispatch()


__all__ = ["QUEUED", "BrokenWorkers", "PageWorkers"]
