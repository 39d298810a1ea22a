"""The words of the working pages (inbox, tasks, projects, catalogue, notifications, dashboard), in
Chinese and English: (zh, en) per key. The decision forms' words are in form_text.py; names that are
domain data (task titles, stages, standard types, domains) come from the services that own them."""

from collections.abc import Mapping

from api.web.form_text import FORM_TEXT
from api.web.i18n import MESSAGES
from services.dashboard.labels import STAGE_LABELS, TYPE_LABELS
from services.projects.domains import DOMAINS, FRAMEWORK

PAGE_TEXT: dict[str, tuple[str, str]] = {
    # navigation and layout
    "nav.inbox": ("待办", "Inbox"),
    "nav.projects": ("项目", "Projects"),
    "nav.new_project": ("新建提案", "New proposal"),
    "nav.catalogue": ("标准目录", "Catalogue"),
    "nav.notifications": ("通知", "Notifications"),
    "nav.dashboard": ("统计看板", "Dashboard"),
    "nav.account": ("我的账户", "My account"),
    "nav.main": ("主导航", "Main navigation"),
    "none": ("—", "—"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "choose": ("请选择", "Choose…"),
    "first_page": ("第一页", "First page"),
    "next_page": ("下一页", "Next page"),
    "previous_page": ("上一页", "Previous page"),
    "multi_hint": ("按住 Ctrl（Mac 上为 ⌘）可多选。", "Hold Ctrl (⌘ on a Mac) to choose several."),
    # inbox
    "inbox.title": ("我的待办", "My inbox"),
    "inbox.assigned": ("范围", "Show"),
    "inbox.assigned.any": ("全部", "All my tasks"),
    "inbox.assigned.me": ("分配给我的", "Assigned to me"),
    "inbox.assigned.candidate": ("待认领（我的角色）", "Offered to my roles"),
    "inbox.kind": ("任务类型", "Kind of task"),
    "inbox.any_kind": ("全部类型", "Every kind"),
    "inbox.overdue": ("只看已逾期", "Overdue only"),
    "inbox.filter": ("筛选", "Filter"),
    "inbox.empty": ("没有符合条件的待办。", "No tasks match."),
    "col.task": ("任务", "Task"),
    "col.project": ("项目", "Project"),
    "col.due": ("截止时间", "Due"),
    "col.state": ("状态", "State"),
    "col.holder": ("办理人", "With"),
    "col.actions": ("操作", "Actions"),
    "overdue": ("已逾期", "overdue"),
    "claim": ("认领", "Claim"),
    "unclaim": ("放回", "Give back"),
    "open_task": ("办理", "Open"),
    "holder.me": ("我", "me"),
    "holder.role": ("{org} · {role}", "{org} · {role}"),
    "holder.person": ("指定人员", "a named person"),
    "state.open": ("待办理", "open"),
    "state.claimed": ("已认领", "claimed"),
    "state.completed": ("已完成", "completed"),
    "state.cancelled": ("已取消", "cancelled"),
    "state.expired": ("已过期", "expired"),
    # task page
    "task.context": ("任务信息", "About this task"),
    "task.decide": ("办理", "Your decision"),
    "task.submit": ("提交", "Submit"),
    "task.created": ("创建时间", "Opened"),
    "task.completed_at": ("完成时间", "Completed"),
    "task.decision": ("办理结果", "Decision"),
    "task.not_offered": ("此任务不在您的办理范围内，您只能查看。", "This task is not offered to you: you may only read it."),
    "task.held_by_other": ("此任务已被他人认领。", "Someone else has claimed this task."),
    "task.closed": ("此任务{state}，无需办理。", "This task is {state}: there is nothing to decide."),
    "task.claim_first": ("您也可以先认领，以免他人同时办理。", "You may claim it first, so nobody else works on it."),
    "task.refused": ("未能提交", "Not accepted"),
    "task.project_hidden": ("（您无权查看此项目）", "(a project you may not open)"),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.400": ("请求有误", "Bad request"),
    "error.401": ("请先登录", "Please sign in"),
    "error.403": ("无权进行此操作", "Not allowed"),
    "error.404": ("未找到", "Not found"),
    "error.409": ("操作未被接受", "Not accepted"),
    "error.413": ("文件过大", "File too large"),
    "error.415": ("不支持的文件类型", "File type not supported"),
    "error.422": ("填写有误", "Please correct the form"),
    "error.503": ("服务暂不可用", "Service unavailable"),
    "error.home": ("返回首页", "Back to the start page"),
    "error.sign_in": ("去登录", "Sign in"),
    # projects
    "projects.title": ("项目", "Projects"),
    "projects.empty": ("暂无您可查看的项目。", "No projects you may see yet."),
    "projects.new": ("新建提案", "New proposal"),
    "projects.edit": ("编辑提案", "Edit the proposal"),
    "projects.save_draft": ("保存草稿", "Save as draft"),
    "projects.save": ("保存", "Save"),
    "projects.submit": ("提交立项申请", "Submit the proposal"),
    "projects.resubmit": ("修改后重新提交", "Resubmit the proposal"),
    "projects.your_tasks": ("本项目中您的待办", "Your tasks on this project"),
    "col.title": ("名称", "Title"),
    "col.type": ("类型", "Type"),
    "col.domain": ("领域", "Domain"),
    "col.stage": ("阶段", "Stage"),
    "col.status": ("状态", "Status"),
    "col.updated": ("更新时间", "Updated"),
    "status.draft": ("草稿", "draft"),
    "status.active": ("进行中", "active"),
    "status.returned": ("已退回修改", "returned for revision"),
    "status.rejected": ("未予立项", "rejected"),
    "status.withdrawn": ("已撤回", "withdrawn"),
    "project.title_zh": ("中文名称", "Title in Chinese"),
    "project.title_en": ("英文名称", "Title in English"),
    "project.scope": ("范围", "Scope"),
    "project.rationale": ("目的和意义", "Rationale"),
    "project.standard_type": ("标准类型", "Type of standard"),
    "project.domain": ("所属领域", "Domain"),
    "project.committee_id": ("技术委员会", "Committee"),
    "project.lead_org_id": ("牵头单位", "Lead organisation"),
    "project.co_drafting_org_ids": ("参与起草单位", "Co-drafting organisations"),
    "project.relation_to_existing": ("与现行标准的关系", "Relation to existing standards"),
    "project.known_patents": ("涉及的专利", "Known patents"),
    "project.target_completion": ("计划完成日期", "Target completion date"),
    "project.number": ("标准编号", "Number"),
    "project.published_at": ("发布时间", "Published"),
    "project.effective_from": ("实施日期", "Effective from"),
    "project.return_count": ("退回次数", "Times returned"),
    "project.submitted_at": ("提交时间", "Submitted"),
    "project.stage": ("当前阶段", "Stage"),
    "project.status": ("状态", "Status"),
    "project.proposer": ("提案人", "Proposer"),
    "project.shanghai_standard": ("上海标准", "Shanghai Standard"),
    # timeline
    "timeline.title": ("进度", "Progress"),
    "timeline.entered": ("开始", "Entered"),
    "timeline.left": ("结束", "Left"),
    "timeline.current": ("当前阶段", "current stage"),
    "timeline.events": ("关键事件", "Key events"),
    # drafts
    "drafts.title": ("草案", "Drafts"),
    "drafts.empty": ("尚无草案。", "No drafts yet."),
    "drafts.version": ("版本", "Version"),
    "drafts.label": ("稿次", "Kind of draft"),
    "drafts.file": ("文件", "File"),
    "drafts.size": ("大小", "Size"),
    "drafts.uploaded": ("上传时间", "Uploaded"),
    "drafts.note": ("说明", "Note"),
    "drafts.upload": ("上传新版本", "Upload a new version"),
    "drafts.types": ("PDF、DOCX、ODT、Markdown 或纯文本（UTF-8）", "PDF, DOCX, ODT, Markdown or plain UTF-8 text"),
    "label.discussion": ("工作组讨论稿", "working-group discussion draft"),
    "label.consultation": ("征求意见稿", "draft for public consultation"),
    "label.review": ("送审稿", "draft for review"),
    "label.approval": ("报批稿", "draft for approval"),
    # consultation
    "comments.title": ("征求意见", "Public consultation"),
    "comments.open_until": ("征求意见截止于 {date}。", "Open for comments until {date}."),
    "comments.closed": ("征求意见已截止，工作组正在处理意见。", "Closed for comments: the working group is giving each its disposition."),
    "comments.concluded": ("意见已全部处理。", "Every comment has its disposition."),
    "comments.empty": ("暂无意见。", "No comments yet."),
    "comments.add": ("提交意见", "Send your comment"),
    "comments.clause": ("章条编号", "Clause"),
    "comments.comment": ("意见内容", "Comment"),
    "comments.proposed_change": ("建议修改", "Proposed change"),
    "comments.org": ("提出单位", "From"),
    "comments.on_behalf": ("代表单位", "On behalf of"),
    "comments.org_id": ("代表单位", "On behalf of"),
    "comments.disposition": ("处理意见", "Disposition"),
    "comments.reason": ("理由", "Reason"),
    "comments.dispose": ("保存处理意见", "Save the disposition"),
    "comments.export": ("导出意见汇总处理表", "Download the disposition table"),
    "disposition.accepted": ("采纳", "accepted"),
    "disposition.partially_accepted": ("部分采纳", "partially accepted"),
    "disposition.not_accepted": ("不采纳", "not accepted"),
    # catalogue
    "catalogue.title": ("标准目录", "Catalogue of standards"),
    "catalogue.search": ("搜索", "Search"),
    "catalogue.q": ("名称或编号", "Title or number"),
    "catalogue.any_type": ("全部类型", "Every type"),
    "catalogue.any_domain": ("全部领域", "Every domain"),
    "catalogue.year": ("发布年份", "Year published"),
    "catalogue.total": ("共 {total} 项标准", "{total} standards"),
    "catalogue.empty": ("没有符合条件的标准。", "No standard matches."),
    "catalogue.publisher": ("发布机构", "Published by"),
    "catalogue.publication_date": ("发布日期", "Publication date"),
    "catalogue.effective_from": ("实施日期", "Effective from"),
    "catalogue.status": ("状态", "Status"),
    "catalogue.upcoming": ("即将实施", "upcoming"),
    "catalogue.current": ("现行", "current"),
    "catalogue.withdrawn": ("废止", "withdrawn"),
    # notifications
    "notifications.title": ("通知", "Notifications"),
    "notifications.unread": ("{count} 条未读", "{count} unread"),
    "notifications.only_unread": ("只看未读", "Unread only"),
    "notifications.all": ("全部通知", "All notifications"),
    "notifications.empty": ("暂无通知。", "No notifications."),
    "notifications.mark_read": ("标为已读", "Mark read"),
    "notifications.read": ("已读", "read"),
    "notifications.task": ("查看任务", "Open the task"),
    "notifications.project": ("查看项目", "Open the project"),
    "nkind.assigned": ("新任务", "New task"),
    "nkind.reminder": ("到期提醒", "Reminder"),
    "nkind.escalation": ("逾期上报", "Escalation"),
    "nkind.info": ("消息", "Message"),
    # coordination requests
    "nav.coordination": ("协调事项", "Coordination"),
    "coord.title": ("协调事项", "Coordination requests"),
    "coord.empty": ("暂无协调事项。", "No coordination requests."),
    "coord.send": ("发送协调请求", "Send a coordination request"),
    "coord.to_org_id": ("发往单位", "To"),
    "coord.from_org_id": ("发起单位", "From"),
    "coord.subject": ("事由", "Subject"),
    "coord.body": ("具体内容", "What you ask for"),
    "coord.due_date": ("答复期限", "Answer by"),
    "coord.project_id": ("相关项目（可选）", "Project (optional)"),
    "coord.current": ("当前处理单位", "With"),
    "coord.answer": ("答复", "Answer"),
    "coord.history": ("办理记录", "History"),
    "coord.overdue": ("已逾期", "overdue"),
    "coord.status.open": ("办理中", "open"),
    "coord.status.answered": ("已答复", "answered"),
    "coord.status.acknowledged": ("已确认", "acknowledged"),
    "coord.event.sent": ("发送", "sent"),
    "coord.event.forwarded": ("转交", "forwarded"),
    "coord.event.overdue": ("逾期", "overdue"),
    "coord.event.answered": ("答复", "answered"),
    "coord.event.acknowledged": ("确认收到答复", "answer acknowledged"),
    # dashboard
    "dashboard.title": ("统计看板", "Dashboard"),
    "dashboard.total": ("已提交项目共 {total} 项（不含草稿）", "{total} projects past the draft"),
    "dashboard.by_stage": ("按阶段", "By stage"),
    "dashboard.by_type": ("按标准类型", "By type of standard"),
    "dashboard.by_domain": ("按领域", "By domain"),
    "dashboard.targets": ("规划目标完成情况", "Progress against the plan's targets"),
    "dashboard.progress": ("{current} / {target}（{percent}%）", "{current} of {target} ({percent}%)"),
    "dashboard.deadline": ("截止 {date}", "by {date}"),
    "dashboard.met": ("已完成", "met"),
    "col.count": ("数量", "Count"),
    # what a page says after a form went through (?notice=…)
    "notice.task_done": ("任务已办理。", "The task is done."),
    "notice.claimed": ("已认领，现在由您办理。", "Claimed: the task is yours now."),
    "notice.unclaimed": ("已放回，角色内其他人可以认领。", "Given back to everyone it is offered to."),
    "notice.created": ("提案已保存为草稿，可继续编辑或提交。", "The proposal is saved as a draft: edit it or submit it."),
    "notice.saved": ("已保存。", "Saved."),
    "notice.submitted": ("已提交，等待技术委员会秘书处初审。", "Submitted: the committee's secretariat will screen it."),
    "notice.uploaded": ("新版本已上传。", "The new version is uploaded."),
    "notice.commented": ("意见已提交。", "Your comment is recorded."),
    "notice.disposed": ("处理意见已保存。", "The disposition is saved."),
    "notice.sent": ("协调请求已发送，对方协调员将在待办中收到。", "Sent: it is in the receiving organisation's coordinators' inboxes."),
}


def _pairs(table: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {key: {"zh": zh, "en": en} for key, (zh, en) in table.items()}


# One table for every page: the sign-in pages' words, then ours.
TEXT: dict[str, dict[str, str]] = {**MESSAGES, **_pairs(PAGE_TEXT), **_pairs(FORM_TEXT)}


class Translator:
    """`t("key", name=value)` in the page's language; `t.maybe(key, fallback)` for words that depend
    on data (a decision form's field, a context entry) and may have no translation yet."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        return TEXT[key][self.lang].format(**values)

    def maybe(self, key: str, fallback: str, **values: object) -> str:
        return self(key, **values) if key in TEXT else fallback

    def pick(self, zh: str, en: str) -> str:
        """One of a pair the data carries itself (a project's two titles, a domain's two names)."""
        return zh if self.lang == "zh" else en

    def title(self, item: object) -> str:
        """A project's, an organisation's or a committee's name in this language."""
        if hasattr(item, "title_zh"):
            return self.pick(item.title_zh, item.title_en)
        return self.pick(item.name_zh, item.name_en)

    def stage(self, code: str) -> str:
        return self.pick(*STAGE_LABELS[code]) if code in STAGE_LABELS else code

    def standard_type(self, code: str) -> str:
        return self.pick(*TYPE_LABELS[code]) if code in TYPE_LABELS else code

    def domain(self, code: str) -> str:
        """A domain with its group, e.g. 基础 · 数据基座."""
        found = DOMAINS.get(code)
        if found is None:
            return code
        group = next(g for g in FRAMEWORK if code.startswith(g.code + "."))
        return f"{self.pick(group.name_zh, group.name_en)} · {self.pick(found.name_zh, found.name_en)}"
