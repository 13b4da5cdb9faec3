"""Demo instruments for the demo province: about 300 real instrument kinds, makers and model lines.

Everything is derived from a seeded random generator, so every load gives the same catalogue.
The kinds (``KINDS``) are also what the catalogue benchmark (``bench/catalogue_bench.py``) draws
its 100,000 synthetic instruments from.

Prices are in yuan, in the range such instruments are bought for in China; fees follow the
usual practice of the province's units (external users pay 1.6–3 times the internal rate).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from instruments.demo.kinds_field import FIELD_KINDS
from instruments.demo.kinds_lab import LAB_KINDS
from instruments.demo.makers import MAKERS, Kind, Model  # noqa: F401

SEED = 20260301
KINDS: list[Kind] = LAB_KINDS + FIELD_KINDS
KIND_BY_KEY = {k.key: k for k in KINDS}

# --- the demo units: asset-number style, departments, buildings, holdings --------------------

AREA_CODE = {"沈阳": "024", "大连": "0411", "鞍山": "0412", "锦州": "0416"}


@dataclass(frozen=True)
class UnitProfile:
    prefix: str
    style: str  # asset-number pattern: {p} prefix, {y} year, {n} running number
    campus: str
    buildings: tuple[str, ...]
    departments: tuple[tuple[str, str], ...]  # (name, domains served, comma-separated)
    holdings: tuple[tuple[str, int], ...]  # (kind key, how many)
    funding: str
    mail: str


PROFILES: dict[str, UnitProfile] = {
    "东大": UnitProfile(
        "NEU", "{p}-{y}-{n:04d}", "南湖校区",
        ("分析测试中心", "材料馆", "冶金馆", "采矿馆", "机械馆", "生命科学馆", "信息学馆", "轧制技术国家重点实验室楼"),
        (("分析测试中心", "mat,chem,general"), ("材料科学与工程学院", "mat"), ("冶金学院", "mat"),
         ("资源与土木工程学院", "geo"), ("机械工程与自动化学院", "mech"), ("生命科学与健康学院", "bio,med"),
         ("信息科学与工程学院", "info"), ("轧制技术及连轧自动化国家重点实验室", "mat,mech")),
        (("tem", 2), ("sem_fe", 4), ("sem_w", 1), ("fib", 1), ("epma", 1), ("xps", 1), ("xrd", 2), ("xrf", 1),
         ("xrm", 1), ("nmr", 1), ("lcms_hr", 1), ("icpms", 1), ("icpoes", 1), ("hplc", 1), ("ftir", 1), ("raman", 1),
         ("sta", 1), ("dsc", 1), ("dil", 2), ("lfa", 1), ("echem", 1), ("optical_mic", 1), ("afm", 1),
         ("confocal", 1), ("flow", 1), ("utm", 2), ("fatigue", 2), ("gleeble", 2), ("nanoindenter", 1),
         ("triaxial", 2), ("ae", 1), ("gpr", 1), ("bet", 1), ("onh", 1), ("ict", 1), ("am", 1), ("hpc", 1)),
        "central", "fxcs.neu"),
    "大工": UnitProfile(
        "DUT", "{p}{y}{n:05d}", "凌水校区",
        ("分析测试中心", "化工综合楼", "材料馆", "精细化工国家重点实验室", "海岸和近海工程国家重点实验室", "知远楼",
         "生命科学与药学学院楼", "环境学院楼", "集成电路学院楼"),
        (("分析测试中心", "chem,mat,general"), ("化工学院", "chem"), ("材料科学与工程学院", "mat"),
         ("精细化工国家重点实验室", "chem"), ("海岸和近海工程国家重点实验室", "ocean,geo"), ("机械工程学院", "mech"),
         ("生物工程学院", "bio"), ("环境学院", "env"), ("集成电路学院", "info"), ("物理学院", "chem,info")),
        (("tem", 2), ("sem_fe", 3), ("xps", 1), ("xrd", 2), ("scxrd", 1), ("saxs", 1), ("nmr", 2), ("epr", 1),
         ("lcms_hr", 1), ("lcms_qqq", 1), ("gcms", 1), ("maldi", 1), ("icpms", 1), ("icpoes", 1), ("hplc", 2),
         ("gc", 1), ("gpc", 1), ("ftir", 1), ("raman", 1), ("uvvis", 1), ("fluor", 1), ("sta", 1), ("dsc", 1),
         ("dma", 1), ("echem", 1), ("afm", 1), ("confocal", 1), ("psa", 1), ("bet", 1), ("rheometer", 1),
         ("utm", 1), ("fatigue", 1), ("cmm", 1), ("adcp", 1), ("ctd", 1), ("toc", 1), ("air", 1), ("thinfilm", 2),
         ("vna", 1), ("laser_fiber", 1), ("hpc", 1)),
        "central", "fxcs.dlut"),
    "中国医大": UnitProfile(
        "CMU", "{p}-YQ-{y}{n:03d}", "沈北校区",
        ("实验技术中心", "科研楼", "基础医学院楼", "药学院楼", "实验动物部", "公共卫生学院楼"),
        (("实验技术中心", "bio,med,chem,general"), ("基础医学院", "bio,med"), ("药学院", "chem,bio"),
         ("公共卫生学院", "env,chem"), ("生命科学学院", "bio"), ("实验动物部", "med")),
        (("cryo_tem", 1), ("freeze_sub", 1), ("tem", 1), ("ultramicrotome", 1), ("confocal", 3), ("superres", 1),
         ("high_content", 1), ("flow", 2), ("sorter", 2), ("cytof", 1), ("ngs", 2), ("sanger", 1), ("singlecell", 1),
         ("pcr", 2), ("reader", 1), ("gel_imager", 1), ("seahorse", 1), ("spr", 1), ("itc", 1), ("akta", 1),
         ("ultracentrifuge", 1), ("lcms_hr", 1), ("lcms_qqq", 1), ("nmr", 1), ("mri", 1), ("animal_us", 1),
         ("ivis", 1), ("eeg", 1)),
        "central", "syzx.cmu"),
    "辽大": UnitProfile(
        "LNU", "{p}{y}-{n:04d}", "崇山校区",
        ("化学院实验楼", "物理楼", "生命科学楼", "环境学院楼", "药学院楼"),
        (("化学院", "chem,mat,general"), ("物理学院", "mat,info"), ("生命科学学院", "bio"), ("环境学院", "env"),
         ("药学院", "chem,bio")),
        (("nmr", 1), ("xrd", 1), ("sem_fe", 1), ("sem_w", 1), ("lcms_qqq", 1), ("gcms", 1), ("hplc", 2), ("ftir", 1),
         ("fluor", 1), ("icpoes", 1), ("aas", 1), ("sta", 1), ("bet", 1), ("confocal", 1), ("pcr", 1)),
        "local", "yq.lnu"),
    "锦医": UnitProfile(
        "JZMU", "{p}{y}{n:04d}", "松山校区",
        ("科研实验中心", "基础医学院楼", "药学院楼", "公共卫生学院楼"),
        (("科研实验中心", "bio,med,chem,general"), ("基础医学院", "bio,med"), ("药学院", "chem"),
         ("公共卫生学院", "env")),
        (("confocal", 1), ("flow", 2), ("pcr", 1), ("lcms_qqq", 1), ("hplc", 2), ("icpms", 1), ("reader", 1),
         ("ultracentrifuge", 1), ("eeg", 1)),
        "local", "kysy.jzmu"),
    "金属所": UnitProfile(
        "IMR", "{p}-SB-{y}-{n:03d}", "",
        ("李薰楼", "师昌绪楼", "沈阳材料科学国家研究中心实验楼", "材料疲劳与断裂实验室", "腐蚀与防护中心"),
        (("沈阳材料科学国家研究中心", "mat,chem,general"), ("分析测试部", "mat,chem"),
         ("材料疲劳与断裂研究部", "mech,mat"), ("高温合金研究部", "mat"), ("腐蚀与防护中心", "chem,mat"),
         ("先进炭材料研究部", "chem,mat")),
        (("tem", 4), ("sem_fe", 4), ("fib", 1), ("epma", 1), ("eds", 1), ("xps", 1), ("tofsims", 1), ("xrd", 2),
         ("xrf", 1), ("xrm", 1), ("saxs", 1), ("afm", 1), ("raman", 1), ("sta", 1), ("dil", 1), ("lfa", 1),
         ("echem", 2), ("optical_mic", 1), ("utm", 2), ("fatigue", 3), ("gleeble", 1), ("impact", 1),
         ("hardness", 1), ("nanoindenter", 1), ("ict", 1), ("onh", 1), ("am", 1), ("hpc", 1)),
        "central", "fxcs.imr"),
    "大化所": UnitProfile(
        "DICP", "{p}{y}{n:04d}", "中山路园区",
        ("分析测试中心楼", "催化基础国家重点实验室楼", "分子反应动力学国家重点实验室楼", "能源楼", "生物技术部实验楼"),
        (("分析测试中心", "chem,mat,general"), ("催化基础国家重点实验室", "chem,mat"), ("分子反应动力学国家重点实验室", "chem"),
         ("洁净能源国家实验室（筹）", "chem,mat,info"), ("生物技术部", "bio"), ("仪器分析化学研究室", "chem,bio,env")),
        (("tem", 2), ("sem_fe", 2), ("xps", 2), ("xrd", 2), ("scxrd", 1), ("saxs", 1), ("nmr", 3), ("epr", 1),
         ("mossbauer", 1), ("lcms_hr", 3), ("lcms_qqq", 1), ("gcms", 1), ("icpms", 1), ("irms", 1), ("hplc", 2),
         ("gc", 2), ("ic", 1), ("sfc", 1), ("ftir", 1), ("raman", 2), ("uvvis", 1), ("fluor", 1), ("tas", 1),
         ("laser_fs", 2), ("sta", 1), ("bet", 2), ("elemental", 1), ("echem", 1), ("reaction_cal", 1), ("ngs", 1),
         ("pyrolyzer", 1)),
        "central", "fxcs.dicp"),
    "分析院": UnitProfile(
        "LAAS", "{p}-{y}-{n:03d}", "",
        ("分析测试大楼", "环境监测实验楼"),
        (("分析测试中心", "chem,mat,general"), ("环境监测室", "env,chem"), ("食品药品检测室", "chem,bio"),
         ("材料分析室", "mat")),
        (("icpms", 2), ("icpoes", 1), ("aas", 1), ("lcms_qqq", 2), ("lcms_hr", 1), ("gcms", 2), ("hplc", 2),
         ("gc", 1), ("ic", 1), ("toc", 1), ("digest", 1), ("ase", 1), ("purge_trap", 1), ("gamma", 1), ("xrf", 1),
         ("xrd", 1), ("sem_w", 1), ("ftir", 1)),
        "local", "fxy"),
    "鞍钢研究院": UnitProfile(
        "AGRI", "{p}{y}{n:04d}", "",
        ("理化检验中心", "钢铁材料研究所实验楼", "汽车钢研究所中试楼"),
        (("理化检验中心", "mat,chem,general"), ("钢铁材料研究所", "mat,mech"), ("汽车钢研究所", "mech,mat"),
         ("表面技术研究所", "chem,mat")),
        (("sem_fe", 2), ("tem", 1), ("epma", 1), ("xrd", 1), ("xrf", 1), ("oes_spark", 2), ("onh", 1), ("utm", 2),
         ("fatigue", 1), ("gleeble", 1), ("impact", 1), ("dil", 1), ("optical_mic", 1)),
        "own", "lhjy.agri"),
    "新松": UnitProfile(
        "SIASUN", "{p}-ZC-{y}{n:04d}", "浑南产业园",
        ("中央研究院大楼", "检测中心"),
        (("中央研究院", "mech,info,general"), ("检测中心", "mech,info")),
        (("laser_tracker", 2), ("cmm", 1), ("interferometer", 1), ("shaker", 1), ("vibrometer", 1), ("emc", 1),
         ("scope", 1), ("ir_camera", 1)),
        "own", "jc.siasun"),
    "海创新材": UnitProfile(
        "HC", "{p}-{y}-{n:03d}", "大连高新区",
        ("研发中心", "检测实验室"),
        (("研发中心", "mat,chem,general"), ("检测实验室", "mat,chem")),
        (("sem_w", 1), ("xrd", 1), ("sta", 1), ("psa", 1), ("bet", 1), ("utm", 1), ("rheometer", 1), ("ftir", 1)),
        "own", "lab.hcxc"),
    "医大一院": UnitProfile(
        "CMU1H", "YDYY-{y}-{n:04d}", "",
        ("门诊楼", "医技楼", "科研楼（中心实验室）", "检验楼"),
        (("中心实验室", "bio,med,chem,general"), ("检验科", "med"), ("放射科", "med"), ("核医学科", "med"),
         ("消化内科", "med"), ("呼吸与危重症医学科", "med")),
        (("hema", 2), ("biochem", 2), ("immuno", 1), ("micro", 1), ("urine", 1), ("bloodgas", 1), ("mri", 1), ("ct", 1),
         ("pet", 1), ("endoscope", 1), ("lung", 1), ("flow", 1), ("ngs", 1), ("pcr", 1), ("lcms_qqq", 1),
         ("confocal", 1)),
        "local", "zxsys.cmu1h"),
}

# Real addresses of the demo units' sites (the room and building are made up).
ADDRESS = {
    "东大": "沈阳市和平区文化路三巷11号",
    "大工": "大连市甘井子区凌工路2号",
    "中国医大": "沈阳市沈北新区蒲河路77号",
    "辽大": "沈阳市皇姑区崇山中路66号",
    "锦医": "锦州市松山新区松坡路三段40号",
    "金属所": "沈阳市沈河区文化路72号",
    "大化所": "大连市沙河口区中山路457号",
    "分析院": "沈阳市皇姑区",
    "鞍钢研究院": "鞍山市铁东区",
    "新松": "沈阳市浑南区全运路33号",
    "海创新材": "大连市高新技术产业园区",
    "医大一院": "沈阳市和平区南京北街155号",
}

STAFF_NAMES = ("王建华", "刘晓东", "张宏伟", "李静", "杨帆", "赵丽娜", "孙海燕", "周明", "吴迪", "郑伟", "高峰", "马丽",
               "徐文博", "朱晓红", "胡志强", "郭敏", "何晶", "林涛", "宋佳", "曹阳", "于洋", "董雪", "袁野", "许可",
               "邓超", "冯磊", "曾宇", "韩冰", "唐颖", "谢振华", "姜楠", "付强", "沈悦", "卢刚", "石磊", "魏巍")

SHARING_RULES = (
    "本单位用户经培训考核合格后可自主上机；外单位用户通过平台预约送样或委托测试，按收费标准结算。",
    "实行预约制，校内外用户同等对待；机时不足时优先保障国家和省级科研任务。",
    "开放共享，提前 1 个工作日预约；首次使用需参加操作培训并通过考核。",
    "委托测试为主，样品需注明成分及安全信息；涉及有毒、放射性样品须事先说明。",
)


# --- building one instrument -------------------------------------------------------------------

def _latest_date() -> date:
    """Dates never lie in the future, whatever day the demo is loaded."""
    return min(date(2026, 6, 30), date.today() - timedelta(days=1))


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def _price(rng: random.Random, model: Model) -> Decimal:
    lo, hi = model.price_wan
    value = rng.uniform(lo, hi) * 10_000
    if rng.random() < 0.6:  # a round contract price, or a foreign-currency conversion to the fen
        return _money(round(value, -2))
    return _money(value)


def _step(value: float) -> int:
    return 10 if value >= 50 else 5


def _round_fee(value: float) -> Decimal:
    step = _step(value)
    return Decimal(max(step, int(round(value / step)) * step)).quantize(Decimal("0.01"))


def _external(rng: random.Random, internal: Decimal) -> Decimal:
    """1.6–3 times the internal rate, rounded to the same kind of step without leaving that band."""
    base = float(internal)
    target = base * rng.choice((1.6, 1.8, 2.0, 2.0, 2.0, 2.5, 3.0))
    step = _step(target)
    fee = math.ceil(target / step) * step
    if fee > 3 * base:
        fee = math.floor(3 * base / step) * step
    return Decimal(fee).quantize(Decimal("0.01"))


def _dates(rng: random.Random, model: Model) -> tuple[date, date, date]:
    latest = _latest_date()
    y0, y1 = model.years
    year = rng.randint(y0, min(y1, latest.year))
    purchase = date(year, rng.randint(1, 12), rng.randint(1, 28))
    if rng.random() < 0.08:  # installation waited for the building or the site acceptance
        commission = purchase + timedelta(days=rng.randint(380, 760))
    else:
        commission = purchase + timedelta(days=rng.randint(15, 200))
    if purchase > latest - timedelta(days=30):
        purchase = latest - timedelta(days=rng.randint(30, 300))
    commission = max(purchase, min(commission, latest))
    register = min(commission + timedelta(days=rng.randint(0, 45)), latest)
    return purchase, commission, register


def _phone(rng: random.Random, city: str) -> str:
    if rng.random() < 0.3:
        return rng.choice(("139", "138", "186", "150", "158", "133", "189")) + f"{rng.randint(0, 99_999_999):08d}"
    area = AREA_CODE.get(city, "024")
    digits = 8 if area in ("024", "0411") else 7
    first = "8" if area == "0411" else "2"
    rest = rng.randint(0, 10 ** (digits - 1) - 1)
    return f"{area}-{first}{rest:0{digits - 1}d}"


def _contacts(rng: random.Random, short: str, city: str, manager) -> list[tuple[str, str, str]]:
    """(name, phone, e-mail) of the people answering for a unit's instruments; the manager first."""
    profile = PROFILES[short]
    people = []
    if manager is not None:
        people.append((manager.name, manager.phone or _phone(rng, city), manager.email))
    for i, name in enumerate(rng.sample(STAFF_NAMES, 3), start=1):
        people.append((name, _phone(rng, city), f"{profile.mail}{i}@demo.example"))
    return people


