"""The standards-system framework of the city's digital-transformation plan: every project has one domain."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DomainGroup:
    code: str
    name_zh: str
    name_en: str
    domains: tuple[Domain, ...]


def _group(code: str, zh: str, en: str, *items: tuple[str, str, str]) -> DomainGroup:
    return DomainGroup(code, zh, en, tuple(Domain(f"{code}.{c}", z, e) for c, z, e in items))


FRAMEWORK: tuple[DomainGroup, ...] = (
    _group(
        "foundations", "基础", "Foundations",
        ("general", "通用基础", "General basics"),
        ("data_base", "数据基座", "Data base"),
        ("supporting_capability", "支撑能力", "Supporting capability"),
        ("digital_security", "数字安全", "Digital security"),
        ("digital_trust", "数字信任", "Digital trust"),
    ),
    _group(
        "economy", "经济", "Economy",
        ("science_technology", "科技", "Science & technology"),
        ("finance", "金融", "Finance"),
        ("commerce", "商贸", "Commerce"),
        ("shipping", "航运", "Shipping"),
        ("manufacturing", "制造", "Manufacturing"),
        ("agriculture", "农业", "Agriculture"),
    ),
    _group(
        "life", "生活", "Life",
        ("health", "健康", "Health"),
        ("education", "教育", "Education"),
        ("housing", "居住", "Housing"),
        ("mobility", "出行", "Mobility"),
        ("culture_tourism", "文旅", "Culture & tourism"),
        ("elderly_care", "为老", "Elderly care"),
        ("accessibility", "无障碍", "Accessibility"),
    ),
    _group(
        "governance", "治理", "Governance",
        ("business_environment", "营商环境", "Business environment"),
        ("integrated_supervision", "综合监管", "Integrated supervision"),
        ("natural_resources", "自然资源", "Natural resources"),
        ("ecology_environment", "生态环境", "Ecology & environment"),
        ("water_systems", "水系统治理", "Water systems"),
        ("public_safety", "公共安全", "Public safety"),
    ),
)

DOMAINS: dict[str, Domain] = {d.code: d for group in FRAMEWORK for d in group.domains}
