"""The service's own commands: reference data and demo data, imports, the worker processes, and the jobs the
scheduler runs, by hand. `flask --app wsgi <command>`; alerts/cli/__init__.py registers them."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from pathlib import Path

import click
from flask import current_app

from alerts import links
from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import demo, demo_history, reference
from alerts.data import warnings as warning_data
from alerts.extensions import db
from alerts.ingest.feeds import parse_feed
from alerts.ingest.met_office import MetOfficeWarning, known_areas_for, parse_warnings, warnings_mentioning
from alerts.models import utc_now
from alerts.profile import council
from config.council import COUNCILS_DIR

IMPORT_BATCH_SIZE = 5000


def _load_council_profile() -> None:
    """Load the COUNCIL profile's areas and services, or stop with the reason: one database never mixes councils."""
    try:
        reference.load_reference_data()
    except reference.CouncilMismatch as refusal:
        raise click.ClickException(f"Refusing to load COUNCIL={council().id}: {refusal}") from None
    db.session.commit()


def refuse_another_councils_database() -> None:
    """Stop a long-running process pointed at a database that holds another council's areas."""
    recorded = reference.recorded_council()
    if recorded is not None and recorded != council().id:
        raise click.ClickException(
            f"Refusing to start: this database belongs to COUNCIL={recorded}, but COUNCIL={council().id}. "
            f"Set COUNCIL={recorded}, or point DATABASE_URL at {council().id}'s own database.")


@click.command("load-reference-data")
def load_reference() -> None:
    """Create or refresh the COUNCIL profile's areas, services and postcode districts (config/councils/<id>/).

    Refused on a database that holds another council's.
    """
    _load_council_profile()
    click.echo(f"Reference data loaded for {council().name} (COUNCIL={council().id}).")


@click.command("seed-demo")
@click.option("--credentials-file", type=click.Path(path_type=Path), default=None,
              help="Also write the new staff sign-in details to this file.")
def seed_demo(credentials_file: Path | None) -> None:
    """Load demo notices and one staff user per role (once; safe to run again)."""
    if current_app.config["ALERTS_ENV"] == "production":
        raise click.ClickException("seed-demo loads made-up notices and accounts: it never runs in production")
    _load_council_profile()
    if demo.demo_already_loaded():
        click.echo("Demo notices are already loaded.")
    else:
        loaded = demo.load_demo_notices()
        db.session.commit()
        click.echo(f"Loaded {loaded} demo notices.")
    warnings = demo.load_demo_warnings(_recorded_warnings())
    db.session.commit()
    history = demo_history.load_last_winter(warning_data.current_warnings())
    db.session.commit()
    if history:
        click.echo(f"Loaded last winter's history: {history} resolved notices from earlier warnings of the same "
                   "kinds, with the calls and feedback that followed.")
    if warnings:
        click.echo(f"Loaded {warnings} recorded Met Office warning{'' if warnings == 1 else 's'} "
                   f"for {current_app.config['WARNING_AREA_NAME']}, starting now.")
    subscribers = demo.create_demo_subscribers()
    db.session.commit()
    if subscribers:
        areas = council().areas
        click.echo(f"Added {subscribers} confirmed demo subscribers, most of them in {areas[1 % len(areas)].name}.")
    household = demo.create_demo_resident()
    db.session.commit()
    if household is not None:
        click.echo("One resident gets alerts by email and by text: manage them at "
                   f"{links.manage_url(household.id, household.token_version)}")
    created = demo.create_demo_staff()
    db.session.commit()
    if created:
        lines = [f"{role:15} {email:40} {password}" for email, (role, password) in created.items()]
        sign_in = links.external_url("/staff/sign-in")
        click.echo(f"Staff sign-in ({sign_in}):\n  " + "\n  ".join(lines))
        if credentials_file:
            credentials_file.parent.mkdir(parents=True, exist_ok=True)
            credentials_file.write_text("\n".join(lines) + "\n")


