"""Screening, revising and voting on a proposal: the proposal itself; for a ballot also the draft
voted on, the rule in words with the number of eligible members, who recused and why, the closing
time and, once closed, the tally."""

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.web.ballot_words import rule_words, tally_words
from api.web.material import builds
from api.web.material.common import Fact, draft_fact, project_policy, proposal_facts, readable_project
from api.web.page_text import Translator
from api.web.pages_common import local_time
from services.ballots import service as ballots
from services.identity.principal import Principal
from services.tasks.models import Task


@builds("screen_proposal", "revise_proposal")
async def proposal(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    policy = project_policy(project)
    returns = Fact(t("project.return_count"), t("mat.returns", count=project.return_count, most=policy.max_returns))
    return {"proposal": [*await proposal_facts(session, project, t), returns]}


@builds("ballot_vote")
async def ballot(session: AsyncSession, principal: Principal, task: Task, t: Translator) -> dict[str, Any]:
    project = await readable_project(session, principal, task.project_id)
    found = await ballots.describe(session, principal, uuid.UUID(task.context["ballot_id"]))
    recused = await ballots.recusals(session, found.id)
    eligible = found.voters - len(recused)
    rules = project_policy(project).ballot
    draft = await draft_fact(session, principal, t("mat.ballot.draft"), found.draft_id, t) if found.draft_id else None
    facts = [
        draft or Fact(t("mat.ballot.draft"), t("mat.ballot.on_proposal")),
        Fact(t("mat.ballot.rule"), rule_words(rules, eligible, t)),
        Fact(t("mat.ballot.closes"), local_time(found.closes_at)),
    ]
    progress = (tally_words(found.tally, rules, found.tally.eligible, t) if found.tally
                else t("mat.ballot.voted_so_far", voted=found.voted, eligible=eligible))
    return {
        "proposal": await proposal_facts(session, project, t), "facts": facts,
        "progress": progress, "recused": [(vote.display_name, vote.comment) for vote in recused],
    }
