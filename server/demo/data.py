"""The demo county. Names are real places of Shanghang County (上杭县, Fujian); codes follow the
GB/T 2260 county code 350823 with township and village digits made up for the demo."""

COUNTY = {"code": "350823", "name": "上杭县", "lat": 25.0497, "lon": 116.4206}

# (code, name, lat, lon, villages [(code, name, lat, lon)])
TOWNSHIPS = [
    (
        "350823100",
        "临城镇",
        25.0520,
        116.4290,
        [
            ("350823100201", "城东村", 25.0560, 116.4420),
            ("350823100202", "紫金村", 25.0450, 116.4150),
            ("350823100203", "浮竹村", 25.0680, 116.4350),
        ],
    ),
    (
        "350823101",
        "古田镇",
        25.1080,
        116.8340,
        [
            ("350823101201", "古田村", 25.1120, 116.8270),
            ("350823101202", "五龙村", 25.1020, 116.8450),
            ("350823101203", "溪背村", 25.0960, 116.8190),
        ],
    ),
    (
        "350823102",
        "才溪镇",
        25.2800,
        116.4270,
        [
            ("350823102201", "下才村", 25.2830, 116.4300),
            ("350823102202", "发坑村", 25.2720, 116.4180),
            ("350823102203", "中兴村", 25.2910, 116.4350),
        ],
    ),
]

# (township index, name, kind, capacity, floor area m², lat, lon, address)
SHELTERS = [
    (0, "临城镇中心小学避灾安置点", "township", 400, 3200, 25.0531, 116.4262, "临城镇北环路"),
    (0, "城东村文化礼堂", "village", 120, 600, 25.0566, 116.4431, "城东村村部旁"),
    (0, "上杭县体育馆", "county", 1500, 9800, 25.0470, 116.4180, "上杭县城西大道"),
    (1, "古田镇避灾安置中心", "township", 300, 2400, 25.1088, 116.8322, "古田镇政府旁"),
    (1, "五龙村村部", "village", 80, 400, 25.1025, 116.8455, "五龙村"),
    (2, "才溪镇中学避灾安置点", "township", 350, 2800, 25.2806, 116.4262, "才溪镇才溪路"),
]

# Duty phones of the shelters (fictional numbers of the 138 0000 block).
SHELTER_PHONES = ["+8613800005001", "+8613800005002", "+8613800005003"]
# shelter1 runs these two; the families are in the county gym (the township school stays empty
# for the tests and the tour that start from an empty shelter).
MANAGED_SHELTERS = ("临城镇中心小学避灾安置点", "上杭县体育馆")
FAMILIES_SHELTER = "上杭县体育馆"
# Families in the open demo shelter: name, phone (or None), household size, needs.
SHELTER_FAMILIES = [
    ("王秀兰", "+8613800006101", 3, ["elderly"]),
    ("李建国", "+8613800006102", 4, ["children"]),
    ("张春生", None, 1, []),
    ("陈红英", "+8613800006104", 2, ["pregnant", "medical"]),
]

PASSWORD = "demo12345"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国志强海军伟明国华小平晓东红英德胜春生永福金水文斌振华秀兰家辉"

# Hazard reports (风险隐患) at different points of their life, so the desk's list, the map's
# hazard layer and a report's timeline show something on a fresh demo. (key, reporter, category,
# description, offset of the point from the reporter's village, steps by the township's desk)
REPORTS = [
    (
        "slope",
        "officer1",
        "geological",
        "后山坡脚出现长约3米的裂缝，雨后有碎石滚落，坡下住着4户人家。",
        (0.0012, -0.0008),
        (),
    ),
    (
        "culvert",
        "officer1",
        "flood",
        "村口涵洞被树枝和泥沙堵住大半，上游来水时路面已经漫水。",
        (-0.0006, 0.0010),
        ("verify:orange", "assign:临城镇水利站", "start"),
    ),
    (
        "woodland",
        "officer2",
        "forest_fire",
        "林区边缘有村民烧田埂杂草，离林地不到20米，风大。",
        (0.0015, 0.0015),
        ("verify:yellow",),
    ),
]

# A disaster event (灾害过程) opened by the county desk, with one village's initial report (初报).
DISASTER_EVENT = {"kind": "typhoon", "name": "第22号台风“山竹”"}
INITIAL_REPORT = {
    "affected": 120,
    "dead": 0,
    "missing": 0,
    "injured": 2,
    "evacuated": 86,
    "resettled": 40,
    "houses_collapsed": 0,
    "houses_severe": 1,
    "houses_light": 6,
    "crops_affected_ha": "12.50",
    "crops_lost_ha": "1.20",
    "loss_10k_yuan": "35.00",
    "note": "城东村低洼处进水，已转移86人。",
}
