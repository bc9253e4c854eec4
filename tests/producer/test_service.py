"""`narrate serve` over HTTP: a real server process, real Redis and S3 servers, a real
Celery worker. Keys, tenants, limits, bad and hostile input, progress events, files."""

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.services import BUCKET, ROOT, Services, api, free_port, new_key

DATA = Path(__file__).resolve().parents[1] / "data"
TWO = (DATA / "two_chapters.txt").read_bytes()
THREE = (DATA / "three_chapters.md").read_bytes()  # One, Two, Three: chapters 0, 1 and 2


class Server:
    def __init__(self, services: Services, url: str, log: Path, out: Path) -> None:
        self.services, self.url, self.log, self.out = services, url, log, out

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def submit(self, key: str, data: bytes = TWO, name: str = "book.txt", **fields: str) -> str:
        with self.client(key) as client:
            answer = client.post("/v1/jobs", files={"manuscript": (name, data)}, data=fields)
        assert answer.status_code in (200, 201), answer.text
        job_id: str = answer.json()["id"]
        return job_id

    def wait(self, key: str, job_id: str, timeout: float = 300) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        with self.client(key) as client:
            while time.monotonic() < deadline:
                view: dict[str, object] = client.get(f"/v1/jobs/{job_id}").json()
                if view["state"] in ("done", "failed", "cancelled"):
                    return view
                time.sleep(0.5)
        raise TimeoutError(job_id)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("service")
    services = Services(root).start()
    port = free_port()
    api(
        services,
        port,
        root / "api.log",
        NARRATE_DEFAULT_DEST=f"s3://{BUCKET}/out",
        NARRATE_API__INBOX=f"s3://{BUCKET}/inbox",
    )
    local_port = free_port()  # a second server, its jobs' files on this machine
    api(
        services,
        local_port,
        root / "api-local.log",
        NARRATE_DEFAULT_DEST=f"file://{root}/out",
        NARRATE_API__INBOX=f"file://{root}/inbox",
    )
    services.worker("w", root / "worker.log")
    yield Server(services, f"http://127.0.0.1:{port}", root / "api.log", root / "out")
    services.stop()


def s3_object(server: Server, key: str) -> bytes:
    body: bytes = server.services.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return body


def test_no_key_a_bad_key_and_a_revoked_key_are_401(server: Server) -> None:
    key = new_key(server.services, "revoking")
    with server.client() as anonymous:
        answer = anonymous.get("/v1/jobs")
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "error" in answer.json()
    for wrong in ("nrk_000000000000.x", key[:-1] + ("A" if key[-1] != "A" else "B"), "Bearer"):
        with server.client(wrong) as client:
            assert client.get("/v1/jobs").status_code == 401
    with server.client(key) as client:
        assert client.get("/v1/jobs").status_code == 200
        key_id = key.removeprefix("nrk_").split(".")[0]
        revoked = server.services.narrate("keys", "revoke", key_id)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        assert client.get("/v1/jobs").status_code == 401


def test_keys_are_stored_hashed_and_never_listed(server: Server) -> None:
    key = new_key(server.services, "hashing")
    listed = server.services.narrate("keys", "list")
    assert listed.returncode == 0
    assert "hashing" in listed.stdout and key not in listed.stdout
    secret = key.split(".")[1]
    redis = _redis(server)
    for name in redis.scan_iter("*"):
        kind = redis.type(name)
        values = (
            redis.hgetall(name).values()
            if kind == "hash"
            else [redis.get(name)]
            if kind == "string"
            else []
        )
        assert not any(secret in str(value) for value in values), name


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        (("--max-active-jobs", "0"), "--max-active-jobs: Input should be greater than or equal"),
        (("--requests-per-minute", "-5"), "--requests-per-minute: Input should be greater"),
        (("--max-manuscript-mb", "0"), "--max-manuscript-mb: Input should be greater than 0"),
    ],
)
def test_a_limit_no_tenant_could_work_under_is_refused(
    server: Server, limit: tuple[str, str], said: str
) -> None:
    made = server.services.narrate("keys", "create", "--tenant", "unlimited", *limit)
    assert made.returncode == 2 and made.stdout == ""
    assert made.stderr.startswith(f"narrate: error: {said}"), made.stderr
    assert not _redis(server).exists("narrate:tenant:unlimited")  # nothing stored


