"""A small, believable Shanghai data set for the embedded default and for trying things out."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalogue.authorities import register_demo_publishers
from services.committees.models import CommitteeSeat
from services.committees.schemas import CommitteeCreate
from services.committees.service import add_member, create_committee
from services.dashboard.targets import seed_plan_targets
from services.identity.permissions import Role
from services.identity.schemas import UserCreate
from services.identity.service import create_user, grant_role
from services.organisations.models import OrgKind
from services.organisations.schemas import OrganisationCreate
from services.organisations.service import create_organisation, get_by_code

DEMO_PASSWORD = "Shanghai-2026"

ORGANISATIONS = [
    ("SHAMR", "上海市市场监督管理局", "Shanghai Administration for Market Regulation", OrgKind.government),
    ("SHEITC", "上海市经济和信息化委员会", "Shanghai Commission of Economy and Informatization", OrgKind.government),
    ("PUDONG", "浦东新区人民政府", "Pudong New Area", OrgKind.district),
    ("XUHUI", "徐汇区人民政府", "Xuhui District", OrgKind.district),
    ("SDCIA", "上海数字城市产业协会", "Shanghai Digital City Industry Association", OrgKind.industry),
    ("HDU", "沪东大学", "Hudong University", OrgKind.academia),
    ("PJMOB", "浦江智能出行科技有限公司", "Pujiang Smart Mobility Technology Co., Ltd.", OrgKind.enterprise),
    ("SCDATA", "申城数据服务有限公司", "Shencheng Data Services Co., Ltd.", OrgKind.enterprise),
    ("DFCLOUD", "东方云网信息技术有限公司", "Dongfang CloudNet Information Technology Co., Ltd.", OrgKind.enterprise),
]

# username, display name, organisation, roles, committee seat
USERS = [
    ("li.wei", "李伟", "PJMOB", [Role.proposer], None),
    ("zhang.min", "张敏", "SCDATA", [Role.proposer], None),
    ("wang.fang", "王芳", "SDCIA", [Role.secretary], CommitteeSeat.secretary),
    ("chen.jie", "陈杰", "SDCIA", [Role.committee_member], CommitteeSeat.member),
    ("liu.yang", "刘洋", "HDU", [Role.committee_member], CommitteeSeat.member),
    ("zhao.lei", "赵磊", "SCDATA", [Role.committee_member], CommitteeSeat.member),
    ("sun.li", "孙丽", "DFCLOUD", [Role.committee_member], CommitteeSeat.member),
    ("zhou.hui", "周慧", "SHEITC", [Role.committee_member], CommitteeSeat.member),
    ("wu.qiang", "吴强", "HDU", [Role.expert], None),
    ("zheng.hua", "郑华", "HDU", [Role.expert], None),
    ("feng.yu", "冯宇", "DFCLOUD", [Role.expert], None),
    ("he.jing", "何静", "SHEITC", [Role.expert], None),
    ("guo.tao", "郭涛", "SDCIA", [Role.expert], None),
    ("ma.rui", "马睿", "SDCIA", [Role.approver, Role.admin], None),
    ("huang.lan", "黄岚", "SHAMR", [Role.approver, Role.admin], None),
    ("lin.tao", "林涛", "PUDONG", [Role.pilot_lead], None),
    ("gao.yan", "高燕", "PUDONG", [Role.coordinator, Role.admin], None),
    ("xu.qing", "徐青", "XUHUI", [Role.pilot_lead, Role.coordinator], None),
    ("hu.bin", "胡斌", "DFCLOUD", [Role.pilot_lead], None),
    ("luo.ming", "罗明", "SHEITC", [Role.coordinator], None),
    ("liang.hong", "梁红", "SHEITC", [Role.evaluator], None),
    # Each organisation's admin: adds its people, and accepts or declines an invitation to co-draft.
    ("tang.ning", "唐宁", "HDU", [Role.admin], None),
    ("qian.yun", "钱云", "PJMOB", [Role.admin], None),
    ("jiang.wen", "蒋文", "SCDATA", [Role.admin], None),
    ("song.jia", "宋佳", "DFCLOUD", [Role.admin], None),
    ("cao.lin", "曹琳", "SHEITC", [Role.admin], None),
    ("xie.fei", "谢飞", "XUHUI", [Role.admin], None),
]

PLATFORM_ADMIN = ("admin", "平台管理员 Platform admin")


@dataclass
class DemoSummary:
    created: bool
    accounts: list[tuple[str, str, str]]  # username, organisation, roles


def summary() -> list[tuple[str, str, str]]:
    rows = [(u, org, ", ".join(r.value for r in roles)) for u, _, org, roles, _ in USERS]
    return [(PLATFORM_ADMIN[0], "—", "platform admin"), *rows]


async def seed_demo(session: AsyncSession) -> DemoSummary:
    """Create the demo data set, unless it is there already."""
    await seed_plan_targets(session)
    if await get_by_code(session, "SDCIA") is not None:
        return DemoSummary(created=False, accounts=summary())
    orgs = {}
    for code, zh, en, kind in ORGANISATIONS:
        orgs[code] = await create_organisation(session, OrganisationCreate(code=code, name_zh=zh, name_en=en, kind=kind))
    await register_demo_publishers(session, orgs)
    committee = await create_committee(
        session,
        CommitteeCreate(org_id=orgs["SDCIA"].id, code="SDCIA-TC01", name_zh="城市数字化转型标准化技术委员会",
                        name_en="Technical Committee on City Digital Transformation"),
    )
    await create_user(session, UserCreate(username=PLATFORM_ADMIN[0], display_name=PLATFORM_ADMIN[1],
                                          password=DEMO_PASSWORD), platform_admin=True)
    for username, name, org_code, roles, seat in USERS:
        user = await create_user(session, UserCreate(username=username, display_name=name, password=DEMO_PASSWORD,
                                                     email=f"{username}@demo.standardflow.example"))
        for role in roles:
            await grant_role(session, user.id, orgs[org_code].id, role)
        if seat:
            await add_member(session, committee.id, user.id, seat, voting=seat == CommitteeSeat.member)
    return DemoSummary(created=True, accounts=summary())