def _recorded_warnings() -> list[MetOfficeWarning]:
    """The council profile's recorded feed (demo-warnings.xml, if it has one): the warnings mentioning its area,
    moved to start an hour ago so they are in force now, as a real winter's morning would show them."""
    path = COUNCILS_DIR / council().id / "demo-warnings.xml"
    if not path.is_file():
        return []
    area = current_app.config["WARNING_AREA_NAME"]
    found = parse_warnings(parse_feed(path.read_bytes()).entries,
                           known_areas=known_areas_for(council().warnings_region, area))
    local = list({w.warning_id: w for w in warnings_mentioning(found.warnings, area)}.values())
    if not local:
        return []
    shift = utc_now() - dt.timedelta(hours=1) - min(w.valid_from for w in local)
    return [dataclasses.replace(w, valid_from=w.valid_from + shift, valid_to=w.valid_to + shift) for w in local]


def _ward_area_id(ward_code: str) -> str:
    return "ward-" + re.sub(r"[^a-z0-9]+", "-", ward_code.lower()).strip("-")


@click.command("import-postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--local-authority", default=None, help="ONS local authority code to keep (default: the configured one).")
def import_postcodes(file: Path, local_authority: str | None) -> None:
    """Load an ONSPD-format CSV (pcds, laua, osward): postcodes in our council become ward areas.

    Idempotent: running it again replaces each postcode's ward. Rows for other councils are skipped.
    """
    code = local_authority or current_app.config["LOCAL_AUTHORITY_CODE"]
    _load_council_profile()
    kept = skipped = invalid = 0
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"pcds", "laua", "osward"} - set(reader.fieldnames or [])
        if missing:
            raise click.ClickException(f"{file} is not ONSPD-shaped: missing column(s) {', '.join(sorted(missing))}")
        name_column = next((c for c in ("osward_name", "ward_name", "WD24NM") if c in (reader.fieldnames or [])), None)
        total = sum(1 for _ in handle)
        handle.seek(0)
        next(handle)
        batch: list[tuple[str, str]] = []
        wards: dict[str, str] = {}
        with click.progressbar(reader, length=total, label="Importing postcodes") as rows:
            for row in rows:
                if row["laua"] != code:
                    skipped += 1
                    continue
                try:
                    postcode = normalise_postcode(row["pcds"])
                except InvalidPostcode:
                    invalid += 1
                    continue
                area_id = _ward_area_id(row["osward"])
                wards[area_id] = (row.get(name_column) if name_column else None) or f"Ward {row['osward']}"
                batch.append((postcode, area_id))
                if len(batch) >= IMPORT_BATCH_SIZE:
                    kept += _write_batch(batch, wards)
                    batch, wards = [], {}
            kept += _write_batch(batch, wards)
    click.echo(f"Imported {kept} postcodes for {code}; skipped {skipped} from other councils and {invalid} invalid.")


def _write_batch(batch: list[tuple[str, str]], wards: dict[str, str]) -> int:
    reference.ensure_ward_areas(wards)
    written = reference.upsert_postcode_lookups(batch)
    db.session.commit()
    return written


@click.command("import-subscribers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_subscribers(file: Path) -> None:
    """Import already-consented subscribers (CSV: channel,contact,postcode[,services][,digest]) as confirmed
    subscriptions. `digest` is yes or no: one email a day instead of one per alert (email only).

    Bad rows are reported on standard error with their line numbers and skipped. Exits 1 if any row was skipped,
    so a migration script notices; importing the same file again adds nothing.
    """
    from alerts.data.subscriber_import import BATCH_SIZE, ImportResult, MissingColumns, import_row, read_csv

    with file.open(newline="", encoding="utf-8-sig") as handle:
        try:
            rows = read_csv(handle)
        except MissingColumns as e:
            raise click.ClickException(str(e)) from e
        result, applied = ImportResult(), 0
        for line, row in rows:
            if import_row(line, row, result):
                applied += 1
                if applied % BATCH_SIZE == 0:
                    db.session.commit()  # a long file is imported in batches, not one huge transaction
        db.session.commit()
    for line, reason in result.skipped:
        click.echo(f"line {line}: {reason}", err=True)
    click.echo(f"Imported {result.subscriptions_added} subscriptions ({result.subscribers_created} new subscribers); "
               f"skipped {len(result.skipped)} rows")
    if result.unchanged:
        click.echo(f"{result.unchanged} rows were already subscribed and left as they were")
    if result.skipped:
        raise SystemExit(1)


@click.command("scheduler")
def scheduler() -> None:
    """Run the long-running worker: the scheduler leader and all its jobs."""
    from alerts.jobs.scheduler import run_scheduler

    refuse_another_councils_database()
    run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]