def _department(rng: random.Random, profile: UnitProfile, kind: Kind) -> str:
    fitting = [name for name, domains in profile.departments if kind.domain in domains.split(",")]
    if not fitting:
        return profile.departments[0][0]
    return rng.choice(fitting)


def _location(rng: random.Random, short: str, profile: UnitProfile, department: str) -> str:
    building = next((b for b in profile.buildings if b[:2] in department or department[:2] in b), None)
    building = building or rng.choice(profile.buildings)
    floor = rng.choice((-1, 1, 1, 1, 2, 2, 3, 4, 5))
    room = f"B{rng.randint(1, 30):02d}" if floor < 0 else f"{floor}{rng.randint(1, 30):02d}"
    site = ADDRESS[short]
    return f"{site} {profile.campus}{building} {room}室"


def _name(rng: random.Random, kind: Kind, model: Model) -> str:
    names = model.names or kind.names
    name = rng.choices(names, weights=[3] + [1] * (len(names) - 1))[0]
    if kind.abbr and rng.random() < 0.35:
        name += rng.choice((f"（{kind.abbr}）", f"({kind.abbr})"))
    return name


def _maker_name(rng: random.Random, maker: str) -> tuple[str, str]:
    names, countries = MAKERS[maker]
    return rng.choices(names, weights=[4] + [1] * (len(names) - 1))[0], rng.choice(countries)


