"""The built site in a real browser: headless Chromium opens every page, as a reader would.

The session's build is served on 127.0.0.1 (an ephemeral port) under the path of
``site_url``, the way GitHub Pages serves it, with 404.html answering any missing path.
One Chromium, Debian's package driven by Playwright (never a browser download), opens
each page once in a fresh tab and records what happens: status, console errors, every
request, the Code/Output tabs, the open Output blocks (tables and plots), copy buttons,
the light/dark toggle and one self-check answer opened and closed in each scheme
(by keyboard, then by click), and it writes a screenshot of the page in each scheme to
.artifacts/screenshots/ (Output tabs shown, so the screenshots show the executed
output). The tests read those records, so adding a
page adds no test code and one page visit.

Without Chromium these tests skip and say what to install; under CI (``CI`` set) they
fail instead, since `.ci/run` installs Chromium first.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import re
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from built_site import ARTIFACTS, BASE_PATH, NOT_FOUND_PAGE, reader_pages, site_dir
from built_site import Page as BuiltPage
from helpers import LONGEST_LINE, Build
from playwright.sync_api import BrowserContext, Page, Request, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Chromium's own background traffic (updates, sync, safe browsing, field trials)
    # goes to Google's hosts; this network refuses it, and the site must not need it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: no host name resolves, so nothing can leave this machine even
    # if a page tried; the tests below still see and report such a request.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SCREENSHOTS = ARTIFACTS / "screenshots"
WEIGHT_REPORT = ARTIFACTS / "page-weight.txt"
MAX_FIRST_LOAD = 1_000_000  # bytes: 1 MB
# Generous waits for what takes milliseconds on an idle machine: CI shares two cores.
WAIT_MS = 10_000
SEARCH_WAIT_MS = 60_000  # the search worker first downloads and indexes the whole site
SEARCH_INDEX = "search/search_index.json"
LOCAL_SCHEMES = {"data", "blob", "about"}  # never touch the network
COMPRESSED_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "text/xml",
    "image/svg+xml",
}

# --- serving the built site ------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _gzipped(file: Path, mtime_ns: int) -> bytes:
    """A file as the server sends it, compressed once: every page loads the same CSS,
    scripts and search index (a megabyte) again."""
    return gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages does: under BASE_PATH, text gzipped, 404.html for misses.

    Compressing text the way the real host does makes the measured page weight the
    number of bytes a reader really downloads.
    """

    def send_head(self) -> Any:
        url_path = urlsplit(self.path).path
        if not url_path.startswith(BASE_PATH):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        file = Path(self.translate_path(self.path))
        if file.is_dir() and url_path.endswith("/"):
            file /= "index.html"
        content_type = self.guess_type(str(file))
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (file.is_file() and accepts_gzip and content_type in COMPRESSED_TYPES):
            return super().send_head()  # directories to redirect, binary files, misses
        body = _gzipped(file, file.stat().st_mtime_ns)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + urlsplit(path).path.removeprefix(BASE_PATH))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: failures show in the tests' own reports


