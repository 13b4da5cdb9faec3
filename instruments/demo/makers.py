"""Demo catalogue data: instrument makers and the shape of a kind (model lines, fees, rules)."""
from __future__ import annotations

from dataclasses import dataclass, field

# --- makers: the names units register them under (most common first), country of origin ------

MAKERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "jeol": (("日本电子株式会社", "日本电子", "JEOL", "JEOL Ltd."), ("日本",)),
    "thermo": (("赛默飞世尔科技", "Thermo Fisher Scientific", "赛默飞", "美国赛默飞世尔科技公司"), ("美国",)),
    "fei": (("FEI", "美国FEI公司", "Thermo Fisher Scientific (FEI)"), ("美国", "荷兰", "捷克")),
    "zeiss": (("卡尔蔡司", "Carl Zeiss", "德国蔡司", "ZEISS"), ("德国",)),
    "zeiss_xradia": (("卡尔蔡司", "Carl Zeiss X-ray Microscopy"), ("美国",)),
    "hitachi": (("日立高新技术公司", "Hitachi High-Tech", "日立", "株式会社日立高新技术"), ("日本",)),
    "bruker": (("Bruker", "布鲁克", "德国布鲁克公司", "Bruker AXS"), ("德国",)),
    "bruker_us": (("Bruker", "布鲁克", "Bruker Nano"), ("美国",)),
    "bruker_be": (("Bruker", "布鲁克", "Bruker microCT"), ("比利时",)),
    "agilent": (("安捷伦科技", "Agilent Technologies", "安捷伦", "美国安捷伦科技公司"), ("美国",)),
    "waters": (("沃特世", "Waters", "美国沃特世公司"), ("美国",)),
    "sciex": (("SCIEX", "AB SCIEX", "爱博才思"), ("美国", "新加坡")),
    "perkinelmer": (("珀金埃尔默", "PerkinElmer", "美国珀金埃尔默公司"), ("美国",)),
    "rigaku": (("日本理学", "Rigaku", "理学电企仪器"), ("日本",)),
    "panalytical": (("马尔文帕纳科", "Malvern Panalytical", "帕纳科"), ("荷兰",)),
    "malvern": (("马尔文帕纳科", "Malvern Panalytical", "英国马尔文仪器有限公司"), ("英国",)),
    "kratos": (("Kratos Analytical", "英国Kratos公司", "岛津/Kratos"), ("英国",)),
    "shimadzu": (("岛津", "岛津制作所", "Shimadzu", "日本岛津"), ("日本",)),
    "horiba": (("HORIBA", "堀场", "HORIBA Jobin Yvon"), ("法国",)),
    "horiba_jp": (("HORIBA", "堀场制作所"), ("日本",)),
    "renishaw": (("雷尼绍", "Renishaw", "英国雷尼绍公司"), ("英国",)),
    "edinburgh": (("Edinburgh Instruments", "英国爱丁堡仪器公司", "爱丁堡仪器"), ("英国",)),
    "netzsch": (("耐驰", "NETZSCH", "德国耐驰仪器制造有限公司"), ("德国",)),
    "ta": (("TA仪器", "TA Instruments", "美国TA仪器公司"), ("美国",)),
    "mettler": (("梅特勒-托利多", "Mettler Toledo", "瑞士梅特勒-托利多"), ("瑞士",)),
    "illumina": (("Illumina", "因美纳", "美国Illumina公司"), ("美国",)),
    "mgi": (("深圳华大智造科技股份有限公司", "华大智造", "MGI"), ("中国",)),
    "bd": (("BD", "美国BD公司", "碧迪医疗", "Becton Dickinson"), ("美国",)),
    "beckman": (("贝克曼库尔特", "Beckman Coulter", "美国贝克曼库尔特有限公司"), ("美国",)),
    "leica": (("徕卡", "Leica Microsystems", "德国徕卡"), ("德国",)),
    "leica_at": (("徕卡", "Leica Microsystems"), ("奥地利",)),
    "leica_geo": (("徕卡测量系统", "Leica Geosystems", "海克斯康"), ("瑞士",)),
    "nikon": (("尼康", "Nikon", "日本尼康"), ("日本",)),
    "olympus": (("奥林巴斯", "Olympus", "Evident（奥林巴斯）"), ("日本",)),
    "asylum": (("牛津仪器", "Oxford Instruments Asylum Research", "Asylum Research"), ("美国",)),
    "oxford": (("牛津仪器", "Oxford Instruments", "英国牛津仪器"), ("英国",)),
    "instron": (("英斯特朗", "Instron", "美国英斯特朗公司"), ("美国",)),
    "mts": (("美特斯", "MTS Systems", "美国MTS公司"), ("美国",)),
    "zwick": (("兹韦克", "ZwickRoell", "Zwick/Roell", "德国Zwick公司"), ("德国",)),
    "micromeritics": (("麦克默瑞提克", "Micromeritics", "美国麦克仪器公司"), ("美国",)),
    "quantachrome": (("康塔", "Quantachrome", "安东帕康塔"), ("美国",)),
    "biologic": (("Bio-Logic", "法国Bio-Logic公司"), ("法国",)),
    "gamry": (("Gamry", "美国Gamry公司"), ("美国",)),
    "metrohm": (("瑞士万通", "Metrohm"), ("瑞士", "荷兰")),
    "chi": (("上海辰华仪器有限公司", "上海辰华"), ("中国",)),
    "biorad": (("伯乐", "Bio-Rad", "美国伯乐公司"), ("美国", "新加坡")),
    "coherent": (("相干", "Coherent", "美国相干公司"), ("美国",)),
    "spectra": (("光谱物理", "Spectra-Physics", "美国光谱物理公司"), ("美国",)),
    "lightconv": (("Light Conversion", "立陶宛Light Conversion公司"), ("立陶宛",)),
    "ipg": (("IPG Photonics", "IPG光纤激光"), ("美国", "德国")),
    "raycus": (("武汉锐科光纤激光技术股份有限公司", "锐科激光"), ("中国",)),
    "yxlon": (("依科视朗", "YXLON", "德国YXLON公司"), ("德国",)),
    "waygate": (("GE（Waygate Technologies）", "通用电气检测科技", "GE phoenix"), ("德国",)),
    "sysmex": (("希森美康", "Sysmex", "日本希森美康株式会社"), ("日本",)),
    "roche": (("罗氏诊断", "Roche", "罗氏"), ("瑞士", "德国")),
    "mindray": (("深圳迈瑞生物医疗电子股份有限公司", "迈瑞医疗"), ("中国",)),
    "siemens_h": (("西门子医疗", "Siemens Healthineers", "西门子"), ("德国",)),
    "united": (("上海联影医疗科技股份有限公司", "联影医疗"), ("中国",)),
    "keysight": (("是德科技", "Keysight", "美国是德科技"), ("美国", "马来西亚")),
    "rs": (("罗德与施瓦茨", "Rohde & Schwarz", "R&S"), ("德国",)),
    "hexagon": (("海克斯康", "Hexagon", "海克斯康测量技术（青岛）有限公司"), ("中国", "瑞典")),
    "faro": (("法如", "FARO"), ("美国",)),
    "dsi": (("Dynamic Systems Inc.", "美国DSI公司"), ("美国",)),
    "gcts": (("GCTS", "美国GCTS公司"), ("美国",)),
    "chaoyang": (("长春朝阳试验仪器有限公司", "长春朝阳"), ("中国",)),
    "pac": (("美国物理声学公司", "Physical Acoustics (MISTRAS)", "PAC"), ("美国",)),
    "anton": (("安东帕", "Anton Paar", "奥地利安东帕"), ("奥地利",)),
    "elementar": (("德国元素", "Elementar"), ("德国",)),
    "leco": (("力可", "LECO", "美国力可公司"), ("美国",)),
    "spectro": (("斯派克", "SPECTRO", "德国斯派克分析仪器公司"), ("德国",)),
    "oblf": (("OBLF", "德国OBLF公司"), ("德国",)),
    "thermo_arl": (("赛默飞世尔科技", "Thermo Fisher Scientific (ARL)"), ("瑞士",)),
    "raith": (("Raith", "德国Raith公司"), ("德国",)),
    "suss": (("SUSS MicroTec", "德国苏斯"), ("德国",)),
    "sky": (("沈阳科学仪器股份有限公司", "沈阳科仪", "中国科学院沈阳科学仪器股份有限公司"), ("中国",)),
    "eos": (("EOS", "德国EOS公司"), ("德国",)),
    "blt": (("西安铂力特增材技术股份有限公司", "铂力特"), ("中国",)),
    "inspur": (("浪潮电子信息产业股份有限公司", "浪潮"), ("中国",)),
    "sugon": (("曙光信息产业股份有限公司", "中科曙光"), ("中国",)),
    "jasco": (("日本分光", "JASCO"), ("日本",)),
    "app_photo": (("Applied Photophysics", "英国应用光物理公司"), ("英国",)),
    "cytiva": (("思拓凡", "Cytiva", "GE Healthcare"), ("瑞典",)),
    "microcal": (("马尔文帕纳科", "Malvern Panalytical (MicroCal)"), ("美国",)),
    "biotek": (("伯腾", "BioTek", "安捷伦（BioTek）"), ("美国",)),
    "moldev": (("美谷分子", "Molecular Devices"), ("美国",)),
    "tecan": (("帝肯", "Tecan"), ("瑞士", "奥地利")),
    "tenx": (("10x Genomics",), ("美国",)),
    "lonza": (("龙沙", "Lonza"), ("瑞士", "德国")),
    "cem": (("CEM", "美国CEM公司"), ("美国",)),
    "milestone": (("迈尔斯通", "Milestone"), ("意大利",)),
    "frontier": (("Frontier Lab", "日本前沿实验室"), ("日本",)),
    "tekmar": (("Teledyne Tekmar", "泰克玛"), ("美国",)),
    "picarro": (("Picarro",), ("美国",)),
    "bettersize": (("丹东百特仪器有限公司", "百特仪器"), ("中国",)),
    "haoyuan": (("丹东浩元仪器有限公司", "浩元仪器"), ("中国",)),
    "elite": (("大连依利特分析仪器有限公司", "依利特"), ("中国",)),
    "kyky": (("北京中科科仪股份有限公司", "中科科仪"), ("中国",)),
    "ciqtek": (("国仪量子技术（合肥）股份有限公司", "国仪量子"), ("中国",)),
    "kruss": (("克吕士", "KRÜSS", "德国克吕士"), ("德国",)),
    "dataphysics": (("DataPhysics", "德国数据物理"), ("德国",)),
    "struers": (("司特尔", "Struers"), ("丹麦",)),
    "hysitron": (("Bruker (Hysitron)", "布鲁克"), ("美国",)),
    "polytec": (("Polytec", "德国Polytec公司"), ("德国",)),
    "bk": (("Brüel & Kjær", "丹麦B&K公司"), ("丹麦",)),
    "nortek": (("Nortek", "挪威Nortek公司"), ("挪威",)),
    "seabird": (("Sea-Bird Scientific", "美国海鸟公司"), ("美国",)),
    "mala": (("MALÅ (Guideline Geo)", "瑞典MALÅ公司"), ("瑞典",)),
    "keyence": (("基恩士", "KEYENCE"), ("日本",)),
    "ortec": (("ORTEC", "美国ORTEC公司"), ("美国",)),
    "brainproducts": (("Brain Products", "德国Brain Products公司"), ("德国",)),
    "neuroscan": (("Compumedics Neuroscan", "Neuroscan"), ("澳大利亚", "美国")),
    "biomerieux": (("生物梅里埃", "bioMérieux"), ("法国",)),
    "radiometer": (("雷度米特", "Radiometer"), ("丹麦",)),
    "visualsonics": (("FUJIFILM VisualSonics", "富士胶片VisualSonics"), ("加拿大",)),
    "xenocs": (("Xenocs", "法国Xenocs公司"), ("法国",)),
    "iontof": (("IONTOF", "德国IONTOF公司"), ("德国",)),
    "wissel": (("WissEl", "德国WissEl公司"), ("德国",)),
    "ultrafast": (("Ultrafast Systems", "美国Ultrafast Systems公司"), ("美国",)),
    "sony": (("索尼", "Sony Biotechnology"), ("日本",)),
    "standardbio": (("Fluidigm", "Standard BioTools"), ("加拿大",)),
    "pacbio": (("Pacific Biosciences", "PacBio"), ("美国",)),
    "abi": (("Applied Biosystems", "赛默飞世尔科技（ABI）"), ("美国", "新加坡")),
    "seahorse": (("安捷伦科技", "Agilent (Seahorse)"), ("美国",)),
    "mettler_rc": (("梅特勒-托利多", "Mettler Toledo"), ("瑞士",)),
    "avantium": (("Avantium", "荷兰Avantium公司"), ("荷兰",)),
    "jaeger": (("耶格", "Vyaire (Jaeger)"), ("德国",)),
    "olympus_med": (("奥林巴斯医疗", "Olympus Medical"), ("日本",)),
}