def test_a_job_runs_its_events_stream_and_its_files_download(server: Server) -> None:
    key = new_key(server.services, "reader")
    job_id = server.submit(key)
    events = []
    with server.client(key) as client, client.stream("GET", f"/v1/jobs/{job_id}/events") as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        for line in s.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
    # The stream ended by itself, with the job: progress moved through, never back.
    assert events[-1]["state"] == "done"
    assert {"queued", "running"} & {e["state"] for e in events[:-1]}
    done = [e["segments_done"] for e in events]
    assert done == sorted(done) and len(set(map(json.dumps, events))) == len(events)
    assert events[-1]["chapters_done"] == events[-1]["chapters_total"] == 2
    assert events[-1]["audio_s"] > 3

    stored = s3_object(server, f"out/{job_id}/chapters/000.wav")
    with server.client(key) as client:
        chapters = client.get(f"/v1/jobs/{job_id}/chapters").json()["chapters"]
        assert [c["state"] for c in chapters] == ["done", "done"]
        assert [c["files"]["wav"] for c in chapters] == [["chapters/000.wav"], ["chapters/001.wav"]]
        wav = client.get(f"/v1/jobs/{job_id}/files/chapters/000.wav")
        assert wav.status_code == 307  # to a presigned URL of the S3 server
        assert httpx.get(wav.headers["location"]).content == stored
        followed = client.get(f"/v1/jobs/{job_id}/files/manifest.json", follow_redirects=True)
        assert followed.json()["job_id"] == job_id
        link = client.get(f"/v1/jobs/{job_id}/links/chapters/000.wav").json()["url"]
        assert client.get(f"/v1/jobs/{job_id}/links/chapters/009.wav").status_code == 404
    assert stored[:4] == b"RIFF" and httpx.get(link).content == stored


def test_files_of_a_local_destination_stream_and_links_are_signed(server: Server) -> None:
    local = Server(server.services, server.url, server.log, server.out)
    local.url = local.url.rsplit(":", 1)[0] + ":" + _local_port(server)
    key = new_key(server.services, "local")
    job_id = local.submit(key, seed="3")
    assert local.wait(key, job_id)["state"] == "done"
    on_disk = (server.out / job_id / "chapters" / "001.wav").read_bytes()
    with local.client(key) as client:
        wav = client.get(f"/v1/jobs/{job_id}/files/chapters/001.wav")
        assert wav.status_code == 200 and wav.content == on_disk
        link = client.get(f"/v1/jobs/{job_id}/links/chapters/001.wav").json()["url"]
    assert link.startswith(local.url + "/v1/jobs/")  # whole: a player gets the link alone
    assert httpx.get(link).content == on_disk
    forged = re.sub(r"signature=[0-9a-f]{4}", "signature=0000", link)
    other = link.replace("chapters/001.wav", "chapters/000.wav")  # a link is for its one file
    expired = re.sub(r"expires=\d+", "expires=1000", link)
    for bad in (forged, other, expired):
        answer = httpx.get(bad)
        assert answer.status_code == 403 and "expired or is not valid" in answer.json()["error"]
    with local.client(key) as client:  # the tenant's own key still opens it
        assert client.get(other.split("?")[0] + "?expires=1000&signature=00").content


def test_another_tenants_job_is_404_like_a_missing_one(server: Server) -> None:
    owner, stranger = new_key(server.services, "owner"), new_key(server.services, "stranger")
    job_id = server.submit(owner, seed="7")
    missing = "job-0000000000000000"
    with server.client(stranger) as client:
        for path in ("", "/chapters", "/events", "/files/manifest.json", "/links/manifest.json"):
            theirs, nobodys = (
                client.get(f"/v1/jobs/{job_id}{path}"),
                client.get(f"/v1/jobs/{missing}{path}"),
            )
            assert theirs.status_code == nobodys.status_code == 404, path
            assert theirs.json()["error"].replace(job_id, missing) == nobodys.json()["error"]
        assert client.delete(f"/v1/jobs/{job_id}").status_code == 404
        assert client.get("/v1/jobs").json()["total"] == 0
    with server.client(owner) as client:
        assert client.get(f"/v1/jobs/{job_id}").json()["state"] != "cancelled"
        assert [j["id"] for j in client.get("/v1/jobs").json()["jobs"]] == [job_id]


