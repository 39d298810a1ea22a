"""The message catalogues (services/words/locale): both languages hold the same message ids, each with
words and the same {values}; every key the code, the templates, the decision forms and the values
shown under a key prefix name has words in both; no refusal is written as English text in place of
its key."""

import ast
import re
import string
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

from api.web.decision_form import form_fields
from api.web.task_options import OFFERED
from services.catalogue.schemas import CatalogueStatus
from services.consultations.models import Disposition
from services.drafts.models import DraftLabel
from services.errors import Conflict
from services.identity.permissions import Permission, Role
from services.notifications.models import NotificationKind
from services.organisations.models import OrgKind
from services.panels.models import Opinion
from services.projects.models import ProjectStatus, StandardType
from services.tasks.models import TaskState
from services.tasks.registry import FORMS
from services.words import LOCALES, read_catalogue, say

ROOT = Path(__file__).resolve().parents[2]
LANGS = tuple(LOCALES)
PYTHON_KEYWORDS = {"t": None, "_": None, "gettext": None, "ngettext": (1, 2), "plural": (1, 2), "say": (2,)}
TEMPLATE_KEYWORDS = {"t": None, "_": None, "gettext": None, "ngettext": (1, 2)}
# Values a page or a message shows as words found under a prefix: `t("state." ~ task.state)`,
# `Term.of("status", project.status)`.
PREFIXED: dict[str, type[Enum] | tuple[str, ...]] = {
    "state": TaskState, "role": Role, "status": ProjectStatus, "catalogue": CatalogueStatus, "label": DraftLabel,
    "nkind": NotificationKind, "disposition": Disposition, "perm": Permission, "orgkind": OrgKind, "stype": StandardType,
    "task": ("closed", "held_by_other", "not_offered"),  # api/web/pages_tasks.py: why a task has no form
}


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Catalog]:
    return {lang: read_catalogue(lang) for lang in LANGS}


def _messages(catalogue: Catalog) -> dict[str, tuple[str, ...]]:
    """Each message id (of a plural message, its first) with its words, every plural form."""
    found = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        found[key] = tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)
    return found


def _known(catalogues: dict[str, Catalog]) -> set[str]:
    return set.intersection(*(set(_messages(c)) for c in catalogues.values()))


