"""A small world for access tests, made through the API: one group standard in its pilot stage with
every kind of resource (drafts, comments, a ballot, a panel, pilot sites, a coordination request
answered and one open task), a Shanghai local standard approved at the bureau and waiting for its
evaluation, plus two drafts of the same proposer."""

import asyncio
import uuid
from dataclasses import dataclass, field

from tests.helpers import eventually
from tests.journey import Journey, People
from tests.services.draft_samples import pdf

SHORT_CALENDAR = {"*": {
    "consultation_days": 3, "pilot_months": 12, "report_interval_days": 300, "review_interval_years": 0,
    "screening_days": 600, "drafting_days": 600, "disposition_days": 600, "approval_days": 600,
    "evaluation_days": 600, "ballot": {"open_days": 600}, "panel": {"opinion_days": 600},
}, "local": {"pilot_months": 1, "report_interval_days": 600}}  # the local standard reaches its evaluation

# One demo user per role; "outsider" proposes for an enterprise with no part in the project.
ROLES = {
    "anonymous": None, "proposer": "li.wei", "secretary": "wang.fang", "member": "chen.jie",
    "expert": "wu.qiang", "approver": "huang.lan", "pilot_lead": "lin.tao", "coordinator": "luo.ming",
    "evaluator": "liang.hong", "org_admin": "gao.yan", "outsider": "zhang.min", "platform_admin": "admin",
}


@dataclass
class World:
    people: People
    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


async def build_world(stack) -> World:
    stack.settings.policy_day_seconds = 1
    stack.settings.policy_overrides = SHORT_CALENDAR
    people = People(stack.http)
    world = World(people)
    group, local = await asyncio.gather(_group_standard(stack, world), _local_standard(world))
    world.ids["project"], world.ids["local_project"] = group.project_id, local.project_id
    await _collect(stack, world, group)
    await _collect_local(stack, world, local)
    return world


async def _group_standard(stack, world: World) -> Journey:
    """In its pilot stage at PUDONG and DFCLOUD."""
    people = world.people
    j = Journey(people)
    await j.propose("li.wei")
    await j.screen_and_vote()
    await j.stage("drafting")
    discussion = await stack.http.post(
        f"/api/v1/projects/{j.project_id}/drafts", headers=await people("li.wei"),
        files={"file": ("讨论稿.pdf", pdf(), "application/pdf")}, data={"label": "discussion"})
    world.ids["discussion_draft"] = discussion.json()["id"]
    world.ids["draft"] = await j.submit_consultation_draft("li.wei")
    await j.stage("public_consultation")
    world.ids["comment"] = (await j.comment("liu.yang", "5.1", "补充术语定义。"))["id"]
    await j.dispose_all("li.wei")
    await j.demonstrate()
    await j.approve("ma.rui")
    await j.stage("pilot")
    await j.enrol("wang.fang", ["PUDONG", "DFCLOUD"])
    return j


async def _local_standard(world: World) -> Journey:
    """Approved by the bureau's approver (huang.lan), piloted at DFCLOUD alone, its evaluation offered
    to the evaluators of SHEITC: the people who act on it are not the group standard's."""
    j = Journey(world.people)
    await j.propose("li.wei", standard_type="local", title_zh="城市数字化转型 访问测试地方标准",
                    title_en=f"Access test local standard {uuid.uuid4().hex[:6]}")
    await j.screen_and_vote()
    world.ids["local_draft"] = await j.submit_consultation_draft("li.wei")
    await j.dispose_all("li.wei")
    await j.demonstrate()
    await j.approve("huang.lan")
    await j.enrol("wang.fang", ["DFCLOUD"])
    await j.plan("hu.bin")
    await j.report_until_final(["hu.bin"], seconds=180)
    await j.task("liang.hong", "evaluate_implementation", seconds=120)
    return j


async def _collect_local(stack, world: World, j: Journey) -> None:
    http, secretary, pid = stack.http, await world.people("wang.fang"), j.project_id
    world.ids["local_ballot"] = (await http.get(f"/api/v1/projects/{pid}/ballots", headers=secretary)).json()[0]["id"]
    world.ids["local_panel"] = (await http.get(f"/api/v1/projects/{pid}/panels", headers=secretary)).json()[0]["id"]
    world.ids["local_pilot"] = (await _sites(http, pid, secretary))[0]["id"]


async def _collect(stack, world: World, j: Journey) -> None:
    http, people = stack.http, world.people
    secretary = await people("wang.fang")
    pid = j.project_id
    world.ids["ballot"] = (await http.get(f"/api/v1/projects/{pid}/ballots", headers=secretary)).json()[0]["id"]
    world.ids["panel"] = (await http.get(f"/api/v1/projects/{pid}/panels", headers=secretary)).json()[0]["id"]
    sites = await eventually(lambda: _sites(http, pid, secretary), lambda s: len(s) == 2)
    world.ids["pilot"] = next(s["id"] for s in sites if s["org_code"] == "PUDONG")
    orgs = {o["code"]: o["id"] for o in (await http.get("/api/v1/organisations", headers=secretary)).json()}
    world.ids.update(pudong=orgs["PUDONG"], sheitc=orgs["SHEITC"], xuhui=orgs["XUHUI"], pjmob=orgs["PJMOB"])
    answered = await _ask_sheitc(stack, world, pid)  # answered: its sender holds the answer in her inbox
    done = await http.post(f"/api/v1/tasks/{answered}/complete", headers=await people("luo.ming"),
                           json={"decision": "answer", "answer": "已提供。"})
    assert done.status_code == 200, done.text
    await j.task("gao.yan", "coordination_answered")
    world.ids["task"] = await _ask_sheitc(stack, world, pid)
    world.ids["notification"] = (await http.get("/api/v1/notifications", headers=await people("li.wei"))
                                 ).json()["items"][0]["id"]
    world.ids["lin.tao"] = await people.id("lin.tao")
    for name in ("draft_project", "submittable_project"):
        created = await http.post("/api/v1/projects", headers=await people("li.wei"), json={
            **_proposal(), "committee_id": (await http.get(f"/api/v1/projects/{pid}", headers=secretary)
                                            ).json()["committee_id"]})
        world.ids[name] = created.json()["id"]


async def _ask_sheitc(stack, world: World, pid: str) -> str:
    """PUDONG asks SHEITC about the group standard's pilot; the answer task offered to SHEITC's coordinators."""
    sent = await stack.http.post("/api/v1/coordination-requests", headers=await world.people("gao.yan"), json={
        "to_org_id": world["sheitc"], "subject": "提供交通数据", "body": "请提供试点片区交通数据。",
        "due_date": "2099-12-31", "project_id": pid})
    assert sent.status_code == 201, sent.text
    world.ids["coordination"] = sent.json()["id"]
    journey = Journey(world.people, project_id=pid)
    tasks = await eventually(lambda: journey.tasks("luo.ming", "answer_coordination"),
                             lambda ts: any(t["context"]["request_id"] == sent.json()["id"] for t in ts))
    return next(t["id"] for t in tasks if t["context"]["request_id"] == sent.json()["id"])


async def _sites(http, pid: str, headers: dict) -> list:
    return (await http.get(f"/api/v1/projects/{pid}/pilots", headers=headers)).json()


def _proposal() -> dict:
    from tests.helpers import PROPOSAL

    return {**PROPOSAL, "title_en": f"Access test {uuid.uuid4().hex[:6]}"}
