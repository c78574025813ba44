"""Migration file names sort in the order the migrations apply, so `ls migrations/versions` reads as the history.

Alembic orders migrations by each file's `down_revision`, never by its name; the names are for people. A file is
named `NNNN_<what it does>.py`, numbered from 0001 in apply order. Revision ids are what databases record in
`alembic_version`, so they never change: an older file's id may carry another number than its name.
"""

from __future__ import annotations

import re
from pathlib import Path

from alembic.script import Script, ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
_NUMBERED = re.compile(r"^(\d{4})_[a-z0-9_]+\.py$")


def _chain_from_the_root() -> list[Script]:
    """Every migration, walked from the root by `down_revision`: the order `flask db upgrade` applies them."""
    scripts = list(ScriptDirectory(str(MIGRATIONS)).walk_revisions())
    children: dict[str | None, list[Script]] = {}
    for script in scripts:
        down_revision = script.down_revision
        assert down_revision is None or isinstance(down_revision, str), f"{script.revision} merges branches"
        children.setdefault(down_revision, []).append(script)
    chain: list[Script] = []
    parent: str | None = None
    while parent in children:
        following = children[parent]
        assert len(following) == 1, f"{[s.revision for s in following]} all follow {parent}: the line branches"
        chain.append(following[0])
        parent = following[0].revision
    assert len(chain) == len(scripts), "some migrations are not on the line from the root"
    return chain


def test_the_migrations_run_in_one_line_to_one_head() -> None:
    chain = _chain_from_the_root()
    assert ScriptDirectory(str(MIGRATIONS)).get_heads() == [chain[-1].revision]


def test_the_file_names_sort_in_the_order_the_migrations_apply() -> None:
    names = [Path(script.path).name for script in _chain_from_the_root()]
    assert names == sorted(names)
    on_disk = sorted(path.name for path in (MIGRATIONS / "versions").glob("*.py"))
    assert names == on_disk, "every file in migrations/versions is a migration on the line"


def test_the_file_names_are_numbered_from_0001_without_gaps() -> None:
    names = [Path(script.path).name for script in _chain_from_the_root()]
    numbered = [_NUMBERED.match(name) for name in names]
    assert all(numbered), names
    assert [int(match.group(1)) for match in numbered if match] == list(range(1, len(names) + 1))
