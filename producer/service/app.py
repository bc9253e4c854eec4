"""The FastAPI application of `narrate serve`: routes under /v1, each error one JSON line.

Every /v1 route is a tenant's: its key says who calls, and a job that is not the caller's
is answered exactly as one that does not exist (404), so ids cannot be probed.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from config.errors import NarrateError, OutputError, PermanentError, UnknownJobError
from config.settings import Settings, get_settings
from producer.service.auth import ApiError, Guard, Links
from producer.service.limits import BodyLimit, BodyTooLarge
from producer.service.submissions import JobRequest, Upload, field_problem, submit_job
from producer.service.views import Chapters, events
from producer.submit import cancel, job_view
from worker.ledger import Ledger
from worker.storage import LocalStorage, S3Storage, check_key, open_storage
from worker.tenants import Tenant, Tenants

MB = 1024 * 1024
PAGE_MAX = 100


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    ledger = Ledger(settings.broker_url)
    tenants = Tenants(ledger.redis, settings.api)
    guard = Guard(tenants)
    chapters = Chapters()
    # /docs and /redoc with their scripts served here, not from a CDN: a host without the
    # internet, or a browser that may not reach one, sees the API's pages all the same.
    app = FastAPIOffline(
        title="narrate", version="1", summary="Batch text-to-speech for long documents"
    )
    app.add_middleware(BodyLimit, limit=int((settings.max_manuscript_mb + 10) * MB))
    if settings.api.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    _errors(app)
    links: list[Links] = []

    def signer() -> Links:
        if not links:  # made on first use, so the app starts while Redis does
            links.append(Links(ledger.redis, settings.api.link_ttl_s))
        return links[0]

    Caller = Annotated[Tenant, Depends(guard.caller)]

    def owned(tenant: Tenant, job_id: str) -> None:
        if not tenants.owns(tenant.name, job_id):
            raise ApiError(404, f"no job {job_id!r}")

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        try:
            ledger.ping()
        except NarrateError as error:
            raise ApiError(503, str(error)) from error
        return {"status": "ok"}

    @app.get("/metrics", tags=["operations"])
    def metrics(request: Request) -> Response:
        from producer.service.metrics import render

        body, content_type = render(ledger, request.headers.get("accept", ""))
        return Response(body, media_type=content_type)

    @app.post("/v1/jobs", status_code=201, tags=["jobs"])
    async def create_job(request: Request, tenant: Caller) -> JSONResponse:
        """Multipart (`manuscript` file, `lexicon` files, options as fields) or JSON naming
        a manuscript in the inbox (`manuscript_key`); the options of `narrate enqueue`."""
        job, manuscript, lexicons = await _parse_submission(request)
        submitted = await _in_thread(
            submit_job, job, manuscript, lexicons, tenant, tenants, ledger, settings
        )
        view = {"id": submitted.job_id, "state": ledger.state(submitted.job_id).value}
        return JSONResponse(view, status_code=201 if submitted.created else 200)

    @app.get("/v1/jobs", tags=["jobs"])
    def list_jobs(tenant: Caller, offset: int = 0, limit: int = 20) -> dict[str, Any]:
        """The caller's jobs, newest first."""
        if offset < 0 or not 1 <= limit <= PAGE_MAX:
            raise ApiError(400, f"offset must be 0 or more and limit 1 to {PAGE_MAX}")
        ids, total = tenants.jobs(tenant.name, offset, limit)
        following = offset + limit if offset + limit < total else None
        views = []
        for job_id in ids:
            try:
                views.append(job_view(ledger, job_id))
            except UnknownJobError:
                continue  # its record expired from Redis: nothing to show

        return {"jobs": views, "total": total, "offset": offset, "next_offset": following}

    @app.get("/v1/jobs/{job_id}", tags=["jobs"])
    def get_job(job_id: str, tenant: Caller) -> dict[str, Any]:
        owned(tenant, job_id)
        return job_view(ledger, job_id)

    @app.get("/v1/jobs/{job_id}/chapters", tags=["jobs"])
    def get_chapters(job_id: str, tenant: Caller) -> dict[str, Any]:
        owned(tenant, job_id)
        return {"chapters": chapters.of(ledger, job_id)}

    @app.delete("/v1/jobs/{job_id}", tags=["jobs"])
    def cancel_job(job_id: str, tenant: Caller) -> dict[str, Any]:
        owned(tenant, job_id)
        cancel(ledger, job_id)
        return job_view(ledger, job_id)

    @app.get("/v1/jobs/{job_id}/events", tags=["jobs"])
    def job_events(job_id: str, tenant: Caller) -> StreamingResponse:
        """Server-sent events: a `data:` line (the job as GET returns it) per change; the
        stream ends when the job does."""
        owned(tenant, job_id)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        stream = events(ledger, job_id)
        return StreamingResponse(stream, media_type="text/event-stream", headers=headers)

    @app.get("/v1/jobs/{job_id}/links/{key:path}", tags=["files"])
    def file_link(job_id: str, key: str, request: Request, tenant: Caller) -> dict[str, Any]:
        """A URL of one of the job's files that works without a key until it expires (for
        an audio player): presigned by S3, or signed by this service."""
        owned(tenant, job_id)
        storage = _job_storage(ledger, job_id, key)
        if not storage.exists(key):
            raise ApiError(404, f"job {job_id} has no file {key!r}")
        if isinstance(storage, S3Storage):
            url = _presigned(storage, key, settings.api.link_ttl_s)
        else:  # absolute, as a player given the link alone needs it
            url = str(request.base_url).rstrip("/") + signer().sign(job_id, key)
        return {"url": url, "expires_in": settings.api.link_ttl_s}

    @app.get("/v1/jobs/{job_id}/files/{key:path}", tags=["files"])
    def get_file(
        job_id: str, key: str, request: Request, expires: str = "", signature: str = ""
    ) -> Response:
        """One of the job's output files (key as in its manifest): the file itself, or a
        redirect to a presigned S3 URL. A bearer key, or a link's signature."""
        if not (signature and signer().valid(job_id, key, expires, signature)):
            if signature and "authorization" not in request.headers:
                raise ApiError(403, "this link has expired or is not valid: ask for a new one")
            owned(guard.caller(request), job_id)
        storage = _job_storage(ledger, job_id, key)
        if isinstance(storage, LocalStorage):
            path: Path = storage.path(key)
            if not path.is_file():
                raise ApiError(404, f"job {job_id} has no file {key!r}")
            return FileResponse(path)
        if not storage.exists(key):
            raise ApiError(404, f"job {job_id} has no file {key!r}")
        assert isinstance(storage, S3Storage)
        return RedirectResponse(_presigned(storage, key, settings.api.link_ttl_s), status_code=307)

    from producer.service.pages import add_pages

    add_pages(app)
    return app