@pytest.fixture(scope="session")
def site_address(site_build: Build) -> Iterator[str]:
    """http://127.0.0.1:PORT/site/, serving this session's build until the session ends."""
    handler = functools.partial(SiteHandler, directory=str(site_dir(site_build)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the browser -------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """$CHROMIUM_PATH, Debian's /usr/bin/chromium, or a Chromium or Chrome on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "browser tests need Chromium, and none was found (looked at $CHROMIUM_PATH, "
            f"/usr/bin/chromium, and {', '.join(CHROMIUM_NAMES)} on PATH). Install it with "
            "`sudo apt-get install chromium` (`bash .ci/run` does), or point CHROMIUM_PATH at one"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI they must run")
        pytest.skip(reason)
    return path


@dataclass
class Recorder:
    """Refuses, and remembers, every request from any tab for a host other than 127.0.0.1."""

    refused: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this
# thread while it is open, and later tests (the docs' inline asyncio examples) call
# asyncio.run(), which refuses to start inside a running loop.
@contextlib.contextmanager
def chromium_context(chromium: str, profile: Path, recorder: Recorder) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile, on this thread's own Playwright (its
    sync API is not thread-safe: one instance per thread)."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            color_scheme="light",
            reduced_motion="reduce",
        )
        try:
            # Routing every request also turns the HTTP cache off: each visit is a first load.
            context.route("**/*", recorder.route)
            # Material remembers the scheme and the chosen tab; every visit starts afresh.
            context.add_init_script("localStorage.clear(); sessionStorage.clear();")
            yield context
        finally:
            context.close()


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this
# thread while it is open, and later tests (the docs' inline asyncio examples) call
# asyncio.run(), which refuses to start inside a running loop.
@pytest.fixture(scope="module")
def browser(
    chromium: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BrowserContext, Recorder]]:
    """One Chromium for this module, with a fresh profile; each visit opens its own tab."""
    recorder = Recorder()
    with chromium_context(chromium, tmp_path_factory.mktemp("chromium-profile"), recorder) as ctx:
        yield ctx, recorder


# --- one visit -------------------------------------------------------------------------------


@dataclass
class Loaded:
    kind: str  # Chromium's resource type: document, stylesheet, script, image, font, fetch...
    size: int  # bytes on the wire (gzipped where the server compressed it)
    raw: int  # bytes of the body once decompressed
    status: int


@dataclass
class Visit:
    """What happened while one page was open in its own tab."""

    url: str
    expected_status: int = HTTPStatus.OK
    status: int | None = None
    requests: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    first_load: dict[str, Loaded] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error: str | None = None
    seconds: float = 0.0
    pending: set[Request] = field(default_factory=set)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)
        self.pending.add(request)

    def on_request_done(self, request: Request) -> None:
        self.pending.discard(request)

    def settled(self) -> bool:
        """Every request answered, the search index's too once the search worker asked
        for it: what ``networkidle`` waits for, without its fixed half second of quiet
        (half a minute of a visit to every page)."""
        searching = any("/workers/search." in url for url in self.requests)
        indexed = any(url.endswith(SEARCH_INDEX) for url in self.requests)
        return not self.pending and (indexed or not searching)

    def on_response(self, response: Response) -> None:
        self.responses.append(response)

    def on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        # A 404 page logs its own status as an error: that is the page doing its job.
        if where == self.url and f"status of {self.expected_status}" in message.text:
            return
        self.console_errors.append(f"{message.text} ({where})")

    def on_page_error(self, error: Any) -> None:
        self.console_errors.append(f"uncaught exception: {error}")

    def offsite(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname != "127.0.0.1"
        ]


def visit_page(context: BrowserContext, visit: Visit, actions: Callable[[Page], None]) -> None:
    """Open the page in a new tab, wait until the network is idle, weigh it, run ``actions``."""
    tab = context.new_page()
    tab.on("request", visit.on_request)
    tab.on("requestfinished", visit.on_request_done)
    tab.on("requestfailed", visit.on_request_done)
    tab.on("response", visit.on_response)
    tab.on("console", visit.on_console)
    tab.on("pageerror", visit.on_page_error)
    start = time.perf_counter()
    try:
        response = tab.goto(visit.url, wait_until="load")
        visit.status = response.status if response else None
        wait_until_settled(tab, visit)  # the search index and sitemap arrive too
        for answer in visit.responses:
            redirect = 300 <= answer.status < 400  # a redirect has no body to read
            raw = 0 if redirect else len(answer.body())
            size = int(answer.headers.get("content-length", raw))
            kind = answer.request.resource_type
            visit.first_load[answer.url] = Loaded(kind, size, raw, answer.status)
        actions(tab)
    except PlaywrightError as error:
        visit.error = f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"
    finally:
        visit.seconds = time.perf_counter() - start
        tab.close()


def wait_until_settled(tab: Page, visit: Visit) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not visit.settled():
        if time.monotonic() > deadline:
            unanswered = sorted(request.url for request in visit.pending)
            raise PlaywrightTimeout(f"requests unanswered after {WAIT_MS} ms: {unanswered}")
        tab.wait_for_timeout(20)  # lets Playwright deliver the requests' events


# What the page shows, read in the browser. Each returns plain data for the checks.
CODE_BLOCKS = """() => [...document.querySelectorAll("article pre > code")].map(code => [
  code.textContent.trim().slice(0, 60),
  code.parentElement.querySelector('button[data-md-type="copy"], button.md-clipboard') !== null,
])"""
# A set inside a closed <details> (an exercise's solution) is not on screen: skipped.
TAB_SETS = """() => [...document.querySelectorAll("article .tabbed-set")].flatMap(set => {
  if (set.closest("details:not([open])")) return [];
  const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")]
    .map(label => label.textContent.trim());
  const blocks = set.querySelectorAll(":scope > .tabbed-content > .tabbed-block");
  const code = blocks[labels.indexOf("Code")], output = blocks[labels.indexOf("Output")];
  if (!code || !output) return [];
  const shown = block => block.getClientRects().length > 0;
  const filled = output.textContent.trim() !== "" || output.querySelector("img") !== null;
  return [{code: shown(code), output: shown(output), filled}];
})"""
# Open Output blocks (a table or a plot under its code) outside a closed <details> (an
# exercise's solution): each must be on screen when the page opens, with no click.
OPEN_OUTPUTS = """() => [...document.querySelectorAll("article .admonition.output")]
  .filter(block => !block.closest("details:not([open])"))
  .map(block => ({
    shown: block.getClientRects().length > 0 && !block.closest(".tabbed-block"),
    filled: block.querySelector("table, img, svg, pre, p:not(.admonition-title)") !== null,
  }))"""
SCHEME = """() => {
  const background = getComputedStyle(document.body).backgroundColor;
  const [r, g, b] = background.match(/[\\d.]+/g).map(Number);
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return {scheme: document.body.dataset.mdColorScheme, luminance};
}"""
SCROLL_TO_TOP = """() => new Promise(done => {
  window.scrollTo(0, 0);
  requestAnimationFrame(() => requestAnimationFrame(done));  // let the header settle
})"""
SEARCH_DONE = """() => /matching document/.test(
  document.querySelector(".md-search-result__meta")?.textContent ?? "")"""


def check_copy_buttons(tab: Page, visit: Visit) -> None:
    blocks = tab.evaluate(CODE_BLOCKS)
    visit.found["code blocks"] = len(blocks)
    visit.problems["copy"] += [f"no copy button on {text!r}" for text, has in blocks if not has]


def check_open_outputs(tab: Page, visit: Visit) -> None:
    """Tables and plots are on the page as it opens, each with something in it."""
    blocks = tab.evaluate(OPEN_OUTPUTS)
    visit.found["open Output blocks"] = len(blocks)
    hidden = sum(not block["shown"] for block in blocks)
    empty = sum(not block["filled"] for block in blocks)
    if hidden:
        visit.problems["outputs"].append(f"{hidden} Output block(s) not shown on opening")
    if empty:
        visit.problems["outputs"].append(f"{empty} Output block(s) show nothing")


def check_tabs(tab: Page, visit: Visit) -> None:
    """Code shows first; one click on "Output" shows every Output tab (content.tabs.link)."""
    sets = tab.evaluate(TAB_SETS)
    visit.found["Code/Output tab sets"] = len(sets)
    if not sets:
        return
    if not all(s["code"] and not s["output"] for s in sets):
        visit.problems["tabs"].append(f"not every set opens on its Code tab: {sets}")
    label = tab.locator("article .tabbed-labels > label").filter(has_text=re.compile(r"^Output$"))
    label.first.click()
    try:
        tab.wait_for_function(
            f"() => ({TAB_SETS})().every(s => s.output && !s.code)", timeout=WAIT_MS
        )
    except PlaywrightTimeout:
        visit.problems["tabs"].append(f"after a click on Output: {tab.evaluate(TAB_SETS)}")
    empty = sum(not s["filled"] for s in tab.evaluate(TAB_SETS))
    if empty:
        visit.problems["tabs"].append(f"{empty} Output tab(s) show nothing")


def check_theme_toggle(tab: Page, visit: Visit) -> None:
    """The page opens light; the header's toggle makes it dark (by the background it paints)."""
    before = tab.evaluate(SCHEME)
    if before["luminance"] < 0.5:
        visit.problems["theme"].append(f"does not open in the light scheme: {before}")
    tab.locator('form[data-md-component="palette"] label:not([hidden])').first.click()
    try:
        tab.wait_for_function(f"() => ({SCHEME})().luminance < 0.5", timeout=WAIT_MS)
    except PlaywrightTimeout:
        visit.problems["theme"].append(
            f"the toggle did not darken the page: {tab.evaluate(SCHEME)}"
        )
    after = tab.evaluate(SCHEME)
    if after["scheme"] == before["scheme"]:
        visit.problems["theme"].append(f"color scheme stayed {before['scheme']!r}")


# The first screen of each page by default; BROWSER_SCREENSHOTS=full shoots whole
# pages, which costs a minute or more of the suite on a 2-core machine (long pages
# make huge images to encode), so only a reviewer who wants them pays for them.
FULL_PAGE = os.environ.get("BROWSER_SCREENSHOTS", "").strip().lower() == "full"


def screenshot(tab: Page, visit: Visit, name: str) -> None:
    # From the top: a click further down scrolled the page, and a full-page shot of a
    # scrolled page paints the sticky header in the middle of it.
    tab.evaluate(SCROLL_TO_TOP)
    tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=FULL_PAGE, animations="disabled")
    visit.found["screenshots"] += 1


# Code blocks a reader sees that are wider than their box: they scroll sideways. What a
# program printed, in an open Output block or in another cell's tab under it, may: a
# log line is as long as it is, as in an Output tab. The rule is for code, which is
# formatted to fit.
SIDEWAYS = """() => [...document.querySelectorAll("article pre > code")]
  .filter(code => !code.closest(".admonition.output, .snippet-other-cells"))
  .filter(code => code.getClientRects().length > 0 && code.scrollWidth > code.clientWidth + 1)
  .map(code => `${code.textContent.trim().slice(0, 60)} `
    + `(${code.scrollWidth} px in ${code.clientWidth})`)"""


def check_code_fits(tab: Page, visit: Visit) -> None:
    """At 1280 px, no code the page opens on (Code tabs, code above an Output block)
    scrolls sideways."""
    visit.problems["sideways"] += tab.evaluate(SIDEWAYS)


# A chapter's self-check: collapsed <details class="question"> blocks (pymdownx.details).
# One answer per page is opened and closed, by keyboard in one scheme and by click in
# the other, and its text must stand out from what is behind it (WCAG AA: 4.5:1).
ANSWER_STATE = """details => {
  const text = details.querySelector(":scope > :not(summary)");
  // checkVisibility: Chromium lays out a closed <details>' content, hidden from view.
  const shown = text !== null && text.checkVisibility() && text.getClientRects().length > 0;
  const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
  const light = ([r, g, b]) => [r, g, b].map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  let behind = text, background = "rgba(0, 0, 0, 0)";
  while (behind && rgb(background)[3] === 0) {
    background = getComputedStyle(behind).backgroundColor;
    behind = behind.parentElement;
  }
  const [a, b] = [light(rgb(getComputedStyle(text ?? details).color)), light(rgb(background))];
  return {open: details.open, shown, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def check_self_check(tab: Page, visit: Visit, scheme: str) -> None:
    """Open and close the page's first self-check answer: by keyboard (focus the
    question, Enter, then Space) in the light scheme, by click in the dark one."""
    answer = tab.locator("article details.question").first
    if not answer.count():
        return
    summary, handle = answer.locator(":scope > summary"), answer.element_handle()

    def toggle(opened: bool) -> None:
        if scheme == "light":
            summary.focus()
            tab.keyboard.press("Enter" if opened else "Space")
        else:
            summary.click()
        with contextlib.suppress(PlaywrightTimeout):
            tab.wait_for_function("([d, o]) => d.open === o", arg=[handle, opened], timeout=WAIT_MS)
        state = handle.evaluate(ANSWER_STATE)
        how = "keyboard" if scheme == "light" else "click"
        if state["open"] != opened or state["shown"] != opened:
            visit.problems["self-check"].append(
                f"{scheme}: {how} did not {'open' if opened else 'close'} the answer: {state}"
            )
        elif opened and state["contrast"] < 4.5:
            visit.problems["self-check"].append(
                f"{scheme}: the answer's text has contrast {state['contrast']:.1f}:1"
            )

    toggle(opened=True)
    toggle(opened=False)
    visit.found[f"self-check answers ({scheme})"] += 1


# The measured timelines (snippets/timeline_svg.py, inline <svg class="tl">), each one
# alone, in each scheme: they draw with the theme's colours, so a reviewer looks at both.
TIMELINES = SCREENSHOTS / "timelines"


def shoot_timelines(tab: Page, visit: Visit, slug: str, scheme: str) -> None:
    """<page>-<n>-<scheme>.png for each timeline on screen (not those in hidden tabs)."""
    shown = tab.locator("article svg.tl")
    for n in range(shown.count()):
        if shown.nth(n).is_visible():
            TIMELINES.mkdir(parents=True, exist_ok=True)
            path = TIMELINES / f"{slug}-{n + 1}-{scheme}.png"
            shown.nth(n).screenshot(path=path, animations="disabled")
            visit.found[f"timelines {scheme}"] += 1


def exercise(tab: Page, visit: Visit, slug: str) -> None:
    check_code_fits(tab, visit)  # before check_tabs: the Code tabs are the ones shown
    check_copy_buttons(tab, visit)
    check_open_outputs(tab, visit)  # before check_tabs: no click yet
    check_tabs(tab, visit)  # leaves the Output tabs shown, for the screenshots
    screenshot(tab, visit, f"{slug}-light")
    shoot_timelines(tab, visit, slug, "light")
    check_self_check(tab, visit, "light")  # after the screenshots: it scrolls
    check_theme_toggle(tab, visit)
    screenshot(tab, visit, f"{slug}-dark")
    shoot_timelines(tab, visit, slug, "dark")
    check_self_check(tab, visit, "dark")


# Browsers visiting pages at once. A visit spends about half its time waiting (on the
# page's load, on Playwright's messages), so two share two CPUs well: on the 2-core CI
# machine the visits took about 80 s one after another, 63 s with two, and no less
# with three.
VISITORS = 2


@pytest.fixture(scope="module")
def visits(
    browser: tuple[BrowserContext, Recorder],
    chromium: str,
    tmp_path_factory: pytest.TempPathFactory,
    site_address: str,
    site_build: Build,
) -> dict[str, Visit]:
    """Every reader page, visited once: page file (e.g. "threads/index.html") -> its Visit.

    Each of VISITORS threads runs its own Chromium over every VISITORS-th page; every
    request goes through the module's one recorder of refused hosts."""
    recorder = browser[1]
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    pages = reader_pages(site_dir(site_build))
    found = {page.rel: Visit(site_address + page.path) for page in pages}

    def visitor(share: tuple[BuiltPage, ...]) -> None:
        profile = tmp_path_factory.mktemp("chromium-visitor")
        with chromium_context(chromium, profile, recorder) as context:
            for page in share:
                visit = found[page.rel]
                visit_page(context, visit, lambda tab, v=visit, s=page.slug: exercise(tab, v, s))

    with ThreadPoolExecutor(VISITORS) as pool:
        list(pool.map(visitor, [pages[n::VISITORS] for n in range(VISITORS)]))
    return found


