"""Webhooks: a job that names a URL is announced there once it is done, failed or cancelled.

The body is the job's outcome as JSON (`payload`), the same bytes on every attempt. It is
signed as Stripe signs: ``Narrate-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the tenant's webhook secret>``; a receiver checks it with `verify` (copy
it) and drops a repeat by its ``Idempotency-Key``, the same on every attempt.

Exactly one notification per job: the ledger's finish transition marks the webhook pending
in the same atomic step (`Ledger.finish`), and only the call that made it sends the task
(`finish` here). The task may still run twice (Celery over Redis delivers at least once, a
lost message is sent again by the reconciler), so an attempt is made only under a lock and
only when the ledger says one is due; a delivered or abandoned webhook is due no more.

A 2xx answer delivers; 4xx other than 408 and 429 gives up (the receiver refuses it); the
rest (5xx, timeouts, refused connections) is tried again after 30 s, 1 min, 2 min, ... up to
an hour apart, until `webhook_retry_for_s` after the job ended. Redirects are not followed.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from config.jobs import WEBHOOK_TASK, JobState, WebhookState
from config.layout import MANIFEST_KEY
from config.settings import Settings
from worker.ledger import Ledger
from worker.tenants import Tenants

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Narrate-Signature"
USER_AGENT = "narrate-webhooks/1"
MAX_BACKOFF_S = 3600.0
# A retry may reach a worker whose clock runs a little behind the one that scheduled it.
EARLY_S = 5.0
_RETRIED_4XX = {408, 429}


def finish(ledger: Ledger, job_id: str, state: JobState, error: str = "") -> bool:
    """Move a job to a final state once (`Ledger.finish`); the call that did it sends the
    job's webhook, if it has one. True for that call."""
    if not ledger.finish(job_id, state, error):
        return False
    if ledger.webhook_due(job_id) is not None:
        notify(job_id)
    return True


def notify(job_id: str) -> None:
    """Queue an attempt at the job's webhook, ahead of narration work (priority 0)."""
    from worker.app import app  # Celery is loaded only where a webhook is sent

    app.send_task(WEBHOOK_TASK, args=[job_id], task_id=f"{job_id}:webhook", priority=0)


def payload(record: Mapping[str, str]) -> dict[str, Any]:
    """What a webhook says of a final job (its ledger record)."""
    state = record["state"]
    created = float(record["created_at"])
    finished = float(record["finished_at"]) if record.get("finished_at") else None
    return {
        "id": record["job_id"],
        "event": f"job.{state}",
        "state": state,
        "error": record.get("error") or None,
        "manifest_key": MANIFEST_KEY if state == JobState.DONE else None,
        "dest": record.get("dest", ""),
        "created_at": created,
        "finished_at": finished,
        "wall_s": round(finished - created, 3) if finished is not None else None,
        "audio_s": float(record.get("audio_s", 0.0)),
        "chapters": int(record.get("chapters_total", 0)),
    }


