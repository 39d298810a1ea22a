"""What each standard type's process requires: the policy a project copies when its workflow starts
(services/projects/policy.py holds each type's values), so a later change of policy never changes a
running project. The workflows read this copy and nothing else."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class StandardType(StrEnum):
    group = "group"
    local = "local"
    national = "national"
    international = "international"
    enterprise = "enterprise"


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
    day_seconds: int = 86_400  # shorter only where a demonstration or benchmark compresses time