def report(visits: dict[str, Visit], problems: Callable[[Visit], list[str]]) -> str:
    """One line per problem, page first; a visit that broke off counts as a problem."""
    lines = []
    for name, visit in visits.items():
        found = ([f"the visit broke off: {visit.error}"] if visit.error else []) + problems(visit)
        lines += [f"{name}: {problem}" for problem in found]
    return "\n".join(lines)


# --- the tests -------------------------------------------------------------------------------


def test_every_page_answers_200(visits: dict[str, Visit]) -> None:
    assert visits, "the built site has no pages"
    failures = report(visits, lambda v: [] if v.status == HTTPStatus.OK else [f"status {v.status}"])
    assert not failures, failures


def test_no_console_errors(visits: dict[str, Visit]) -> None:
    failures = report(visits, lambda v: v.console_errors)
    assert not failures, failures


def test_no_request_leaves_127_0_0_1(
    visits: dict[str, Visit], browser: tuple[BrowserContext, Recorder]
) -> None:
    assert all(v.requests for v in visits.values()), "no requests were recorded"
    failures = report(visits, Visit.offsite)
    refused = browser[1].refused
    assert not failures and not refused, f"{failures}\nrefused by the test's router: {refused}"


def test_code_and_output_tabs_switch(visits: dict[str, Visit]) -> None:
    assert sum(v.found["Code/Output tab sets"] for v in visits.values()), "no tab sets found"
    failures = report(visits, lambda v: v.problems["tabs"])
    assert not failures, failures


