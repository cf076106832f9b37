"""Notifications: the per-source filter, and webhook delivery to a real HTTP server on 127.0.0.1 that
fails, refuses, throttles and drops connections; exact attempts and payloads are asserted."""

from __future__ import annotations

import asyncio
import doctest
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import httpx
import pytest

import variorum.track.notify
from variorum import Article
from variorum.compare import compare
from variorum.track.fetch import USER_AGENT
from variorum.track.notify import ChangeEvent, WebhookNotifier, redacted, retry_after, worth_notifying

BODY = "The storm is 40 km from the coast, officials said.\n\nSchools are closed on Friday."
V1 = Article.from_text(f"Storm Nears\n\n{BODY}")
HEADLINE = compare(V1, Article.from_text(f"Storm Hits Coast\n\n{BODY}"))
NUMBER = compare(V1, Article.from_text(f"Storm Nears\n\n{BODY.replace('40', '25')}"))
PUNCTUATION = compare(V1, Article.from_text(f"Storm Nears\n\n{BODY.replace(', officials', ' officials')}"))
LAYOUT = compare(V1, Article.from_text(f"Storm Nears\n\n{BODY.replace(chr(10) * 2, ' ')}"))  # paragraphs merged
EVENT = ChangeEvent("https://news.example.org/storm", "Storm Hits Coast", 2, 1, HEADLINE, source_id=7)


# the filter -----------------------------------------------------------------------------------------------

def test_the_comparisons_used_below_are_what_they_claim():
    def kinds(c):
        return [(x.kind, x.significance) for x in c.changes]
    assert kinds(HEADLINE) == [("headline", "major")]
    assert ("number", "major") in kinds(NUMBER) and "headline" not in dict(kinds(NUMBER))
    assert kinds(PUNCTUATION) == [("punctuation", "minor")]
    assert kinds(LAYOUT) == [("paragraph_merged", "cosmetic")]


@pytest.mark.parametrize("comparison, minimum, headline_only, expected", [
    (HEADLINE, "major", False, True),
    (HEADLINE, "major", True, True),
    (NUMBER, "major", False, True),
    (NUMBER, "minor", True, False),
    (PUNCTUATION, "minor", False, True),
    (PUNCTUATION, "major", False, False),
    (LAYOUT, "minor", False, False),
    (LAYOUT, "cosmetic", False, True),
    (None, "cosmetic", False, False),
])
def test_worth_notifying_applies_minimum_significance_and_headline_only(comparison, minimum, headline_only, expected):
    assert worth_notifying(comparison, min_significance=minimum, headline_only=headline_only) is expected
    if comparison is not None:  # the stored JSON form decides the same way
        assert worth_notifying(comparison.to_dict(), min_significance=minimum, headline_only=headline_only) is expected


def test_worth_notifying_from_a_stored_summary():
    assert worth_notifying(HEADLINE.summary, min_significance="major", headline_only=True)
    assert not worth_notifying(NUMBER.summary, min_significance="major", headline_only=True)
    assert not worth_notifying(PUNCTUATION.summary, min_significance="major", headline_only=False)
    assert worth_notifying(PUNCTUATION.summary, min_significance="minor", headline_only=False)
    with pytest.raises(ValueError, match="min_significance must be one of"):
        worth_notifying(HEADLINE, min_significance="big", headline_only=False)


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert retry_after("7") == 7.0
    assert retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_module_docstring_example_runs():
    assert doctest.testmod(variorum.track.notify).failed == 0


# webhook delivery -----------------------------------------------------------------------------------------