def _presigned(storage: S3Storage, key: str, ttl_s: int) -> str:
    where = {"Bucket": storage.bucket, "Key": storage._key(key)}
    return str(storage.client.generate_presigned_url("get_object", Params=where, ExpiresIn=ttl_s))


def _job_storage(ledger: Ledger, job_id: str, key: str) -> LocalStorage | S3Storage:
    try:
        check_key(key)
    except OutputError as error:
        raise ApiError(400, str(error)) from error
    storage = open_storage(ledger.job(job_id)["dest"]).child(job_id)
    assert isinstance(storage, LocalStorage | S3Storage)
    return storage


async def _parse_submission(request: Request) -> tuple[JobRequest, Upload | None, list[Upload]]:
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError as error:  # json's own error, or a body that is not UTF-8
            raise ApiError(400, f"the body is not JSON ({error})") from error
        if not isinstance(body, dict):
            raise ApiError(400, "expected a JSON object")
        return JobRequest.model_validate(body), None, []
    if not kind.startswith("multipart/form-data"):
        raise ApiError(415, "send multipart/form-data (an upload) or application/json")
    form = await request.form(max_files=64, max_fields=64)
    fields: dict[str, Any] = {}
    manuscript, lexicons = None, []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            upload = Upload(value.filename or "", await value.read())
            if name == "manuscript":
                manuscript = upload
            elif name == "lexicon":
                lexicons.append(upload)
            else:
                raise ApiError(400, f"unexpected file field {name!r}")
        elif value == "":  # a form's field left blank: its default, as the CLI's absent option
            continue
        elif name in ("include", "skip", "lexicon_keys", "chapter"):
            fields.setdefault(name, []).append(value)
        else:
            fields[name] = value
    if manuscript is None:
        raise ApiError(400, "no manuscript: send the file in the field 'manuscript'")
    return JobRequest.model_validate(fields), manuscript, lexicons


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def _errors(app: FastAPI) -> None:
    def answer(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return answer(error.status_code, str(error.detail), dict(error.headers or {}))

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        return answer(error.status, error.message, error.headers)

    @app.exception_handler(BodyTooLarge)
    async def too_large(_: Request, error: BodyTooLarge) -> JSONResponse:
        return answer(413, "request body too large")

    @app.exception_handler(UnknownJobError)
    async def unknown(_: Request, error: UnknownJobError) -> JSONResponse:
        return answer(404, str(error))

    @app.exception_handler(NarrateError)
    async def narrate_error(_: Request, error: NarrateError) -> JSONResponse:
        # Bad input (a manuscript, an option) is the caller's to fix; the rest may pass.
        message = " ".join(str(error).split())  # a library's words may hold newlines
        return answer(422 if isinstance(error, PermanentError) else 503, message)

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, error: ValidationError) -> JSONResponse:
        first = error.errors()[0]
        return answer(422, field_problem(first["loc"], first["msg"]))

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]  # FastAPI's loc begins with where it looked: query, path
        return answer(422, field_problem(first["loc"][1:], first["msg"]))
