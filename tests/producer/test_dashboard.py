"""The dashboard in a real browser: Debian's chromium driven by Playwright, against a real
`narrate serve`, redis-server, moto's S3 server and a Celery worker with the real voice."""

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright

from tests.services import BUCKET, ROOT, Services, free_port, wait_for_port

# A page waits on a worker, uvicorn, moto and Chromium sharing two cores: Playwright's
# 5 s default for an expectation is too short for that, not a sign of a fault.
expect.set_options(timeout=30_000)

CHROMIUM = Path("/usr/bin/chromium")
# What works as root on a closed network: no sandbox, no GPU, nothing phoning home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TWO_CHAPTERS = "# The Keeper\n\n## One\n\nThe lamp was lit.\n\n## Two\n\nThe ships turned.\n"
SCREENSHOT_COPY = Path("/work/dashboard.png")
MARKUP = "<img src=x onerror=alert(1)> & <b>Co</b>"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: `make system-deps` installs it"
)


@dataclass
class Stack:
    services: Services
    url: str
    env: dict[str, str]

    def key(self, tenant: str) -> str:
        made = self.services.narrate("keys", "create", "--tenant", tenant)
        assert made.returncode == 0, made.stderr
        return made.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("dashboard")
    services = Services(root).start()
    port = free_port()
    env = {
        **services.env,
        "NARRATE_DEFAULT_DEST": f"s3://{BUCKET}/out",
        "NARRATE_API__WEBHOOK_PRIVATE": "1",
    }
    log = open(root / "serve.log", "wb")  # noqa: SIM115 - the server writes to it until stopped
    server = subprocess.Popen(
        [sys.executable, "-m", "producer.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=30)
        yield Stack(services, f"http://127.0.0.1:{port}", env)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        services.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("dialog", lambda dialog: dialog.accept())  # the Cancel button's confirm()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))

    def console(message: ConsoleMessage) -> None:
        print("console:", message.type, message.text)
        if "Content Security Policy" in message.text:
            errors.append(message.text)

    opened.on("console", console)
    yield opened
    context.close()
    assert errors == [], "the page's script failed or broke its own policy"


def sign_in(page: Page, url: str, key: str) -> None:
    page.goto(url)
    page.fill("#key", key)
    page.click("#signin-form button[type=submit]")


def submit(page: Page, manuscript: Path, formats: str) -> None:
    page.set_input_files("#manuscript", manuscript)
    page.select_option("#format", formats)
    page.select_option("#qa", "basic")
    page.click("#submit-button")
    expect(page.locator("#submit-message")).to_contain_text("Submitted job-")


def test_a_job_submitted_through_the_page_is_followed_to_its_audio(
    stack: Stack, page: Page, tmp_path: Path
) -> None:
    # Given a worker, a tenant's key, and a two-chapter manuscript
    worker = stack.services.worker("dash", tmp_path / "worker.log")
    manuscript = tmp_path / "keeper.md"
    manuscript.write_text(TWO_CHAPTERS)
    streams: list[str] = []
    page.on("request", lambda request: streams.extend([request.url] * ("/events" in request.url)))
    try:
        # When it is signed in and submitted as MP3 through the form
        sign_in(page, stack.url, stack.key("t1"))
        expect(page.locator("#app")).to_be_visible()
        submit(page, manuscript, "mp3")

        # Then its progress bar fills as its event stream reports, to done
        row = page.locator("tr.job")
        expect(row).to_have_count(1)
        expect(row.locator(".title")).to_have_text("The Keeper")  # the book's, from its H1
        expect(row.locator(".state")).to_have_text("done", timeout=90_000)
        bar = row.locator("progress")
        assert bar.evaluate("bar => bar.max > 0 && bar.value === bar.max")
        assert streams, "the page never opened the job's event stream"
        # (Its MP3s pass ACX: its manifest is made to say the first's peak failed, to see
        # how the page says a failure. The service reads a manifest when first asked.)
        too_loud(stack, row.get_attribute("data-id"))

        # And opened, it shows each chapter done, with its duration and a player that loads
        row.locator("button.open").click()
        chapters = page.locator("#chapters tr.chapter")
        expect(chapters).to_have_count(2)
        expect(chapters.locator(".state")).to_have_text(["done", "done"])
        expect(chapters.locator(".duration")).to_have_text([re.compile(r"^[1-9]\.\d s$")] * 2)
        audio = page.locator("#chapters audio")
        expect(audio).to_have_count(2)
        assert all(key.endswith(".mp3") for key in audio.evaluate_all(_KEYS))
        page.wait_for_function(_LOADED, timeout=20_000)
        # And the ACX report of each MP3, a failed rule said in words, not by its name
        reports = page.locator("#acx tr.acx")
        expect(reports).to_have_count(2)
        verdict = reports.nth(0).locator("td.fail")
        expect(verdict.locator(".said")).to_have_text([PEAK_SAID])
        expect(verdict).not_to_contain_text("peak:")
        expect(reports.nth(1).locator("td").last).to_have_text("pass")
        # And no QA findings
        expect(page.locator("#qa-none")).to_be_visible()
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=shot, full_page=True)
        shutil.copyfile(shot, SCREENSHOT_COPY)
    finally:
        stack.services.kill(worker)


PEAK_SAID = "peak -0.19 dB, ACX wants at most -3 dB"


def too_loud(stack: Stack, job_id: str | None) -> None:
    """Rewrite the job's manifest as if its first MP3's peak were over ACX's bound; its
    `problems` say so as the worker says it, by the rule's name first."""
    key = f"out/{job_id}/manifest.json"
    s3 = stack.services.client()
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    report = manifest["chapters"][0]["acx"][0]
    assert report["passed"], report
    report.update(peak_db=-0.19, passed=False, problems=["peak: -0.19 dB, over -3.0 dB"])
    report["checks"]["peak"] = False
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(manifest).encode())