def test_over_the_rate_limit_is_429_with_retry_after(server: Server) -> None:
    key = new_key(server.services, "chatty", "--requests-per-minute", "5")
    if 60 - time.time() % 60 < 10:  # the limit counts by the minute: all seven in one
        time.sleep(60 - time.time() % 60 + 0.1)
    with server.client(key) as client:
        answers = [client.get("/v1/jobs") for _ in range(7)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    refused = answers[5]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "5 requests a minute" in refused.json()["error"]


def test_over_the_active_jobs_limit_is_429_and_nothing_is_queued(server: Server) -> None:
    key = new_key(server.services, "busy", "--max-active-jobs", "1")
    first = server.submit(key, seed="101")
    with server.client(key) as client:
        answer = client.post("/v1/jobs", files={"manuscript": ("b.txt", TWO)}, data={"seed": "102"})
        assert answer.status_code == 429, answer.text
        assert "Retry-After" in answer.headers
        # The same job again is not a new one: it is answered, not refused.
        again = client.post("/v1/jobs", files={"manuscript": ("b.txt", TWO)}, data={"seed": "101"})
        assert again.status_code == 200 and again.json()["id"] == first
        assert client.get("/v1/jobs").json()["total"] == 1
        client.delete(f"/v1/jobs/{first}")
        third = client.post("/v1/jobs", files={"manuscript": ("b.txt", TWO)}, data={"seed": "103"})
        assert third.status_code == 201, third.text


def test_bad_input_is_a_4xx_with_one_json_error(server: Server) -> None:
    key = new_key(server.services, "careless", "--max-manuscript-mb", "0.001")
    with server.client(key) as client:

        def post(**kwargs: object) -> httpx.Response:
            return client.post("/v1/jobs", **kwargs)  # type: ignore[arg-type]

        cases = {
            "speed": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"speed": "0"}),
            "format": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"format": "mp4"}),
            "qa": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"qa": "whisper"}),
            "zero sample rate": post(
                files={"manuscript": ("a.txt", b"Hi.")}, data={"sample_rate": "0"}
            ),
            "negative seed": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"seed": "-5"}),
            "negative seed in JSON": post(json={"manuscript_key": "book.txt", "seed": -5}),
            "unknown field": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"bogus": "1"}),
            "binary": post(files={"manuscript": ("a.txt", b"\x00\x01\x02" * 50)}),
            "no file": post(data={"format": "wav"}),
            "empty": post(files={"manuscript": ("a.txt", b"   ")}),
            "too big for the tenant": post(files={"manuscript": ("a.txt", b"Word. " * 400)}),
            "plain text body": post(content=b"hello", headers={"content-type": "text/plain"}),
            "dest elsewhere": post(
                files={"manuscript": ("a.txt", b"Hi.")}, data={"dest": "file:///etc"}
            ),
            "dest escaping": post(
                files={"manuscript": ("a.txt", b"Hi.")},
                data={"dest": f"s3://{BUCKET}/out/../x"},
            ),
            "dest in another bucket": post(
                files={"manuscript": ("a.txt", b"Hi.")}, data={"dest": f"s3://{BUCKET}-other/out"}
            ),
            "private webhook": post(
                files={"manuscript": ("a.txt", b"Hi.")},
                data={"webhook": "http://127.0.0.1:9/hook"},
            ),
            "inbox traversal": post(json={"manuscript_key": "../other/book.txt"}),
            "unknown voice": post(files={"manuscript": ("a.txt", b"Hi.")}, data={"voice": "jo"}),
            "a voice by path": post(
                files={"manuscript": ("a.txt", b"Hi.")}, data={"voice": "/srv/voices/x.onnx"}
            ),
            "a name too long": post(files={"manuscript": ("a" * 300 + ".txt", b"\x00\x01" * 50)}),
            "malformed JSON": post(content=b"{bad", headers={"content-type": "application/json"}),
            "empty JSON body": post(content=b"", headers={"content-type": "application/json"}),
            "JSON not UTF-8": post(
                content=b'{"seed": "\xff"}', headers={"content-type": "application/json"}
            ),
        }
        for name, answer in cases.items():
            assert 400 <= answer.status_code < 500, (name, answer.status_code, answer.text)
            error = answer.json()["error"]
            assert error and "\n" not in error and "Traceback" not in error, name
        assert cases["too big for the tenant"].status_code == 413
        assert "speed" in cases["speed"].json()["error"]
        assert "mp4" in cases["format"].json()["error"]
        assert "Value error" not in cases["format"].json()["error"]  # pydantic's words, not ours
        assert cases["qa"].json()["error"] == "qa: unknown QA 'whisper'; known: basic, asr"
        assert "not JSON" in cases["malformed JSON"].json()["error"]
        for name in ("unknown voice", "a voice by path"):
            assert "unknown voice" in cases[name].json()["error"], name
        assert "sample_rate" in cases["zero sample rate"].json()["error"]
        for name in ("negative seed", "negative seed in JSON"):
            assert cases[name].status_code == 422 and "seed" in cases[name].json()["error"]
        assert client.get("/v1/jobs").json()["total"] == 0  # none of them made a job
        assert client.get("/v1/jobs/job-x/files/../../etc/passwd").status_code == 404
        traversal = client.get("/v1/jobs/job-x/files/..%2F..%2Fetc%2Fpasswd")
        assert traversal.status_code in (400, 404)


