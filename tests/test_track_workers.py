"""PageWorkers: the tracker's worker processes, fed and read by the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from variorum.track.workers import QUEUED, BrokenWorkers, PageWorkers


def _echo(value: bytes, pause: float = 0.0) -> tuple[int, bytes]:
    time.sleep(pause)
    return os.getpid(), value


def _fail(message: str) -> None:
    raise ValueError(message)


class _Unpicklable(Exception):
    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("no pickling")


def _fail_unpicklably() -> None:
    raise _Unpicklable("kept here")


def test_many_calls_come_back_to_their_callers_spread_over_the_workers() -> None:
    payloads = [os.urandom(n * 997 % 300_000) for n in range(60)]  # some larger than a pipe's buffer

    async def main(workers: PageWorkers) -> list[tuple[int, bytes]]:
        return await asyncio.gather(*(workers.run(_echo, payload, 0.001) for payload in payloads))

    with PageWorkers(2) as workers:
        answers = asyncio.run(main(workers))
        assert [value for _, value in answers] == payloads
        assert {pid for pid, _ in answers} == set(workers.pids) and len(workers.pids) == 2


def test_an_exception_in_a_worker_is_raised_to_its_caller_and_the_worker_goes_on() -> None:
    async def main(workers: PageWorkers) -> None:
        with pytest.raises(ValueError, match="bad page"):
            await workers.run(_fail, "bad page")
        with pytest.raises(RuntimeError, match="_Unpicklable: kept here"):
            await workers.run(_fail_unpicklably)
        assert (await workers.run(_echo, b"next"))[1] == b"next"

    with PageWorkers(1) as workers:
        asyncio.run(main(workers))


def test_a_killed_worker_fails_the_calls_it_held_and_the_others_go_to_the_worker_left() -> None:
    async def main(workers: PageWorkers) -> list[object]:
        calls = [asyncio.ensure_future(workers.run(_echo, bytes([n]), 0.3)) for n in range(2 * QUEUED + 2)]
        await asyncio.sleep(0.1)  # every worker holds QUEUED calls now
        os.kill(workers.pids[0], signal.SIGKILL)
        return await asyncio.gather(*calls, return_exceptions=True)

    with PageWorkers(2) as workers:
        survivor = workers.pids[1]
        outcomes = asyncio.run(main(workers))
    broken = [outcome for outcome in outcomes if isinstance(outcome, BrokenWorkers)]
    done = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    assert len(broken) == QUEUED
    assert len(done) == len(outcomes) - QUEUED and {pid for pid, _ in done} == {survivor}


def test_with_no_worker_left_a_call_fails_instead_of_waiting() -> None:
    async def main(workers: PageWorkers) -> None:
        first = asyncio.ensure_future(workers.run(_echo, b"x", 0.5))
        await asyncio.sleep(0.1)
        os.kill(workers.pids[0], signal.SIGKILL)
        with pytest.raises(BrokenWorkers):
            await first
        with pytest.raises(BrokenWorkers, match="no worker process is left"):
            await workers.run(_echo, b"y")

    with PageWorkers(1) as workers:
        asyncio.run(main(workers))


def test_closing_stops_the_workers() -> None:
    workers = PageWorkers(2)
    pids = workers.pids
    assert asyncio.run(workers.run(_echo, b"a"))[1] == b"a"
    workers.close()
    for pid in pids:
        with pytest.raises(OSError):
            os.kill(pid, 0)  # gone (joined: not even a zombie)