@dataclass(frozen=True)
class Model:
    maker: str
    model: str
    price_wan: tuple[float, float]  # 万元, the usual purchase price range of this model line
    years: tuple[int, int]  # years this model line was typically bought
    specs: str = ""
    names: tuple[str, ...] = ()  # Chinese names for this model line when the kind's generic ones do not fit


@dataclass(frozen=True)
class Kind:
    key: str
    code: str  # a leaf of the national classification
    names: tuple[str, ...]  # Chinese names units register (most common first)
    name_en: str
    abbr: str | None
    models: tuple[Model, ...]
    fee: tuple[int, int] | None  # internal yuan per hour
    sample: tuple[int, int] | None = None  # internal yuan per sample, when samples are sent in
    functions: str = ""
    service: str = ""
    specs: str = ""
    subjects: str = ""
    domain: str = "general"
    rules: dict = field(default_factory=dict)
    special: bool = False
    share: str = "external"  # usual share mode of the kind


QUAL = {"requires_qualification": True}
APPROVE = {"approval": "manager"}
ALWAYS_OPEN = {"open_hours": [], "closed_on_holidays": False}


def _k(key, code, names, name_en, abbr, models, fee, sample=None, **kw) -> Kind:
    return Kind(key, code, tuple(names), name_en, abbr, tuple(Model(*m) for m in models), fee, sample, **kw)
