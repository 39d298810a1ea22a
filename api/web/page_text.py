"""The words of the pages, in the reader's language, from the gettext catalogues (services/words).
Names that are domain data (task titles, stages, standard types, domains) come from the services that
own them, in both languages."""

from services.words import keys, known, said, translations
from services.dashboard.labels import STAGE_LABELS, TYPE_LABELS
from services.projects.domains import DOMAINS, FRAMEWORK

__all__ = ["Translator", "known"]


class Translator:
    """`t("key", name=value)` in the page's language; `t.maybe(key, fallback)` for words that depend
    on data (a decision form's field, a context entry) and may have no translation yet."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._translations = translations(lang)
        self._keys = keys(lang)

    def __call__(self, key: str, /, **values: object) -> str:
        if key not in self._keys:
            raise KeyError(f"no words for {key!r} in the {self.lang} catalogue")
        return self._translations.gettext(key).format(**said(self.lang, values))

    def plural(self, one: str, other: str, count: int, **values: object) -> str:
        """`one` or `other` as this language's plural rule picks for `count`, e.g. "1 task" / "3 tasks"."""
        return self._translations.ngettext(one, other, count).format(**said(self.lang, {"count": count, **values}))

    def maybe(self, key: str, fallback: str, /, **values: object) -> str:
        return self(key, **values) if key in self._keys else fallback

    def pick(self, zh: str, en: str) -> str:
        """One of a pair the data carries itself (a project's two titles, a domain's two names)."""
        return zh if self.lang == "zh" else en

    def title(self, item: object) -> str:
        """A project's, an organisation's or a committee's name in this language."""
        if hasattr(item, "title_zh"):
            return self.pick(item.title_zh, item.title_en)
        return self.pick(item.name_zh, item.name_en)

    def stage(self, code: str) -> str:
        return self.pick(*STAGE_LABELS[code]) if code in STAGE_LABELS else code

    def standard_type(self, code: str) -> str:
        return self.pick(*TYPE_LABELS[code]) if code in TYPE_LABELS else code

    def domain(self, code: str) -> str:
        """A domain with its group, e.g. 基础 · 数据基座."""
        found = DOMAINS.get(code)
        if found is None:
            return code
        group = next(g for g in FRAMEWORK if code.startswith(g.code + "."))
        return f"{self.pick(group.name_zh, group.name_en)} · {self.pick(found.name_zh, found.name_en)}"