def _status(rng: random.Random, purchase: date) -> str:
    age = _latest_date().year - purchase.year
    roll = rng.random()
    if age >= 12 and roll < 0.06:
        return "retired"
    if roll < 0.05:
        return "faulty"
    if roll < 0.09:
        return "under_repair"
    return "normal"


TYPICAL = {"normal": "normal", "faulty": "occasional_faults", "under_repair": "awaiting_repair",
           "retired": "awaiting_disposal"}


def _share_mode(rng: random.Random, kind: Kind, short: str, status: str) -> str:
    if status == "retired":
        return "none"
    if kind.share != "external":
        return kind.share if rng.random() < 0.8 else "none"
    roll = rng.random()
    enterprise = short in ("新松", "海创新材", "鞍钢研究院")
    if roll < (0.30 if enterprise else 0.12):
        return "internal"
    if roll < (0.35 if enterprise else 0.15):
        return "none"
    return "external"


def _rules(rng: random.Random, kind: Kind) -> dict:
    from bookings.rules import merged_rules

    changes = dict(kind.rules)
    if "approval" not in changes and rng.random() < 0.08:
        changes["approval"] = "manager"
    if "slot_minutes" not in changes and rng.random() < 0.15:
        changes["slot_minutes"] = 60
    if rng.random() < 0.1:
        changes["horizon_days"] = rng.choice((7, 30, 60))
    if rng.random() < 0.08:
        changes["max_active_per_user"] = rng.choice((1, 2, 3))
    if "open_hours" not in changes and rng.random() < 0.1:  # evenings and Saturday mornings too
        changes["open_hours"] = ([{"weekday": d, "start": "08:00", "end": "21:00"} for d in range(5)]
                                 + [{"weekday": 5, "start": "08:30", "end": "12:00"}])
    return merged_rules(None, changes)


