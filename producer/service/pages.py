"""The dashboard at /: one static page and its script, which call the /v1 API as any
client does.

The page holds no data of its own: the script fetches everything with the key in an
Authorization header (kept in sessionStorage, never a cookie, so another site's form cannot
ride on it), and puts every string into the page as text. The Content-Security-Policy
then forbids inline script outright; the one origin it adds is the S3 endpoint's, where a
chapter's presigned audio link points.
"""

import os
from importlib.resources import files
from urllib.parse import urlparse

from fastapi import FastAPI
from fastapi.responses import Response

from producer.service.auth import ApiError

# name -> media type; nothing else under /static is served.
STATIC = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}


def add_pages(app: FastAPI) -> None:
    folder = files("producer.service") / "static"
    page = (folder / "dashboard.html").read_bytes()
    assets = {name: (folder / name).read_bytes() for name in STATIC}
    headers = security_headers(s3_origin())

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in assets:
            raise ApiError(404, f"no static file {name!r}")
        return Response(assets[name], media_type=STATIC[name], headers=headers)


def s3_origin() -> str:
    """The origin of presigned S3 URLs when the endpoint is not AWS's (MinIO, a test's)."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL", "")
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return ""
    return f"{parsed.scheme}://{parsed.netloc}"


def security_headers(media_origin: str) -> dict[str, str]:
    # AWS's own presigned URLs are https: on a bucket's host, which no fixed list names.
    media = " ".join(part for part in ("'self' blob:", media_origin, "https:") if part)
    policy = "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"media-src {media}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            # The script sends every form; without it, none goes anywhere (the key least).
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        # A new version of the script must not meet an old cached page, or the reverse.
        "Cache-Control": "no-cache",
    }
