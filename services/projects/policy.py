"""What each standard type's process requires. A project copies its policy when its workflow starts."""

from pydantic import BaseModel, ConfigDict

from services.projects.models import StandardType


class ProjectPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    standard_type: StandardType
    max_returns: int = 3
    screening_days: int = 14
    revision_days: int = 30


POLICIES: dict[StandardType, ProjectPolicy] = {t: ProjectPolicy(standard_type=t) for t in StandardType}


def policy_for(standard_type: StandardType) -> ProjectPolicy:
    return POLICIES[standard_type]
