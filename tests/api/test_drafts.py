"""Draft versions over HTTP: numbering, storage by content hash, the checks on size and type, and who
may upload and see them."""

import asyncio
import hashlib
from urllib.parse import quote

from tests.helpers import audit_actions, create_proposal, org_id
from tests.co_drafting import accept_co_drafters
from tests.services import draft_samples as samples


async def upload(http, headers, pid, data: bytes, name="draft.pdf", label="discussion", content_type="application/pdf",
                 note=""):
    return await http.post(f"/api/v1/projects/{pid}/drafts", headers=headers,
                           files={"file": (name, data, content_type)}, data={"label": label, "note": note})


async def project_with_co_drafters(stack, *codes: str) -> str:
    proposer = await stack.login("li.wei")
    co_drafters = [await org_id(stack.http, proposer, code) for code in codes]
    project_id = (await create_proposal(stack.http, proposer, co_drafting_org_ids=co_drafters))["id"]
    await accept_co_drafters(stack.http, project_id, co_drafters)
    return project_id


def stored_files(stack) -> list:
    root = stack.settings.resolved_blob_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_versions_are_numbered_and_each_file_comes_back_as_uploaded(stack):
    http = stack.http
    pid = await project_with_co_drafters(stack, "SCDATA")
    lead, co_drafter = await stack.login("li.wei"), await stack.login("zhang.min")

    first = await upload(http, lead, pid, samples.markdown(), name="工作组讨论稿.md", content_type="text/markdown")
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1 and first.json()["label_zh"] == "工作组讨论稿"
    assert first.json()["content_type"] == "text/markdown; charset=utf-8"
    second = await upload(http, co_drafter, pid, samples.pdf(), name="../../征求意见稿.pdf", label="consultation",
                          note="按讨论意见修改")
    assert second.status_code == 201, second.text
    body = second.json()
    assert (body["version"], body["label"], body["content_type"]) == (2, "consultation", "application/pdf")
    assert body["original_filename"] == "征求意见稿.pdf" and body["note"] == "按讨论意见修改"
    assert body["sha256"] == hashlib.sha256(samples.pdf()).hexdigest() and body["size"] == len(samples.pdf())

    listed = (await http.get(f"/api/v1/projects/{pid}/drafts", headers=co_drafter)).json()
    assert [(d["version"], d["label"]) for d in listed] == [(1, "discussion"), (2, "consultation")]
    assert (await http.get(f"/api/v1/drafts/{body['id']}", headers=lead)).json() == body

    download = await http.get(f"/api/v1/drafts/{body['id']}/file", headers=lead)
    assert download.status_code == 200 and download.content == samples.pdf()
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        f"attachment; filename=\"draft-v2.pdf\"; filename*=UTF-8''{quote('征求意见稿.pdf')}"
    )
    assert download.headers["x-content-type-options"] == "nosniff"
    assert (await audit_actions(http, lead, pid)).count("draft.uploaded") == 2


async def test_the_same_bytes_make_new_versions_but_are_stored_once(stack):
    http = stack.http
    pid = await project_with_co_drafters(stack)
    lead = await stack.login("li.wei")
    data = samples.docx()
    answers = await asyncio.gather(*(upload(http, lead, pid, data, name=f"v{i}.docx") for i in range(3)))
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == [1, 2, 3]
    assert {a.json()["sha256"] for a in answers} == {hashlib.sha256(data).hexdigest()}
    digest = answers[0].json()["sha256"]
    assert [p.name for p in stored_files(stack) if p.name == digest] == [digest]
    assert [p for p in stored_files(stack) if "incoming" in p.parts] == []


async def test_size_and_type_are_checked_by_content_and_nothing_is_kept_when_refused(stack):
    http = stack.http
    pid = await project_with_co_drafters(stack)
    lead = await stack.login("li.wei")
    stack.settings.max_upload_bytes = 4096

    too_big = await upload(http, lead, pid, b"a" * 4097, name="big.md", content_type="text/markdown")
    assert too_big.status_code == 413 and "4096 bytes" in too_big.json()["detail"]
    executable = await upload(http, lead, pid, samples.elf(), name="征求意见稿.pdf", content_type="application/pdf")
    assert executable.status_code == 415 and "ELF executable" in executable.json()["detail"]
    windows = await upload(http, lead, pid, samples.pe(), name="draft.docx")
    assert windows.status_code == 415 and "Windows (PE) executable" in windows.json()["detail"]
    archive = await upload(http, lead, pid, samples.plain_zip(), name="draft.docx")
    assert archive.status_code == 415 and "neither a DOCX nor an ODT" in archive.json()["detail"]
    empty = await upload(http, lead, pid, b"", name="draft.md")
    assert empty.status_code == 422 and empty.json()["detail"] == "the file is empty"
    unlabelled = await upload(http, lead, pid, samples.pdf(), label="final")
    assert unlabelled.status_code == 422 and "label" in unlabelled.text

    assert (await http.get(f"/api/v1/projects/{pid}/drafts", headers=lead)).json() == []
    assert stored_files(stack) == []
    fits = await upload(http, lead, pid, samples.odt(), name="draft.odt")
    assert fits.status_code == 201 and fits.json()["version"] == 1


async def test_only_the_drafting_organisations_upload_and_see_discussion_drafts(stack):
    http = stack.http
    pid = await project_with_co_drafters(stack, "SCDATA", "HDU")
    lead, co_drafter = await stack.login("li.wei"), await stack.login("zhang.min")
    co_drafting_member, outsider = await stack.login("liu.yang"), await stack.login("lin.tao")

    discussion = (await upload(http, co_drafter, pid, samples.markdown(), name="d.md")).json()
    consultation = (await upload(http, lead, pid, samples.pdf(), label="consultation")).json()
    assert (discussion["version"], consultation["version"]) == (1, 2)

    refused = await upload(http, outsider, pid, samples.pdf())
    assert refused.status_code == 404
    for path in (f"/api/v1/projects/{pid}/drafts", f"/api/v1/drafts/{consultation['id']}",
                 f"/api/v1/drafts/{consultation['id']}/file"):
        assert (await http.get(path, headers=outsider)).status_code == 404, path
    no_permission = await upload(http, co_drafting_member, pid, samples.pdf())
    assert no_permission.status_code == 403 and "draft:upload" in no_permission.json()["detail"]
    seen = (await http.get(f"/api/v1/projects/{pid}/drafts", headers=co_drafting_member)).json()
    assert [d["version"] for d in seen] == [1, 2]

    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=lead)).status_code == 200
    secretary = await stack.login("wang.fang")  # reads the submitted project through its committee
    assert [d["version"] for d in (await http.get(f"/api/v1/projects/{pid}/drafts", headers=secretary)).json()] == [2]
    assert (await http.get(f"/api/v1/drafts/{discussion['id']}", headers=secretary)).status_code == 404
    assert (await http.get(f"/api/v1/drafts/{consultation['id']}/file", headers=secretary)).content == samples.pdf()
