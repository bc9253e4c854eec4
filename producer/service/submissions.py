"""A manuscript sent over HTTP, to a queued job: validated as `narrate enqueue` validates
(the same options, the same readers), stored and queued by the same `producer.submit`.

Uploads are read from a private temporary directory under their own base name; a tenant
may name a destination only under the service's default one, and a manuscript in the
inbox only under its own folder there, so no request reaches another tenant's files.
"""

import argparse
import ipaddress
import json
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, Field, ValidationError, field_validator

from config.errors import LexiconError, ManuscriptError, OutputError
from config.jobs import JobState, job_id_for
from config.settings import Settings, SynthesisOptions
from models.registry import check_voice
from producer.cli import chapter_numbers, options_from, reading_from
from producer.readers import Source, read_source
from producer.readers.book import only_chapters
from producer.service.auth import ApiError
from producer.submit import submit
from worker.ledger import Ledger
from worker.storage import check_key, open_storage
from worker.tenants import Tenant, Tenants

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
MB = 1024 * 1024


class JobRequest(BaseModel):
    """The options of `narrate enqueue`, as form fields or JSON (`manuscript_key` then names
    the manuscript in the inbox instead of an upload)."""

    manuscript_key: str = ""
    lexicon_keys: list[str] = Field(default_factory=list)
    dest: str = ""
    webhook: str = ""
    priority: int = Field(5, ge=0, le=9)
    voice: str | None = None
    sample_rate: int | None = None
    speed: float = 1.0
    noise_scale: float | None = None
    noise_w: float | None = None
    seed: int = 0
    context: bool = True
    format: str = "wav"
    credits: bool = False
    sample_minutes: float = 0.0
    qa: str = "basic"  # checked, in any case, where every option is: SynthesisOptions
    include: list[str] = Field(default_factory=list)
    skip: list[str] = Field(default_factory=list)
    locale: str = ""
    chapter: list[int] = Field(default_factory=list)  # only these: --chapter's numbers

    model_config = {"extra": "forbid"}

    @field_validator("format", mode="before")
    @classmethod
    def _formats(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        if not all(isinstance(name, str) for name in value):  # joined, they would be a 500
            raise ValueError("a list of format names, or one string of them such as mp3,m4b")
        return ",".join(value)

    @field_validator("chapter", mode="before")
    @classmethod
    def _chapters(cls, value: Any) -> list[int]:
        """--chapter's forms (N, N-M, N,M-K), one or a list of them, a JSON number as N."""
        numbers: list[int] = []
        for item in value if isinstance(value, list) else [value]:
            # As sent: a JSON true is 'true', refused as --chapter true is, not taken as 1.
            text = item if isinstance(item, str) else json.dumps(item)
            try:
                numbers += chapter_numbers(text)
            except argparse.ArgumentTypeError as error:
                raise ValueError(str(error)) from error
        return numbers

    def arguments(self, lexicons: list[Path]) -> argparse.Namespace:
        """As the CLI's parser would give them, for its own option builders."""
        return argparse.Namespace(
            **self.model_dump(exclude={"context", "manuscript_key", "lexicon_keys"}),
            no_context=not self.context,
            lexicon=lexicons,
        )


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Submitted:
    job_id: str
    created: bool


def submit_job(
    request: JobRequest,
    manuscript: Upload | None,
    lexicons: list[Upload],
    tenant: Tenant,
    tenants: Tenants,
    ledger: Ledger,
    settings: Settings,
) -> Submitted:
    dest = destination(request.dest, settings.default_dest)
    webhook = checked_webhook(request.webhook, settings.api.webhook_private)
    # Options need no files: bad ones are refused before anything is fetched or read.
    options = _options(request)
    folder = Path(tempfile.mkdtemp(prefix="narrate-upload-"))
    try:
        if manuscript is None:
            manuscript, lexicons = from_inbox(request, tenant, settings)
        limit = tenant.max_manuscript_mb * MB
        if len(manuscript.data) > limit:
            raise ApiError(413, f"manuscript over the tenant's {tenant.max_manuscript_mb:g} MB")
        source = _read(request, manuscript, lexicons, folder)
        job_id = job_id_for(source.manuscript, options, dest, tenant.name)
        again = tenants.owns(tenant.name, job_id)
        # Sent again, a job goes on as it is; a cancelled one starts over, as with the CLI.
        if again and ledger.state(job_id) is not JobState.CANCELLED:
            return Submitted(job_id, created=False)
        if not tenants.reserve_active(tenant, job_id):
            raise ApiError(
                429,
                f"tenant {tenant.name} has {tenant.max_active_jobs} jobs queued or running, "
                "its limit",
                {"Retry-After": "30"},
            )
        extra = {"tenant": tenant.name, "webhook": webhook}
        name = Path(manuscript.name).name
        submit(ledger, source, dest, options, request.priority, extra, job_id, name)
        tenants.add_job(tenant.name, job_id, time.time())
        return Submitted(job_id, created=not again)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# SynthesisOptions' names of the request's fields, where the two differ.
SENT_AS = {"formats": "format"}


def _options(request: JobRequest) -> SynthesisOptions:
    """The job's options, built as `narrate enqueue` builds them; a bad one is refused
    naming the field the client sent (`format`, not the model's `formats`)."""
    if request.voice is not None:  # the operator's default may be a path; a tenant's not
        check_voice(request.voice, paths=False)
    try:
        return options_from(request.arguments([]))
    except ValidationError as error:
        first = error.errors()[0]
        field, *rest = first["loc"]  # every check of SynthesisOptions is a field's
        loc = (SENT_AS.get(str(field), field), *rest)
        raise ApiError(422, field_problem(loc, first["msg"])) from error


def _read(request: JobRequest, manuscript: Upload, lexicons: list[Upload], folder: Path) -> Source:
    """The manuscript read as `narrate enqueue` reads it, only the chapters `chapter`
    numbers if any; a bad one is refused in the request's words, not the CLI's."""
    path = _save(folder, manuscript)
    lexicon_paths = [_save(folder / f"lexicon{i}", lex) for i, lex in enumerate(lexicons)]
    try:
        source = read_source(path, reading_from(request.arguments(lexicon_paths)))
        if request.chapter:  # as enqueue's --chapter: the job is a book of those alone
            source.manuscript = only_chapters(source.manuscript, request.chapter, str(path))
    except (ManuscriptError, LexiconError) as error:  # the upload's path is the service's
        raise type(error)(_as_sent(str(error), folder)) from error
    return source


_FLAG = re.compile(r"(?<![\w-])--([a-z]+(?:-[a-z]+)*)")


def _as_sent(message: str, folder: Path) -> str:
    """A reader's error for this request: the upload's own name for its temporary path,
    and a field's name (`locale`) for the CLI's flag of it (`--locale`)."""

    def field(flag: re.Match[str]) -> str:
        name = flag[1].replace("-", "_")
        return name if name in JobRequest.model_fields else flag[0]

    uploaded = re.compile(rf"{re.escape(str(folder))}/(?:lexicon\d+/)?")  # as the client named it
    return _FLAG.sub(field, uploaded.sub("", message))


def field_problem(loc: Sequence[int | str], message: str) -> str:
    """One line naming the field by its path as the client sent it (`lexicon_keys[1]`)."""
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    message = message.removeprefix("Value error, ")  # pydantic's words, not the client's
    return f"{where.removeprefix('.')}: {message}" if where else message


def destination(asked: str, default: str) -> str:
    """The job's destination: the default, or a place under it."""
    if not default:
        raise ApiError(400, "this service has no default destination (NARRATE_DEFAULT_DEST)")
    dest = asked or default
    root = default.rstrip("/")
    if dest.rstrip("/") != root and not dest.startswith(root + "/"):
        raise ApiError(400, f"dest must be {root} or a place under it")
    below = dest[len(root) :].strip("/")
    if below:
        try:
            check_key(below)
        except OutputError as error:
            raise ApiError(400, f"dest: {error}") from error
    return dest


def checked_webhook(url: str, private_allowed: bool) -> str:
    """An http(s) URL, and unless allowed, not one into loopback or a private network."""
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ApiError(400, "webhook must be an http:// or https:// URL")
    if private_allowed:
        return url
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 443)
    except OSError as error:
        raise ApiError(400, f"webhook host {parsed.hostname!r} does not resolve") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ApiError(400, f"webhook host {parsed.hostname!r} is not a public address")
    return url


