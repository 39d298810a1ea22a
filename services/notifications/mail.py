"""Mailing outbox rows by SMTP."""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib

from services.identity.models import User
from services.notifications.messages import reader_language
from services.notifications.models import Notification


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int = 25
    sender: str = "StandardFlow <noreply@standardflow.localhost>"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout_seconds: float = 30


def build_message(config: MailConfig, notification: Notification, recipient: User) -> EmailMessage:
    """In the recipient's language, as the notice's body already is; the headers are encoded for UTF-8
    by the message policy."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = formataddr((recipient.display_name, recipient.email))
    zh = reader_language(recipient) == "zh"
    message["Subject"] = notification.subject_zh if zh else notification.subject_en
    message["Message-ID"] = make_msgid(idstring=str(notification.id), domain="standardflow")
    message.set_content(notification.body)
    return message


async def send(config: MailConfig, message: EmailMessage) -> None:
    """Raises aiosmtplib.SMTPException or OSError when the server cannot be reached or refuses."""
    await aiosmtplib.send(
        message, hostname=config.host, port=config.port, start_tls=config.starttls,
        username=config.username or None, password=config.password or None, timeout=config.timeout_seconds,
    )