def _fees(rng: random.Random, kind: Kind, share_mode: str) -> dict:
    fees = {"fee_internal": None, "fee_external": None, "fee_sample_internal": None, "fee_sample_external": None}
    if share_mode == "none":
        return fees
    if kind.fee:
        fees["fee_internal"] = _round_fee(rng.uniform(*kind.fee))
    if kind.sample:
        fees["fee_sample_internal"] = _round_fee(rng.uniform(*kind.sample))
    if share_mode == "external":
        if fees["fee_internal"] is not None:
            fees["fee_external"] = _external(rng, fees["fee_internal"])
        if fees["fee_sample_internal"] is not None:
            fees["fee_sample_external"] = _external(rng, fees["fee_sample_internal"])
    return fees


FEE_NOTES = {"hpc": "按机时计费：CPU 0.04 元/核时，GPU 1.8 元/卡时；外单位按 1.6 倍收取"}


def _fee_summary(fees: dict, kind: Kind) -> str | None:
    if kind.key in FEE_NOTES:
        return FEE_NOTES[kind.key]
    parts = []
    unit = "小时"
    if fees["fee_internal"] is not None:
        text = f"本单位 {fees['fee_internal']:.0f} 元/{unit}"
        if fees["fee_external"] is not None:
            text += f"，外单位 {fees['fee_external']:.0f} 元/{unit}"
        parts.append(text)
    if fees["fee_sample_internal"] is not None:
        text = f"送样本单位 {fees['fee_sample_internal']:.0f} 元/样"
        if fees["fee_sample_external"] is not None:
            text += f"，外单位 {fees['fee_sample_external']:.0f} 元/样"
        parts.append(text)
    return "；".join(parts) or None