def test_only_the_chapters_asked_for_are_narrated(server: Server) -> None:
    key = new_key(server.services, "chooser")
    server.services.client().put_object(Bucket=BUCKET, Key="inbox/chooser/book.md", Body=THREE)
    # Given chapters 0 and 2 of three, asked for as --chapter is given, one field each
    with server.client(key) as client:
        fields = {"chapter": ["0", "2"], "seed": "31"}
        made = client.post("/v1/jobs", files={"manuscript": ("book.md", THREE)}, data=fields)
    assert made.status_code == 201, made.text
    job_id = made.json()["id"]
    # When it has run
    view = server.wait(key, job_id)
    # Then the job is a book of those two alone, numbered from 000 as a queued --chapter job
    assert view["state"] == "done", view
    assert view["chapters_done"] == view["chapters_total"] == 2
    manifest = json.loads(s3_object(server, f"out/{job_id}/manifest.json"))
    assert [chapter["title"] for chapter in manifest["chapters"]] == ["One", "Three"]
    said = " ".join(seg["text"] for ch in manifest["chapters"] for seg in ch["segments"])
    assert "letter" in said and "grey" in said and "dusk" not in said  # Two's words
    audio = server.services.keys(f"out/{job_id}/chapters/")
    assert audio == [f"out/{job_id}/chapters/{n}.wav" for n in ("000", "001")]
    # And the same choice in the JSON forms is the same job; another choice is another
    with server.client(key) as client:
        for chapter in ([0, 2], [0, "2"], "0,2", ["0", "2-2"]):
            body = {"manuscript_key": "book.md", "seed": 31, "chapter": chapter}
            again = client.post("/v1/jobs", json=body)
            assert (again.status_code, again.json()["id"]) == (200, job_id), chapter
        body = {"manuscript_key": "book.md", "seed": 31, "chapter": "0-1"}
        other = client.post("/v1/jobs", json=body)
        assert other.status_code == 201 and other.json()["id"] != job_id
        client.delete(f"/v1/jobs/{other.json()['id']}")  # not narrated: the worker is shared
        # A form's Chapters left blank is the whole book, as the other blank fields are
        blank = {"chapter": "", "seed": "31", "include": ""}
        whole = client.post("/v1/jobs", files={"manuscript": ("book.md", THREE)}, data=blank)
        assert whole.status_code == 201, whole.text
        assert client.get(f"/v1/jobs/{whole.json()['id']}").json()["chapters_total"] == 3
        client.delete(f"/v1/jobs/{whole.json()['id']}")


