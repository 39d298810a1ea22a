"""An HTML form made from a task kind's decision model (services/tasks/registry.py), the request body
read back from what the browser sent, and the model's complaints in the reader's language.

Widgets by type: a Literal is radio buttons (an optional one-value Literal a tick box), a string a
text area (a short one an input), a date a date input, a bool a tick box, a UUID or list of UUIDs a
select (multiple for a list) when the page can offer choices or a text field otherwise, a nested
model its own number inputs, a dict of numbers lines of `name = value`."""

import inspect
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

from api.web.page_text import Translator, known

SHORT_TEXT = 200  # longer strings get a text area


@dataclass(frozen=True)
class FormField:
    name: str
    widget: str  # radio | tick | textarea | text | date | checkbox | select | multi | idlist | group | number | metrics
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    children: tuple["FormField", ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form: `path` names the field (empty for the form as a whole); `key` is a
    translation of the complaint, `message` the words it came with, for complaints we cannot translate."""

    path: tuple[str, ...]
    message: str
    key: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def field_name(self) -> str | None:
        names = [p for p in self.path if not p.isdigit()]
        return names[-1] if names else None


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return _unwrap(rest[0]), True
    return annotation, False


def _max_length(info: FieldInfo) -> int | None:
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), None)


def form_fields(model: type[BaseModel], with_options: set[str]) -> list[FormField]:
    """The decision first, then the fields in the order the model declares them."""
    fields = [_field(name, info, with_options) for name, info in model.model_fields.items()]
    return sorted(fields, key=lambda f: (f.name != "decision", f.name == "comment"))


def _field(name: str, info: FieldInfo, with_options: set[str]) -> FormField:
    annotation, optional = _optional(_unwrap(info.annotation))
    required = info.is_required()
    origin = get_origin(annotation)
    if origin is Literal:
        choices = tuple(str(v) for v in get_args(annotation))
        widget = "tick" if optional and len(choices) == 1 else "radio"
        return FormField(name, widget, required, choices)
    if origin is list:
        widget = "multi" if name in with_options else "idlist"
        return FormField(name, widget, required)
    if origin is dict:
        return FormField(name, "metrics", required)
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        children = tuple(FormField(n, "number", i.is_required()) for n, i in annotation.model_fields.items())
        return FormField(name, "group", required, children=children)
    return FormField(name, _simple_widget(name, annotation, info, with_options), required, max_length=_max_length(info))


def _simple_widget(name: str, annotation: Any, info: FieldInfo, with_options: set[str]) -> str:
    if annotation is bool:
        return "checkbox"
    if annotation is date:
        return "date"
    if annotation is uuid.UUID:
        return "select" if name in with_options else "text"
    if annotation in (int, float):
        return "number"
    length = _max_length(info)
    return "text" if length is not None and length <= SHORT_TEXT else "textarea"


def body_from_form(fields: list[FormField], data: FormData) -> tuple[dict, list[Problem]]:
    """The JSON body the API would have been sent. Empty inputs are left out, so the model's defaults
    and its "required" complaints apply exactly as they do for the API."""
    body: dict[str, Any] = {}
    problems: list[Problem] = []
    for f in fields:
        value = _read(f, data, problems)
        if value not in (None, "", [], {}):
            body[f.name] = value
    return body, problems


def _read(f: FormField, data: FormData, problems: list[Problem]) -> Any:
    if f.widget == "multi":
        return [v for v in data.getlist(f.name) if isinstance(v, str) and v.strip()]
    if f.widget == "idlist":
        return _text(data, f.name).replace(",", " ").split()
    if f.widget == "checkbox":
        return True if data.get(f.name) else None
    if f.widget == "group":
        return {c.name: _text(data, f"{f.name}.{c.name}") for c in f.children if _text(data, f"{f.name}.{c.name}")}
    if f.widget == "metrics":
        return _metrics(f.name, _text(data, f.name), problems)
    return _text(data, f.name)


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _metrics(name: str, text: str, problems: list[Problem]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        metric, sep, number = line.replace("：", ":").replace(":", "=", 1).partition("=")
        try:
            if not sep or not metric.strip():
                raise ValueError(line)
            metrics[metric.strip()] = float(number.strip())
        except ValueError:
            problems.append(Problem((name,), f"cannot read {line!r}", "err.metric_line", {"line": line}))
    return metrics


def problems_from_pydantic(errors: list[dict], skip: int = 0) -> list[Problem]:
    """pydantic's errors (`skip` leading parts of each location, e.g. "body"), each translated by its
    type where we can; a model's own rule keeps its words."""
    found = []
    for error in errors:
        path = tuple(str(part) for part in error["loc"][skip:])
        key = f"err.{error['type']}"
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        found.append(Problem(path, message, key if known(key) else None, dict(error.get("ctx") or {})))
    return found


def submitted_values(data: FormData | None) -> dict[str, list[str]]:
    """What the reader typed, to show again next to the complaints."""
    if data is None:
        return {}
    return {key: [v for v in data.getlist(key) if isinstance(v, str)] for key in data.keys()}


def describer(t: Translator, *prefixes: str) -> Callable[[Problem], str]:
    """Each problem as "field: complaint" in the reader's language, the field's words found under the
    first of `prefixes` that has them (default "field.")."""
    prefixes = prefixes or ("field.",)

    def describe(problem: Problem) -> str:
        words = t.maybe(problem.key, problem.message, **problem.values) if problem.key else problem.message
        name = problem.field_name
        if name is None:
            return words
        label = next((t(prefix + name) for prefix in prefixes if known(prefix + name)), name)
        return f"{label}: {words}"

    return describe
