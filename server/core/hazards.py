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
