"""The working pages, one router for the app to include: the start page and inbox, tasks, projects,
the public catalogue, notifications, the dashboard and coordination requests."""

from fastapi import APIRouter

from api.web import (
    pages_account, pages_coordination, pages_escalations, pages_inbox, pages_project, pages_projects, pages_public,
    pages_tasks,
)

router = APIRouter(include_in_schema=False)
# /projects/new before /projects/{project_id}, so "new" is never read as a project's id.
for module in (pages_inbox, pages_tasks, pages_projects, pages_project, pages_public, pages_coordination,
               pages_account, pages_escalations):
    router.include_router(module.router)