def _placeholders(words: tuple[str, ...]) -> set[str]:
    return {name for text in words for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_hold_the_same_message_ids_each_with_words(catalogues):
    messages = {lang: _messages(c) for lang, c in catalogues.items()}
    zh, en = set(messages["zh"]), set(messages["en"])
    assert zh - en == set(), "in the Chinese catalogue only"
    assert en - zh == set(), "in the English catalogue only"
    for lang, catalogue in catalogues.items():
        empty = sorted(key for key, words in messages[lang].items() if not all(w.strip() for w in words))
        assert empty == [], f"no words in the {lang} catalogue"
        forms = catalogue.num_plurals
        wrong = sorted(key for key, message in zip(messages[lang], (m for m in catalogue if m.id), strict=True)
                       if message.pluralizable and len(messages[lang][key]) != forms)
        assert wrong == [], f"plural messages without the {forms} forms of {lang}"


def test_each_translation_takes_the_same_values_as_the_other(catalogues):
    zh, en = (_messages(catalogues[lang]) for lang in ("zh", "en"))
    differ = {key: (sorted(_placeholders(zh[key])), sorted(_placeholders(en[key])))
              for key in zh.keys() & en.keys() if _placeholders(zh[key]) != _placeholders(en[key])}
    assert differ == {}


def _extracted() -> Iterator[tuple[str, int, str]]:
    for folder in ("api", "services"):
        for filename, line, message, _, _ in extract_from_dir(
            ROOT / folder, [("**.py", "python")], keywords={**PYTHON_KEYWORDS, **_refusal_keywords()},
        ):
            yield f"{folder}/{filename}", line, message
    for filename, line, message, _, _ in extract_from_dir(
        ROOT / "api" / "templates", [("**.html", "jinja2.ext:babel_extract")], keywords=TEMPLATE_KEYWORDS,
    ):
        yield f"api/templates/{filename}", line, message


def test_every_key_the_code_and_the_templates_name_has_words(catalogues):
    known = _known(catalogues)
    missing = []
    for where, line, message in _extracted():
        for key in message if isinstance(message, tuple) else (message,):
            if key and not _made_of(key, known):
                missing.append(f"{where}:{line} {key!r}")
    # Keys kept in tables rather than passed straight to a call (e.g. services/drafts/filetypes.py).
    for where, line, key in _constants(r"^(error|kind)\.[a-z0-9_.]*[a-z0-9_]$"):
        if key not in known and not key.endswith(".html"):
            missing.append(f"{where}:{line} {key!r}")
    assert missing == []


def _made_of(key: str, known: set[str]) -> bool:
    """Whether the text is one key, or several run together: the extractor joins the strings of
    `t("a" if x else "b")` into one."""
    if key in known:
        return True
    return any(key.startswith(k) and _made_of(key[len(k):], known) for k in known if len(k) < len(key))


def _python_files() -> Iterator[Path]:
    for folder in ("api", "services", "workflows"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in _python_files():
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(), str(path))


def _refusal_classes() -> set[str]:
    """DomainError and every class derived from it (by name, across the code), and the workflow's
    refusal and a phrase inside a refusal, which take a message id first too."""
    bases = {(node.name, base.id if isinstance(base, ast.Name) else getattr(base, "attr", ""))
             for _, tree in _trees() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
             for base in node.bases}
    found = {"DomainError", "Refused", "Phrase"}
    while True:
        more = {name for name, base in bases if base in found} - found
        if not more:
            return found
        found |= more


def _refusal_keywords() -> dict[str, None]:
    return dict.fromkeys(_refusal_classes())


def _constants(pattern: str) -> Iterator[tuple[str, int, str]]:
    for where, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.match(pattern, node.value):
                yield where, node.lineno, node.value


def test_no_refusal_is_written_as_words_in_place_of_its_key(catalogues):
    """A refusal names its message id and passes its values: text made on the spot (an f-string, a
    joined or formatted string) could only ever be shown in one language."""
    known, refusals = _known(catalogues), _refusal_classes()
    wrong = []
    for where, tree in _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            first = node.args[0]
            if name not in refusals:
                continue
            if isinstance(first, ast.JoinedStr | ast.BinOp) or (
                    isinstance(first, ast.Call) and getattr(first.func, "attr", None) in ("format", "join")):
                wrong.append(f"{where}:{node.lineno} {name}(...) is given words, not a key")
            elif isinstance(first, ast.Constant) and first.value not in known:
                wrong.append(f"{where}:{node.lineno} {name}({first.value!r}) has no words")
    assert wrong == []


def test_every_rule_of_an_input_model_has_words_and_none_is_an_english_value_error(catalogues):
    """A validator raises `rule(kind)` (services/errors.py), whose words are `err.<kind>`: a
    ValueError's text could only ever be shown in English."""
    known, wrong = _known(catalogues), []
    for where, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "rule" and node.args:
                first = node.args[0]
                kinds = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                for kind in kinds:
                    if not isinstance(kind, ast.Constant):
                        wrong.append(f"{where}:{node.lineno} rule(...) is given words made on the spot")
                    elif f"err.{kind.value}" not in known:
                        wrong.append(f"{where}:{node.lineno} err.{kind.value} has no words")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                    getattr(getattr(d, "func", d), "id", None) in ("model_validator", "field_validator")
                    for d in node.decorator_list):
                wrong += [f"{where}:{raised.lineno} a validator raises ValueError" for raised in ast.walk(node)
                          if isinstance(raised, ast.Raise) and isinstance(raised.exc, ast.Call)
                          and getattr(raised.exc.func, "id", None) == "ValueError"]
    assert wrong == []


def test_every_field_and_choice_of_every_decision_form_has_words(catalogues):
    known = _known(catalogues)
    missing = []
    for kind, form in sorted(FORMS.items()):
        if f"kind.{kind}" not in known:
            missing.append(f"kind.{kind}")
        for field in form_fields(form.form, set(OFFERED)):
            missing += [f"{kind}: field.{name}" for name in (field.name, *(c.name for c in field.children))
                        if f"field.{name}" not in known]
            missing += [f"{kind}: choice.{kind}.{value}" for value in field.choices
                        if f"choice.{kind}.{value}" not in known and f"choice.{value}" not in known]
    assert missing == []


def test_every_value_shown_under_a_key_prefix_has_words(catalogues):
    known = _known(catalogues)
    missing = [f"{prefix}.{getattr(value, 'value', value)}" for prefix, values in PREFIXED.items()
               for value in values if f"{prefix}.{getattr(value, 'value', value)}" not in known]
    missing += [f"choice.{opinion.value}" for opinion in Opinion if f"choice.{opinion.value}" not in known]
    assert missing == []
    used = {node.args[0].value for _, tree in _trees() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "of"
            and getattr(node.func.value, "id", None) == "Term" and isinstance(node.args[0], ast.Constant)}
    assert used - set(PREFIXED) == set(), "Term.of prefixes this test does not know the values of"


def test_a_refusal_reads_in_each_language_with_its_plural_and_its_terms():
    one, four = Conflict("error.comments.undisposed", count=1), Conflict("error.comments.undisposed", count=4)
    assert (one.message, four.message) == ("1 comment has no disposition", "4 comments have no disposition")
    assert four.text("zh") == "尚有 4 条意见未填写处理结果"
    from services.words import Term
    state = Conflict("error.task.state", state=Term.of("state", TaskState.expired))
    assert (state.message, state.text("zh")) == ("this task is expired", f"此任务已{say('zh', 'state.expired')}")