def test_tables_and_plots_show_without_a_click(visits: dict[str, Visit]) -> None:
    assert sum(v.found["open Output blocks"] for v in visits.values()), "no Output blocks found"
    failures = report(visits, lambda v: v.problems["outputs"])
    assert not failures, failures


def test_code_blocks_have_a_copy_button(visits: dict[str, Visit]) -> None:
    assert sum(v.found["code blocks"] for v in visits.values()), "no code blocks found"
    failures = report(visits, lambda v: v.problems["copy"])
    assert not failures, failures


def test_no_code_block_scrolls_sideways_at_1280_px(visits: dict[str, Visit]) -> None:
    failures = report(visits, lambda v: v.problems["sideways"])
    assert not failures, failures


def test_self_check_answers_open_and_close_by_keyboard_and_click(
    visits: dict[str, Visit],
) -> None:
    for scheme in ("light", "dark"):
        found = sum(v.found[f"self-check answers ({scheme})"] for v in visits.values())
        assert found, f"no self-check answer was found to open ({scheme} scheme)"
    failures = report(visits, lambda v: v.problems["self-check"])
    assert not failures, failures


def test_light_dark_toggle(visits: dict[str, Visit]) -> None:
    failures = report(visits, lambda v: v.problems["theme"])
    assert not failures, failures