def body_of(record: Mapping[str, str]) -> bytes:
    """The payload's bytes: keys sorted, so every attempt sends (and signs) the same."""
    return json.dumps(payload(record), sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``t=<timestamp>,v1=<hex HMAC-SHA256>``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, tolerance_s: float = 300, now: float | None = None
) -> bool:
    """A receiver's check of a delivery: signed with this secret, over these very bytes,
    less than tolerance_s ago (an old one replayed is refused). Several v1 values may come
    while a secret is being replaced; one match is enough."""
    parts = [part.partition("=") for part in header.split(",")]
    stamps = [value for name, _, value in parts if name.strip() == "t"]
    signatures = [value.strip() for name, _, value in parts if name.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        return False
    timestamp = int(stamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in signatures)


def idempotency_key(job_id: str, state: str) -> str:
    """The same for every attempt at one job's notification."""
    return hashlib.sha256(f"{job_id}:{state}".encode()).hexdigest()[:32]


def headers(secret: str, record: Mapping[str, str], body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": idempotency_key(record["job_id"], record["state"]),
        SIGNATURE_HEADER: sign(secret, int(time.time()), body),
    }


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: delivered, or not (and then whether to try again)."""

    delivered: bool
    permanent: bool = False
    error: str = ""


class NotPublicError(OSError):
    """Raised when a webhook's host resolves to an address the service may not call."""


def _open(host: str, port: int, timeout: float, private_allowed: bool) -> socket.socket:
    """A connection to one of the host's addresses, all of them checked first: the check
    at submission alone would let the name change to a private address later."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not private_allowed:
        for info in infos:
            if not ipaddress.ip_address(info[4][0]).is_global:
                raise NotPublicError(f"webhook host {host} resolves to a non-public address")
    failure: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as error:
            sock.close()
            failure = error
            continue
        return sock
    raise failure


class _Connection(http.client.HTTPConnection):
    private_allowed = False

    def connect(self) -> None:
        self.sock = _open(self.host, self.port, float(self.timeout or 10), self.private_allowed)


class _TlsConnection(http.client.HTTPSConnection, _Connection):
    """TLS over `_Connection`'s checked socket; the certificate is checked for the host."""


def deliver(
    url: str, body: bytes, sent: Mapping[str, str], timeout: float, private_allowed: bool
) -> Outcome:
    """POST the body to the URL once, without following redirects."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        return Outcome(False, permanent=True, error="not an http:// or https:// URL")
    kind = _TlsConnection if parts.scheme == "https" else _Connection
    connection = kind(parts.hostname, port, timeout=timeout)
    connection.private_allowed = private_allowed
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=dict(sent))
        status = connection.getresponse().status
    except NotPublicError as error:
        return Outcome(False, permanent=True, error=str(error))
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(True)
    refused = 400 <= status < 500 and status not in _RETRIED_4XX
    return Outcome(False, permanent=refused, error=f"HTTP {status}")


def backoff(attempts: int, settings: Settings) -> float:
    """The wait after the attempts-th failed attempt: doubling from the first, capped."""
    cap = min(MAX_BACKOFF_S, settings.visibility_timeout_s / 2)
    return float(min(cap, settings.webhook_first_retry_s * 2 ** min(attempts - 1, 32)))


def attempt(ledger: Ledger, job_id: str, settings: Settings) -> float | None:
    """Try the job's webhook once if an attempt is due; returns the seconds until the next
    one, or None when none is to come from this call (delivered, given up, not due, or
    being attempted by another delivery of the task)."""
    lock = f"{job_id}:webhook"
    # A slow receiver can hold one attempt a few timeouts long (connect, send, answer).
    if not ledger.try_lock(lock, int(3 * settings.webhook_timeout_s) + 30):
        return None
    try:
        due = ledger.webhook_due(job_id)
        # No more early than half the first wait: a copy of the task (the reconciler's, say)
        # arriving at once must not make a retry of seconds immediate.
        early = min(EARLY_S, settings.webhook_first_retry_s / 2)
        if due is None or time.time() < due - early:
            return None  # done with, or a stale copy of an earlier attempt's message
        return _attempt(ledger, job_id, settings)
    finally:
        ledger.unlock(lock)


def _attempt(ledger: Ledger, job_id: str, settings: Settings) -> float | None:
    record = ledger.job(job_id)
    attempts = ledger.webhook_attempted(job_id)
    host = urlsplit(record["webhook"]).hostname  # never the whole URL: it may hold a token
    tenant = Tenants(ledger.redis, settings.api).tenant(record.get("tenant", ""))
    if tenant is None:
        outcome = Outcome(False, permanent=True, error="no tenant to sign it with")
    else:
        body = body_of(record)
        sent = headers(tenant.webhook_secret, record, body)
        outcome = deliver(
            record["webhook"], body, sent, settings.webhook_timeout_s, settings.api.webhook_private
        )
    if outcome.delivered:
        ledger.webhook_outcome(job_id, WebhookState.DELIVERED)
        log.info("%s: webhook to %s delivered (attempt %d)", job_id, host, attempts)
        return None
    wait = backoff(attempts, settings)
    deadline = float(record["finished_at"]) + settings.webhook_retry_for_s
    if outcome.permanent or time.time() + wait > deadline:
        ledger.webhook_outcome(job_id, WebhookState.FAILED, outcome.error)
        log.error(
            "%s: webhook to %s given up after %d attempts: %s",
            job_id, host, attempts, outcome.error,
        )  # fmt: skip
        return None
    ledger.webhook_outcome(job_id, WebhookState.PENDING, outcome.error, time.time() + wait)
    log.warning(
        "%s: webhook to %s failed (attempt %d: %s); again in %.0f s",
        job_id, host, attempts, outcome.error, wait,
    )  # fmt: skip
    return wait
