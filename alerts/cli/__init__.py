"""Flask commands: `flask --app wsgi <command>`.

- commands.py: the service's own commands (reference and demo data, imports, the worker processes, the scheduler's
  jobs by hand);
- new_council.py: `new-council`, which scaffolds another council's profile in config/councils/;
- the staff accounts' commands live beside the staff pages (alerts/staff/commands.py, account_commands.py).
"""

from __future__ import annotations

from flask import Flask

from alerts.cli.commands import (
    dispatch,
    import_postcodes,
    import_subscribers,
    ingest_feeds,
    load_reference,
    purge_personal_data,
    queue_digests,
    reconcile_receipts,
    recount_audience,
    rollup_insight,
    scheduler,
    seed_demo,
)
from alerts.cli.new_council import new_council


def register_commands(app: Flask) -> None:
    for command in (seed_demo, import_postcodes, import_subscribers, scheduler, load_reference, dispatch,
                    reconcile_receipts, ingest_feeds, purge_personal_data, queue_digests, rollup_insight,
                    recount_audience, new_council):
        app.cli.add_command(command)
    from alerts.staff.account_commands import COMMANDS as ACCOUNT_COMMANDS
    from alerts.staff.commands import COMMANDS as STAFF_COMMANDS

    for staff_command in [*STAFF_COMMANDS, *ACCOUNT_COMMANDS]:
        app.cli.add_command(staff_command)