def test_screenshots_in_both_schemes(visits: dict[str, Visit], site_build: Build) -> None:
    missing = [
        f"{name}.png"
        for page in reader_pages(site_dir(site_build))
        for name in (f"{page.slug}-light", f"{page.slug}-dark")
        if not (SCREENSHOTS / f"{name}.png").is_file()
        or not (SCREENSHOTS / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    ]
    assert not missing, f"missing screenshots in {SCREENSHOTS}: {missing}"


def test_timelines_are_shot_in_both_schemes(visits: dict[str, Visit]) -> None:
    """Every page that draws a timeline has a screenshot of each, light and dark."""
    drawn = {name: v for name, v in visits.items() if v.found["timelines light"]}
    assert drawn, "no page showed a timeline (snippets/timeline_svg.py)"
    failures = report(
        drawn,
        lambda v: (
            []
            if v.found["timelines light"] == v.found["timelines dark"]
            else [f"{v.found['timelines light']} light and {v.found['timelines dark']} dark"]
        ),
    )
    assert not failures, failures


KINDS = {
    "document": "HTML",
    "stylesheet": "CSS",
    "script": "JS",
    "image": "images",
    "font": "fonts",
}


def test_first_load_weight(visits: dict[str, Visit]) -> None:
    """Each page's first load stays under 1 MB: all that Chromium downloaded until idle.

    Counted: the HTML (with the plots it embeds), CSS, JS, images and fonts, and what
    the theme's scripts fetch on their own: the sitemap, the favicon, and the search
    index (search/search_index.json). The index counts because Material's search
    worker downloads it on every first visit, whether or not the reader searches; it
    is one file shared by all pages, so it has its own column: when it grows, every
    page grows. Bytes are those on the wire, gzipped as GitHub Pages sends text; the
    report also gives the decompressed total.
    """
    columns = [*KINDS.values(), "index", "other"]
    width = max(map(len, visits), default=0) + 2
    header = f"{'page':<{width}}{'total':>10}" + "".join(f"{c:>9}" for c in columns)
    lines = [header + f"{'unzipped':>11}{'visit s':>9}"]
    over = []
    for name, visit in visits.items():
        sizes = dict.fromkeys(columns, 0)
        for url, loaded in visit.first_load.items():
            column = "index" if url.endswith(SEARCH_INDEX) else KINDS.get(loaded.kind, "other")
            sizes[column] += loaded.size
        total = sum(sizes.values())
        raw = sum(loaded.raw for loaded in visit.first_load.values())
        lines.append(
            f"{name:<{width}}{total:>10,}"
            + "".join(f"{sizes[c]:>9,}" for c in columns)
            + f"{raw:>11,}{visit.seconds:>9.1f}"
        )
        if visit.error or not sizes["HTML"] or not sizes["index"] or total > MAX_FIRST_LOAD:
            over.append(f"{name}: {total:,} bytes" + (f" ({visit.error})" if visit.error else ""))
    notes = [
        f"Bytes on the wire (text gzipped); limit {MAX_FIRST_LOAD:,} per page.",
        "visit s: the whole visit (load, checks, a screenshot in each scheme).",
    ]
    text = "\n".join([*lines, *notes])
    WEIGHT_REPORT.parent.mkdir(parents=True, exist_ok=True)
    WEIGHT_REPORT.write_text(text + "\n", encoding="utf-8")
    print(text)
    assert not over, f"over {MAX_FIRST_LOAD:,} bytes, or not measured:\n" + "\n".join(over)


# Words the site must find. A word that arrives with a later chapter is searched for
# only once the search index has it; until then the test skips and says so.
SEARCH_TERMS = {"GIL": None, "TaskGroup": "the asyncio chapter"}


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds(
    term: str, browser: tuple[BrowserContext, Recorder], site_address: str, site_build: Build
) -> None:
    arrives_with = SEARCH_TERMS[term]
    index = (site_dir(site_build) / SEARCH_INDEX).read_text(encoding="utf-8")
    if arrives_with and not re.search(rf"\b{term}\b", index, re.IGNORECASE):
        pytest.skip(f"{term!r} is not on any page yet ({arrives_with} brings it)")
    visit = Visit(site_address)

    def search(tab: Page) -> None:
        box = tab.locator('input[data-md-component="search-query"]')
        box.click()
        box.press_sequentially(term)  # Material searches on key presses
        tab.wait_for_function(SEARCH_DONE, timeout=SEARCH_WAIT_MS)
        results = tab.locator(".md-search-result__item").all_inner_texts()
        visit.found["results"] = len(results)
        visit.found["naming it"] = sum(term.lower() in text.lower() for text in results)

    visit_page(browser[0], visit, search)
    assert visit.error is None, visit.error
    assert visit.found["results"] and visit.found["naming it"], f"no result for {term!r}"
    assert not visit.console_errors and not visit.offsite(), (visit.console_errors, visit.offsite())


def test_404_page_is_served_for_missing_paths(
    browser: tuple[BrowserContext, Recorder], site_address: str
) -> None:
    visit = Visit(site_address + "no/such/page/", expected_status=HTTPStatus.NOT_FOUND)
    visit_page(
        browser[0],
        visit,
        lambda tab: visit.found.update(heading="404" in tab.locator("h1").first.inner_text()),
    )
    assert visit.error is None, visit.error
    assert visit.status == HTTPStatus.NOT_FOUND and visit.found["heading"]
    assets = {url: loaded.status for url, loaded in visit.first_load.items() if url != visit.url}
    assert assets and all(status == HTTPStatus.OK for status in assets.values()), assets
    assert not visit.console_errors and not visit.offsite(), (visit.console_errors, visit.offsite())


# --- an excerpt, its whole program and its highlighted lines, on a throwaway site ----------------

LINE_HEIGHTS = """() => {
  const table = document.querySelector("article .highlighttable");
  const size = element => {
    const style = getComputedStyle(element);
    return [style.fontSize, style.lineHeight];
  };
  return [size(table.querySelector(".linenodiv pre")), size(table.querySelector("td.code code"))];
}"""
# 1280 px first (the browser's size); then the widths around code.css's steps: the
# sidebars go below 960 px, Material's 0.85em stops fitting 88 columns below about
# 800 px, and the font stops shrinking at 10 px, below about 650 px.
NARROWER = (1280, 1000, 960, 959, 800, 768, 700, 660)
HIGHLIGHT_COLOURS = """() => {
  const line = document.querySelector("article .hll");
  const code = line.closest("code");
  return [getComputedStyle(line).backgroundColor, getComputedStyle(code).backgroundColor];
}"""


def test_an_excerpt_its_whole_program_and_highlights_render(
    browser: tuple[BrowserContext, Recorder], working_build: Build
) -> None:
    result = working_build  # its page wide.md shows helpers.WIDE's section "body"
    assert result.returncode == 0, result.log
    # Served on 127.0.0.1: the browser's router refuses every other address, file: too.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(result.site))
    handler.log_message = lambda *_args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tab = browser[0].new_page()
    try:
        tab.goto(f"http://127.0.0.1:{server.server_address[1]}/wide/index.html")
        code_tab = tab.locator("article .tabbed-block").first
        excerpt = code_tab.locator(".highlight", has=tab.locator(".filename", has_text="(excerpt)"))
        assert excerpt.is_visible()
        lines = excerpt.locator("td.code").inner_text().splitlines()
        assert [line for line in lines if line.strip()] == [
            LONGEST_LINE.strip(),
            'print("hello from the demo", x)',
        ]
        whole = code_tab.locator("details.note")
        assert not whole.locator("td.code").is_visible(), "the whole program starts collapsed"
        whole.locator("summary").click()
        shown = whole.locator("td.code")
        shown.wait_for(state="visible", timeout=WAIT_MS)
        assert "def main():" in shown.inner_text() and "8<" not in shown.inner_text()
        # The 88-column line fits at 1280 px, and on narrower screens down to a tablet's
        # (stylesheets/code.css): nothing the reader sees scrolls sideways. Line numbers
        # keep the code's own size and line height, or they drift off their lines.
        for width in NARROWER:
            tab.set_viewport_size({"width": width, "height": 900})
            assert tab.evaluate(SIDEWAYS) == [], f"at {width} px"
            numbers, code = tab.evaluate(LINE_HEIGHTS)
            assert numbers == code, f"at {width} px: line numbers {numbers} beside code {code}"
        # The highlighted line stands out from the code around it, in both schemes.
        light_line, light_code = tab.evaluate(HIGHLIGHT_COLOURS)
        tab.locator('form[data-md-component="palette"] label:not([hidden])').first.click()
        tab.wait_for_function(f"() => ({SCHEME})().luminance < 0.5", timeout=WAIT_MS)
        dark_line, dark_code = tab.evaluate(HIGHLIGHT_COLOURS)
        assert light_line != light_code and dark_line != dark_code, (
            f"highlight invisible: light {light_line} on {light_code}, "
            f"dark {dark_line} on {dark_code}"
        )
        assert light_code != dark_code, "the scheme did not change"
    finally:
        tab.close()
        server.shutdown()
        server.server_close()