def test_a_chapter_not_in_the_book_or_not_a_number_is_a_4xx(server: Server, tmp_path: Path) -> None:
    key = new_key(server.services, "miscounter")
    server.services.client().put_object(Bucket=BUCKET, Key="inbox/miscounter/book.md", Body=THREE)
    with server.client(key) as client:

        def form(chapter: str) -> httpx.Response:
            files = {"manuscript": ("book.md", THREE)}
            return client.post("/v1/jobs", files=files, data={"chapter": chapter})

        def sent(chapter: object) -> httpx.Response:
            return client.post("/v1/jobs", json={"manuscript_key": "book.md", "chapter": chapter})

        answers = {
            "past the end": form("3"),
            "past the end in a list": form("0,2-3"),
            "past the end in JSON": sent([1, 7]),
            "negative": form("-1"),
            "negative in JSON": sent([0, -1]),
            "reversed": form("2-1"),
            "reversed in JSON": sent("2-1"),
            "garbage": form("two"),
            "an empty item": form("0,,2"),
            "a range without end": form("1-"),
            "a fraction in JSON": sent(1.5),
            "a boolean in JSON": sent(True),
            "an object in JSON": sent({"from": 0}),
            "too far to count": form("0-100000"),
        }
        for name, answer in answers.items():
            assert answer.status_code == 422, (name, answer.status_code, answer.text)
            error = answer.json()["error"]
            assert error and "\n" not in error and "--" not in error, (name, error)
        assert client.get("/v1/jobs").json()["total"] == 0  # none of them made a job
    # Said as `narrate enqueue --chapter` says it, naming the field where the CLI its flag
    book = tmp_path / "book.md"
    book.write_bytes(THREE)
    past = _enqueue_error(server, book, "3").replace(f"{book}: --chapter", "book.md: chapter")
    assert answers["past the end"].json()["error"] == past
    assert past == (
        "book.md: chapter 3: no such chapter; it has 3, numbered from 0 as `narrate inspect` "
        "lists them"
    )
    assert answers["past the end in JSON"].json()["error"].startswith("book.md: chapter 7: no")
    garbage = _enqueue_error(server, book, "two").removeprefix("argument --chapter: ")
    assert answers["garbage"].json()["error"] == f"chapter: {garbage.split(' (see ')[0]}"
    assert garbage.startswith("'two': a chapter number (from 0), a range such as 3-5")
    assert answers["negative in JSON"].json()["error"].startswith("chapter: '-1': a chapter")
    assert answers["a boolean in JSON"].json()["error"].startswith("chapter: 'true': a chapter")


def _enqueue_error(server: Server, book: Path, chapter: str) -> str:
    """The one line `narrate enqueue BOOK --chapter CHAPTER` refuses it with."""
    dest = f"s3://{BUCKET}/cli"
    done = server.services.narrate("enqueue", str(book), "--chapter", chapter, "--dest", dest)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    return done.stderr.strip().removeprefix("narrate: error: ")


def test_a_bad_field_is_named_as_the_client_sent_it(server: Server) -> None:
    key = new_key(server.services, "misnamer")
    with server.client(key) as client:

        def form(**fields: str) -> str:
            files = {"manuscript": ("book.md", THREE)}
            answer = client.post("/v1/jobs", files=files, data=fields)
            assert answer.status_code == 422, answer.text
            error: str = answer.json()["error"]
            return error

        def sent(**fields: object) -> str:
            answer = client.post("/v1/jobs", json={"manuscript_key": "book.md", **fields})
            assert answer.status_code == 422, answer.text
            error: str = answer.json()["error"]
            return error

        known = "known: wav, mp3, m4b, opus, flac"
        # SynthesisOptions calls it formats; the client sent format
        assert form(format="mp3,mp4") == f"format: unknown audio format 'mp4'; {known}"
        assert sent(format=["mp3", "mp4"]) == f"format: unknown audio format 'mp4'; {known}"
        assert sent(format=["mp3", 3]).startswith("format: a list of format names")  # was a 500
        assert form(sample_rate="0") == "sample_rate: Input should be greater than or equal to 8000"
        assert sent(speed="fast").startswith("speed: Input should be a valid number")
        # An item of a list by its place in it, as a JSON path names it
        assert sent(include=["Two", 3]) == "include[1]: Input should be a valid string"
        assert sent(lexicon_keys=[None]) == "lexicon_keys[0]: Input should be a valid string"
        # The reader's errors name the field, not the CLI's flag for it
        assert form(locale="fr-FR").startswith("locale 'fr-FR': narrate normalizes English only")
        assert form(skip="Four") == (
            "book.md: skip 'Four' matches no title or kind (`narrate inspect` lists them)"
        )
        # A query parameter by its name, not by where FastAPI found it (query.offset)
        paged = client.get("/v1/jobs", params={"offset": "first"})
        assert paged.status_code == 422
        assert paged.json()["error"].startswith("offset: Input should be a valid integer")