def instrument_rows(units: dict, managers: dict | None = None, seed: int = SEED) -> list[dict]:
    """The demo instruments as dicts of Instrument fields, for the units present in ``units``.

    ``units``: short name → Unit (needs ``id`` and ``city``); ``managers``: short name → the User
    answering for that unit's instruments (optional; other contacts are made up).
    """
    managers = managers or {}
    rng = random.Random(seed)
    rows = []
    for short, profile in PROFILES.items():
        unit = units.get(short)
        if unit is None:
            continue
        city = unit.city
        contacts = _contacts(rng, short, city, managers.get(short))
        number = rng.randint(3, 40)
        picks = [KIND_BY_KEY[key] for key, count in profile.holdings for _ in range(count)]
        dated = []
        for kind in picks:
            model = rng.choice(kind.models)
            dated.append((_dates(rng, model), kind, model))
        dated.sort(key=lambda item: item[0][0])  # asset numbers grow with the purchase date
        for (purchase, commission, register), kind, model in dated:
            number += rng.randint(1, 25)
            manufacturer, country = _maker_name(rng, model.maker)
            status = _status(rng, purchase)
            share_mode = _share_mode(rng, kind, short, status)
            fees = _fees(rng, kind, share_mode)
            department = _department(rng, profile, kind)
            contact = contacts[0] if (managers.get(short) and rng.random() < 0.6) else rng.choice(contacts)
            imported = country != "中国"
            special = kind.special or rng.random() < 0.04
            rows.append({
                "unit_id": unit.id,
                "inner_id": profile.style.format(p=profile.prefix, y=purchase.year, n=number),
                "name": _name(rng, kind, model),
                "name_en": kind.name_en if rng.random() < 0.93 else None,
                "model": model.model,
                "manufacturer": manufacturer,
                "country": country,
                "category_code": kind.code,
                "price_cny": _price(rng, model),
                "purchase_date": purchase,
                "commission_date": commission,
                "register_date": register,
                "instrument_type": "special" if special else "general",
                "source": "gift" if rng.random() < 0.02 else "purchase",
                "customs_supervised": imported and purchase >= _latest_date() - timedelta(days=3 * 365),
                "funding_source": profile.funding if rng.random() < 0.85 else rng.choice(("central", "local", "own")),
                "department": department,
                "specs": model.specs or kind.specs or None,
                "functions": kind.functions or None,
                "subject_areas": kind.subjects or None,
                "service_content": kind.service or None,
                "sharing_rules": rng.choice(SHARING_RULES) if share_mode != "none" else None,
                "fee_summary": _fee_summary(fees, kind),
                "location": _location(rng, short, profile, department),
                "city": city,
                "contact_name": contact[0],
                "contact_phone": contact[1],
                "contact_email": contact[2],
                "status": status,
                "typical_state": TYPICAL[status],
                "share_mode": share_mode,
                **fees,
                "booking_rules": _rules(rng, kind),
                "internal_notes": _note(rng, status),
            })
    return rows


def _note(rng: random.Random, status: str) -> str | None:
    if status == "faulty":
        return rng.choice(("真空系统报警，已联系厂家工程师", "探测器噪声异常，待厂家诊断", "冷却水机故障，暂停对外服务"))
    if status == "under_repair":
        return rng.choice(("返厂维修，预计两个月", "更换灯丝/光源中", "主板故障，已签维修合同"))
    if status == "retired":
        return "已超使用年限，待报废处置"
    return None


def load_demo_instruments(units: dict, managers: dict | None = None) -> int:
    """Add the demo instruments of ``units`` (short name → Unit) in one transaction; returns how many.

    ORM inserts, so the search text and the audit trail are kept as for any other instrument.
    """
    from instruments.models import Instrument
    from sharing.extensions import db

    instruments = [Instrument(**row) for row in instrument_rows(units, managers)]
    db.session.add_all(instruments)
    db.session.commit()
    return len(instruments)
