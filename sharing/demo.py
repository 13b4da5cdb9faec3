"""A believable demo province (Liaoning): units, people in every role. Later features add to it."""
from __future__ import annotations

from sqlalchemy import func, select

from sharing.accounts.models import User
from sharing.accounts.passwords import hash_password
from sharing.extensions import db
from sharing.units.models import Unit

DEMO_PASSWORD = "Lab-Share-2026"
DOMAIN = "demo.example"

# name, short name, kind, city, in cluster
UNITS = [
    ("东北大学", "东大", "university", "沈阳", True),
    ("大连理工大学", "大工", "university", "大连", True),
    ("中国医科大学", "中国医大", "university", "沈阳", True),
    ("辽宁大学", "辽大", "university", "沈阳", False),
    ("锦州医科大学", "锦医", "university", "锦州", False),
    ("中国科学院金属研究所", "金属所", "institute", "沈阳", True),
    ("中国科学院大连化学物理研究所", "大化所", "institute", "大连", True),
    ("辽宁省分析科学研究院", "分析院", "institute", "沈阳", True),
    ("鞍钢集团钢铁研究院", "鞍钢研究院", "enterprise", "鞍山", False),
    ("沈阳新松机器人自动化股份有限公司", "新松", "enterprise", "沈阳", False),
    ("大连海创新材料科技有限公司", "海创新材", "enterprise", "大连", False),
    ("中国医科大学附属第一医院", "医大一院", "hospital", "沈阳", False),
]

# e-mail local part, name, unit short name, roles
PEOPLE = [
    ("admin", "平台管理员 王磊", None, ["admin"]),
    ("evaluator", "评估专家 刘洋", None, ["evaluator"]),
    ("unitadmin.neu", "张敏", "东大", ["unit_admin"]),
    ("manager.neu", "李强", "东大", ["manager"]),
    ("researcher.neu", "陈静", "东大", ["researcher"]),
    ("manager.dicp", "赵刚", "大化所", ["manager"]),
    ("unitadmin.dicp", "孙丽", "大化所", ["unit_admin", "manager"]),
    ("researcher.dicp", "周杰", "大化所", ["researcher"]),
    ("manager.imr", "吴涛", "金属所", ["manager"]),
    ("researcher.dlut", "郑洁", "大工", ["researcher"]),
    ("researcher.cmu", "冯雪", "中国医大", ["researcher"]),
    ("manager.cmu", "褚鹏", "中国医大", ["manager"]),
    ("researcher.ansteel", "蒋华", "鞍钢研究院", ["researcher"]),
    ("researcher.siasun", "沈岩", "新松", ["researcher"]),
    ("researcher.hospital", "韩梅", "医大一院", ["researcher"]),
]

# Shown by `make run` so a newcomer can log in at once, one line per role.
LOGINS = ["admin", "evaluator", "unitadmin.neu", "manager.neu", "researcher.neu", "researcher.ansteel"]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


def demo_logins() -> list[tuple[str, str]]:
    roles = {local: roles for local, _name, _unit, roles in PEOPLE}
    return [("+".join(roles[local]), f"{local}@{DOMAIN}") for local in LOGINS]


def load_demo() -> dict[str, int]:
    from sharing.cli import operating_unit

    operator = operating_unit()
    units = {}
    for name, short, kind, city, in_cluster in UNITS:
        unit = Unit(name=name, short_name=short, kind=kind, city=city, in_cluster=in_cluster)
        db.session.add(unit)
        units[short] = unit
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: Argon2 is slow by design
    managers = {}
    for local, name, unit_short, roles in PEOPLE:
        user = User(
            email=f"{local}@{DOMAIN}",
            name=name,
            unit_id=(units[unit_short] if unit_short else operator).id,
            password_hash=password_hash,
            phone="024-2389" + str(1000 + len(local))[-4:],
            active=True,
        )
        user.roles = roles
        db.session.add(user)
        if unit_short and "manager" in roles:
            managers.setdefault(unit_short, user)  # answers for the unit's demo instruments
    db.session.commit()
    from bookings.demo import load_demo_bookings
    from bookings.demo_ledger import load_demo_ledger_extras
    from instruments.demo import load_demo_instruments
    from reports.demo import load_demo_evaluations

    instruments = load_demo_instruments(units, managers)
    return {"units": len(UNITS) + 1, "users": len(PEOPLE), "instruments": instruments,
            **load_demo_bookings(), **load_demo_ledger_extras(), **load_demo_evaluations(f"evaluator@{DOMAIN}")}
