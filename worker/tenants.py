"""Tenants of the HTTP service and their API keys, in Redis beside the ledger.

A key is shown once, when it is made, and stored only as its SHA-256: keys are 256 random
bits, so a fast hash is as safe as a slow one and costs nothing per request. A key carries
its own id (``nrk_<id>.<secret>``), which finds its record in one read; the hashes are then
compared in constant time, and an unknown id is compared against a dummy so that it takes
as long. The worker reads a tenant's webhook secret from here to sign what it sends.

Keys, all under ``narrate:``:
  apikeys                hash: key id -> json {tenant, sha256, created_at, revoked_at}
  tenant:{name}          hash: webhook_secret, created_at, and limits set for this tenant
  tenant:{name}:jobs     sorted set of the tenant's job ids by creation time
  tenant:{name}:active   set of its jobs that were not final when last looked at
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from config.errors import PermanentError
from config.jobs import FINAL
from config.settings import ApiSettings

PREFIX = "narrate:"
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_KEY = re.compile(r"^nrk_([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$")
_DUMMY = hashlib.sha256(b"no such key").hexdigest()
LIMITS = ("requests_per_minute", "max_active_jobs", "max_manuscript_mb")
CACHE_S = 5.0


@dataclass(frozen=True)
class Tenant:
    name: str
    webhook_secret: str
    requests_per_minute: int
    max_active_jobs: int
    max_manuscript_mb: float


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    tenant: str
    created_at: float
    revoked_at: float | None

    def line(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(self.created_at))
        state = "revoked" if self.revoked_at else "active"
        return f"{self.key_id}  {self.tenant:<20}  {when}  {state}"


def _checked(limits: dict[str, float]) -> dict[str, float]:
    """A tenant's limits, held to the bounds of the defaults they stand in for (a tenant
    allowed 0 jobs at once could never submit one); refused before anything is stored."""
    unknown = [name for name in limits if name not in LIMITS]
    if unknown:
        raise PermanentError(f"unknown limit {unknown[0]!r}; known: {', '.join(LIMITS)}")
    try:
        ApiSettings.model_validate(limits)
    except ValidationError as error:
        first = error.errors()[0]
        flag = str(first["loc"][0]).replace("_", "-")
        raise PermanentError(f"--{flag}: {first['msg']}") from None
    return limits


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Tenants:
    """Tenants, their limits and keys."""

    def __init__(self, redis: Any, defaults: ApiSettings) -> None:
        self.redis = redis
        self.defaults = defaults
        self._cache: dict[str, tuple[float, Tenant | None]] = {}

    def _tenant_key(self, name: str, suffix: str = "") -> str:
        return f"{PREFIX}tenant:{name}{':' + suffix if suffix else ''}"

    def create_key(self, tenant: str, limits: dict[str, float] | None = None) -> str:
        """A new API key for the tenant (made with its webhook secret on first use); the
        key itself is returned and never stored."""
        if not TENANT_NAME.match(tenant):
            raise PermanentError(
                f"tenant name {tenant!r}: lowercase letters, digits, '-' and '_', up to 63"
            )
        limits = _checked(limits or {})
        record = self._tenant_key(tenant)
        self.redis.hsetnx(record, "webhook_secret", "whsec_" + secrets.token_urlsafe(32))
        self.redis.hsetnx(record, "created_at", repr(time.time()))
        for name, value in limits.items():
            self.redis.hset(record, name, repr(value))
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        key = f"nrk_{key_id}.{secret}"
        entry = {"tenant": tenant, "sha256": _sha256(key), "created_at": time.time()}
        self.redis.hset(f"{PREFIX}apikeys", key_id, json.dumps({**entry, "revoked_at": None}))
        return key

    def authenticate(self, key: str) -> Tenant | None:
        """The key's tenant, or None for a malformed, unknown or revoked key."""
        match = _KEY.match(key)
        raw = self.redis.hget(f"{PREFIX}apikeys", match.group(1)) if match else None
        entry = json.loads(raw) if raw else None
        stored = entry["sha256"] if entry else _DUMMY
        if not hmac.compare_digest(_sha256(key), stored) or entry is None:
            return None
        if entry["revoked_at"] is not None:
            return None
        return self.tenant(entry["tenant"], fresh=False)

    def tenant(self, name: str, fresh: bool = True) -> Tenant | None:
        """The tenant's record; with fresh=False, one read up to CACHE_S ago will do (a
        limit changed by `keys create` applies that much later: every request reads it)."""
        kept = self._cache.get(name)
        if not fresh and kept is not None and time.monotonic() - kept[0] < CACHE_S:
            return kept[1]
        tenant = self._read(name)
        self._cache[name] = (time.monotonic(), tenant)
        return tenant

    def _read(self, name: str) -> Tenant | None:
        record: dict[str, str] = self.redis.hgetall(self._tenant_key(name))
        if not record:
            return None
        given = {name: float(record[name]) for name in LIMITS if name in record}
        return Tenant(
            name=name,
            webhook_secret=record["webhook_secret"],
            requests_per_minute=int(
                given.get("requests_per_minute", self.defaults.requests_per_minute)
            ),
            max_active_jobs=int(given.get("max_active_jobs", self.defaults.max_active_jobs)),
            max_manuscript_mb=given.get("max_manuscript_mb", self.defaults.max_manuscript_mb),
        )

    def keys(self, tenant: str | None = None) -> list[KeyRecord]:
        records = []
        for key_id, raw in self.redis.hgetall(f"{PREFIX}apikeys").items():
            entry = json.loads(raw)
            if tenant is None or entry["tenant"] == tenant:
                records.append(
                    KeyRecord(key_id, entry["tenant"], entry["created_at"], entry["revoked_at"])
                )
        return sorted(records, key=lambda r: (r.tenant, r.created_at))

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by its id; False if it was revoked already."""
        raw = self.redis.hget(f"{PREFIX}apikeys", key_id)
        if raw is None:
            raise PermanentError(f"unknown key id {key_id!r} (see `narrate keys list`)")
        entry = json.loads(raw)
        if entry["revoked_at"] is not None:
            return False
        entry["revoked_at"] = time.time()
        self.redis.hset(f"{PREFIX}apikeys", key_id, json.dumps(entry))
        return True

    # -- the tenant's jobs -----------------------------------------------------------------

    def add_job(self, tenant: str, job_id: str, created_at: float) -> None:
        with self.redis.pipeline() as pipe:
            pipe.zadd(self._tenant_key(tenant, "jobs"), {job_id: created_at}, nx=True)
            pipe.sadd(self._tenant_key(tenant, "active"), job_id)
            pipe.execute()

    def owns(self, tenant: str, job_id: str) -> bool:
        return self.redis.zscore(self._tenant_key(tenant, "jobs"), job_id) is not None

    def jobs(self, tenant: str, offset: int, limit: int) -> tuple[list[str], int]:
        """A page of the tenant's job ids, newest first, and how many it has in all."""
        key = self._tenant_key(tenant, "jobs")
        with self.redis.pipeline() as pipe:
            pipe.zrevrange(key, offset, offset + limit - 1)
            pipe.zcard(key)
            ids, total = pipe.execute()
        return list(ids), int(total)

    def reserve_active(self, tenant: Tenant, job_id: str) -> bool:
        """Count job_id among the tenant's active jobs if that keeps it within its limit;
        jobs that have ended since are let go first."""
        key = self._tenant_key(tenant.name, "active")
        self.redis.sadd(key, job_id)
        members = sorted(self.redis.smembers(key))
        with self.redis.pipeline() as pipe:
            for member in members:
                pipe.hget(f"{PREFIX}job:{member}", "state")
            states = pipe.execute()
        ended = [m for m, s in zip(members, states, strict=True) if s in FINAL and m != job_id]
        if ended:
            self.redis.srem(key, *ended)
        if len(members) - len(ended) <= tenant.max_active_jobs:
            return True
        self.redis.srem(key, job_id)
        return False
