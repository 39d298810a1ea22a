"""A small world for access tests, made through the API: one group standard in its pilot stage with
every kind of resource (drafts, comments, a ballot, a panel, pilot sites, a coordination request,
an open task), plus two drafts of the same proposer."""

import uuid
from dataclasses import dataclass, field

from tests.helpers import eventually
from tests.journey import Journey, People
from tests.services.draft_samples import pdf

SHORT_CALENDAR = {"*": {
    "consultation_days": 3, "pilot_months": 12, "report_interval_days": 300, "review_interval_years": 0,
    "screening_days": 600, "drafting_days": 600, "disposition_days": 600, "approval_days": 600,
    "evaluation_days": 600, "ballot": {"open_days": 600}, "panel": {"opinion_days": 600},
}}

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
    j = Journey(people)
    world = World(people)
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
    world.ids["project"] = j.project_id
    await _collect(stack, world, j)
    return world


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
    sent = await http.post("/api/v1/coordination-requests", headers=await people("gao.yan"), json={
        "to_org_id": orgs["SHEITC"], "subject": "提供交通数据", "body": "请提供试点片区交通数据。",
        "due_date": "2099-12-31", "project_id": pid})
    assert sent.status_code == 201, sent.text
    world.ids["coordination"] = sent.json()["id"]
    world.ids["task"] = (await j.task("luo.ming", "answer_coordination"))["id"]
    world.ids["notification"] = (await http.get("/api/v1/notifications", headers=await people("li.wei"))
                                 ).json()["items"][0]["id"]
    world.ids["lin.tao"] = await people.id("lin.tao")
    for name in ("draft_project", "submittable_project"):
        created = await http.post("/api/v1/projects", headers=await people("li.wei"), json={
            **_proposal(), "committee_id": (await http.get(f"/api/v1/projects/{pid}", headers=secretary)
                                            ).json()["committee_id"]})
        world.ids[name] = created.json()["id"]


async def _sites(http, pid: str, headers: dict) -> list:
    return (await http.get(f"/api/v1/projects/{pid}/pilots", headers=headers)).json()


def _proposal() -> dict:
    from tests.helpers import PROPOSAL

    return {**PROPOSAL, "title_en": f"Access test {uuid.uuid4().hex[:6]}"}
