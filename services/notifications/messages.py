"""The words of each notification, in Chinese and English."""

from dataclasses import dataclass
from datetime import datetime

from services.notifications.models import NotificationKind
from services.projects.models import StandardProject
from services.tasks.models import Task
from services.tasks.registry import FORMS


@dataclass(frozen=True)
class Message:
    subject_zh: str
    subject_en: str
    body: str


def compose(kind: NotificationKind, task: Task, project: StandardProject | None, days_left: int | None) -> Message:
    """The notice of a task's opening (`assigned`), of its coming deadline, or of its escalation."""
    zh, en = _task_title(task)
    about_zh = f" — {project.title_zh}" if project else ""
    about_en = f" — {project.title_en}" if project else ""
    if kind == NotificationKind.reminder:
        subject_zh, subject_en = f"提醒：{zh}还有 {days_left} 天到期", f"Reminder: {en} is due in {_days(days_left)}"
        lines = ["请在期限前完成此任务。", "Please complete this task before its deadline."]
    elif kind == NotificationKind.escalation:
        subject_zh, subject_en = f"逾期：{zh}已过期限", f"Overdue: {en} has passed its deadline"
        lines = ["此任务已逾期，已上报给您处理。", "This task is overdue and has been escalated to you."]
    else:
        subject_zh, subject_en = f"新任务：{zh}", f"New task: {en}"
        lines = ["您有一项新任务。", "A new task is waiting for you."]
    body = "\n".join([*lines, "", *_facts(task, project)])
    return Message((subject_zh + about_zh)[:300], (subject_en + about_en)[:300], body)


def _task_title(task: Task) -> tuple[str, str]:
    form = FORMS.get(task.kind)
    return (form.title_zh, form.title_en) if form else (task.kind, task.kind)


def _days(days: int | None) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _facts(task: Task, project: StandardProject | None) -> list[str]:
    zh, en = _task_title(task)
    facts = [f"任务 Task: {zh} / {en}"]
    if project is not None:
        facts.append(f"项目 Project: {project.title_zh} / {project.title_en}")
    if task.due_at is not None:
        facts.append(f"期限 Due: {_when(task.due_at)}")
    facts.append(f"打开 Open: /api/v1/tasks/{task.id}")
    return facts


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
