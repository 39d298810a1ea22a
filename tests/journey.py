"""A standard's journey through StandardFlow, told as what each person does over HTTP.

Shared by the pipeline tests and bench/pipeline.py: every step is a signed-in user's request, and
each waits for what that user would then see (the next task in someone's inbox)."""

from dataclasses import dataclass, field
from datetime import date

import httpx

from services.demo import DEMO_PASSWORD
from tests.helpers import PROPOSAL, committee_id, eventually, org_id
from tests.co_drafting import accept_co_drafters
from tests.services.draft_samples import pdf

MEMBERS = ["chen.jie", "liu.yang", "zhao.lei", "sun.li", "zhou.hui"]
EXPERTS = ["wu.qiang", "zheng.hua", "feng.yu", "he.jing", "guo.tao"]


@dataclass
class People:
    """Tokens and ids of the demo users, signed in once."""

    http: httpx.AsyncClient
    headers: dict[str, dict] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    async def __call__(self, username: str) -> dict:
        if username not in self.headers:
            response = await self.http.post("/api/v1/auth/token",
                                            data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.text
            headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
            me = await self.http.get("/api/v1/me", headers=headers)
            # both at once: a journey running beside this one finds the user whole or not at all
            self.ids[username], self.headers[username] = me.json()["id"], headers
        return self.headers[username]

    async def id(self, username: str) -> str:
        await self(username)
        return self.ids[username]


@dataclass
class Journey:
    people: People
    project_id: str = ""
    decisions: int = 0  # human decisions taken: submissions and task completions
    patience: float = 60  # how long, by default, a person waits for a task or a stage to come

    @property
    def http(self) -> httpx.AsyncClient:
        return self.people.http

    async def project(self, as_user: str = "wang.fang") -> dict:
        response = await self.http.get(f"/api/v1/projects/{self.project_id}", headers=await self.people(as_user))
        assert response.status_code == 200, response.text
        return response.json()

    async def tasks(self, username: str, kind: str | None = None) -> list[dict]:
        params = {"project_id": self.project_id, **({"kind": kind} if kind else {})}
        response = await self.http.get("/api/v1/tasks", params=params, headers=await self.people(username))
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def task(self, username: str, kind: str, seconds: float | None = None) -> dict:
        """The one open task of this kind in the user's inbox, once it is there."""
        found = await eventually(lambda: self.tasks(username, kind), lambda ts: len(ts) >= 1,
                                 seconds or self.patience)
        return found[0]

    async def complete(self, username: str, kind: str, decision: dict) -> dict:
        task = await self.task(username, kind)
        response = await self.http.post(f"/api/v1/tasks/{task['id']}/complete", json=decision,
                                        headers=await self.people(username))
        assert response.status_code == 200, f"{username} {kind}: {response.text}"
        self.decisions += 1
        return response.json()

    async def stage(self, stage: str, step: str | None = None, seconds: float | None = None) -> dict:
        def there(p: dict) -> bool:
            return p["stage"] == stage and (step is None or p["step"] == step)
        return await eventually(self.project, there, seconds or self.patience)

    async def audit(self) -> list[str]:
        response = await self.http.get(f"/api/v1/projects/{self.project_id}/audit",
                                        headers=await self.people("wang.fang"))
        return [event["action"] for event in response.json()]

    # --- proposal and committee review -------------------------------------------------------

    async def propose(self, proposer: str, **fields) -> dict:
        headers = await self.people(proposer)
        body = {**PROPOSAL, "committee_id": await committee_id(self.http, headers), **fields}
        created = await self.http.post("/api/v1/projects", json=body, headers=headers)
        assert created.status_code == 201, created.text
        self.project_id = created.json()["id"]
        await accept_co_drafters(self.http, self.project_id, fields.get("co_drafting_org_ids", []))
        submitted = await self.http.post(f"/api/v1/projects/{self.project_id}/submit", headers=headers)
        assert submitted.status_code == 200, submitted.text
        self.decisions += 1
        return submitted.json()

    async def screen_and_vote(self, secretary: str = "wang.fang", voters: list[str] = MEMBERS) -> None:
        await self.complete(secretary, "screen_proposal", {"decision": "accept", "comment": "In scope."})
        for member in voters:
            await self.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})

    # --- drafting and consultation -------------------------------------------------------------

    async def submit_consultation_draft(self, proposer: str) -> str:
        await self.task(proposer, "submit_consultation_draft")
        draft = await self.http.post(
            f"/api/v1/projects/{self.project_id}/drafts", headers=await self.people(proposer),
            files={"file": ("征求意见稿.pdf", pdf(), "application/pdf")}, data={"label": "consultation"},
        )
        assert draft.status_code == 201, draft.text
        await self.complete(proposer, "submit_consultation_draft", {"decision": "submit", "draft_id": draft.json()["id"]})
        return draft.json()["id"]

    async def comment(self, username: str, clause: str, text: str) -> dict:
        response = await self.http.post(
            f"/api/v1/projects/{self.project_id}/comments", headers=await self.people(username),
            json={"clause": clause, "comment": text, "proposed_change": ""},
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def dispose_all(self, proposer: str) -> None:
        await self.task(proposer, "dispose_comments")
        headers = await self.people(proposer)
        comments = (await self.http.get(f"/api/v1/projects/{self.project_id}/comments", headers=headers)).json()
        for comment in comments:
            response = await self.http.put(f"/api/v1/comments/{comment['id']}/disposition", headers=headers,
                                           json={"disposition": "accepted", "reason": ""})
            assert response.status_code == 200, response.text
        await self.complete(proposer, "dispose_comments", {"decision": "done"})

    # --- expert demonstration, publication -----------------------------------------------------

    async def demonstrate(self, secretary: str = "wang.fang", experts: list[str] = EXPERTS) -> None:
        expert_ids = [await self.people.id(e) for e in experts]
        await self.complete(secretary, "form_panel", {"decision": "form", "expert_ids": expert_ids})
        for expert in experts:
            await self.complete(expert, "panel_opinion",
                                {"decision": "pass", "comments": "符合要求。", "conflicts": "none"})

    async def approve(self, approver: str) -> dict:
        return await self.complete(approver, "approve_publication", {"decision": "approve"})

    # --- pilots, coordination, evaluation, review ----------------------------------------------

    async def enrol(self, secretary: str, site_codes: list[str]) -> None:
        headers = await self.people(secretary)
        site_ids = [await org_id(self.http, headers, code) for code in site_codes]
        await self.complete(secretary, "enrol_pilot_sites", {"decision": "enrol", "site_org_ids": site_ids})

    async def plan(self, lead: str) -> None:
        await self.complete(lead, "pilot_plan", {"decision": "submit", "plan": "三个街道先行试点。",
                                                  "start_date": date.today().isoformat()})

    async def report_until_final(self, leads: list[str], seconds: float = 120) -> None:
        """Each lead files progress reports as they come due, then the final report."""
        done: set[str] = set()

        async def one_round() -> set[str]:
            for lead in leads:
                if lead in done:
                    continue
                for task in await self.tasks(lead):
                    await self._report(lead, task, done)
            return done

        await eventually(one_round, lambda finished: finished == set(leads), seconds)

    async def _report(self, lead: str, task: dict, done: set[str]) -> None:
        bodies = {
            "pilot_progress_report": {"decision": "submit", "progress": "按计划推进。", "metrics": {"sites_live": 2}},
            "pilot_final_report": {"decision": "submit", "summary": "接口统一后对接成本下降。",
                                   "metrics": {"adapter_cost_saving_pct": 35, "datasets_published": 18}},
        }
        if task["kind"] not in bodies:
            return
        response = await self.http.post(f"/api/v1/tasks/{task['id']}/complete", json=bodies[task["kind"]],
                                        headers=await self.people(lead))
        if response.status_code == 200:
            self.decisions += 1
            if task["kind"] == "pilot_final_report":
                done.add(lead)

    async def evaluate(self, evaluator: str, nominate: bool = True) -> None:
        scores = {"applicability": 5, "economic_benefit": 4, "social_benefit": 4, "coordination": 5}
        await self.complete(evaluator, "evaluate_implementation", {
            "decision": "effective", "scores": scores, "nominate_shanghai_standard": nominate,
            "summary": "试点区接口统一，企业接入成本明显下降。",
        })

    # --- the whole journey ---------------------------------------------------------------------

    async def to_periodic_review(self, proposer: str = "li.wei", approver: str = "ma.rui",
                                 site: tuple[str, str] = ("PUDONG", "lin.tao"), evaluator: str = "liang.hong") -> dict:
        """A group standard from its proposal to its first periodic review, every step taken as soon
        as its task is there: no consultation comments, one pilot site. Answers the review task, which
        is left open. Under a policy whose pilot period holds no progress report."""
        await self.propose(proposer)
        await self.screen_and_vote()
        await self.submit_consultation_draft(proposer)
        await self.dispose_all(proposer)
        await self.demonstrate()
        await self.approve(approver)
        code, lead = site
        await self.enrol("wang.fang", [code])
        await self.plan(lead)
        await self.report_until_final([lead], seconds=self.patience * 3)
        await self.evaluate(evaluator)
        return await self.task("wang.fang", "periodic_review")
