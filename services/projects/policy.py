"""What each standard type's process requires. A project copies its policy when its workflow starts,
so a later change of policy never changes a running project."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.projects.models import StandardType


class AbstentionRule(StrEnum):
    counted = "counted"  # national TC rule: an abstention is a vote cast, in participation and both ratios
    excluded = "excluded"  # ISO: abstentions count for participation but leave both ratios


class BallotPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    open_days: int = 14
    min_participation: float = 0.75  # of eligible (non-recused) members
    min_approval: float = 2 / 3  # of the votes that count
    max_disapproval: float = 0.25
    abstentions: AbstentionRule = AbstentionRule.counted


class PanelPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_size: int = 5
    min_size_without_committee: int = 15
    pass_ratio: float = 0.75
    opinion_days: int = 21


class ProjectPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    standard_type: StandardType
    max_returns: int = 3
    screening_days: int = 14
    revision_days: int = 30
    ballot: BallotPolicy = BallotPolicy()
    drafting_days: int = 180
    consultation_days: int = 30
    disposition_days: int = 30
    panel: PanelPolicy = PanelPolicy()
    approval_days: int = 30
    publisher_kind: str = "industry"  # organisation kind whose approvers publish this type
    number_format: str = "T/{org_code} {seq:04d}—{year}"
    number_issued_outside: bool = False
    effective_after_days: int = 30
    pilot_months: int = 6
    report_interval_days: int = 30
    missed_reports_flag: int = 2
    evaluation_days: int = 60
    review_interval_years: int = 5
    reminder_offsets_days: tuple[int, ...] = (3, 1)


ISO_BALLOT = BallotPolicy(min_approval=2 / 3, max_disapproval=0.25, abstentions=AbstentionRule.excluded)

POLICIES: dict[StandardType, ProjectPolicy] = {
    StandardType.group: ProjectPolicy(standard_type=StandardType.group),
    StandardType.local: ProjectPolicy(
        standard_type=StandardType.local, consultation_days=60, publisher_kind="government",
        number_format="DB31/T {seq}—{year}",
    ),
    StandardType.national: ProjectPolicy(
        standard_type=StandardType.national, consultation_days=60, publisher_kind="government",
        number_issued_outside=True, number_format="",
    ),
    StandardType.international: ProjectPolicy(
        standard_type=StandardType.international, consultation_days=60, ballot=ISO_BALLOT,
        publisher_kind="government", number_issued_outside=True, number_format="",
    ),
    StandardType.enterprise: ProjectPolicy(
        standard_type=StandardType.enterprise, publisher_kind="enterprise", number_format="Q/{org_code} {seq}—{year}",
    ),
}


def policy_for(standard_type: StandardType, overrides: dict[str, dict] | None = None) -> ProjectPolicy:
    """The type's policy, with a deployment's overrides: fields for every type under "*", or per type
    under the type's name. Raises pydantic's ValidationError for a field or value the policy lacks."""
    standard_type = StandardType(standard_type)
    values = POLICIES[standard_type].model_dump()
    for key in ("*", standard_type.value):
        values = _merge(values, (overrides or {}).get(key, {}))
    return ProjectPolicy.model_validate(values)


def check_overrides(overrides: dict[str, dict]) -> None:
    unknown = set(overrides) - {"*", *(t.value for t in StandardType)}
    if unknown:
        raise ValueError(f"policy overrides name unknown standard types: {', '.join(sorted(unknown))}")
    for standard_type in StandardType:
        policy_for(standard_type, overrides)


def _merge(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for name, value in changes.items():
        nested = isinstance(value, dict) and isinstance(base.get(name), dict)
        merged[name] = _merge(base[name], value) if nested else value
    return merged
