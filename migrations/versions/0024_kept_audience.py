"""kept audience: whom a notice would reach, kept by triggers as subscriptions change (alerts/models/audience.py)

Revision ID: 0024_kept_audience
Revises: 0023_welsh
Create Date: 2026-12-06 09:40:00

Each reachable subscriber (confirmed, with a contact, following at least one area) is one `audience_members` row
per service choice ("*" for all services) with their sorted areas and channel; `audience_counts` keeps how many
members share each (areas, channel, service). Any change to what decides a subscriber's rows works them out again
from the tables for that one subscriber and moves the counts by the difference, so the trigger is right whatever
the change was and however many rows one statement touched. Written here, not imported: a migration stays as it ran.
"""
from alembic import op
import sqlalchemy as sa


revision = '0024_kept_audience'
down_revision = '0023_welsh'
branch_labels = None
depends_on = None

REACHABLE = "s.status = 'confirmed' AND s.contact IS NOT NULL AND (c.service_id = '*') = s.all_services"


def _members(dialect: str, who: str | None) -> str:
    """The audience rows of one subscriber (`who`, an SQL expression), or of everyone (None), from the tables."""
    if dialect == 'postgresql':
        area_set = "string_agg(area_id, ',' ORDER BY area_id)"
        everyones = ones = 'subscriptions'
    else:  # SQLite's group_concat follows its input's order
        area_set = "group_concat(area_id, ',')"
        everyones = '(SELECT subscriber_id, area_id FROM subscriptions ORDER BY subscriber_id, area_id)'
        ones = f'(SELECT subscriber_id, area_id FROM subscriptions WHERE subscriber_id = {who} ORDER BY area_id)'
    if who is None:
        return f"""
            SELECT s.id AS subscriber_id, c.service_id, a.area_set, s.channel
            FROM subscribers AS s
            JOIN (SELECT subscriber_id, {area_set} AS area_set FROM {everyones} GROUP BY subscriber_id) AS a
              ON a.subscriber_id = s.id
            JOIN (SELECT id AS subscriber_id, '*' AS service_id FROM subscribers
                  UNION ALL SELECT subscriber_id, service_id FROM subscriber_services) AS c
              ON c.subscriber_id = s.id
            WHERE {REACHABLE}"""
    return f"""
        SELECT s.id AS subscriber_id, c.service_id, a.area_set, s.channel
        FROM subscribers AS s,
             (SELECT {area_set} AS area_set FROM {ones} WHERE subscriber_id = {who}) AS a,
             (SELECT '*' AS service_id UNION ALL SELECT service_id FROM subscriber_services
              WHERE subscriber_id = {who}) AS c
        WHERE s.id = {who} AND a.area_set IS NOT NULL AND {REACHABLE}"""


def _postgresql_triggers() -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION audience_refresh(who integer) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            -- Changes to one subscriber queue here, so the second works from what the first committed.
            PERFORM 1 FROM subscribers WHERE id = who FOR NO KEY UPDATE;
            -- Old rows out, new rows in, as one statement in key order: each count row is locked and moved once.
            INSERT INTO audience_counts AS kept (area_set, channel, service_id, subscribers)
            SELECT area_set, channel, service_id, sum(change) FROM (
                SELECT area_set, channel, service_id, -1 AS change FROM audience_members WHERE subscriber_id = who
                UNION ALL
                SELECT area_set, channel, service_id, 1 FROM ({_members('postgresql', 'who')}) AS now
            ) AS changes
            GROUP BY area_set, channel, service_id HAVING sum(change) <> 0
            ORDER BY area_set, channel, service_id
            ON CONFLICT (area_set, channel, service_id)
            DO UPDATE SET subscribers = kept.subscribers + excluded.subscribers;
            IF FOUND THEN
                DELETE FROM audience_members WHERE subscriber_id = who;
                INSERT INTO audience_members (subscriber_id, service_id, area_set, channel)
                {_members('postgresql', 'who')};
            END IF;
        END $$""",
        """
        CREATE OR REPLACE FUNCTION audience_follow_subscriber() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN PERFORM audience_refresh(OLD.id); ELSE PERFORM audience_refresh(NEW.id); END IF;
            RETURN NULL;
        END $$""",
        """
        CREATE OR REPLACE FUNCTION audience_follow_choice() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN PERFORM audience_refresh(OLD.subscriber_id); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM audience_refresh(NEW.subscriber_id); END IF;
            RETURN NULL;
        END $$""",
        """
        CREATE TRIGGER audience_subscriber_changed AFTER UPDATE OF status, contact, channel, all_services
        ON subscribers FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR (OLD.contact IS NULL) <> (NEW.contact IS NULL)
              OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.all_services IS DISTINCT FROM NEW.all_services)
        EXECUTE FUNCTION audience_follow_subscriber()""",
        """
        CREATE TRIGGER audience_subscriber_gone AFTER DELETE ON subscribers
        FOR EACH ROW EXECUTE FUNCTION audience_follow_subscriber()""",
        """
        CREATE TRIGGER audience_subscriptions_changed AFTER INSERT OR DELETE OR UPDATE OF subscriber_id, area_id
        ON subscriptions FOR EACH ROW EXECUTE FUNCTION audience_follow_choice()""",
        """
        CREATE TRIGGER audience_services_changed AFTER INSERT OR DELETE OR UPDATE ON subscriber_services
        FOR EACH ROW EXECUTE FUNCTION audience_follow_choice()""",
    ]


def _sqlite_refresh(who: str) -> str:
    """SQLite runs one writer at a time and each row's trigger at once: old rows out, new rows in."""
    return f"""
        UPDATE audience_counts SET subscribers = subscribers - 1
        WHERE (area_set, channel, service_id) IN
              (SELECT area_set, channel, service_id FROM audience_members WHERE subscriber_id = {who});
        DELETE FROM audience_members WHERE subscriber_id = {who};
        INSERT INTO audience_members (subscriber_id, service_id, area_set, channel) {_members('sqlite', who)};
        INSERT INTO audience_counts (area_set, channel, service_id, subscribers)
        SELECT area_set, channel, service_id, 1 FROM audience_members WHERE subscriber_id = {who}
        ON CONFLICT (area_set, channel, service_id) DO UPDATE SET subscribers = subscribers + 1;"""


