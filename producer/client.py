"""The CLI through the HTTP API instead of Redis: `narrate enqueue/status/wait/list/cancel`
when NARRATE_API_URL (and NARRATE_API_KEY) are set, for a producer that may reach the
service but not its broker. Answers are the service's job views; errors its one line."""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from config.errors import BrokerError, PermanentError, UnknownJobError
from config.settings import Settings
from models.extras import require

FINAL = ("done", "failed", "cancelled")
# The options of `narrate enqueue` the API takes as form fields, by their argparse names.
FIELDS = (
    "voice", "sample_rate", "speed", "noise_scale", "noise_w", "seed", "format",
    "sample_minutes", "qa", "locale", "priority",
)  # fmt: skip


class Api:
    def __init__(self, settings: Settings) -> None:
        httpx = require("httpx", "service", "NARRATE_API_URL")
        headers = {"Authorization": f"Bearer {settings.api_key}"}
        self.http = httpx.Client(base_url=settings.api_url, headers=headers, timeout=120)
        self.errors = httpx.HTTPError

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            answer = self.http.request(method, path, **kwargs)
        except self.errors as error:
            raise BrokerError(f"cannot reach the API at {self.http.base_url} ({error})") from error
        if answer.status_code >= 400:
            try:
                message = answer.json()["error"]
            except (ValueError, KeyError, TypeError):
                message = answer.text[:200]
            kind = UnknownJobError if answer.status_code == 404 else PermanentError
            raise (kind if answer.status_code < 500 else BrokerError)(f"API: {message}")
        return answer.json()


def enqueue(api: Api, args: argparse.Namespace) -> list[str]:
    """Each manuscript uploaded as a job with the command's options; all are checked to
    exist before the first is sent."""
    for path in args.manuscripts:
        if not Path(path).is_file():
            raise PermanentError(f"{path}: no such file")
    fields: dict[str, Any] = {name: getattr(args, name) for name in FIELDS}
    fields = {name: str(value) for name, value in fields.items() if value is not None}
    fields.update(context=str(not args.no_context).lower(), credits=str(args.credits).lower())
    if args.dest:
        fields["dest"] = args.dest
    fields.update(include=list(args.include), skip=list(args.skip))
    fields.update(chapter=[str(number) for number in args.chapter])
    ids = []
    for path in args.manuscripts:
        files = [("manuscript", (Path(path).name, Path(path).read_bytes()))]
        files += [("lexicon", (Path(p).name, Path(p).read_bytes())) for p in args.lexicon]
        ids.append(api.call("POST", "/v1/jobs", files=files, data=fields)["id"])
    return ids


def line(view: dict[str, Any]) -> str:
    text = (
        f"{view['id']}  {view['state']:<9}  chapters {view['chapters_done']}/"
        f"{view['chapters_total']}  segments {view['segments_done']}/{view['segments_total']}"
        f"  {view['audio_s']:.1f} s audio"
    )
    text += f'  "{view["title"]}"' if view.get("title") else ""
    text += f"  error: {view['error']}" if view.get("error") else ""
    return text + (f"  files not removed: {view['purge_error']}" if "purge_error" in view else "")


def cancel(api: Api, job_id: str) -> str:
    """What `narrate cancel` prints without the API too: cancelled, or already in the
    state the job had ended in (which cancelling leaves as it is)."""
    before = api.call("GET", f"/v1/jobs/{job_id}")["state"]
    if before in FINAL:
        return f"{job_id}: already {before}"
    after = api.call("DELETE", f"/v1/jobs/{job_id}")["state"]
    return f"{job_id}: {'cancelled' if after == 'cancelled' else 'already ' + after}"


def run(api: Api, args: argparse.Namespace) -> int:
    """One command of the CLI, through the API."""
    if args.command == "enqueue":
        print("\n".join(enqueue(api, args)))
    elif args.command == "status":
        view = api.call("GET", f"/v1/jobs/{args.job}")
        print(json.dumps(view, indent=2) if args.json else line(view))
    elif args.command == "list":
        views = api.call("GET", "/v1/jobs", params={"limit": 100})["jobs"]
        for view in views:
            print(line(view))
        if not views:  # on stderr, as `narrate list` without the API says it
            print("no jobs", file=sys.stderr)
    elif args.command == "cancel":
        print(cancel(api, args.job))
    elif args.command == "wait":
        view = api.call("GET", f"/v1/jobs/{args.job}")
        while view["state"] not in FINAL:
            time.sleep(1.0)
            view = api.call("GET", f"/v1/jobs/{args.job}")
        print(line(view))
        return 0 if view["state"] == "done" else 1
    else:
        print(f"narrate: error: {args.command} does not go through the API", file=sys.stderr)
        return 2
    return 0