def test_a_file_key_outside_the_job_is_refused(server: Server) -> None:
    key = new_key(server.services, "prober")
    job_id = server.submit(key, seed="55")
    server.wait(key, job_id)
    server.services.client().put_object(Bucket=BUCKET, Key="out/secret.txt", Body=b"another job's")
    with server.client(key) as client:
        for probe in ("..%2Fsecret.txt", "%2Fetc%2Fpasswd", "chapters%2F..%2F..%2Fsecret.txt"):
            answer = client.get(f"/v1/jobs/{job_id}/files/{probe}")
            assert answer.status_code in (400, 404), probe
            assert answer.status_code != 307 and b"another job's" not in answer.content
        assert client.get(f"/v1/jobs/{job_id}/files/chapters/999.wav").status_code == 404


def test_a_request_body_over_the_limit_is_413_before_it_is_read(server: Server) -> None:
    key = new_key(server.services, "flood")
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + key.encode()
            + b"\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            + b"Content-Length: 1000000000000\r\n\r\n--x"
        )
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
        reply_text = reply.decode()
    assert reply_text.startswith("HTTP/1.1 413") and '"error"' in reply_text

    def endless() -> Iterator[bytes]:  # chunked: no length declared, cut off as it comes
        yield b"--x\r\nContent-Disposition: form-data; name=manuscript; filename=a.txt\r\n\r\n"
        for _ in range(70):
            yield b"word " * 200_000  # 1 MB

    with server.client(key) as client:
        headers = {"content-type": "multipart/form-data; boundary=x"}
        try:
            answer = client.post("/v1/jobs", content=endless(), headers=headers)
        except httpx.HTTPError:
            pass  # the server may close before all is sent: refused either way
        else:
            assert answer.status_code == 413, answer.text
        assert client.get("/v1/jobs").json()["total"] == 0


def test_a_manuscript_named_in_the_inbox(server: Server) -> None:
    key = new_key(server.services, "inboxer")
    s3 = server.services.client()
    s3.put_object(Bucket=BUCKET, Key="inbox/inboxer/books/two.txt", Body=TWO)
    s3.put_object(Bucket=BUCKET, Key="inbox/someone/private.txt", Body=TWO)
    with server.client(key) as client:
        made = client.post("/v1/jobs", json={"manuscript_key": "books/two.txt", "seed": 9})
        assert made.status_code == 201, made.text
        assert made.json()["state"] in ("queued", "running")  # a worker may have begun
        # Another tenant's folder is not reachable from this one's.
        theirs = client.post("/v1/jobs", json={"manuscript_key": "../someone/private.txt"})
        assert theirs.status_code == 400
        absent = client.post("/v1/jobs", json={"manuscript_key": "someone/private.txt"})
        assert absent.status_code == 404


