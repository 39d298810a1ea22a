"""What the dashboard and timeline call each stage and standard type, in both languages."""

from services.projects.models import Stage, StandardType

STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.proposal: ("提案", "Proposal"),
    Stage.committee_review: ("立项", "Committee review"),
    Stage.drafting: ("起草", "Drafting"),
    Stage.public_consultation: ("征求意见", "Public consultation"),
    Stage.expert_demonstration: ("专家论证/技术审查", "Expert demonstration"),
    Stage.publication: ("批准发布", "Publication"),
    Stage.pilot: ("试点", "Pilot"),
    Stage.evaluation: ("实施效果评价", "Evaluation"),
    Stage.maintenance: ("复审", "Maintenance"),
}

TYPE_LABELS: dict[StandardType, tuple[str, str]] = {
    StandardType.group: ("团体标准", "Group standard"),
    StandardType.local: ("地方标准", "Local standard"),
    StandardType.national: ("国家标准", "National standard"),
    StandardType.international: ("国际标准", "International standard"),
    StandardType.enterprise: ("企业标准", "Enterprise standard"),
}
