"""Synthetic instruments for the catalogue benchmark: varied names, models, makers and specs.

70 % come from the demo catalogue's real kinds and model lines with variations, 30 % are a
generic long tail, so the search index is not trivially repetitive.
"""
from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 424242

EXTRA_UNITS = [
    ("沈阳工业大学", "沈工大", "university", "沈阳"), ("沈阳化工大学", "沈化大", "university", "沈阳"),
    ("沈阳建筑大学", "沈建大", "university", "沈阳"), ("沈阳药科大学", "沈药", "university", "沈阳"),
    ("沈阳农业大学", "沈农", "university", "沈阳"), ("沈阳航空航天大学", "沈航", "university", "沈阳"),
    ("沈阳理工大学", "沈理工", "university", "沈阳"), ("沈阳师范大学", "沈师", "university", "沈阳"),
    ("辽宁中医药大学", "辽中医", "university", "沈阳"), ("辽宁工程技术大学", "辽工大", "university", "阜新"),
    ("辽宁石油化工大学", "辽石化", "university", "抚顺"), ("辽宁科技大学", "辽科大", "university", "鞍山"),
    ("大连海事大学", "海事大", "university", "大连"), ("大连医科大学", "大医", "university", "大连"),
    ("大连工业大学", "大工大", "university", "大连"), ("大连交通大学", "大交", "university", "大连"),
    ("大连海洋大学", "海洋大", "university", "大连"), ("辽宁师范大学", "辽师", "university", "大连"),
    ("渤海大学", "渤大", "university", "锦州"), ("辽宁工业大学", "辽工", "university", "锦州"),
    ("辽宁科技学院", "辽科院", "university", "本溪"), ("辽东学院", "辽东", "university", "丹东"),
    ("营口理工学院", "营理工", "university", "营口"), ("中国科学院沈阳应用生态研究所", "生态所", "institute", "沈阳"),
    ("中国科学院沈阳自动化研究所", "自动化所", "institute", "沈阳"),
    ("辽宁省农业科学院", "农科院", "institute", "沈阳"), ("辽宁省环境科学研究院", "环科院", "institute", "沈阳"),
    ("辽宁省食品检验检测院", "食检院", "institute", "沈阳"), ("盘锦市检验检测中心", "盘锦检测", "institute", "盘锦"),
    ("抚顺石化研究院", "抚研院", "enterprise", "抚顺"), ("本钢技术中心", "本钢", "enterprise", "本溪"),
    ("丹东百特仪器有限公司", "百特", "enterprise", "丹东"), ("沈阳鼓风机集团股份有限公司", "沈鼓", "enterprise", "沈阳"),
    ("中国医科大学附属盛京医院", "盛京医院", "hospital", "沈阳"), ("大连医科大学附属第一医院", "大医一院", "hospital", "大连"),
    ("辽宁省肿瘤医院", "肿瘤医院", "hospital", "沈阳"),
]

# Generic instruments (the long tail of a real catalogue): (Chinese, English) parts combined at random.
ADJ = [("全自动", "Automatic"), ("高温", "High Temperature"), ("低温", "Cryogenic"), ("多通道", "Multi-channel"),
       ("高精度", "High Precision"), ("智能", "Intelligent"), ("便携式", "Portable"), ("在线", "Online"),
       ("真空", "Vacuum"), ("高速", "High Speed"), ("数字式", "Digital"), ("微机控制", "Computer-controlled"),
       ("恒温", "Thermostatic"), ("超声", "Ultrasonic"), ("多功能", "Multi-function"), ("大型", "Large"),
       ("高压", "High Pressure"), ("快速", "Rapid"), ("原位", "In-situ"), ("综合", "Integrated")]
OBJ = [("摩擦磨损", "Friction and Wear"), ("数据采集", "Data Acquisition"), ("腐蚀", "Corrosion"), ("蠕变", "Creep"),
       ("电导率", "Conductivity"), ("气体", "Gas"), ("颗粒", "Particle"), ("噪声", "Noise"), ("水质", "Water Quality"),
       ("土壤", "Soil"), ("细胞", "Cell"), ("组织", "Tissue"), ("核酸", "Nucleic Acid"), ("晶体", "Crystal"),
       ("薄膜", "Thin Film"), ("粉体", "Powder"), ("等离子体", "Plasma"), ("磁性", "Magnetic"), ("介电", "Dielectric"),
       ("应力", "Stress"), ("光学", "Optical"), ("燃烧", "Combustion"), ("风洞", "Wind Tunnel"), ("电池", "Battery"),
       ("焊接", "Welding"), ("涂层", "Coating"), ("流量", "Flow"), ("扭矩", "Torque"), ("转子动力学", "Rotor Dynamics")]