def from_inbox(
    request: JobRequest, tenant: Tenant, settings: Settings
) -> tuple[Upload, list[Upload]]:
    """The manuscript (and lexicons) a JSON request names, from INBOX/TENANT/."""
    if not request.manuscript_key:
        raise ApiError(400, "send a manuscript: a multipart field, or manuscript_key in JSON")
    if not settings.api.inbox:
        raise ApiError(400, "this service has no inbox (NARRATE_API__INBOX): upload instead")
    inbox = open_storage(settings.api.inbox).child(tenant.name)

    def fetch(key: str) -> Upload:
        try:
            check_key(key)
        except OutputError as error:
            raise ApiError(400, str(error)) from error
        if not inbox.exists(key):
            raise ApiError(404, f"no {key!r} in the inbox")
        if not inbox.contains(key):
            raise ApiError(400, f"{key!r} is a link out of your inbox folder: not read")
        return Upload(Path(key).name, inbox.get_bytes(key))

    return fetch(request.manuscript_key), [fetch(key) for key in request.lexicon_keys]


def _save(folder: Path, upload: Upload) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(_SAFE_NAME.sub("_", Path(upload.name or "manuscript.txt").name).strip("._"))
    # Kept short (a file name has 255 bytes at most); its suffix is kept, which tells Markdown.
    short = name.stem[:100] + name.suffix[:16] if name.name else ""
    path = folder / (short or "manuscript.txt")
    path.write_bytes(upload.data)
    return path
