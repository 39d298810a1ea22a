"""Every word a person reads, in gettext message catalogues (services/words/locale/<locale>/LC_MESSAGES/
messages.po), read with Babel: the pages, the decision forms, task titles, domain errors, notices and
mails. A message id is a symbolic key (`task.decide`); the catalogues of every language hold the same
keys. The pages translate through api/web/page_text.py's Translator; notices and mails, written by
the workers, through `say`."""

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
    """The message ids this language's catalogue translates."""
    return frozenset(str(message.id) for message in read_catalogue(lang) if message.id and message.string)


def say(lang: str, key: str, **values: object) -> str:
    """The words for `key` in `lang` with its values filled in; KeyError for a key no catalogue has."""
    if key not in keys(lang):
        raise KeyError(f"no words for {key!r} in the {lang} catalogue")
    return translations(lang).gettext(key).format(**values)