def test_a_link_out_of_a_local_inbox_is_refused(server: Server) -> None:
    """A tenant who may put files in its inbox folder (a share, SFTP) puts a link there to
    a file of the host's, or to a folder of another tenant's: neither is read."""
    root = server.out.parent
    mine, theirs = root / "inbox" / "linker", root / "inbox" / "other"
    mine.mkdir(parents=True)
    theirs.mkdir(parents=True)
    (mine / "book.txt").write_bytes(TWO)
    (theirs / "private.txt").write_bytes(TWO.replace(b"lamp", b"secret lamp"))
    (root / "host.txt").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    (mine / "passwd.txt").symlink_to(root / "host.txt")
    (mine / "shared").symlink_to(theirs, target_is_directory=True)
    (mine / "again.txt").symlink_to(mine / "book.txt")  # a link within the folder is fine
    key = new_key(server.services, "linker")
    url = server.url.rsplit(":", 1)[0] + ":" + _local_port(server)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        for name in ("passwd.txt", "shared/private.txt"):
            answer = client.post("/v1/jobs", json={"manuscript_key": name})
            assert answer.status_code == 400, answer.text
            assert answer.json() == {
                "error": f"{name!r} is a link out of your inbox folder: not read"
            }
            lexicon = {"manuscript_key": "book.txt", "lexicon_keys": [name]}
            assert client.post("/v1/jobs", json=lexicon).status_code == 400
        assert client.get("/v1/jobs").json()["total"] == 0  # nothing was queued
        for name in ("book.txt", "again.txt"):
            made = client.post("/v1/jobs", json={"manuscript_key": name, "seed": 4})
            assert made.status_code in (200, 201), made.text


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET a path as written, dots and all (a client would resolve "../" first)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_docs_pages_scripts_are_served_and_nothing_beside_them(server: Server) -> None:
    """The folder /docs' scripts are served from (fastapi-offline's) gives its files, and
    no path out of it, written with dots or escaped ones, reaches the service's own."""
    status, body = raw_get(server.url, "/static-offline-docs/swagger-ui.css")
    assert status == 200 and b".swagger-ui" in body
    for path in (
        "/static-offline-docs/../../../../etc/passwd",
        "/static-offline-docs/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static-offline-docs/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ):
        status, body = raw_get(server.url, path)
        assert 400 <= status < 500 and b"root:" not in body, path


def test_health_docs_and_no_key_in_any_log_line(server: Server) -> None:
    with server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        spec = client.get("/openapi.json").json()
        assert "/v1/jobs" in spec["paths"] and "/v1/jobs/{job_id}/events" in spec["paths"]
        assert client.get("/docs").status_code == 200
        assert client.get("/no/such/route").json()["error"]
    key = new_key(server.services, "logged")
    server.submit(key, seed="77")
    with server.client(key) as client:
        client.get("/v1/jobs")
    logs = server.log.read_text() + "".join(
        p.read_text(errors="replace") for p in server.log.parent.glob("*.log")
    )
    assert "GET /v1/jobs" in logs  # the server does log requests
    assert key not in logs and key.split(".")[1] not in logs


def _local_port(server: Server) -> str:
    log = (server.log.parent / "api-local.log").read_text()
    return re.findall(r"Uvicorn running on http://127.0.0.1:(\d+)", log)[0]


def _redis(server: Server):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(server.services.env["NARRATE_BROKER_URL"], decode_responses=True)


def test_the_cli_through_the_api(server: Server, tmp_path: Path) -> None:
    key = new_key(server.services, "cli")
    book = tmp_path / "short.txt"
    book.write_bytes(TWO.replace(b"lamp", b"big lamp"))
    env = {**server.services.env, "NARRATE_API_URL": server.url, "NARRATE_API_KEY": key}
    env.pop("NARRATE_BROKER_URL")  # the producer reaches the service, not the broker

    def narrate(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "producer.cli", *args]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)

    empty = narrate("list")  # a new tenant: none of the others' jobs
    assert empty.returncode == 0 and (empty.stdout, empty.stderr) == ("", "no jobs\n")
    enqueued = narrate("enqueue", str(book), "--seed", "5", "--format", "wav")
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    waited = narrate("wait", job_id)
    assert waited.returncode == 0 and "done" in waited.stdout, waited.stdout + waited.stderr
    shown = json.loads(narrate("status", job_id, "--json").stdout)
    assert shown["id"] == job_id and shown["segments_done"] == shown["segments_total"] > 0
    assert shown["title"] == "short.txt"  # a book with no title: its file's name
    env["NARRATE_BROKER_URL"] = server.services.env["NARRATE_BROKER_URL"]
    del env["NARRATE_API_URL"]  # the same command through Redis: the same view, and its dest
    local = json.loads(narrate("status", job_id, "--json").stdout)
    assert local.pop("dest").startswith(("s3://", "file://", "/")) and local == shown
    listed_here = narrate("list").stdout  # through Redis
    env["NARRATE_API_URL"] = server.url
    listed = narrate("list").stdout
    assert f"{job_id}  done" in listed and '"short.txt"' in listed  # the job, titled
    assert [line for line in listed_here.splitlines() if job_id in line] == [
        line for line in listed.splitlines() if job_id in line
    ]
    cancelled = narrate("cancel", job_id)  # as `narrate cancel` says it without the API
    assert (cancelled.returncode, cancelled.stdout) == (0, f"{job_id}: already done\n")
    with server.client(key) as client:
        assert client.get(f"/v1/jobs/{job_id}").json()["state"] == "done"
    missing = narrate("status", "job-0000000000000000")
    assert missing.returncode == 2 and missing.stderr.startswith("narrate: error: API: no job")
    env["NARRATE_API_KEY"] = "nrk_000000000000.wrong"
    refused = narrate("list")
    assert refused.returncode == 2 and "API key" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_the_clis_chapter_travels_through_the_api(server: Server, tmp_path: Path) -> None:
    """`narrate enqueue --chapter` through NARRATE_API_URL sends the service's `chapter`
    field: the job is of those chapters alone, and one the book lacks is refused."""
    key = new_key(server.services, "chapters-cli")
    book = tmp_path / "three.md"
    book.write_bytes(THREE)
    env = {**server.services.env, "NARRATE_API_URL": server.url, "NARRATE_API_KEY": key}
    env.pop("NARRATE_BROKER_URL")

    def narrate(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "producer.cli", *args]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)

    enqueued = narrate("enqueue", str(book), "--chapter", "0", "--chapter", "2")
    assert enqueued.returncode == 0, enqueued.stderr
    (job_id,) = enqueued.stdout.split()
    shown = json.loads(narrate("status", job_id, "--json").stdout)
    assert shown["chapters_total"] == 2
    assert narrate("cancel", job_id).returncode == 0
    refused = narrate("enqueue", str(book), "--chapter", "3")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("narrate: error: API: three.md: chapter 3: no such chapter")


