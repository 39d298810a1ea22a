"""The words of each notice, in its reader's language, from the message catalogues (services/words).

A notice row keeps its subject in both languages (the notifications page shows the one of the page)
and its body in the recipient's language: the one they chose, Chinese until they choose."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.identity.models import User
from services.notifications.models import NotificationKind
from services.projects.models import StandardProject
from services.tasks.models import Task
from services.tasks.registry import FORMS
from services.words import say

LANGUAGES = ("zh", "en")
DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class NoticeSite:
    """What notices need of the deployment, passed in from its settings: the zone their times are
    shown in, and the address of its pages (so a mailed link can be followed)."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    base_url: str = ""

    def when(self, moment: datetime) -> str:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return f"{aware.astimezone(self.zone):%Y-%m-%d %H:%M} ({self.zone.key})"

    def link(self, path: str) -> str:
        return self.base_url + path


@dataclass(frozen=True)
class Message:
    subject_zh: str
    subject_en: str
    body: str


def reader_language(user: User | None) -> str:
    return user.language if user is not None and user.language in LANGUAGES else "zh"


def subject(lang: str, key: str, project: StandardProject | None, **values: object) -> str:
    """A subject in one language, followed by the project's title in it."""
    words = say(lang, key, **values)
    return (f"{words} — {title(lang, project)}" if project is not None else words)[:300]


def title(lang: str, item: object) -> str:
    return item.title_zh if lang == "zh" else item.title_en


def task_title(lang: str, task: Task) -> str:
    form = FORMS.get(task.kind)
    return form.title(lang) if form else task.kind


def _notice_name(kind: NotificationKind, days_left: int | None) -> str:
    if kind != NotificationKind.reminder:
        return kind.value
    if days_left is None:
        return "reminder_late"
    return "reminder_one" if days_left == 1 else "reminder"


def compose(kind: NotificationKind, task: Task, project: StandardProject | None, lang: str, site: NoticeSite,
            days_left: int | None = None) -> Message:
    """The notice of a task's opening (`assigned`), of its coming deadline (`reminder`, or a
    secretary's reminder of a late task when `days_left` is None), or of its escalation."""
    name = _notice_name(kind, days_left)
    due = site.when(task.due_at) if task.due_at else "—"
    zh, en = (subject(code, f"notify.{name}.subject", project, task=task_title(code, task), due=due, days=days_left)
              for code in LANGUAGES)
    body = [say(lang, f"notify.{name}.body"), "", say(lang, "notify.fact.task", task=task_title(lang, task))]
    if project is not None:
        body.append(say(lang, "notify.fact.project", project=title(lang, project)))
    if task.due_at is not None:
        body.append(say(lang, "notify.fact.due", due=due))
    body.append(say(lang, "notify.fact.open", link=site.link(f"/tasks/{task.id}")))
    return Message(zh, en, "\n".join(body))
