"""Experts record their fields of expertise; a committee's secretary lists the experts with their
organisations and fields when forming a panel."""

from services.projects.domains import DOMAINS


async def test_an_expert_records_fields_and_a_secretary_lists_experts_by_them(stack):
    http = stack.http
    expert, proposer, secretary = (await stack.login("feng.yu"), await stack.login("li.wei"),
                                   await stack.login("wang.fang"))

    saved = await http.put("/api/v1/me/expertise", headers=expert,
                           json={"fields": ["economy.manufacturing", "foundations.digital_security",
                                            "economy.manufacturing"]})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"fields": ["economy.manufacturing", "foundations.digital_security"]}

    unknown = await http.put("/api/v1/me/expertise", headers=expert, json={"fields": ["economy.robots"]})
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "economy.robots is not a domain of the standards-system framework"
    many = await http.put("/api/v1/me/expertise", headers=expert,
                          json={"fields": list(DOMAINS)[:9]})
    assert many.status_code == 422 and "at most 8" in many.json()["detail"]
    not_an_expert = await http.put("/api/v1/me/expertise", headers=proposer, json={"fields": ["life.mobility"]})
    assert not_an_expert.status_code == 403

    listed = await http.get("/api/v1/experts", params={"domain": "foundations.digital_security"}, headers=secretary)
    assert listed.status_code == 200, listed.text
    first, *others = listed.json()
    assert (first["display_name"], first["org_codes"], first["fields"], first["matches"]) == (
        "冯宇", ["DFCLOUD"], ["economy.manufacturing", "foundations.digital_security"], True)
    assert {"吴强", "郑华", "何静", "郭涛"} <= {e["display_name"] for e in others}
    assert not any(e["matches"] for e in others if e["display_name"] != "冯宇")
    assert (await http.get("/api/v1/experts", headers=proposer)).status_code == 403
    bad = await http.get("/api/v1/experts", params={"domain": "nowhere"}, headers=secretary)
    assert bad.status_code == 422 and "nowhere is not a domain" in bad.json()["detail"]
