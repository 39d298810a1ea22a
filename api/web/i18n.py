"""Every string the pages show, in Chinese and English. The language is asked for with ?lang=zh|en,
then kept in the session; before that the browser's Accept-Language decides."""

from collections.abc import Callable

from fastapi import Request

from api.web.session import LANG_KEY

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "app_tagline": {"zh": "标准全生命周期协同平台", "en": "Developing standards together"},
    "language": {"zh": "语言", "en": "Language"},
    "sign_in": {"zh": "登录", "en": "Sign in"},
    "sign_out": {"zh": "退出登录", "en": "Sign out"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "or": {"zh": "或", "en": "or"},
    "sign_in_with": {"zh": "通过 {name} 登录", "en": "Sign in with {name}"},
    "wrong_password": {"zh": "用户名或密码错误。", "en": "Wrong username or password."},
    "too_many": {
        "zh": "登录失败次数过多，请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins: wait {minutes} minutes and try again.",
    },
    "provider_failed": {"zh": "身份提供方登录失败：{reason}", "en": "Sign-in at the identity provider failed: {reason}"},
    "signed_in_as": {"zh": "当前用户", "en": "Signed in as"},
    "platform_admin": {"zh": "平台管理员", "en": "Platform admin"},
    "your_roles": {"zh": "您在各组织中的角色", "en": "Your roles in each organisation"},
    "organisation": {"zh": "组织", "en": "Organisation"},
    "roles": {"zh": "角色", "en": "Roles"},
    "no_memberships": {
        "zh": "您尚未加入任何组织，请联系组织管理员。",
        "en": "You belong to no organisation yet: ask an organisation admin to add you.",
    },
    "api_docs": {"zh": "API 文档", "en": "API documentation"},
    "role.proposer": {"zh": "提案人", "en": "Proposer"},
    "role.secretary": {"zh": "秘书处", "en": "Secretary"},
    "role.committee_member": {"zh": "委员", "en": "Committee member"},
    "role.expert": {"zh": "专家", "en": "Expert"},
    "role.approver": {"zh": "批准人", "en": "Approver"},
    "role.pilot_lead": {"zh": "试点负责人", "en": "Pilot lead"},
    "role.coordinator": {"zh": "协调员", "en": "Coordinator"},
    "role.evaluator": {"zh": "评价人", "en": "Evaluator"},
    "role.admin": {"zh": "组织管理员", "en": "Organisation admin"},
}


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        request.session[LANG_KEY] = asked
        return asked
    kept = request.session.get(LANG_KEY)
    if kept in LANGUAGES:
        return kept
    return _from_accept_language(request.headers.get("accept-language", ""))


def _from_accept_language(header: str) -> str:
    """The browser's most wanted language that we have; English otherwise."""
    ranked = []
    for part in header.split(","):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((float(weight or 1), tag.strip().lower()))
        except ValueError:
            continue
    for _, tag in sorted(ranked, key=lambda item: -item[0]):  # stable: equal weights keep their order
        if tag.split("-")[0] in LANGUAGES:
            return tag.split("-")[0]
    return "en"


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        return MESSAGES[key][lang].format(**values)

    return t
