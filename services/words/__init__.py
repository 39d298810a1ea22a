"""Every word a person reads, in gettext message catalogues (services/words/locale/<locale>/LC_MESSAGES/
messages.po), read with Babel: the pages, the decision forms, task titles, domain errors, notices and
mails. A message id is a symbolic key (`task.decide`); the catalogues of every language hold the same
keys. The pages translate through api/web/page_text.py's Translator; notices and mails, written by
the workers, through `say`."""

from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
# The pages' language codes and the catalogue each reads.
LOCALES = {"zh": "zh_CN", "en": "en"}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    with po_path(lang).open("rb") as source:
        return read_po(source, locale=LOCALES[lang], domain=DOMAIN)


@cache
def translations(lang: str) -> Translations:
    """The language's catalogue as a gettext object, compiled in memory: no .mo file to keep in step."""
    compiled = BytesIO()
    write_mo(compiled, read_catalogue(lang))
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def keys(lang: str) -> frozenset[str]:
    """The message ids this language's catalogue translates (of a plural message, its first id)."""
    return frozenset(_first(message.id) for message in read_catalogue(lang) if message.id and message.string)


@cache
def plurals(lang: str) -> dict[str, str]:
    """Each plural message's first id and its plural id."""
    return {message.id[0]: message.id[1] for message in read_catalogue(lang) if message.pluralizable}


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


@dataclass(frozen=True)
class Term:
    """A value with words of its own (a task's state, a project's status), passed to a message that
    names it: it is said in the message's language, or as `raw` where the catalogues have no words."""

    key: str
    raw: str

    @classmethod
    def of(cls, prefix: str, value: object) -> "Term":
        raw = str(getattr(value, "value", value))
        return cls(f"{prefix}.{raw}", raw)

    def __str__(self) -> str:
        return self.raw


def known(key: str) -> bool:
    """Whether the catalogues have words for this key (in Chinese, the default language)."""
    return key in keys("zh")


@dataclass(frozen=True)
class Phrase:
    """A message inside another, said in the same language: one of several problems a refusal lists
    (a list of phrases is said as one text, joined as the language joins a list)."""

    key: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return say("en", self.key, **self.values)


_LIST_JOINERS = {"zh": "；", "en": "; "}


def said(lang: str, values: dict[str, object]) -> dict[str, object]:
    """The values of a message in `lang`: each Term and Phrase in its words, a list of phrases joined."""
    return {name: _said(lang, value) for name, value in values.items()}


def _said(lang: str, value: object) -> object:
    if isinstance(value, Term):
        return say(lang, value.key) if value.key in keys(lang) else value.raw
    if isinstance(value, Phrase):
        return say(lang, value.key, **value.values)
    if isinstance(value, list | tuple) and value and all(isinstance(item, Phrase) for item in value):
        return _LIST_JOINERS.get(lang, "; ").join(str(_said(lang, item)) for item in value)
    return value


def say(lang: str, key: str, /, **values: object) -> str:
    """The words for `key` in `lang` with its values filled in; KeyError for a key no catalogue has.
    A plural message takes the form its `count` value asks for."""
    if key not in keys(lang):
        raise KeyError(f"no words for {key!r} in the {lang} catalogue")
    plural = plurals(lang).get(key)
    if plural is not None:
        template = translations(lang).ngettext(key, plural, int(values["count"]))  # type: ignore[call-overload]
    else:
        template = translations(lang).gettext(key)
    return template.format(**said(lang, values))