def test_lexicons_and_reading_options_travel_with_an_upload(server: Server) -> None:
    key = new_key(server.services, "lexical")
    lexicon = b"Hale\tHayle\n"
    with server.client(key) as client:
        made = client.post(
            "/v1/jobs",
            files=[("manuscript", ("two.txt", TWO)), ("lexicon", ("names.tsv", lexicon))],
            data={"locale": "en-GB", "seed": "21", "format": "wav"},
        )
        assert made.status_code == 201, made.text
        job_id = made.json()["id"]
        bad = client.post(
            "/v1/jobs",
            files=[("manuscript", ("two.txt", TWO)), ("lexicon", ("x.pls", b"<lexicon"))],
        )
        assert bad.status_code == 422 and bad.json()["error"].startswith("x.pls:")
        assert "narrate-upload" not in bad.json()["error"]  # the service's folder, not said
        unknown = client.post(
            "/v1/jobs", files={"manuscript": ("two.txt", TWO)}, data={"skip": "No Such Part"}
        )
        assert unknown.status_code == 422 and "No Such Part" in unknown.json()["error"]
    stored = json.loads(s3_object(server, f"out/{job_id}/source/manuscript.json"))
    assert stored["lexicon"][0]["grapheme"] == "Hale" and stored["lexicon"][0]["alias"] == "Hayle"
    assert stored["locale"] == "en-GB"


def test_a_port_in_use_is_one_error_line(server: Server) -> None:
    taken = server.url.rsplit(":", 1)[1]  # the running server's own port
    result = server.services.narrate("serve", "--host", "127.0.0.1", "--port", taken, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"narrate: error: cannot listen on 127.0.0.1:{taken}"
    )