DEV = [("试验机", "Testing Machine"), ("测试系统", "Test System"), ("分析仪", "Analyzer"), ("检测仪", "Detector"),
       ("测量仪", "Meter"), ("工作站", "Workstation"), ("试验台", "Test Bench"), ("监测系统", "Monitoring System"),
       ("成像系统", "Imaging System"), ("控制系统", "Control System"), ("反应器", "Reactor"), ("培养箱", "Incubator"),
       ("制备系统", "Preparation System"), ("加工中心", "Machining Center"), ("模拟装置", "Simulator")]
SYLLABLES = "华科达创仪精测泰恒远海博信诺瑞安宇航晟迈正天光中辽沈新北盛"
COMPANY = ["仪器有限公司", "科技有限公司", "检测设备有限公司", "试验机有限公司", "光电科技股份有限公司", "自动化设备有限公司"]
SPEC_PARAMS = ["测量范围", "分辨率", "精度", "最大载荷", "温度范围", "功率", "频率范围", "灵敏度", "重复性", "采样率",
               "工作压力", "扫描速度", "通道数", "检出限"]
SPEC_UNITS = ["nm", "μm", "mm", "kN", "℃", "kW", "Hz", "MHz", "ppm", "%", "MPa", "mL/min", "个", "ng/mL"]
FILLER_EN = ["sample", "analysis", "module", "stage", "detector", "option", "upgrade", "kit", "probe", "chamber"]
NAME_PREFIX = ["", "", "", "", "", "全自动", "高分辨", "多功能", "科研型", "新型"]
NAME_SUFFIX = ["", "", "", "", "", "系统", "（配能谱）", "（共享）", "（二期）", "及附件", "工作站"]
MODEL_SUFFIX = ["", "", "", "", " Plus", "-II", " Pro", " (含原位附件)", " 升级版", "-HT"]


# --- data -----------------------------------------------------------------------------------------

