"""What the dashboard and timeline call each stage and standard type, in both languages: the words
are in the catalogues (services/words) as `stage.<stage>` and `stype.<type>`."""

from services.projects.models import Stage, StandardType
from services.words import say

STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    stage: (say("zh", f"stage.{stage.value}"), say("en", f"stage.{stage.value}")) for stage in Stage
}

TYPE_LABELS: dict[StandardType, tuple[str, str]] = {
    kind: (say("zh", f"stype.{kind.value}"), say("en", f"stype.{kind.value}")) for kind in StandardType
}