@click.command("dispatch")
@click.option("--once", is_flag=True, help="Send everything due now, then exit.")
def dispatch(once: bool) -> None:
    """Send queued messages through Notify. Without --once, keep polling until SIGTERM (a scale-out worker)."""
    import signal

    from alerts.delivery.dispatcher import Dispatcher

    refuse_another_councils_database()
    dispatcher = Dispatcher(current_app._get_current_object())  # type: ignore[attr-defined]

    def stop(_signum: int, _frame: object) -> None:
        dispatcher.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if once:
        try:
            claimed = dispatcher.run_until_idle()
        finally:
            dispatcher.close()
        click.echo(f"Dispatched {claimed} messages.")
        return
    dispatcher.run_forever()


@click.command("reconcile-receipts")
def reconcile_receipts() -> None:
    """Ask Notify about messages still `sent` an hour on (a receipt may have been lost)."""
    from alerts.delivery.costs import record_costs
    from alerts.delivery.receipts import reconcile_sent_messages

    changed = reconcile_sent_messages(current_app._get_current_object())  # type: ignore[attr-defined]
    record_costs(current_app._get_current_object())  # type: ignore[attr-defined]  # and what texts cost
    click.echo(f"{changed} messages updated from Notify.")


@click.command("ingest-feeds")
@click.option("--due-only", is_flag=True,
              help="Only poll sources whose poll interval has passed, as the scheduler does.")
def ingest_feeds(due_only: bool) -> None:
    """Poll the enabled feed sources now: Met Office warnings mentioning the council become weather warnings.

    A feed that fails is reported and recorded on its source; the warnings found before are kept.
    """
    from alerts.services import feed_polling

    outcomes = feed_polling.ingest_feeds(only_due=due_only)
    if not outcomes:
        click.echo("No feed sources are due to be polled." if due_only else "No feed sources are enabled.")
    for outcome in outcomes:
        click.echo(f"{outcome.name}: {outcome.summary}", err=not outcome.ok)


@click.command("purge-personal-data")
def purge_personal_data() -> None:
    """Enforce the privacy notice's periods: unconfirmed sign-ups, ended (unsubscribed or suspended) contacts,
    message recipients and links, staff audit addresses (settings in config/settings.py), and staff sign-in counts
    an hour old."""
    from alerts.data.retention import purge_personal_data as purge

    counts = purge()
    db.session.commit()
    click.echo(f"Deleted {counts.unconfirmed_deleted} unconfirmed sign-ups, dropped {counts.pending_requests_dropped} "
               f"unconfirmed changes, erased {counts.unsubscribed_erased} unsubscribed or suspended contacts and "
               f"{counts.message_recipients_erased} message recipients; audit addresses: "
               f"{counts.audit_addresses_truncated} shortened, {counts.audit_addresses_dropped} removed; "
               f"{counts.audit_events_deleted} audit records deleted, "
               f"{counts.sign_in_counts_deleted} staff sign-in counts deleted.")


@click.command("queue-digests")
def queue_digests() -> None:
    """Queue today's daily digest emails now, as the scheduler does at DIGEST_HOUR. Safe to run again: nobody gets
    two digests in one day."""
    from alerts.formatting import counted
    from alerts.services.daily_digests import queue_daily_digests

    run = queue_daily_digests()
    click.echo(f"Queued {counted(run.sent, 'daily digest')} for {run.day:%-d %B %Y}; "
               f"{counted(run.nothing_to_send, 'other digest reader')}: nothing new, or already queued today.")


@click.command("rollup-insight")
def rollup_insight() -> None:
    """Snapshot today's subscriptions and summarise recent notices' delivery for insight (run hourly)."""
    from alerts.data.insight import roll_up

    summarised = roll_up()
    db.session.commit()
    click.echo(f"Rolled up insight; {summarised} notices summarised")


@click.command("recount-audience")
def recount_audience() -> None:
    """Count every notice audience's kept counts again from the subscriptions (the database's triggers keep them;
    this is for repair, after rows were loaded with triggers off or restored)."""
    from alerts.data.kept_audience import rebuild_kept_audience
    from alerts.formatting import counted

    recount = rebuild_kept_audience()
    db.session.commit()
    click.echo(f"Recounted the audience: {counted(recount.members, 'audience row')}; "
               f"{counted(recount.counts_changed, 'count')} {'was' if recount.counts_changed == 1 else 'were'} "
               "wrong and put right.")
