"""Each standard type's policy (contracts/policy.py), with a deployment's overrides."""

from contracts.policy import AbstentionRule, BallotPolicy, ProjectPolicy, StandardType

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
