"""Demo catalogue data: life sciences, testing, metrology, clinical, process and other kinds."""
from instruments.demo.makers import ALWAYS_OPEN, APPROVE, MAKERS, QUAL, _k  # noqa: F401

FIELD_KINDS = [
    # --- life sciences ----------------------------------------------------------------------
    _k("ngs", "011007", ["高通量测序仪", "二代测序仪", "基因测序仪"], "High-throughput Sequencer", "NGS", [
        ("illumina", "NovaSeq 6000", (650, 900), (2017, 2024), "S4 流动槽双联单次最高 6 Tb；读长 2×150 bp；运行时间 13–44 h"),
        ("illumina", "NovaSeq X Plus", (900, 1200), (2023, 2025), "单次最高 16 Tb；XLEAP-SBS 化学；读长 2×150 bp"),
        ("illumina", "MiSeq", (90, 130), (2012, 2022), "读长 2×300 bp；单次通量 15 Gb；运行时间 4–55 h"),
        ("illumina", "NextSeq 550", (180, 250), (2015, 2022), "高通量模式 120 Gb；读长 2×150 bp；阵列扫描"),
        ("mgi", "DNBSEQ-T7", (500, 750), (2019, 2025), "4 张载片独立运行；PE150；单次数据产出 1–7 Tb"),
        ("mgi", "DNBSEQ-G400", (150, 220), (2019, 2025), "PE100/PE150；单次 720 Gb–1.44 Tb"),
        ("thermo", "Ion GeneStudio S5", (80, 120), (2016, 2022), "Ion 510/520/530/540 芯片；读长 200–600 bp；运行时间 2.5–4 h"),
        ("pacbio", "Sequel IIe", (550, 750), (2020, 2024), "HiFi 长读长测序；SMRT Cell 8M；读长 15–20 kb", ("三代测序仪", "单分子实时测序仪")),
    ], None, (300, 3000), functions="全基因组、外显子组、转录组、宏基因组及单细胞测序",
       service="建库测序与生物信息分析；以委托测试为主", subjects="生物学；基础医学；农学", domain="bio",
       rules={**APPROVE, **ALWAYS_OPEN, "slot_minutes": 60, "max_minutes": 2880}, share="external"),
    _k("sanger", "011007", ["基因分析仪", "毛细管电泳测序仪"], "Genetic Analyzer (Sanger Sequencer)", None, [
        ("abi", "3730xl", (200, 280), (2009, 2018), "96 道毛细管；读长 ≥ 900 bp；日通量 1,000 个样品"),
        ("abi", "SeqStudio", (40, 60), (2019, 2025), "4 道毛细管；一体化卡盒；片段分析"),
    ], None, (20, 60), functions="Sanger 测序与片段分析", service="测序与 STR 分析", subjects="生物学；医学",
       domain="bio", rules={**ALWAYS_OPEN}),
    _k("flow", "011012", ["流式细胞仪", "流式细胞分析仪", "多色流式细胞仪"], "Flow Cytometer", "FCM", [
        ("bd", "LSRFortessa", (220, 300), (2011, 2022), "5 激光（355/405/488/561/640 nm）；最多 18 色 + 2 散射；高通量进样器 HTS"),
        ("bd", "FACSCelesta", (120, 160), (2016, 2025), "3 激光 12 色；FACSDiva 软件"),
        ("bd", "FACSCanto II", (120, 150), (2010, 2018), "3 激光 8 色；临床与科研兼用"),
        ("beckman", "CytoFLEX S", (100, 140), (2016, 2025), "4 激光 13 色；APD 检测器；最小检测颗粒 80 nm"),
        ("beckman", "CytoFLEX LX", (180, 240), (2018, 2025), "6 激光 21 色；APD 检测器"),
    ], (100, 300), (50, 200), functions="细胞表面与胞内标志物多色分析；细胞周期、凋亡检测",
       service="样品上机分析，可自主上机", subjects="免疫学；细胞生物学；基础医学", domain="bio",
       rules={"slot_minutes": 30, "max_minutes": 240}),
    _k("sorter", "011012", ["流式细胞分选仪", "超高速流式细胞分选仪", "流式细胞分选系统"], "Flow Cytometry Cell Sorter", "FACS", [
        ("bd", "FACSAria III", (300, 400), (2010, 2018), "4 激光（405/488/561/640 nm）；最多 18 色；四路分选；分选速度 70,000 events/s；纯度 > 98%"),
        ("bd", "FACSAria Fusion", (350, 450), (2014, 2025), "5 激光；最多 18 色；一体化生物安全柜；6 路分选"),
        ("beckman", "MoFlo Astrios EQ", (380, 480), (2014, 2023), "6 激光；分选速度 70,000 events/s；单细胞分选至板"),
        ("sony", "MA900", (200, 280), (2018, 2025), "4 激光 12 色；芯片式分选；自动校准"),
    ], (300, 600), None, functions="多色分析及多路无菌细胞分选；单细胞分选",
       service="细胞分选须预约，由管理员操作或经考核后自主上机", subjects="免疫学；干细胞；基础医学", domain="bio",
       rules={**QUAL, **APPROVE, "slot_minutes": 60, "min_minutes": 60, "max_minutes": 240, "lead_minutes": 1440}),
    _k("cytof", "011012", ["质谱流式细胞仪"], "Mass Cytometer", "CyTOF", [
        ("standardbio", "Helios", (550, 700), (2016, 2021), "检测通道 135 个；可检测 50 余种标记；每秒 1,000 个细胞"),
        ("standardbio", "CyTOF XT", (650, 800), (2022, 2025), "全自动进样；50 余种标记同时检测"),
    ], (400, 800), (500, 1500), functions="单细胞水平高维蛋白表达分析", service="质谱流式检测与数据分析",
       subjects="免疫学；肿瘤学", domain="bio", rules={**APPROVE}),
    _k("seahorse", "011013", ["细胞分析仪"], "Cell Metabolism Analyzer", None, [
        ("seahorse", "Seahorse XFe96", (130, 180), (2014, 2025), "96 孔；实时测定耗氧率 OCR 与胞外酸化率 ECAR", ("细胞能量代谢分析仪", "细胞能量代谢分析系统")),
        ("agilent", "xCELLigence RTCA DP", (60, 90), (2014, 2024), "电阻抗实时无标记细胞分析；3×16 孔", ("实时无标记细胞分析仪", "实时细胞分析仪")),
        ("sartorius_na", "IncuCyte S3", (90, 130), (2017, 2025), "培养箱内活细胞长时程成像分析", ("活细胞成像分析系统", "长时程活细胞成像系统")),
    ], (80, 250), (100, 300), functions="细胞线粒体呼吸、糖酵解功能与增殖实时分析", service="细胞能量代谢检测",
       subjects="细胞生物学；基础医学", domain="bio"),
    _k("spr", "011015", ["生物分子相互作用分析仪", "表面等离子共振仪"], "Surface Plasmon Resonance System", "SPR", [
        ("cytiva", "Biacore 8K", (280, 380), (2017, 2025), "8 通道并行；检测分子量 > 100 Da；KD 范围 10^-3–10^-12 M"),
        ("cytiva", "Biacore T200", (180, 240), (2012, 2020), "4 流动池；检测灵敏度 0.03 RU"),
    ], (150, 400), (300, 1000), functions="生物分子相互作用亲和力与动力学分析", service="SPR 检测，委托与自主上机",
       subjects="生物化学；药学", domain="bio", rules={**QUAL}),
    _k("itc", "011015", ["等温滴定量热仪"], "Isothermal Titration Calorimeter", "ITC", [
        ("microcal", "MicroCal PEAQ-ITC", (90, 130), (2015, 2025), "样品池 200 μL；检测热量 0.1 μcal；自动化清洗"),
    ], (80, 200), (200, 500), functions="分子相互作用热力学参数测定", service="ITC 测试", subjects="生物化学",
       domain="bio"),
    _k("akta", "011016", ["蛋白纯化系统", "快速蛋白液相色谱系统"], "Protein Purification System (FPLC)", "FPLC", [
        ("cytiva", "ÄKTA pure 150", (35, 50), (2014, 2025), "流速 0.001–150 mL/min；压力 5 MPa；UV 三波长"),
        ("cytiva", "ÄKTA avant 25", (60, 80), (2012, 2024), "流速 0.001–25 mL/min；压力 20 MPa；自动方法优化"),
    ], (30, 100), None, functions="蛋白质分离纯化（亲和、离子交换、凝胶过滤）", service="蛋白纯化",
       subjects="生物化学；结构生物学", domain="bio"),
    _k("peptide_synth", "011010", ["全自动微波多肽合成仪"], "Automated Microwave Peptide Synthesizer", None, [
        ("cem", "Liberty Blue", (70, 100), (2015, 2025), "微波辅助固相合成；单个偶联循环 4 min；12 条序列自动"),
    ], (80, 200), None, functions="多肽固相合成", service="多肽合成", subjects="化学生物学；药学", domain="bio"),
    _k("immuno", "011018", ["免疫分析仪"], "Multiplex Immunoassay System", None, [
        ("luminex", "FLEXMAP 3D", (90, 130), (2012, 2024), "500 重检测；96/384 孔板；检测时间 20 min/板", ("多重蛋白定量分析系统", "液相芯片分析仪")),
        ("roche", "cobas e 801", (300, 400), (2018, 2025), "通量 300 测试/小时；电化学发光免疫分析", ("全自动电化学发光免疫分析仪", "化学发光免疫分析仪")),
        ("mindray", "CL-6000i", (150, 220), (2018, 2025), "化学发光；通量 600 测试/小时", ("全自动化学发光免疫分析仪", "化学发光免疫分析仪")),
    ], (80, 300), (50, 200), functions="细胞因子、激素与肿瘤标志物等多重定量检测", service="免疫检测",
       subjects="免疫学；临床医学", domain="med"),
    _k("singlecell", "011008", ["单细胞文库制备系统", "单细胞分选建库系统"], "Single Cell Library Preparation System", None, [
        ("tenx", "Chromium X", (70, 100), (2021, 2025), "单次 8 通道；每通道 500–20,000 个细胞；3'/5' 转录组与 ATAC"),
        ("tenx", "Chromium Controller", (60, 85), (2017, 2021), "微流控液滴；单细胞转录组文库制备"),
    ], (100, 300), (3000, 8000), functions="单细胞转录组、免疫组库与表观组文库制备", service="单细胞建库",
       subjects="生物学；基础医学", domain="bio", rules={**APPROVE}),
    _k("electroporation", "011009", ["细胞核转染系统", "电穿孔仪"], "Electroporation System", None, [
        ("lonza", "4D-Nucleofector", (25, 35), (2014, 2025), "X 单元 16 孔；原代与干细胞高效转染"),
    ], (30, 100), None, functions="原代细胞、干细胞核转染", service="细胞转染", subjects="细胞生物学", domain="bio"),
    _k("pcr", "011011", ["实时荧光定量PCR仪", "荧光定量PCR仪"], "Real-time PCR System", "qPCR", [
        ("biorad", "CFX96 Touch", (25, 35), (2010, 2025), "96 孔；5 通道 + FRET；温度均一性 ±0.4 ℃；梯度 1–24 ℃"),
        ("biorad", "CFX384 Touch", (30, 45), (2012, 2025), "384 孔；4 通道；反应体积 5–30 μL"),
        ("abi", "QuantStudio 7 Flex", (40, 55), (2014, 2025), "可换 96/384 孔模块；6 通道"),
        ("biorad", "QX200", (60, 85), (2015, 2025), "微滴式数字 PCR；绝对定量", ("微滴式数字PCR系统", "数字PCR系统")),
    ], (30, 80), (20, 80), functions="基因表达定量、SNP 分型与拷贝数分析", service="qPCR/dPCR 检测",
       subjects="分子生物学；基础医学", domain="bio"),
    _k("reader", "011005", ["多功能酶标仪", "多功能微孔板检测仪"], "Multi-mode Microplate Reader", None, [
        ("biotek", "Synergy H1", (28, 38), (2013, 2025), "光吸收/荧光/化学发光；单色器与滤光片双光路"),
        ("moldev", "SpectraMax i3x", (35, 50), (2015, 2025), "多模式检测；可升级成像模块"),
        ("tecan", "Spark", (45, 60), (2016, 2025), "多模式；温控与气体控制；细胞成像"),
        ("perkinelmer", "EnVision", (90, 120), (2010, 2023), "AlphaScreen、TRF、FP 高通量检测"),
    ], (30, 80), None, functions="微孔板吸光、荧光与发光检测", service="酶标检测", subjects="生物学", domain="bio"),
    _k("gel_imager", "011002", ["多功能成像系统", "凝胶成像系统", "化学发光成像系统"], "Multi-purpose Imaging System", None, [
        ("biorad", "ChemiDoc MP", (25, 35), (2013, 2025), "化学发光、荧光与比色成像；6 百万像素 CCD"),
        ("cytiva", "Amersham ImageQuant 800", (30, 40), (2019, 2025), "化学发光与多重荧光检测"),
        ("cytiva", "Typhoon FLA 9500", (130, 180), (2012, 2022), "激光扫描；磷屏成像；分辨率 10 μm", ("激光扫描成像仪", "多功能激光扫描成像系统")),
    ], (20, 80), None, functions="Western blot、核酸凝胶及磷屏成像", service="凝胶与膜成像",
       subjects="分子生物学", domain="bio"),
    _k("biochem", "011004", ["全自动生化分析仪", "生化分析仪"], "Automatic Biochemistry Analyzer", None, [
        ("roche", "cobas 8000 c702", (300, 450), (2014, 2025), "光度法 2,000 测试/小时；ISE 模块；70 个试剂位"),
        ("beckman", "AU5800", (280, 400), (2013, 2024), "最高 9,800 测试/小时（含 ISE）；多模块组合"),
        ("mindray", "BS-2000M", (120, 180), (2016, 2025), "光度 2,000 测试/小时；国产"),
        ("hitachi", "LABOSPECT 008 AS", (250, 350), (2016, 2025), "光度 3,000 测试/小时"),
    ], (50, 150), (20, 80), functions="血清、尿液等生化指标检测", service="生化检测",
       subjects="临床医学；医学检验", domain="med", share="internal"),
    _k("ultracentrifuge", "011023", ["超速离心机", "落地式超速离心机"], "Ultracentrifuge", None, [
        ("beckman", "Optima XPN-100", (80, 110), (2014, 2025), "最高转速 100,000 rpm；最大 RCF 802,400×g；配 Type 70 Ti、SW 41 Ti 转头"),
        ("beckman", "Optima XE-90", (65, 85), (2013, 2023), "最高 90,000 rpm；694,000×g"),
        ("thermo", "Sorvall WX+ Ultra 100", (60, 85), (2012, 2022), "最高 100,000 rpm；802,000×g"),
        ("hitachi", "CP100NX", (60, 80), (2014, 2024), "最高 100,000 rpm；803,000×g"),
        ("beckman", "Optima AUC", (250, 320), (2016, 2025), "分析型；吸收与干涉光学系统；沉降速度与沉降平衡", ("分析型超速离心机", "分析超速离心机")),
    ], (30, 120), None, functions="亚细胞组分、病毒、外泌体、核酸与蛋白分离纯化", service="超速离心",
       subjects="生物学；基础医学", domain="bio"),
    _k("ultramicrotome", "011209", ["超薄切片机", "冷冻超薄切片机"], "Ultramicrotome", None, [
        ("leica_at", "EM UC7", (70, 100), (2011, 2025), "切片厚度 1 nm–15 μm；配 EM FC7 冷冻附件（−185 ℃）"),
    ], (60, 150), (100, 300), functions="电镜样品超薄切片与冷冻切片", service="超薄切片制样",
       subjects="生物学；材料科学", domain="bio", rules={**QUAL}),
    _k("freeze_sub", "011299", ["冷冻制样系统"], "High Pressure Freezer / Vitrification System", None, [
        ("leica_at", "EM ICE", (150, 220), (2016, 2025), "高压冷冻 2,100 bar；光刺激与电刺激同步", ("高压冷冻仪", "高压冷冻固定仪")),
        ("thermo", "Vitrobot Mark IV", (40, 60), (2012, 2025), "冷冻电镜样品快速玻璃化；温湿度控制", ("全自动冷冻制样系统", "冷冻电镜样品制备仪")),
    ], (60, 150), None, functions="冷冻电镜及超微结构样品制备", service="冷冻制样", subjects="结构生物学",
       domain="bio"),
    # --- environment & sample preparation ---------------------------------------------------
    _k("toc", "011104", ["总有机碳分析仪", "TOC分析仪"], "Total Organic Carbon Analyzer", "TOC", [
        ("shimadzu", "TOC-L CPH", (25, 35), (2012, 2025), "680 ℃ 燃烧催化氧化；检测范围 4 μg/L–30,000 mg/L；总氮模块"),
        ("elementar", "vario TOC cube", (45, 60), (2012, 2024), "液体/固体进样；高温燃烧 1,200 ℃"),
    ], (40, 100), (50, 150), functions="水样及固体中总有机碳、总氮测定", service="TOC/TN 检测", subjects="环境科学",
       domain="env"),
    _k("air", "011101", ["大气成分分析仪"], "Greenhouse Gas Analyzer", None, [
        ("picarro", "G2401", (90, 120), (2014, 2025), "CO2/CO/CH4/H2O 同步测定；腔衰荡光谱；精度 CH4 < 0.5 ppb", ("温室气体分析仪", "高精度温室气体分析仪")),
        ("thermo", "42i", (25, 35), (2012, 2023), "化学发光法 NO-NO2-NOx；检出限 0.4 ppb", ("氮氧化物分析仪", "大气污染物在线监测仪")),
    ], (50, 150), None, functions="大气温室气体与污染物浓度在线监测", service="大气成分监测", subjects="环境科学；大气科学",
       domain="env"),
    _k("digest", "011201", ["微波消解仪", "高通量微波消解系统"], "Microwave Digestion System", None, [
        ("cem", "MARS 6", (22, 30), (2013, 2025), "最大功率 1,800 W；40 位消解罐；温压双控"),
        ("milestone", "ETHOS UP", (25, 35), (2016, 2025), "最大功率 1,900 W；44 位罐；温度 300 ℃"),
    ], (20, 60), (30, 80), functions="样品微波消解前处理", service="样品消解", subjects="化学；环境科学", domain="env"),
    _k("ase", "011203", ["加速溶剂萃取仪", "快速溶剂萃取仪"], "Accelerated Solvent Extractor", "ASE", [
        ("thermo", "Dionex ASE 350", (35, 50), (2012, 2024), "24 位萃取池；温度 室温~200 ℃；压力 1,500 psi"),
    ], (30, 80), (40, 100), functions="固体及半固体样品中有机物快速萃取", service="样品萃取前处理", subjects="环境科学",
       domain="env"),
    _k("pyrolyzer", "011213", ["热裂解仪", "热裂解-气质联用仪"], "Multi-shot Pyrolyzer", "Py-GC/MS", [
        ("frontier", "EGA/PY-3030D", (35, 50), (2014, 2025), "温度范围 40–1,050 ℃；多段热裂解；EGA 热分析模式"),
    ], (60, 150), (100, 300), functions="高分子材料热裂解成分分析", service="Py-GC/MS 测试",
       subjects="高分子科学；化学", domain="chem"),
    _k("purge_trap", "011214", ["吹扫捕集浓缩仪"], "Purge and Trap Concentrator", None, [
        ("tekmar", "Atomx XYZ", (28, 38), (2016, 2025), "水样与土壤样品自动吹扫捕集；84 位自动进样"),
    ], (30, 80), (40, 120), functions="水及土壤中挥发性有机物富集", service="VOCs 前处理", subjects="环境科学",
       domain="env"),
    # --- physical testing ------------------------------------------------------------------
    _k("utm", "020101", ["电子万能材料试验机", "万能材料试验机", "电子万能试验机"], "Universal Testing Machine", "UTM", [
        ("instron", "5982", (120, 180), (2010, 2025), "最大载荷 100 kN；横梁速度 0.00005–1,016 mm/min；配高温炉（1,200 ℃）与视频引伸计"),
        ("zwick", "Z100", (90, 130), (2008, 2022), "最大载荷 100 kN；testXpert III 软件；高温引伸计"),
        ("zwick", "Z050", (60, 85), (2012, 2024), "最大载荷 50 kN；接触式引伸计"),
        ("instron", "5967", (50, 75), (2012, 2025), "最大载荷 30 kN；Bluehill Universal 软件"),
        ("mts", "Criterion C45.105", (25, 35), (2016, 2025), "最大载荷 100 kN；国产化生产"),
        ("shimadzu", "AG-Xplus 100kN", (80, 110), (2013, 2024), "最大载荷 100 kN；TRViewX 非接触引伸计"),
    ], (60, 200), (50, 200), functions="金属、高分子及复合材料拉伸、压缩、弯曲、剪切力学性能测试",
       service="常温及高温力学性能测试", subjects="材料科学；力学", domain="mech", rules={"slot_minutes": 60}),
    _k("fatigue", "020101", ["电液伺服疲劳试验机", "电液伺服材料试验机", "动静态疲劳试验机"], "Servo-hydraulic Fatigue Testing System", None, [
        ("mts", "Landmark 370.10", (200, 300), (2010, 2025), "动态载荷 ±100 kN；频率 0.01–100 Hz；疲劳、断裂韧性（da/dN、KIC、JIC）测试"),
        ("mts", "Landmark 370.25", (260, 360), (2012, 2025), "动态载荷 ±250 kN；液压夹具；高温炉"),
        ("instron", "8801", (150, 220), (2010, 2022), "动态载荷 ±100 kN；Dynacell 载荷传感器"),
        ("instron", "ElectroPuls E10000", (120, 170), (2013, 2025), "电动式 ±10 kN 动态、±7 kN 静态；线性-扭转"),
        ("shimadzu", "EHF-UV200k", (150, 220), (2012, 2022), "最大载荷 ±200 kN；高周疲劳"),
    ], (100, 300), (200, 800), functions="材料及构件高/低周疲劳、疲劳裂纹扩展、断裂韧性测试", service="疲劳与断裂测试",
       subjects="材料科学；力学", domain="mech", rules={**APPROVE, "open_hours": [], "closed_on_holidays": False,
                                                  "max_minutes": 4320, "slot_minutes": 60}),
    _k("gleeble", "020101", ["热模拟试验机", "热力模拟试验机"], "Thermal-Mechanical Physical Simulator", "Gleeble", [
        ("dsi", "Gleeble 3800", (800, 1100), (2010, 2025), "加热速率 10,000 ℃/s；最大静载荷 20 t；最大行程速率 1,000 mm/s；液压楔"),
        ("dsi", "Gleeble 3500", (600, 850), (2008, 2018), "加热速率 10,000 ℃/s；最大载荷 10 t；MCU 多道次压缩"),
    ], (300, 800), (500, 1500), functions="热变形、焊接热循环、连铸与轧制过程物理模拟；CCT 曲线测定",
       service="热模拟实验，需提前约定工艺方案", subjects="冶金工程；材料科学", domain="mat",
       rules={**APPROVE, **QUAL, "slot_minutes": 60, "max_minutes": 480}),
    _k("impact", "020101", ["冲击试验机"], "Pendulum Impact Tester", None, [
        ("zwick", "HIT450P", (45, 65), (2013, 2024), "冲击能量 450 J；示波冲击；−196~+300 ℃ 温控", ("摆锤冲击试验机", "示波冲击试验机")),
        ("instron", "CEAST 9350", (50, 70), (2014, 2024), "落锤冲击；能量 0.59–1,800 J；高速数据采集", ("落锤冲击试验机", "落锤冲击试验系统")),
    ], (50, 150), (30, 100), functions="材料冲击韧性与动态断裂测试", service="冲击试验", subjects="材料科学；力学",
       domain="mech"),
    _k("hardness", "020102", ["显微硬度计", "全自动维氏硬度计"], "Vickers Hardness Tester", None, [
        ("struers", "DuraScan 70 G5", (35, 50), (2016, 2025), "试验力 0.098–98 N；全自动测量；硬度梯度曲线"),
        ("struers", "DuraScan 70", (30, 45), (2012, 2018), "试验力 0.098–98 N；自动测量"),
    ], (30, 80), (20, 60), functions="金属材料显微硬度及硬度梯度测定", service="硬度测试", subjects="材料科学",
       domain="mat"),
    _k("nanoindenter", "020102", ["纳米压痕仪", "原位纳米力学测试系统"], "Nanoindenter", None, [
        ("hysitron", "TI 980", (350, 450), (2018, 2025), "载荷分辨率 < 1 nN；位移分辨率 < 0.006 nm；高温 800 ℃；动态 nanoDMA"),
        ("hysitron", "TI 950", (250, 350), (2012, 2018), "载荷分辨率 1 nN；多尺度压痕与划痕"),
        ("keysight", "G200", (150, 220), (2011, 2020), "连续刚度测量 CSM；最大载荷 500 mN"),
    ], (100, 300), (200, 600), functions="薄膜及微区硬度、模量、蠕变与划痕测试", service="纳米压痕测试",
       subjects="材料科学；力学", domain="mat", rules={**QUAL}),
    _k("triaxial", "020103", ["岩石真三轴试验机", "岩石三轴试验系统", "岩石力学伺服试验系统"], "Rock Triaxial Testing System", None, [
        ("gcts", "RTR-1500", (350, 500), (2012, 2024), "轴向 1,500 kN；围压 140 MPa；孔压 140 MPa；温度 200 ℃"),
        ("chaoyang", "TAW-2000", (120, 180), (2014, 2024), "轴向 2,000 kN；围压 100 MPa；全程伺服"),
        ("mts", "MTS 815", (500, 700), (2008, 2018), "轴向 4,600 kN；围压 140 MPa；刚度 10.5 GN/m"),
    ], (200, 500), (500, 2000), functions="岩石单轴、常规三轴、真三轴压缩与渗流-应力耦合试验",
       service="岩石力学试验，需提前制样", subjects="岩土工程；采矿工程", domain="geo",
       rules={**APPROVE, "open_hours": [], "closed_on_holidays": False, "max_minutes": 2880}),
    _k("contact_angle", "020105", ["接触角测量仪", "视频光学接触角测量仪"], "Contact Angle Goniometer", None, [
        ("dataphysics", "OCA 25", (25, 35), (2012, 2025), "测量范围 0–180°；精度 ±0.1°；动态接触角与表面能"),
        ("kruss", "DSA100", (30, 40), (2012, 2025), "全自动；表面自由能；高温腔 400 ℃"),
    ], (30, 80), (30, 80), functions="接触角与表面自由能测定", service="润湿性测试", subjects="材料科学；化学",
       domain="chem"),
    _k("rheometer", "020106", ["旋转流变仪", "高级旋转流变仪"], "Rotational Rheometer", None, [
        ("anton", "MCR 302e", (80, 110), (2017, 2025), "扭矩范围 1 nN·m–230 mN·m；温度 −150~1,000 ℃；电流变、磁流变附件"),
        ("ta", "DHR-2", (80, 110), (2014, 2025), "扭矩 2 nN·m–200 mN·m；Peltier 与对流炉"),
        ("ta", "ARES-G2", (150, 200), (2012, 2022), "分离式马达-传感器；应变控制"),
    ], (60, 150), (80, 200), functions="流体及软物质流变性能测定", service="流变测试",
       subjects="高分子科学；化学工程", domain="chem"),
    _k("vibrometer", "020406", ["激光多普勒测振仪", "扫描式激光测振仪"], "Scanning Laser Doppler Vibrometer", None, [
        ("polytec", "PSV-500", (150, 220), (2014, 2025), "频率范围 0–25 MHz；速度分辨率 0.01 μm/s；三维扫描"),
    ], (100, 250), None, functions="结构振动模态非接触测量", service="振动测试", subjects="机械工程；力学",
       domain="mech"),
    _k("shaker", "020499", ["电动振动试验系统", "振动试验台"], "Electrodynamic Shaker System", None, [
        ("bk", "LDS V8900", (250, 350), (2012, 2024), "正弦推力 57.8 kN；频率 5–2,000 Hz；水平滑台"),
        ("bk", "LDS V850", (90, 130), (2010, 2022), "推力 9.4 kN；频率 5–3,000 Hz"),
    ], (100, 300), None, functions="产品与结构振动环境试验、模态试验", service="振动试验", subjects="机械工程",
       domain="mech", rules={**APPROVE}),
    _k("psa", "020502", ["激光粒度分析仪", "激光粒度仪", "激光衍射粒度分析仪"], "Laser Diffraction Particle Size Analyzer", "PSA", [
        ("malvern", "Mastersizer 3000", (50, 70), (2013, 2025), "粒径范围 0.01–3,500 μm；湿法 Hydro EV 与干法 Aero S；测量速度 10 kHz"),
        ("malvern", "Zetasizer Nano ZS90", (45, 60), (2010, 2020), "粒径 0.3 nm–5 μm；Zeta 电位；分子量测定", ("纳米粒度及Zeta电位分析仪", "纳米粒度电位仪")),
        ("malvern", "Zetasizer Ultra", (60, 80), (2019, 2025), "多角度动态光散射；颗粒浓度测量", ("纳米粒度及Zeta电位分析仪", "多角度纳米粒度电位仪")),
        ("beckman", "LS 13 320", (45, 60), (2010, 2020), "粒径范围 0.017–2,000 μm；PIDS 技术"),
        ("horiba_jp", "LA-960", (45, 60), (2014, 2025), "粒径范围 0.01–5,000 μm；湿法与干法"),
        ("bettersize", "Bettersize 2600", (20, 30), (2016, 2025), "粒径范围 0.02–2,600 μm；干湿两用；国产"),
    ], (40, 120), (40, 150), functions="粉体与悬浮液粒度分布、Zeta 电位测定", service="粒度及 Zeta 电位测试",
       subjects="材料科学；化学工程", domain="chem"),
    _k("bet", "020503", ["全自动比表面及孔隙度分析仪", "比表面积及孔径分析仪", "物理吸附仪"],
       "Surface Area and Porosity Analyzer", "BET", [
           ("micromeritics", "ASAP 2460", (70, 95), (2016, 2025), "比表面积 ≥ 0.01 m²/g（N2）；孔径 0.35–500 nm；4 个独立分析站"),
           ("micromeritics", "ASAP 2020 Plus", (60, 80), (2012, 2019), "微孔分析；孔径 0.35–500 nm；化学吸附选件"),
           ("micromeritics", "AutoChem II 2920", (55, 75), (2010, 2024), "程序升温 TPR/TPD/TPO；脉冲化学吸附；TCD 检测", ("全自动化学吸附仪", "化学吸附仪")),
           ("quantachrome", "Autosorb-iQ", (65, 90), (2011, 2022), "物理/化学吸附；微孔与介孔分析"),
       ], (40, 120), (80, 300), functions="比表面积、孔径分布与孔容测定；程序升温化学吸附",
       service="BET、孔径分布、TPD/TPR 测试", subjects="化学；材料科学；化学工程", domain="chem",
       rules={**ALWAYS_OPEN, "max_minutes": 2880}),
    _k("ut_flaw", "020603", ["超声探伤仪"], "Phased Array Ultrasonic Flaw Detector", None, [
        ("olympus", "OmniScan X3", (30, 45), (2020, 2025), "64 通道相控阵；TFM 全聚焦成像", ("超声相控阵探伤仪", "相控阵超声检测仪")),
        ("olympus", "FOCUS PX", (60, 85), (2016, 2024), "水浸 C 扫描；128 通道", ("水浸超声C扫描检测系统", "超声C扫描成像系统")),
    ], (50, 150), (100, 300), functions="材料及焊缝内部缺陷无损检测", service="超声检测", subjects="材料科学；机械工程",
       domain="mech"),
    # --- metrology ---------------------------------------------------------------------------
    _k("cmm", "030199", ["三坐标测量机", "桥式三坐标测量机"], "Coordinate Measuring Machine", "CMM", [
        ("zeiss", "CONTURA", (90, 140), (2012, 2025), "测量范围 1,000×1,200×600 mm；MPE_E ≤ 1.6+L/300 μm；VAST XXT 扫描测头"),
        ("hexagon", "Global S 9.15.8", (80, 120), (2015, 2025), "测量范围 900×1,500×800 mm；MPE_E 1.5+L/333 μm"),
        ("zeiss", "PRISMO", (180, 250), (2013, 2023), "测量范围 900×1,600×700 mm；MPE_E 0.9+L/350 μm"),
    ], (60, 200), (100, 400), functions="零件几何尺寸与形位公差精密测量", service="三坐标测量",
       subjects="机械工程；仪器科学", domain="mech"),
    _k("laser_tracker", "030121", ["激光跟踪仪"], "Laser Tracker", None, [
        ("leica_geo", "Absolute Tracker AT960", (150, 220), (2014, 2025), "测量半径 160 m（6DoF）；角度精度 15 μm+6 μm/m；T-Probe 与 T-Scan"),
        ("faro", "Vantage S6", (100, 150), (2016, 2025), "测量半径 80 m；ADM 精度 16 μm"),
    ], (80, 200), None, functions="大尺寸部件与机器人位姿精度测量与标定", service="大尺寸测量与标定",
       subjects="机械工程；机器人学", domain="mech"),
    _k("interferometer", "030122", ["激光干涉仪", "双频激光干涉仪"], "Laser Interferometer", None, [
        ("renishaw", "XL-80", (28, 40), (2012, 2025), "线性测量精度 ±0.5 ppm；采样率 50 kHz；XC-80 环境补偿"),
        ("keysight", "5530", (35, 50), (2010, 2020), "双频激光；测量分辨率 1 nm"),
    ], (40, 120), None, functions="数控机床及运动平台定位精度检测", service="几何精度检测",
       subjects="机械工程", domain="mech"),
    _k("profiler", "030199", ["白光干涉三维表面轮廓仪", "三维光学轮廓仪"], "3D Optical Surface Profiler", None, [
        ("bruker_us", "ContourGT-K", (120, 170), (2012, 2022), "垂直分辨率 < 0.01 nm；扫描范围 10 mm"),
        ("zygo", "NewView 9000", (130, 180), (2017, 2025), "相干扫描干涉；RMS 重复性 0.008 nm"),
    ], (60, 200), (100, 300), functions="表面三维形貌、粗糙度与台阶高度测量", service="表面形貌测试",
       subjects="机械工程；材料科学", domain="mech"),
    # --- electronics ----------------------------------------------------------------------------
    _k("scope", "040103", ["数字示波器", "高性能实时示波器"], "Real-time Oscilloscope", None, [
        ("keysight", "UXR0334A", (500, 700), (2019, 2025), "带宽 33 GHz；4 通道；采样率 128 GSa/s；10 bit ADC"),
        ("keysight", "MXR608A", (60, 90), (2020, 2025), "带宽 6 GHz；8 通道；16 GSa/s"),
        ("rs", "RTP164", (150, 220), (2018, 2025), "带宽 16 GHz；实时去嵌；40 GSa/s"),
    ], (80, 300), None, functions="高速信号时域测量与分析", service="高速信号测试", subjects="电子科学；通信工程",
       domain="info"),
    _k("spectrum", "040108", ["信号与频谱分析仪", "频谱分析仪"], "Signal and Spectrum Analyzer", None, [
        ("keysight", "N9040B UXA", (130, 180), (2015, 2025), "频率范围 2 Hz–50 GHz；分析带宽 1 GHz；DANL −171 dBm/Hz"),
        ("rs", "FSW43", (150, 200), (2014, 2025), "频率范围 2 Hz–43.5 GHz；分析带宽 2 GHz"),
    ], (80, 250), None, functions="射频信号频谱与调制分析", service="射频测试", subjects="电子科学；通信工程",
       domain="info"),
    _k("param", "040106", ["半导体参数分析仪", "半导体器件参数测试系统"], "Semiconductor Parameter Analyzer", None, [
        ("keysight", "B1500A", (90, 130), (2012, 2025), "10 个 SMU 插槽；电流分辨率 0.1 fA；C-V 与脉冲 I-V 测量"),
        ("keysight", "B1505A", (150, 220), (2013, 2025), "功率器件分析；10 kV/1,500 A"),
    ], (80, 250), None, functions="半导体器件 I-V、C-V 与可靠性参数测试", service="器件电学测试",
       subjects="微电子；物理学", domain="info", rules={**QUAL}),
    _k("vna", "040401", ["矢量网络分析仪", "微波矢量网络分析仪"], "Vector Network Analyzer", "VNA", [
        ("keysight", "N5247B PNA-X", (180, 260), (2016, 2025), "频率范围 10 MHz–67 GHz；4 端口；非线性矢量网络分析"),
        ("rs", "ZNA43", (130, 180), (2019, 2025), "频率范围 10 MHz–43.5 GHz；4 端口"),
        ("keysight", "E5080B", (50, 80), (2019, 2025), "频率范围 9 kHz–20 GHz；2/4 端口"),
    ], (80, 250), None, functions="器件与天线 S 参数测量", service="微波测试", subjects="电子科学；通信工程",
       domain="info"),
    _k("emc", "040201", ["EMI测试接收机", "电磁兼容测试系统"], "EMI Test Receiver / EMC System", "EMC", [
        ("rs", "ESR26", (90, 130), (2016, 2025), "频率范围 10 Hz–26.5 GHz；时域扫描；CISPR 16-1-1 合规"),
        ("rs", "ESW44", (180, 240), (2018, 2025), "频率范围 2 Hz–44 GHz；FFT 时域扫描"),
    ], (200, 500), (1000, 5000), functions="产品电磁辐射与传导骚扰测试", service="EMC 预测试与摸底测试",
       subjects="电子科学；电气工程", domain="info", rules={**APPROVE}),
    # --- ocean, earth -------------------------------------------------------------------------
    _k("adcp", "050103", ["声学多普勒流速剖面仪"], "Acoustic Doppler Current Profiler", "ADCP", [
        ("nortek", "Signature1000", (50, 70), (2017, 2025), "五波束；剖面范围 30 m；流速精度 0.3% ±0.3 cm/s"),
        ("teledyne", "Workhorse Sentinel 600kHz", (40, 60), (2010, 2020), "四波束；剖面范围 70 m"),
    ], (50, 150), None, functions="海流与河流流速剖面测量", service="现场观测与设备借用", subjects="海洋工程；水利工程",
       domain="ocean", special=True),
    _k("ctd", "050104", ["温盐深剖面仪", "温盐深测量仪"], "CTD Profiler", "CTD", [
        ("seabird", "SBE 911plus", (80, 120), (2010, 2022), "采样 24 Hz；电导率精度 0.0003 S/m；温度精度 0.001 ℃；深度 6,800 m"),
        ("seabird", "SBE 25plus", (35, 50), (2014, 2025), "自容式；采样 16 Hz"),
    ], (50, 150), None, functions="海水温度、盐度与深度剖面测量", service="海洋调查", subjects="海洋科学",
       domain="ocean", special=True),
    _k("gpr", "060206", ["探地雷达", "地质雷达"], "Ground Penetrating Radar", "GPR", [
        ("mala", "ProEx", (40, 60), (2012, 2024), "天线 100–1,600 MHz；多通道；GPS 同步"),
        ("mala", "GX 450 HDR", (35, 50), (2018, 2025), "HDR 高动态范围；探测深度 0–5 m"),
    ], (50, 150), None, functions="地下结构、隧道衬砌与岩体裂隙无损探测", service="现场探测", subjects="岩土工程；地球物理",
       domain="geo", special=True),
    _k("ae", "110401", ["多通道声发射仪", "全数字声发射检测系统"], "Multi-channel Acoustic Emission System", "AE", [
        ("pac", "Express-8", (40, 70), (2014, 2025), "16–64 通道；采样率 10 MHz；18 bit A/D；实时定位"),
        ("pac", "PCI-2", (25, 40), (2008, 2018), "8 通道；采样率 40 MHz；波形采集"),
    ], (50, 150), None, functions="材料及结构破裂过程声发射监测与定位", service="声发射监测",
       subjects="岩土工程；材料科学", domain="geo"),
    # --- clinical and imaging -----------------------------------------------------------------
    _k("hema", "090101", ["全自动血液分析仪", "全自动血液分析流水线"], "Automated Hematology Analyzer", None, [
        ("sysmex", "XN-9000", (250, 350), (2014, 2025), "多模块流水线；每小时 100 样本/模块；荧光流式法"),
        ("mindray", "BC-6800Plus", (60, 90), (2019, 2025), "每小时 200 样本；SF Cube 技术；国产"),
        ("sysmex", "XN-1000", (60, 90), (2013, 2023), "每小时 100 样本；有核红细胞与网织红细胞"),
    ], (50, 150), (10, 50), functions="血细胞计数与分类", service="血常规检测", subjects="临床医学；医学检验",
       domain="med", share="internal"),
    _k("micro", "090102", ["微生物鉴定系统"], "Microbial Identification and AST System", None, [
        ("biomerieux", "VITEK 2 Compact", (60, 90), (2012, 2025), "60 卡位；细菌与酵母鉴定；药敏 MIC 测定", ("全自动微生物鉴定及药敏分析系统", "微生物鉴定药敏分析仪")),
        ("bruker", "MALDI Biotyper sirius", (250, 330), (2019, 2025), "MALDI-TOF 微生物鉴定；数据库 > 4,000 种", ("微生物质谱鉴定系统", "基质辅助激光解吸电离飞行时间质谱微生物鉴定系统")),
    ], (50, 150), (30, 150), functions="临床微生物鉴定与药敏试验", service="微生物鉴定", subjects="医学检验",
       domain="med", share="internal"),
    _k("urine", "090103", ["全自动尿液有形成分分析仪"], "Automated Urine Particle Analyzer", None, [
        ("sysmex", "UF-5000", (60, 85), (2017, 2025), "流式荧光法；每小时 105 样本"),
    ], (30, 80), (10, 30), functions="尿液有形成分分析", service="尿液分析", subjects="医学检验", domain="med",
       share="internal"),
    _k("bloodgas", "090104", ["血气分析仪"], "Blood Gas Analyzer", None, [
        ("radiometer", "ABL90 FLEX PLUS", (25, 35), (2017, 2025), "样本量 65 μL；35 秒出结果；17 项参数"),
    ], (20, 60), (20, 50), functions="血气、电解质与代谢物检测", service="血气分析", subjects="临床医学", domain="med",
       share="internal"),
    _k("mri", "090202", ["3.0T磁共振成像系统", "超导磁共振成像系统", "3.0T超导磁共振"], "Magnetic Resonance Imaging System", "MRI", [
        ("siemens_h", "MAGNETOM Prisma", (2000, 2800), (2015, 2025), "3.0 T；梯度场强 80 mT/m，切换率 200 T/m/s；64 通道头颈线圈"),
        ("united", "uMR 790", (1500, 2200), (2018, 2025), "3.0 T；梯度场强 100 mT/m；国产"),
        ("bruker", "BioSpec 70/20 USR", (1200, 1600), (2013, 2024), "7.0 T 小动物；孔径 20 cm；梯度 440 mT/m；冷冻线圈", ("7.0T小动物磁共振成像系统", "小动物磁共振成像仪")),
    ], (800, 2000), (500, 2000), functions="人体或动物脑功能、结构与波谱成像研究", service="科研扫描，需伦理审批",
       subjects="医学影像；神经科学", domain="med", special=True, share="internal",
       rules={**APPROVE, "slot_minutes": 60, "min_minutes": 60, "max_minutes": 240, "lead_minutes": 2880}),
    _k("ct", "090201", ["X射线计算机断层扫描系统"], "Computed Tomography Scanner", "CT", [
        ("siemens_h", "SOMATOM Force", (1800, 2500), (2016, 2025), "双源；0.25 s 转速；时间分辨率 66 ms；2×192 排", ("双源CT", "第三代双源CT")),
        ("bruker_be", "SkyScan 1276", (250, 350), (2017, 2025), "小动物活体；最小像素 2.8 μm；低剂量", ("小动物活体Micro-CT", "活体显微CT")),
        ("united", "uCT 960+", (1500, 2000), (2019, 2025), "320 排宽体；16 cm 覆盖；国产", ("宽体能谱CT", "320排CT")),
    ], (300, 1500), (300, 1500), functions="人体或小动物断层成像与骨、血管定量分析", service="CT 扫描",
       subjects="医学影像", domain="med", special=True, share="internal", rules={**APPROVE}),
    _k("pet", "090204", ["数字化PET/CT", "全身PET/CT"], "PET/CT System", "PET/CT", [
        ("united", "uMI 780", (2200, 2800), (2018, 2025), "全数字化 PET；轴向视野 30 cm；TOF 时间分辨率 < 400 ps"),
        ("siemens_h", "Biograph Vision 600", (2500, 3200), (2019, 2025), "SiPM 数字探测器；TOF 214 ps"),
    ], (1000, 3000), None, functions="分子影像与代谢显像", service="临床科研扫描，需伦理审批", subjects="核医学；医学影像",
       domain="med", special=True, share="internal", rules={**APPROVE, "slot_minutes": 60}),
    _k("animal_us", "090207", ["小动物超高分辨率超声成像系统"], "High-frequency Small Animal Ultrasound", None, [
        ("visualsonics", "Vevo 3100", (250, 350), (2016, 2025), "探头频率 15–70 MHz；轴向分辨率 30 μm；光声成像选件"),
    ], (150, 400), (200, 500), functions="小动物心脏、血管及肿瘤超声成像", service="小动物超声", subjects="基础医学；药理学",
       domain="med", rules={**QUAL}),
    _k("ivis", "090299", ["小动物活体成像系统"], "In Vivo Imaging System", "IVIS", [
        ("perkinelmer", "IVIS Spectrum", (250, 350), (2012, 2025), "生物发光与荧光成像；3D 断层重建；CCD −90 ℃"),
        ("perkinelmer", "IVIS Lumina III", (150, 220), (2014, 2025), "二维发光与荧光成像"),
    ], (150, 400), (100, 300), functions="小动物活体生物发光与荧光成像", service="活体成像", subjects="基础医学；药理学",
       domain="med"),
    _k("eeg", "090302", ["脑电记录分析系统", "64导脑电记录分析系统"], "EEG Recording System", "EEG", [
        ("brainproducts", "actiCHamp Plus", (60, 90), (2016, 2025), "64–160 导；采样率 100 kHz；主动电极"),
        ("neuroscan", "SynAmps2", (60, 90), (2010, 2020), "64 导；采样率 20 kHz；Curry 软件"),
    ], (50, 150), None, functions="认知神经科学脑电与事件相关电位记录", service="脑电实验", subjects="神经科学；心理学",
       domain="med"),
    _k("endoscope", "090311", ["内窥镜系统"], "Video Endoscopy System", None, [
        ("olympus_med", "EVIS X1 CV-1500", (250, 350), (2021, 2025), "4K 成像；TXI/RDI 光学增强；NBI", ("电子内窥镜系统", "4K电子内镜系统")),
        ("olympus_med", "EU-ME2", (150, 220), (2014, 2022), "超声内镜；多普勒与弹性成像", ("超声内镜系统", "超声内镜主机")),
    ], (100, 300), None, functions="消化道内镜检查与治疗", service="临床科研", subjects="临床医学", domain="med",
       special=True, share="none"),
    _k("lung", "090307", ["肺功能检测仪"], "Pulmonary Function Testing System", None, [
        ("jaeger", "MasterScreen PFT", (40, 60), (2012, 2024), "通气、弥散与体积描记"),
    ], (50, 120), None, functions="肺通气与弥散功能测定", service="肺功能检测", subjects="临床医学", domain="med",
       share="internal"),
    # --- nuclear ------------------------------------------------------------------------------
    _k("gamma", "100101", ["高纯锗γ能谱仪", "低本底γ能谱仪"], "HPGe Gamma-ray Spectrometer", None, [
        ("ortec", "GEM60P4", (50, 80), (2012, 2025), "相对效率 60%；能量分辨率 1.85 keV@1.33 MeV；低本底铅室"),
    ], (50, 150), (200, 600), functions="环境与食品样品中放射性核素分析", service="放射性核素检测", subjects="核科学；环境科学",
       domain="env"),
    _k("mossbauer", "100402", ["穆斯堡尔谱仪"], "Mössbauer Spectrometer", None, [
        ("wissel", "MR-351", (60, 90), (2010, 2022), "57Co 源；恒加速模式；低温 4.2 K 附件；外加磁场"),
    ], (80, 200), (200, 500), functions="含铁、锡材料价态与磁性研究", service="穆斯堡尔谱测试", subjects="化学；物理学",
       domain="chem"),
    # --- special inspection -------------------------------------------------------------------
    _k("ict", "110101", ["工业CT", "微焦点工业CT", "高能工业CT检测系统"], "Industrial Computed Tomography System", "ICT", [
        ("yxlon", "FF35 CT", (500, 700), (2016, 2025), "双射线源 225 kV 微焦点与 190 kV 透射纳米焦点；最小体素 0.15 μm"),
        ("waygate", "phoenix v|tome|x m 300", (450, 650), (2013, 2025), "300 kV 微焦点；最小细节分辨率 < 1 μm；大样品 50 kg"),
        ("zeiss", "METROTOM 1500", (600, 800), (2015, 2024), "225 kV；计量级 CT；MPE 4.5+L/75 μm"),
    ], (300, 800), (500, 2000), functions="铸件、增材制造件、复合材料内部缺陷无损检测与尺寸测量",
       service="CT 扫描与缺陷分析", subjects="材料科学；机械工程", domain="mech",
       rules={**APPROVE, **ALWAYS_OPEN, "max_minutes": 1440}),
    # --- process equipment --------------------------------------------------------------------
    _k("reaction_cal", "120204", ["化工工艺实验装置"], "Reaction Calorimeter", None, [
        ("mettler_rc", "RC1mx", (120, 180), (2012, 2024), "反应釜 1–2 L；温度 −70~300 ℃；热流量热", ("反应量热仪", "全自动反应量热仪")),
        ("avantium", "Flowrence", (450, 650), (2014, 2024), "16 通道并行固定床；压力 0–80 bar；温度 ≤ 750 ℃", ("高通量催化剂评价装置", "16通道固定床催化剂评价系统")),
    ], (100, 400), None, functions="化工过程热安全评估；催化剂高通量评价", service="工艺研究实验",
       subjects="化学工程；催化", domain="chem", special=True, share="internal"),
    _k("thinfilm", "120302", ["微纳加工设备"], "Thin Film Deposition / Lithography System", None, [
        ("sky", "JGP-560", (60, 90), (2012, 2025), "5 靶磁控溅射；极限真空 6.0×10^-5 Pa；基片加热 800 ℃", ("磁控溅射镀膜系统", "多靶磁控溅射镀膜机")),
        ("raith", "EBPG5200", (2500, 3200), (2017, 2025), "100 kV；最小线宽 < 8 nm；写场 1 mm", ("电子束光刻系统", "电子束曝光机")),
        ("suss", "MA6 Gen4", (150, 220), (2016, 2025), "紫外接触式光刻；分辨率 0.8 μm；背面对准", ("紫外光刻机", "双面对准光刻机")),
        ("beneq", "TFS 200", (200, 280), (2014, 2024), "热与等离子体 ALD；基片 200 mm", ("原子层沉积系统", "原子层沉积设备")),
    ], (150, 800), None, functions="薄膜沉积与微纳图形加工", service="微纳加工，由工程师操作", subjects="微电子；材料科学",
       domain="info", rules={**QUAL, **APPROVE}),
    _k("am", "120499", ["金属3D打印机", "激光选区熔化成形设备"], "Metal Additive Manufacturing System (SLM)", "SLM", [
        ("eos", "EOS M 290", (400, 600), (2015, 2025), "成形尺寸 250×250×325 mm；400 W 光纤激光；层厚 20–80 μm"),
        ("blt", "BLT-S310", (250, 350), (2018, 2025), "成形尺寸 250×250×400 mm；双激光 500 W；国产"),
    ], (300, 800), None, functions="金属零件激光选区熔化增材制造", service="打印工艺研究与样件制备",
       subjects="材料科学；机械工程", domain="mech", special=True, rules={**APPROVE, "max_minutes": 4320,
                                                                 "open_hours": [], "closed_on_holidays": False}),
    # --- computing, lasers --------------------------------------------------------------------
    _k("hpc", "130201", ["高性能计算集群", "高性能计算平台"], "High Performance Computing Cluster", "HPC", [
        ("inspur", "NF5280M6 集群", (300, 800), (2020, 2025), "CPU 计算节点 120 个；GPU 节点 8 个（A100×4）；总峰值 1.2 PFlops；并行存储 2 PB"),
        ("sugon", "TC6000 集群", (300, 700), (2016, 2023), "计算节点 200 个；IB 网络 100 Gb/s；存储 1 PB"),
    ], None, None, functions="材料计算、流体仿真与大数据分析", service="机时服务（按核时计费）",
       subjects="计算科学；材料科学", domain="info", special=True, rules={**ALWAYS_OPEN, "max_minutes": 10080,
                                                                       "slot_minutes": 60}),
    _k("laser_fs", "140101", ["飞秒激光器", "飞秒激光放大器"], "Femtosecond Laser", None, [
        ("coherent", "Astrella", (220, 320), (2016, 2025), "中心波长 800 nm；脉宽 < 35 fs；单脉冲能量 > 7 mJ；重复频率 1 kHz"),
        ("coherent", "Chameleon Ultra II", (150, 200), (2010, 2020), "可调谐 680–1,080 nm；脉宽 140 fs；重频 80 MHz；平均功率 > 3.5 W@800 nm", ("可调谐飞秒激光器", "钛宝石飞秒激光器")),
        ("spectra", "Solstice Ace", (200, 280), (2014, 2024), "800 nm；脉宽 < 35 fs；单脉冲 > 7 mJ"),
        ("lightconv", "PHAROS PH2", (150, 220), (2016, 2025), "1,030 nm；脉宽 < 190 fs；平均功率 20 W；ORPHEUS 光参量放大", ("飞秒激光器", "飞秒激光放大器")),
    ], (200, 600), None, functions="超快光谱、非线性光学与激光微加工研究", service="超快光学实验，需合作",
       subjects="光学；物理化学", domain="chem", rules={**QUAL, **APPROVE}),
    _k("laser_fiber", "140101", ["高功率光纤激光器", "连续光纤激光器"], "High Power Fiber Laser", None, [
        ("ipg", "YLS-6000", (150, 220), (2012, 2022), "输出功率 6 kW；波长 1,070 nm；BPP 2.5 mm·mrad"),
        ("raycus", "RFL-C6000", (40, 60), (2018, 2025), "输出功率 6 kW；波长 1,080 nm；国产"),
    ], (100, 300), None, functions="激光焊接、熔覆与增材制造工艺研究", service="激光加工实验", subjects="机械工程；材料科学",
       domain="mech", rules={**QUAL, **APPROVE}),
]

# Makers used only by one model line above.
MAKERS.update({
    "sartorius_na": (("赛多利斯", "Sartorius (Essen BioScience)"), ("美国",)),
    "luminex": (("Luminex", "美国Luminex公司"), ("美国",)),
    "zygo": (("Zygo", "美国Zygo公司"), ("美国",)),
    "teledyne": (("Teledyne RD Instruments", "美国RDI公司"), ("美国",)),
    "beneq": (("Beneq", "芬兰Beneq公司"), ("芬兰",)),
    "flir": (("FLIR", "菲力尔", "Teledyne FLIR"), ("美国",)),
})
