"""The kinds of emergency (the source's hazard classes): one list that reports and incidents share."""

# The source's kinds of emergency the township teams are built for.
CATEGORIES = (
    "flood",
    "geological",
    "forest_fire",
    "earthquake",
    "epidemic",
    "road_traffic",
    "production_safety",
    "other",
)

# Their words, as the phone shows them (pwa/src/i18n/zh-CN.ts cat.*) and the county's files print
# them: one list, so a ledger and a reminder never name the same kind two ways.
CATEGORY_WORDS = {
    "flood": "洪涝",
    "geological": "地质灾害",
    "forest_fire": "森林火灾",
    "earthquake": "地震",
    "epidemic": "疫情",
    "road_traffic": "道路交通",
    "production_safety": "生产安全",
    "other": "其他",
}
# The four risk colours' words, then the colour: a printed ledger is often black and white.
SEVERITY_WORDS = {"red": "重大（红）", "orange": "较大（橙）", "yellow": "一般（黄）", "blue": "低（蓝）"}