def _leaves() -> list[str]:
    with open(ROOT / "instruments" / "data" / "categories.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    parents = {r["parent_code"] for r in rows}
    return [r["code"] for r in rows if r["code"] not in parents]


def _spec_text(rng: random.Random, count: int) -> str:
    parts = []
    for _ in range(count):
        value = rng.choice((f"{rng.randint(1, 999)}", f"{rng.uniform(0.01, 99):.2f}", f"{rng.randint(1, 50)}–{rng.randint(60, 5000)}"))
        parts.append(f"{rng.choice(SPEC_PARAMS)} {value} {rng.choice(SPEC_UNITS)}")
    return "；".join(parts)


def _company(rng: random.Random, city: str) -> str:
    return city + "".join(rng.sample(SYLLABLES, 2)) + rng.choice(COMPANY)


def generate_rows(n: int, units: list[tuple[int, str, str]], seed: int = SEED, prefix: str = "B") -> list[dict]:
    """``n`` instrument rows for Core insert: 70 % from the demo catalogue's kinds, 30 % generic."""
    from bookings.rules import merged_rules
    from instruments.demo import KINDS, MAKERS
    from instruments.search import bigrams_of, search_text_of

    rng = random.Random(seed)
    leaves = _leaves()
    general_leaves = [c for c in leaves if c.startswith(("01", "02", "03", "04", "11", "12"))]
    rules_default = merged_rules(None, None)
    rules_variants = [rules_default] + [merged_rules(None, k.rules) for k in KINDS if k.rules][:20]
    now = datetime.now(timezone.utc)
    latest = date.today() - timedelta(days=1)
    weights = [w for _, _, w in units]
    rows = []
    for i in range(n):
        unit_id, city, _ = rng.choices(units, weights=weights)[0]
        if rng.random() < 0.7:
            kind = rng.choice(KINDS)
            model = rng.choice(kind.models)
            names = model.names or kind.names
            name = rng.choice(NAME_PREFIX) + rng.choice(names) + rng.choice(NAME_SUFFIX)
            if kind.abbr and rng.random() < 0.3:
                name += f"（{kind.abbr}）"
            name_en = kind.name_en if rng.random() < 0.9 else None
            maker_names, countries = MAKERS[model.maker]
            manufacturer, country = rng.choice(maker_names), rng.choice(countries)
            model_text = model.model + rng.choice(MODEL_SUFFIX)
            lo, hi = model.price_wan
            price = rng.uniform(lo, hi) * rng.uniform(0.85, 1.15) * 10_000
            specs = model.specs or ""
            if rng.random() < 0.5:
                specs = (specs + "；" + _spec_text(rng, rng.randint(1, 3))).strip("；")
            code = kind.code
            functions, service = kind.functions or None, kind.service or None
            y0, y1 = model.years
            rules = merged_rules(None, kind.rules)
        else:
            adj, obj, dev = rng.choice(ADJ), rng.choice(OBJ), rng.choice(DEV)
            name = adj[0] + obj[0] + dev[0]
            name_en = f"{adj[1]} {obj[1]} {dev[1]}" if rng.random() < 0.85 else None
            if rng.random() < 0.4:
                manufacturer, country = _company(rng, rng.choice(("沈阳", "大连", "北京", "上海", "深圳", "长春", "济南"))), "中国"
            else:
                maker_names, countries = MAKERS[rng.choice(list(MAKERS))]
                manufacturer, country = rng.choice(maker_names), rng.choice(countries)
            model_text = (rng.choice("ABCDEFGHJKLMNPRSTWXYZ") + rng.choice("ABCDEFGHJKLMNPRSTWXYZ")
                          + f"-{rng.randint(100, 9999)}" + rng.choice(("", "", "A", "B", "E", "H", "S")))
            price = min(5e7, rng.lognormvariate(13.6, 0.8))  # median ≈ 800,000 元
            specs = _spec_text(rng, rng.randint(2, 5)) + " " + " ".join(rng.sample(FILLER_EN, 2))
            code = rng.choice(general_leaves if rng.random() < 0.8 else leaves)
            functions = f"{obj[0]}相关{rng.choice(('测试', '分析', '检测', '表征', '实验'))}"
            service = rng.choice(("委托测试", "自主上机", "委托测试与自主上机", None))
            y0, y1 = 2005, 2025
            rules = rng.choice(rules_variants)
        year = rng.randint(y0, min(y1, latest.year))
        purchase = min(date(year, rng.randint(1, 12), rng.randint(1, 28)), latest - timedelta(days=200))
        commission = min(purchase + timedelta(days=rng.randint(10, 400)), latest)
        status = rng.choices(("normal", "faulty", "under_repair", "retired"), weights=(90, 4, 3, 3))[0]
        share = rng.choices(("external", "internal", "none"), weights=(78, 17, 5))[0]
        fee = Decimal(rng.randint(5, 80) * 10)
        row = {
            "unit_id": unit_id,
            "inner_id": f"{prefix}{i:07d}",
            "name": name[:100],
            "name_en": name_en,
            "model": model_text[:100],
            "manufacturer": manufacturer,
            "country": country,
            "category_code": code,
            "price_cny": Decimal(f"{price:.2f}"),
            "purchase_date": purchase,
            "commission_date": commission,
            "register_date": commission,
            "instrument_type": "special" if rng.random() < 0.08 else "general",
            "source": "purchase",
            "customs_supervised": False,
            "funding_source": rng.choice(("central", "local", "own")),
            "specs": specs[:500] or None,
            "functions": functions,
            "service_content": service,
            "location": f"{city} {rng.randint(1, 12)}号楼 {rng.randint(1, 6)}{rng.randint(1, 30):02d}室",
            "city": city,
            "contact_name": rng.choice(("王老师", "李工", "张老师", "刘工", "陈老师", "杨工", "赵老师")),
            "contact_phone": f"024-2{rng.randint(0, 9_999_999):07d}",
            "status": status,
            "typical_state": "normal",
            "share_mode": share,
            "fee_internal": fee,
            "fee_external": fee * 2 if share == "external" else None,
            "booking_rules": rules,
            "created_at": now,
            "updated_at": now,
        }
        row["search_text"] = search_text_of(row)
        row["search_bigrams"] = bigrams_of(row["search_text"])
        rows.append(row)
    return rows
