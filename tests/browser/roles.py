"""The people of the roles journey (tests/browser/test_roles_journey.py), each in a browser of their
own: signing in through the form, finding a task in their inbox, reading the material on its page,
following its links, deciding through its form; and what every page must do for them, noted as
findings so that one run names every page that falls short.

Every page visited is measured at 390 px (no sideways scrolling); task pages and project pages are
kept as screenshots at 1280 px and 390 px in test-artifacts/screenshots."""

import asyncio
import io
import re
import zipfile
from dataclasses import dataclass, field

from playwright.async_api import APIResponse, Browser, BrowserContext, Locator, Page

from services.demo import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, ServedApp, screenshot, watched

WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# Links that lead away from the material rather than to it: the way back, the other language, the page itself.
NOT_MATERIAL = re.compile(r"^(/inbox|/tasks/[0-9a-f-]+$|\?lang=|#|/account|/login|/logout)")
# What a page must never show a person: a Python repr or dict dump, an internal field name, an id.
RAW = re.compile(r"\{'|': |site_org_id|_org_id\b|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Findings:
    """What the pages failed to show, by page; the journey goes on and the test fails at its end."""

    problems: list[str] = field(default_factory=list)

    def expect(self, holds: bool, what: str) -> bool:
        if not holds:
            self.problems.append(what)
        return holds

    def expect_in(self, words: str, text: str, where: str) -> bool:
        return self.expect(words in text, f"{where}: does not show {words!r}")


@dataclass
class Journey:
    """The served app, the browser, and what the run has found so far."""

    served: ServedApp
    browser: Browser
    findings: Findings = field(default_factory=Findings)
    shots: int = 0
    shot_tasks: set[str] = field(default_factory=set)
    contexts: list[BrowserContext] = field(default_factory=list)

    def __post_init__(self) -> None:
        for old in ARTIFACTS.glob(f"roles-{self.served.database}-*.png"):
            old.unlink()

    def policy_violations(self) -> list[str]:
        """What the Content-Security-Policy blocked on any person's pages (none, or a page is broken)."""
        return [v for context in self.contexts for v in context.violations]

    def url(self, path: str) -> str:
        return self.served.base_url + path

    async def person(self, username: str, locale: str) -> "Person":
        """A browser of the person's own (its own cookies), signed in through the sign-in form."""
        context = await watched(await self.browser.new_context(locale=locale, viewport=WIDE))
        self.contexts.append(context)
        context.set_default_timeout(10_000)  # a field the page lacks is named in seconds, not half a minute
        person = Person(self, username, context, await context.new_page())
        await person.sign_in()
        return person

    async def fits(self, page: Page, where: str) -> None:
        """At 390 px the page does not scroll sideways."""
        await page.set_viewport_size(NARROW)
        scroll, inner = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        self.findings.expect(scroll <= inner, f"{where} at 390 px: scrollWidth {scroll} > innerWidth {inner}")
        await page.set_viewport_size(WIDE)

    async def screenshots(self, page: Page, name: str) -> None:
        """The page at 1280 px and at 390 px, whole, as test artifacts."""
        self.shots += 1
        stem = f"roles-{self.served.database}-{self.shots:02d}-{name}"
        for size in (WIDE, NARROW):
            await page.set_viewport_size(size)
            await screenshot(page, f"{stem}-{size['width']}")
        await page.set_viewport_size(WIDE)

    async def readme_shot(self, page: Page, name: str, top: int = 0, height: int = 900) -> None:
        """A band of the page at 1280 px, small enough for README's screenshots (docs/screenshots)."""
        if self.served.database == "sqlite":
            clip = {"x": 0, "y": top, "width": WIDE["width"], "height": height}
            await page.screenshot(path=ARTIFACTS / f"readme-{name}.png", clip=clip, full_page=True)


@dataclass
class Person:
    journey: Journey
    username: str
    context: BrowserContext
    page: Page

    @property
    def findings(self) -> Findings:
        return self.journey.findings

    async def sign_in(self) -> None:
        page = self.page
        await page.goto(self.journey.url("/"))
        assert "/login" in page.url, page.url
        await self.journey.fits(page, f"{self.username}'s sign-in page")
        await page.fill("input[name=username]", self.username)
        await page.fill("input[name=password]", DEMO_PASSWORD)
        await page.click("form[action='/login'] button[type=submit]")
        await page.wait_for_url("**/inbox")

    async def visit(self, path: str, where: str) -> Page:
        response = await self.page.goto(self.journey.url(path))
        assert response is not None and response.status == 200, f"{self.username}: {path} answered {response.status}"
        await self.journey.fits(self.page, where)
        return self.page

    async def visit_until(self, path: str, selector: str, where: str, seconds: float = 30) -> Page:
        """The page, once it shows what the selector finds (what a workflow's step is about to put there)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            page = await self.visit(path, where)
            if await page.locator(selector).count():
                return page
            assert asyncio.get_running_loop().time() < deadline, f"{where} never showed {selector}"
            await asyncio.sleep(0.3)

    async def open_task(self, project_id: str, kind: str, seconds: float = 60) -> str:
        """Finds the task in the inbox filtered by the project, once its workflow has opened it, and
        opens it through the link in its row; answers the task's path."""
        page = self.page
        deadline = asyncio.get_running_loop().time() + seconds
        row = page.locator(f"tr[data-kind={kind}]")
        while True:
            inbox = await page.goto(self.journey.url(f"/inbox?project_id={project_id}"))
            assert inbox is not None and inbox.status == 200, f"{self.username}'s inbox answered {inbox and inbox.status}"
            if await row.count():
                break
            assert asyncio.get_running_loop().time() < deadline, f"no {kind} task reached {self.username}'s inbox"
            await asyncio.sleep(0.3)
        await self.journey.fits(page, f"{self.username}'s inbox")
        async with page.expect_response(lambda r: "/tasks/" in r.url and r.request.method == "GET") as opened:
            await row.first.locator("a[href^='/tasks/']").first.click()
        status = (await opened.value).status
        assert status == 200, f"{self.username}'s {kind} task page answered {status}"
        await self.journey.fits(page, f"{self.username}'s {kind} task page")
        path = page.url.removeprefix(self.journey.served.base_url)
        if path not in self.journey.shot_tasks:
            self.journey.shot_tasks.add(path)
            await self.journey.screenshots(page, f"{self.username}-{kind}")
        return path

    async def material(self) -> str:
        """What the task page shows outside its decision form, every folded section opened as a reader would."""
        for summary in await self.page.locator("main details:not([open]) > summary").all():
            await summary.click()
        text = await self.page.evaluate(
            "[...document.querySelectorAll('main .wide > *:not(.decision):not(form):not(.crumbs)')]"
            ".map(e => e.innerText).join('\\n')"
        )
        raw = RAW.search(text)
        self.findings.expect(raw is None, f"{self.username}'s task page {self.page.url} shows raw data: {raw}")
        return text

    async def links(self) -> list[str]:
        """The task page's links to material: everything in the page's body but the way back."""
        hrefs = await self.page.locator("main .wide a[href]").evaluate_all(
            "links => links.filter(a => !a.closest('.crumbs, nav, form')).map(a => a.getAttribute('href'))"
        )
        return list(dict.fromkeys(h for h in hrefs if not NOT_MATERIAL.match(h)))

    async def follow_links(self, where: str) -> dict[str, str]:
        """Follows every material link of the task page in the same signed-in browser; each must answer
        200. Answers each link's readable text: a page's text, or a file's."""
        read: dict[str, str] = {}
        for href in await self.links():
            read[href] = await self.follow(href, f"{where}, link {href}")
        return read

    async def follow(self, href: str, where: str) -> str:
        answer = await self.context.request.get(self.journey.url(href))
        if not self.findings.expect(answer.status == 200, f"{where} answered {answer.status}"):
            return ""
        if "text/html" not in answer.headers.get("content-type", ""):
            return await readable(answer)
        tab = await self.context.new_page()
        try:
            await tab.goto(self.journey.url(href))
            await self.journey.fits(tab, where)
            text = await tab.locator("main").inner_text()
        finally:
            await tab.close()
        self.findings.expect(not RAW.search(text), f"{where} shows raw data: {RAW.search(text)}")
        return text

    async def decide(self, **choices: str) -> None:
        """Ticks the radio buttons named, fills the rest, and sends the decision form."""
        form = self.page.locator("form.decision-form")
        for name, value in choices.items():
            await fill(form, name, value)
        await send(form.locator("button[type=submit]").last, f"{self.username}'s decision")
        assert "/inbox?notice=task_done" in self.page.url, f"{self.username}'s decision led to {self.page.url}"

    async def close(self) -> None:
        await self.context.close()


async def send(button: Locator, what: str) -> Page:
    """Sends the button's form as a click does; a refusal fails the journey with the words the page shows."""
    page = button.page
    async with page.expect_navigation() as navigated:
        await button.click()
    answer = await navigated.value
    if answer is None or answer.status >= 400:
        said = await page.locator("main").inner_text()
        raise AssertionError(f"{what} was refused ({answer and answer.status}): {said[:1500]}")
    return page


async def fill(form: Locator, name: str, value: str) -> None:
    """Sets a field of the form as a person would: a radio button or a tick box ticked, an option
    chosen, text typed."""
    field_ = form.locator(f"[name='{name}']")
    kind = await field_.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
    if kind == "radio":
        await field_.and_(form.locator(f"[value='{value}']")).check()
    elif kind == "checkbox":
        await field_.check()
    elif kind == "select":
        await field_.select_option(value)
    else:
        await field_.fill(value)


async def option_values(select: Locator, *words: str) -> list[str]:
    """The values of a select's options whose text holds each of the words, in the words' order."""
    options = await select.locator("option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    chosen = [next((v for v, text in options if w in text), None) for w in words]
    missing = [w for w, v in zip(words, chosen, strict=True) if v is None]
    assert not missing, f"no option for {missing} among {options}"
    return chosen


async def readable(answer: APIResponse) -> str:
    """A followed file's text: a text file as it is, a spreadsheet's cells."""
    body = await answer.body()
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as sheet:
            return "\n".join(sheet.read(n).decode("utf-8", "replace") for n in sheet.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")
