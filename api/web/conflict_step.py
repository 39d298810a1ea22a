"""An expert's opinion task (`panel_opinion`) in two steps, as a panel secretariat runs it: first the
conflict-of-interest declaration on its own; declaring a conflict submits the recusal at once, and
declaring none leads to the opinion form, which carries the declaration with it (`conflicts=none`)."""

from starlette.datastructures import FormData

from api.web.decision_form import FormField, Problem, form_fields
from services.panels.forms import PanelOpinion

KIND = "panel_opinion"
DECLARATION, OPINION = "declaration", "opinion"
DECLARED = ("none", "declare_conflict")  # what the declaration says: no conflict, or a conflict to declare


def step_of(kind: str, data: FormData | None) -> str | None:
    """None for other kinds; the opinion once the expert has declared no conflict, else the declaration."""
    if kind != KIND:
        return None
    if data is None:
        return DECLARATION
    if data.get("step") == DECLARATION:
        return OPINION if data.get("declaration") == "none" else DECLARATION
    return OPINION if data.get("conflicts") == "none" else DECLARATION


def step_fields(step: str, offered: set[str]) -> tuple[list[FormField], dict[str, str]]:
    """The fields the step's form shows and the hidden values it carries."""
    fields = form_fields(PanelOpinion, offered)
    if step == DECLARATION:
        details = next(f for f in fields if f.name == "details")
        return [FormField("declaration", "radio", True, DECLARED), details], {"step": DECLARATION}
    opinion = []
    for f in fields:
        if f.name == "decision":
            choices = tuple(c for c in f.choices if c != "declare_conflict")
            opinion.append(FormField(f.name, f.widget, f.required, choices))
        elif f.name not in ("conflicts", "details"):
            opinion.append(f)
    return opinion, {"conflicts": "none"}


def declared_conflict(data: FormData) -> tuple[dict, list[Problem]]:
    """The recusal a declaration of conflict submits, or what is missing from the declaration."""
    if data.get("declaration") != "declare_conflict":
        return {}, [Problem(("declaration",), "a declaration is required", "err.missing")]
    details = data.get("details")
    return {"decision": "declare_conflict", "details": details.strip() if isinstance(details, str) else ""}, []