@dataclass
class Answer:
    """What the hook answers to one POST; ``drop`` closes the connection without answering."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


class Hooks:
    """A webhook receiver: ``hooks.script[path] = [Answer(500), Answer(200)]`` (the last answer repeats)."""

    def __init__(self) -> None:
        self.script: dict[str, list[Answer]] = {}
        self.received: list[tuple[float, str, dict[str, str], bytes]] = []
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hooks.received.append((time.monotonic(), self.path, dict(self.headers.items()), body))
                answers = hooks.script.get(self.path, [Answer(404)])
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                time.sleep(answer.delay)
                if answer.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for name, value in {**answer.headers, "Content-Length": "2"}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def hits(self, path: str) -> list[tuple[float, dict[str, str], bytes]]:
        return [(at, headers, body) for at, p, headers, body in self.received if p == path]


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    running = Hooks()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def deliver(urls: list[str], *events: ChangeEvent, **options) -> WebhookNotifier:
    """Notify ``events`` through a fresh notifier with tiny backoff and wait for every delivery."""
    async def go() -> WebhookNotifier:
        async with httpx.AsyncClient(timeout=5) as client:
            notifier = WebhookNotifier(urls, client=client, **{"backoff": 0.01, "max_backoff": 0.05, **options})
            for event in events:
                await notifier.notify(event)
            await notifier.aclose()
            return notifier
    return asyncio.run(go())


def test_a_delivery_posts_the_event_as_json_with_our_user_agent(hooks):
    hooks.script["/hook"] = [Answer(204)]
    notifier = deliver([hooks.url("/hook")], EVENT)
    [(_, headers, body)] = hooks.hits("/hook")
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == USER_AGENT
    payload = json.loads(body)
    assert payload == {
        "url": "https://news.example.org/storm", "title": "Storm Hits Coast", "version": 2, "against": 1,
        "comparison": json.loads(json.dumps(HEADLINE.to_dict())),
    }
    assert payload["comparison"]["changes"][0]["kind"] == "headline"
    assert notifier.outcomes == {"delivered": 1}


def test_two_failures_then_success_is_three_attempts_of_the_same_payload(hooks, caplog):
    hooks.script["/hook"] = [Answer(500), Answer(503), Answer(200)]
    with caplog.at_level(logging.WARNING, logger="variorum.track"):
        notifier = deliver([hooks.url("/hook")], EVENT)
    bodies = [body for _, _, body in hooks.hits("/hook")]
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert notifier.outcomes == {"delivered": 1}
    assert caplog.records == []


def test_a_4xx_answer_is_not_retried_and_is_logged(hooks, caplog):
    hooks.script["/hook"] = [Answer(400)]
    with caplog.at_level(logging.WARNING, logger="variorum.track"):
        notifier = deliver([hooks.url("/hook")], EVENT)
    assert len(hooks.hits("/hook")) == 1
    assert notifier.outcomes == {"failed": 1}
    assert [r.getMessage() for r in caplog.records] == [
        "webhook: HTTP 400 refused version 2 of https://news.example.org/storm to "
        f"http://127.0.0.1:{hooks.server.server_port}/…; not retrying",
    ]


def test_persistent_5xx_gives_up_after_one_plus_retries_attempts(hooks, caplog):
    hooks.script["/hook"] = [Answer(502)]
    with caplog.at_level(logging.WARNING, logger="variorum.track"):
        notifier = deliver([hooks.url("/hook")], EVENT, retries=3)
    assert len(hooks.hits("/hook")) == 4
    assert notifier.outcomes == {"failed": 1}
    assert caplog.records[-1].getMessage().endswith("after 4 attempts (last: HTTP 502)")
    assert caplog.records[-1].levelname == "WARNING"


def test_backoff_grows_exponentially(hooks):
    hooks.script["/hook"] = [Answer(500), Answer(500), Answer(500), Answer(200)]
    deliver([hooks.url("/hook")], EVENT, backoff=0.1, max_backoff=10)
    times = [at for at, _, _ in hooks.hits("/hook")]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # waits are jittered into [d/2, d] for d = 0.1, 0.2, 0.4 (the upper bounds leave room for a busy machine)
    assert 0.05 <= gaps[0] < 0.1 + 0.3
    assert 0.1 <= gaps[1] < 0.2 + 0.3
    assert 0.2 <= gaps[2] < 0.4 + 0.3


def test_429_is_retried_after_the_servers_retry_after(hooks):
    hooks.script["/hook"] = [Answer(429, {"Retry-After": "1"}), Answer(200)]
    notifier = deliver([hooks.url("/hook")], EVENT, max_backoff=5)
    first, second = [at for at, _, _ in hooks.hits("/hook")]
    assert second - first >= 1.0
    assert notifier.outcomes == {"delivered": 1}


def test_retry_after_is_capped_by_max_backoff(hooks, monkeypatch):
    hooks.script["/hook"] = [Answer(503, {"Retry-After": "3600"}), Answer(200)]
    waits: list[float] = []
    delay = WebhookNotifier._delay
    monkeypatch.setattr(WebhookNotifier, "_delay", lambda self, *args: waits.append(delay(self, *args)) or waits[-1])
    notifier = deliver([hooks.url("/hook")], EVENT, max_backoff=0.05)
    assert waits == [0.05]  # the server asked for an hour
    assert len(hooks.hits("/hook")) == 2 and notifier.outcomes == {"delivered": 1}


def test_a_dropped_connection_is_a_network_error_and_is_retried(hooks):
    hooks.script["/hook"] = [Answer(drop=True), Answer(200)]
    notifier = deliver([hooks.url("/hook")], EVENT)
    assert len(hooks.hits("/hook")) == 2
    assert notifier.outcomes == {"delivered": 1}


def test_an_unreachable_hook_fails_quietly_after_its_retries(caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="variorum.track"):
        notifier = deliver([f"http://127.0.0.1:{port}/hook"], EVENT, retries=2)
    assert notifier.outcomes == {"failed": 1}
    assert "after 3 attempts (last: ConnectError" in caplog.records[-1].getMessage()


def test_every_url_gets_every_event_and_one_bad_hook_does_not_stop_the_others(hooks):
    hooks.script["/good"] = [Answer(200)]
    hooks.script["/bad"] = [Answer(410)]
    second = ChangeEvent(EVENT.url, EVENT.title, 3, 2, NUMBER)
    notifier = deliver([hooks.url("/good"), hooks.url("/bad")], EVENT, second)
    assert sorted(json.loads(body)["version"] for _, _, body in hooks.hits("/good")) == [2, 3]
    assert len(hooks.hits("/bad")) == 2
    assert notifier.outcomes == {"delivered": 2, "failed": 2}


def test_notify_returns_before_delivery_and_aclose_waits_for_it(hooks, caplog):
    hooks.script["/slow"] = [Answer(200, delay=0.5)]

    async def go() -> tuple[dict[str, int], dict[str, int], WebhookNotifier]:
        async with httpx.AsyncClient(timeout=5) as client:
            notifier = WebhookNotifier([hooks.url("/slow")], client=client, backoff=0.01)
            await notifier.notify(EVENT)
            returned = dict(notifier.outcomes)  # the hook takes half a second to answer
            await notifier.aclose()
            closed = dict(notifier.outcomes)
            await notifier.notify(EVENT)  # after aclose: dropped with a warning, not sent
            return returned, closed, notifier

    with caplog.at_level(logging.WARNING, logger="variorum.track"):
        returned, closed, notifier = asyncio.run(go())
    assert returned == {} and closed == {"delivered": 1}
    assert notifier.outcomes == {"delivered": 1}
    assert len(hooks.hits("/slow")) == 1
    assert "notifier is closed" in caplog.records[-1].getMessage()


@pytest.mark.parametrize("urls, options, message", [
    ([], {"retries": -1}, "must not be negative"),
    (["ftp://example.org/hook"], {}, "a webhook must be an http:// or https:// URL, not 'ftp://example.org/hook'"),
    (["hooks.example.org/x"], {}, "a webhook must be an http:// or https:// URL"),
])
def test_bad_settings_are_refused_when_the_notifier_is_made(urls, options, message):
    async def go() -> None:
        async with httpx.AsyncClient() as client:
            WebhookNotifier(urls, client=client, **options)
    with pytest.raises(ValueError, match=message):
        asyncio.run(go())


def test_logs_name_a_hook_without_its_secret_path_or_credentials():
    assert redacted("https://user:pw@hooks.example.org:8443/T000/B000/secret?token=x") == "https://hooks.example.org:8443/…"
    assert redacted("http://[::1]/hook") == "http://[::1]/…"