_KEYS = "players => players.map(player => player.dataset.key)"
_LOADED = """() => {
  const players = [...document.querySelectorAll('#chapters audio')];
  return players.length > 0 && players.every(player => player.duration > 0);
}"""


def test_a_wrong_key_is_refused_and_a_queued_job_can_be_cancelled(
    stack: Stack, page: Page, tmp_path: Path
) -> None:
    # Given a key that is no tenant's, when it is signed in with
    sign_in(page, stack.url, "nrk_000000000000." + "x" * 43)
    # Then the page says so and shows no jobs
    expect(page.locator("#signin-error")).to_contain_text("unknown or revoked API key")
    expect(page.locator("#app")).to_be_hidden()
    expect(page.locator("tr.job")).to_have_count(0)

    # Given a tenant's job queued with no worker to run it, titled with markup
    manuscript = tmp_path / "waiting.txt"
    manuscript.write_text(f"Chapter 1: {MARKUP}\n\nNobody reads this yet.\n")
    sign_in(page, stack.url, stack.key("t2"))
    submit(page, manuscript, "wav")
    row = page.locator("tr.job")
    expect(row.locator(".state")).to_have_text("queued")
    expect(row.locator(".title")).to_have_text("waiting.txt")  # no title: the file's name
    # Then opened, its chapter's title is shown as the text it is, not run as markup
    row.locator("button.open").click()
    chapter = page.locator("#chapters tr.chapter")
    expect(chapter.locator(".state")).to_have_text("queued")
    expect(chapter.locator("td").nth(1)).to_have_text(f"Chapter 1: {MARKUP}")
    expect(page.locator("#detail img")).to_have_count(0)
    # When its Cancel button is pressed
    row.locator("button.cancel").click()
    # Then it is cancelled, on the page and in the API
    expect(row.locator(".state")).to_have_text("cancelled")
    expect(row.locator("button.cancel")).to_have_count(0)
    job_id = row.get_attribute("data-id")
    key = page.evaluate("() => sessionStorage.getItem('narrate.key')")
    answer = httpx.get(f"{stack.url}/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
    assert answer.json()["state"] == "cancelled"
    assert page.context.cookies() == []  # the key lives in the tab, not in a cookie


def test_the_page_forbids_inline_script_framing_and_referrers(stack: Stack) -> None:
    answer = httpx.get(stack.url + "/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'none'" in policy
    # The audio player's presigned links point at the S3 endpoint, another origin.
    assert f"media-src 'self' blob: {stack.env['AWS_ENDPOINT_URL']} https:" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    # Nothing inline for that policy to block: scripts by src, no handler attributes.
    assert re.findall(r"<script[^>]*>", answer.text) == [
        '<script src="/static/dashboard.js" defer>'
    ]
    assert not re.search(r"\son[a-z]+=", answer.text)
    # CORS is off unless configured: another site's page gets no leave to read the API.
    asked = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}
    preflight = httpx.options(stack.url + "/v1/jobs", headers=asked)
    assert "access-control-allow-origin" not in preflight.headers
    assert httpx.get(stack.url + "/static/app.py").status_code == 404


def test_chapters_asked_for_on_the_form_are_the_jobs_chapters(
    stack: Stack, page: Page, data: Path
) -> None:
    # Given a tenant signed in, with no worker, and a book of three chapters
    key = stack.key("t3")
    sign_in(page, stack.url, key)
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#chapter")).to_have_attribute("placeholder", re.compile(r"3-5"))
    # When it is submitted asking for chapters 0 and 2
    page.fill("#chapter", "0,2")
    submit(page, data / "three_chapters.md", "wav")

    # Then the job made is a book of those two, on the page and in the API
    row = page.locator("tr.job")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text("0/2")
    row.locator("button.open").click()
    expect(page.locator("#chapters tr.chapter td:nth-child(2)")).to_have_text(["One", "Three"])
    job_id = row.get_attribute("data-id")
    auth = {"Authorization": f"Bearer {key}"}
    answer = httpx.get(f"{stack.url}/v1/jobs/{job_id}/chapters", headers=auth)
    assert [chapter["title"] for chapter in answer.json()["chapters"]] == ["One", "Three"]
    # And the form is empty again, for the next book
    expect(page.locator("#chapter")).to_have_value("")
    # (cancelled, so that no later test's worker narrates it)
    assert httpx.delete(f"{stack.url}/v1/jobs/{job_id}", headers=auth).status_code == 200


def test_a_chapter_past_the_books_end_shows_the_services_error_and_makes_no_job(
    stack: Stack, page: Page, data: Path
) -> None:
    # Given a tenant signed in, and the service's own answer to chapter 7 of three
    key = stack.key("t4")
    auth = {"Authorization": f"Bearer {key}"}
    book = data / "three_chapters.md"
    refused = httpx.post(
        f"{stack.url}/v1/jobs",
        headers=auth,
        files={"manuscript": (book.name, book.read_bytes())},
        data={"chapter": "7", "format": "wav"},
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "chapter 7: no such chapter; it has 3" in error
    sign_in(page, stack.url, key)
    expect(page.locator("#app")).to_be_visible()

    # When the form asks for chapter 7 of the book
    page.fill("#chapter", "7")
    page.set_input_files("#manuscript", book)
    page.click("#submit-button")

    # Then the page shows the service's words as an error, and keeps what was typed
    message = page.locator("#submit-message")
    expect(message).to_have_text(f"Not submitted: {error}")
    expect(message).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#chapter")).to_have_value("7")
    # And no job was made
    expect(page.locator("#no-jobs")).to_be_visible()
    expect(page.locator("tr.job")).to_have_count(0)
    assert httpx.get(f"{stack.url}/v1/jobs", headers=auth).json()["total"] == 0


def test_the_api_pages_work_with_nothing_but_the_service_reachable(
    stack: Stack, browser: Browser
) -> None:
    """/docs (Swagger UI) and /redoc in a browser that reaches the service and nothing
    else: their scripts and styles come from it. FastAPI's own pages load them from a CDN,
    and a host without the internet showed a blank page. (ReDoc's footer asks its CDN for
    its logo, an image: left out, the page is whole.)"""
    context = browser.new_context()
    outside: list[tuple[str, str]] = []

    def only_the_service(route: Route) -> None:
        if route.request.url.startswith(stack.url + "/"):
            route.continue_()
        else:
            outside.append((route.request.resource_type, route.request.url))
            route.abort()

    context.route("**/*", only_the_service)
    page = context.new_page()
    try:
        page.goto(f"{stack.url}/docs")
        expect(page.locator(".opblock-summary-path", has_text="/v1/jobs").first).to_be_visible()
        page.goto(f"{stack.url}/redoc")
        expect(page.locator("h1", has_text="narrate").first).to_be_visible()
    finally:
        context.close()
    assert [(kind, url) for kind, url in outside if kind != "image"] == []
