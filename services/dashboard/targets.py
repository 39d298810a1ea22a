"""The plan targets StandardFlow starts with: the 2023 targets of the city's plan for standards in its
digital transformation (《上海城市数字化转型标准化建设实施方案》, 沪府办发〔2022〕5号)."""

from datetime import date

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.dashboard.models import Measure, PlanTarget

PLAN_2023 = "SH-DT-STD-2023"
END_OF_2023 = date(2023, 12, 31)

TARGETS_2023 = [
    ("local_group", "新增发布城市数字化转型地方标准及团体标准", "New local and group standards published",
     Measure.local_and_group_published, 100),
    ("national_international", "主导或参与制定国际标准和国家标准", "International and national standards led or joined",
     Measure.national_international_led_or_joined, 50),
    ("shanghai_standard", "形成“上海标准”", "“Shanghai Standard” labels awarded", Measure.shanghai_standards, 15),
    ("pilots", "城市数字化转型标准化试点", "Standardisation pilots", Measure.pilots, 50),
]


async def seed_plan_targets(session: AsyncSession) -> None:
    """Adds the 2023 targets that are missing; targets already there (perhaps edited) stay as they are."""
    existing = set((await session.exec(select(PlanTarget.key).where(PlanTarget.plan_code == PLAN_2023))).all())
    for key, label_zh, label_en, measure, target in TARGETS_2023:
        if key not in existing:
            session.add(PlanTarget(plan_code=PLAN_2023, key=key, label_zh=label_zh, label_en=label_en,
                                   measure=measure, target=target, deadline=END_OF_2023))
    await session.flush()
