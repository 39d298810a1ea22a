"""The API's Prometheus metrics: what a scrape finds after people have worked."""

import pytest
from pydantic import SecretStr
from prometheus_client.parser import text_string_to_metric_families

from contracts.choices import VOTE_KIND
from tests.helpers import create_proposal, inbox

pytestmark = pytest.mark.timeout(120)


async def _scrape(http) -> dict[tuple[str, tuple], float]:
    response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


async def test_a_scrape_counts_requests_by_route_completions_by_kind_and_open_tasks(stack):
    proposer, secretary = await stack.login("li.wei"), await stack.login("wang.fang")
    project = await create_proposal(stack.http, proposer)
    assert (await stack.http.post(f"/api/v1/projects/{project['id']}/submit", headers=proposer)).status_code == 200
    [screening] = await inbox(stack.http, secretary, project["id"])
    before = await _scrape(stack.http)

    done = await stack.http.post(f"/api/v1/tasks/{screening['id']}/complete", json={"decision": "accept"},
                                 headers=secretary)
    assert done.status_code == 200, done.text
    assert (await stack.http.get("/no/such/page")).status_code == 404
    after = await _scrape(stack.http)

    completed = ("standardflow_task_completions_total", (("kind", "screen_proposal"), ("outcome", "accept")))
    assert after[completed] - before.get(completed, 0) == 1
    route = ("standardflow_http_requests_total",
             (("method", "POST"), ("route", "/api/v1/tasks/{task_id}/complete"), ("status", "200")))
    assert after[route] - before.get(route, 0) == 1
    unmatched = ("standardflow_http_requests_total", (("method", "GET"), ("route", "<unmatched>"), ("status", "404")))
    assert after[unmatched] >= 1
    assert not any("no/such" in str(labels) for _, labels in after)  # a path no route answers names no series
    timed = ("standardflow_http_request_duration_seconds_count",
             (("method", "POST"), ("route", "/api/v1/tasks/{task_id}/complete")))
    assert after[timed] - before.get(timed, 0) == 1
    assert after[("standardflow_inbox_query_seconds_count", ())] >= 1

    # The screening task closed, and the accepted proposal's new-work-item ballot opened a vote task for
    # each voting member (the database holds other tests' tasks too: compare before and after).
    def open_tasks(scrape: dict, kind: str) -> float:
        return sum(value for (name, labels), value in scrape.items()
                   if name == "standardflow_open_tasks" and dict(labels)["kind"] == kind)

    assert open_tasks(before, "screen_proposal") - open_tasks(after, "screen_proposal") == 1
    assert open_tasks(after, VOTE_KIND) - open_tasks(before, VOTE_KIND) >= 3
    assert ("standardflow_open_tasks", (("kind", VOTE_KIND), ("stage", "committee_review"))) in after
    assert ("standardflow_overdue_tasks", ()) in after


async def test_a_scrape_sends_the_metrics_token_when_one_is_set_and_production_wants_one(stack):
    stack.settings.metrics_token = SecretStr("scrape-me-0123456789")
    missing = await stack.http.get("/metrics")
    assert missing.status_code == 401 and "STANDARDFLOW_METRICS_TOKEN" in missing.json()["detail"]
    wrong = await stack.http.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert wrong.status_code == 401
    right = await stack.http.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
    assert right.status_code == 200 and "standardflow_http_requests_total" in right.text
    # The refusals are counted too, under the route's own name.
    assert 'route="/metrics",status="401"} 2.0' in right.text

    stack.settings.metrics_token, stack.settings.environment = SecretStr(""), "production"
    closed = await stack.http.get("/metrics")
    assert closed.status_code == 403 and "production" in closed.json()["detail"]
