"""Who is calling: an API key to its tenant, its requests per minute, and signed links.

A browser's audio player cannot send an Authorization header, so the dashboard asks for a
link instead: a file's URL with an expiry and an HMAC over job, key and expiry, signed with
a secret the API processes share through Redis (an S3 destination gets a presigned URL).
"""

import hashlib
import hmac
import math
import secrets
import time
from typing import Any

from fastapi import Request

from worker.tenants import Tenant, Tenants

_LINK_SECRET = "narrate:api:link_secret"


class ApiError(Exception):
    """An HTTP error with a one-line message, answered as {"error": message}."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, {"WWW-Authenticate": 'Bearer realm="narrate"'})


class Guard:
    """Authenticates a request's bearer key and counts it against the tenant's limit."""

    def __init__(self, tenants: Tenants) -> None:
        self.tenants = tenants

    def caller(self, request: Request) -> Tenant:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise unauthorized("no API key: send Authorization: Bearer <key>")
        tenant = self.tenants.authenticate(key.strip())
        if tenant is None:
            raise unauthorized("unknown or revoked API key")
        self.count(tenant)
        return tenant

    def count(self, tenant: Tenant) -> None:
        """A fixed window per minute, shared by every API process through Redis."""
        now = time.time()
        window = int(now // 60)
        key = f"narrate:rate:{tenant.name}:{window}"
        with self.tenants.redis.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            made, _ = pipe.execute()
        if int(made) > tenant.requests_per_minute:
            wait = max(1, math.ceil((window + 1) * 60 - now))
            raise ApiError(
                429,
                f"over {tenant.requests_per_minute} requests a minute for tenant {tenant.name}",
                {"Retry-After": str(wait)},
            )


class Links:
    """Signed, expiring URLs of a job's files."""

    def __init__(self, redis: Any, ttl_s: int) -> None:
        redis.set(_LINK_SECRET, secrets.token_hex(32), nx=True)
        self.secret: bytes = str(redis.get(_LINK_SECRET)).encode()
        self.ttl_s = ttl_s

    def _signature(self, job_id: str, key: str, expires: int) -> str:
        message = f"{job_id}\n{key}\n{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def sign(self, job_id: str, key: str) -> str:
        expires = int(time.time()) + self.ttl_s
        signature = self._signature(job_id, key, expires)
        return f"/v1/jobs/{job_id}/files/{key}?expires={expires}&signature={signature}"

    def valid(self, job_id: str, key: str, expires: str, signature: str) -> bool:
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(self._signature(job_id, key, int(expires)), signature)
