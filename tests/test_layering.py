"""Imports run downwards only, and blueprints never import each other.

The floors, top to bottom (docs/architecture.md draws them):

    the app factory (alerts/__init__.py)
    cli                                                      (the flask commands)
    public, staff, api, subscribe, feeds, callbacks, jobs   (one audience each: never each other)
    web                                                      (plumbing every request passes through)
    services                                                 (the one floor that changes state and commits)
    delivery, ingest                                         (neither imports the other)
    data                                                     (every query)
    extensions, profile, quiet_hours                         (the database handle, the council, the night rule)
    models
    the ground floor: notify, areas, credentials, formatting, links, text, addresses, languages (they may use
    each other)

A module may import its own room and any floor below its own; anything else is an import that runs up or sideways,
and this test names it. Imports inside `if TYPE_CHECKING:` count too: a type that runs up is a dependency that does.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "alerts"

# Floor of each room of alerts/: a lower number is higher up. A room imports only itself and deeper floors.
FLOORS: dict[str, int] = {
    "app": 0,
    "cli": 1,
    "public": 2, "staff": 2, "api": 2, "subscribe": 2, "feeds": 2, "callbacks": 2, "jobs": 2,
    "web": 3,
    "services": 4,
    "delivery": 5, "ingest": 5,
    "data": 6,
    "extensions": 7, "profile": 7, "quiet_hours": 7,
    "models": 8,
    "notify": 9, "areas": 9, "credentials": 9, "formatting": 9, "links": 9, "text": 9, "addresses": 9,
    "languages": 9,
}
# The ground floor is shared helpers: its rooms may use each other, and nothing above them.
GROUND = FLOORS["notify"]


def room_of(module: str) -> str:
    parts = module.split(".")
    return "app" if len(parts) == 1 else parts[1]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "alerts"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "alerts":  # `from alerts import links`: each name is a room
                found += [(node.lineno, f"alerts.{alias.name}") for alias in node.names]
            elif node.module.startswith("alerts."):
                found.append((node.lineno, node.module))
    return found


def wrong_way_imports() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source_room = room_of(module_name(path))
        for line, target in imported_modules(path):
            target_room = room_of(target)
            if target_room == source_room or target_room not in FLOORS:
                continue
            source_floor, target_floor = FLOORS[source_room], FLOORS[target_room]
            if target_floor > source_floor or source_floor == target_floor == GROUND:
                continue
            direction = "sideways" if source_floor == target_floor else "up"
            wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} ({direction})")
    return wrong


def test_every_room_of_the_package_has_a_floor() -> None:
    rooms = {room_of(module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert rooms - set(FLOORS) == set(), "give the new room a floor here and in docs/architecture.md"


def test_imports_run_downwards_only_and_blueprints_never_import_each_other() -> None:
    assert wrong_way_imports() == []


def test_the_checker_sees_an_import_that_runs_up() -> None:
    """The test above could pass by reading nothing: show that it finds a data module importing a view."""
    offender = PACKAGE / "data" / "_layering_probe.py"
    offender.write_text("from alerts.staff import views\nfrom alerts.models import Notice\n", encoding="utf-8")
    try:
        assert wrong_way_imports() == ["alerts/data/_layering_probe.py:1 imports alerts.staff (up)"]
    finally:
        offender.unlink()
