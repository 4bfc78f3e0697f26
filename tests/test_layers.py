"""The server's imports stand in floors, not a web (STYLE.md): sync/ and the map call domain
services; domain services call delivery/, regions/ and core/; nothing below calls back up. Every
import under server/ is read, at module level and inside functions, and placed on its floor."""

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parent.parent / "server"

# Lowest first. A package not listed here fails the test: give a new one its floor.
FLOORS = [
    # The machinery every floor stands on: settings, the db handle, errors, shared core pieces.
    {"core", "config", "extensions", "errors", "db_setup"},
    # The region tree and the one scope helper.
    {"regions"},
    # Reaching people; it asks accounts for phones through register_directory.
    {"delivery"},
    # Users: every domain below names people; accounts asks teams through register_team_region.
    {"accounts"},
    # The domains.
    {
        "teams",
        "shelters",
        "reports",
        "media",
        "attendance",
        "dispatch",
        "audit",
        "disasters",
        "residents",
        "warnings",
        "equipment",
        "training",
    },
    # Doors and views over several domains: the phones' sync door, the desk's one map, the
    # subsidy report (hours from attendance and dispatch, members from accounts and teams).
    {"sync", "mapview", "subsidy"},
    # The app's assembly: the factory, the CLI, the shell and OpenAPI pages, the demo data.
    {"server", "cli", "web", "demo"},
]
FLOOR_OF = {package: level for level, packages in enumerate(FLOORS) for package in packages}
# Floors whose packages may import each other freely: the machinery, and the assembly.
OPEN_FLOORS = {0, len(FLOORS) - 1}
# The only sideways imports between domains, each with its reason.
SIDEWAYS = {
    ("dispatch", "teams"): "an order calls out whole teams: their members, and who may be called",
    ("dispatch", "attendance"): "arriving on scene opens time on the task; completing closes it",
    ("reports", "media"): "a report carries photos and checks the reporter uploaded them",
    ("equipment", "teams"): "an item belongs to a team, in the team's township",
    ("equipment", "dispatch"): "an item goes out on one of the team's open orders",
    ("equipment", "media"): "a return carries photos of the damage and checks they were uploaded",
    ("teams", "equipment"): "readiness counts the team's equipment overdue for maintenance",
    ("training", "teams"): "a training belongs to a team: its region, and the members expected",
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "server"


def imports(root: Path = SERVER):
    """(importing module, imported module, line) for every import of the server's own code."""
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        module = ".".join(parts)
        here = parts if is_package else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # "from . import service" names modules, not attributes of the package.
                targets = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            else:
                continue
            for target in targets:
                if target == "server" or target.startswith("server."):
                    yield module, target, node.lineno


def wrong_imports(root: Path = SERVER) -> list[str]:
    wrong = []
    for module, target, line in imports(root):
        source, dest = _package(module), _package(target)
        if source == dest:
            continue
        for package in (source, dest):
            if package not in FLOOR_OF:
                wrong.append(f"{package}: no floor in tests/test_layers.py FLOORS")
        if source not in FLOOR_OF or dest not in FLOOR_OF:
            continue
        up = FLOOR_OF[dest] > FLOOR_OF[source]
        sideways = FLOOR_OF[dest] == FLOOR_OF[source] and FLOOR_OF[source] not in OPEN_FLOORS
        if up or (sideways and (source, dest) not in SIDEWAYS):
            way = "up" if up else "sideways"
            wrong.append(f"{module}:{line} imports {target} ({source} -> {dest}, {way})")
    return sorted(set(wrong))


def test_no_import_goes_up_a_floor_or_sideways_between_domains():
    assert wrong_imports() == []


def test_every_allowed_sideways_import_is_still_needed():
    used = {(_package(m), _package(t)) for m, t, _ in imports()}
    assert set(SIDEWAYS) <= used, "drop the edges nothing uses any more"


def test_the_reader_sees_imports_inside_functions_and_relative_ones(tmp_path):
    pkg = tmp_path / "server"
    (pkg / "delivery").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "delivery" / "__init__.py").write_text("")
    (pkg / "delivery" / "service.py").write_text(
        "from ..core.models import utcnow\n\ndef load():\n    from ..accounts.models import User\n"
    )
    (pkg / "errors.py").write_text("def shell():\n    from . import web\n")
    assert wrong_imports(pkg) == [
        "server.delivery.service:4 imports server.accounts.models (delivery -> accounts, up)",
        "server.errors:2 imports server.web (errors -> web, up)",
    ]