def _sqlite_triggers() -> list[str]:
    changed = ("OLD.status IS NOT NEW.status OR (OLD.contact IS NULL) <> (NEW.contact IS NULL) "
               "OR OLD.channel IS NOT NEW.channel OR OLD.all_services IS NOT NEW.all_services")
    triggers = [
        f"""CREATE TRIGGER audience_subscriber_changed AFTER UPDATE OF status, contact, channel, all_services
            ON subscribers FOR EACH ROW WHEN {changed} BEGIN {_sqlite_refresh('NEW.id')} END""",
        f"""CREATE TRIGGER audience_subscriber_gone AFTER DELETE ON subscribers
            FOR EACH ROW BEGIN {_sqlite_refresh('OLD.id')} END""",
    ]
    for table, name, columns in (('subscriptions', 'subscriptions', 'subscriber_id, area_id'),
                                 ('subscriber_services', 'services', 'subscriber_id, service_id')):
        triggers += [
            f"""CREATE TRIGGER audience_{name}_added AFTER INSERT ON {table}
                FOR EACH ROW BEGIN {_sqlite_refresh('NEW.subscriber_id')} END""",
            f"""CREATE TRIGGER audience_{name}_removed AFTER DELETE ON {table}
                FOR EACH ROW BEGIN {_sqlite_refresh('OLD.subscriber_id')} END""",
            f"""CREATE TRIGGER audience_{name}_changed AFTER UPDATE OF {columns} ON {table}
                FOR EACH ROW BEGIN {_sqlite_refresh('OLD.subscriber_id')} {_sqlite_refresh('NEW.subscriber_id')} END""",
        ]
    return triggers


SQLITE_TRIGGERS = ['audience_subscriber_changed', 'audience_subscriber_gone'] + [
    f'audience_{name}_{change}' for name in ('subscriptions', 'services') for change in ('added', 'removed', 'changed')]
POSTGRESQL_TRIGGERS = {'audience_subscriber_changed': 'subscribers', 'audience_subscriber_gone': 'subscribers',
                       'audience_subscriptions_changed': 'subscriptions',
                       'audience_services_changed': 'subscriber_services'}


def upgrade():
    op.create_table(
        'audience_members',
        sa.Column('subscriber_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('area_set', sa.Text(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint('subscriber_id', 'service_id', name=op.f('pk_audience_members')),
    )
    op.create_table(
        'audience_counts',
        sa.Column('area_set', sa.Text(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('service_id', sa.String(length=64), nullable=False),
        sa.Column('subscribers', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('area_set', 'channel', 'service_id', name=op.f('pk_audience_counts')),
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        # No subscription may change between the count and its triggers: writers wait for this migration.
        op.execute('LOCK TABLE subscribers, subscriptions, subscriber_services IN SHARE MODE')
    # Counted from the rows there now, then kept: in the migration's transaction, before any trigger exists.
    op.execute(f"INSERT INTO audience_members (subscriber_id, service_id, area_set, channel) {_members(dialect, None)}")
    op.execute("INSERT INTO audience_counts (area_set, channel, service_id, subscribers) "
               "SELECT area_set, channel, service_id, count(*) FROM audience_members "
               "GROUP BY area_set, channel, service_id")
    for statement in _postgresql_triggers() if dialect == 'postgresql' else _sqlite_triggers():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for trigger, table in POSTGRESQL_TRIGGERS.items():
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON {table}')
        for function in ('audience_follow_choice()', 'audience_follow_subscriber()', 'audience_refresh(integer)'):
            op.execute(f'DROP FUNCTION IF EXISTS {function}')
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.drop_table('audience_counts')
    op.drop_table('audience_members')
