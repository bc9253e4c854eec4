"""The dashboard at /: server-rendered pages with a little JavaScript."""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse


def add_pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return "<!doctype html><title>narrate</title><p>narrate</p>"
