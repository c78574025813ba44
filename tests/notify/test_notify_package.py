import ast
from pathlib import Path

import alerts.notify

NOTIFY_PACKAGE = Path(alerts.notify.__file__).parent


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_notify_package_is_ground_floor_and_imports_nothing_of_ours_or_flask() -> None:
    for source in NOTIFY_PACKAGE.glob("*.py"):
        for module in imported_modules(source):
            top = module.split(".")[0]
            assert top not in {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug"}, f"{source.name} imports {module}"
            if top == "alerts":
                assert module.startswith("alerts.notify"), f"{source.name} imports {module}"


def test_the_package_exports_everything_it_lists() -> None:
    for name in alerts.notify.__all__:
        assert hasattr(alerts.notify, name)
