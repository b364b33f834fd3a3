"""subscription periods: when each subscription and each subscribed chat started and ended

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:38:01.226255

The monthly report rebuilt past months' subscribers from today's rows, so every unsubscription,
/oublier or unreachable chat changed last year's figures. Two tables now keep periods instead
(relay/store/models_history.py), written by triggers below whatever code path changes a
subscription or a chat:

* subscription_periods: one chat receiving one theme (subscribed and reachable), from
  started_at to ended_at; end_reason unsubscribed, forgotten or unreachable.
* chat_periods: one chat reachable and subscribed to at least one theme.

/oublier (deleting the chat) closes its periods and unlinks them (subscriber_id NULL): what stays
names no chat. They replace subscription_departures, whose rows are carried over as periods that
ended then, their start unknown (started_at NULL).

The backfill keeps what the old rows tell: subscriptions of reachable chats run from their
creation; those of unreachable chats until the chat's last change (its deactivation, as far as
the rows tell). An unreachable chat's own period closes there without a reason, because its
leaving is already among the departures carried over.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import context, op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TRIGGERS = [
    ("trg_subscription_departure", "subscriptions"),
    ("trg_subscriber_forgotten", "subscribers"),
    ("trg_subscriber_unreachable", "subscribers"),
]
OLD_FUNCTIONS = [
    "relay_subscription_departure",
    "relay_subscriber_forgotten",
    "relay_subscriber_unreachable",
]
TRIGGERS = [
    ("trg_periods_on_subscribe", "subscriptions"),
    ("trg_periods_on_unsubscribe", "subscriptions"),
    ("trg_periods_on_forget", "subscribers"),
    ("trg_periods_on_unreachable", "subscribers"),
    ("trg_periods_on_return", "subscribers"),
]
FUNCTIONS = [
    "relay_periods_on_subscribe",
    "relay_periods_on_unsubscribe",
    "relay_periods_on_forget",
    "relay_periods_on_reachability",
]

BACKFILL = [
    # Subscriptions of reachable chats: running since they were made.
    """
    INSERT INTO subscription_periods (subscriber_id, platform, theme, started_at, start_reason)
    SELECT s.id, s.platform, x.theme, x.created_at, 'subscribed'
    FROM subscriptions x JOIN subscribers s ON s.id = x.subscriber_id
    WHERE s.active
    """,
    # Subscriptions of unreachable chats: until the chat became unreachable.
    """
    INSERT INTO subscription_periods
        (subscriber_id, platform, theme, started_at, start_reason, ended_at, end_reason)
    SELECT s.id, s.platform, x.theme, x.created_at, 'subscribed',
           CASE WHEN s.updated_at > x.created_at THEN s.updated_at ELSE x.created_at END,
           'unreachable'
    FROM subscriptions x JOIN subscribers s ON s.id = x.subscriber_id
    WHERE NOT s.active
    """,
    """
    INSERT INTO chat_periods (subscriber_id, platform, started_at)
    SELECT s.id, s.platform, s.created_at FROM subscribers s
    WHERE s.active AND EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id)
    """,
    """
    INSERT INTO chat_periods (subscriber_id, platform, started_at, ended_at)
    SELECT s.id, s.platform, s.created_at, s.updated_at FROM subscribers s
    WHERE NOT s.active AND EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id)
    """,
    # What the departures log knew: periods that ended then, their start unknown.
    """
    INSERT INTO subscription_periods (platform, theme, start_reason, ended_at, end_reason)
    SELECT platform, theme, 'subscribed', left_at, reason FROM subscription_departures
    WHERE theme IS NOT NULL
    """,
    """
    INSERT INTO chat_periods (platform, ended_at, end_reason)
    SELECT platform, left_at, reason FROM subscription_departures WHERE theme IS NULL
    """,
]

# The same statements on both backends, but for "now" and the trigger wrapping.
_SUBSCRIBE = """
    INSERT INTO subscription_periods (subscriber_id, platform, theme, started_at, start_reason)
    SELECT s.id, s.platform, NEW.theme, NEW.created_at, 'subscribed'
    FROM subscribers s WHERE s.id = NEW.subscriber_id AND s.active;
    INSERT INTO chat_periods (subscriber_id, platform, started_at)
    SELECT s.id, s.platform, NEW.created_at
    FROM subscribers s WHERE s.id = NEW.subscriber_id AND s.active
    AND NOT EXISTS (SELECT 1 FROM chat_periods c WHERE c.subscriber_id = s.id AND c.ended_at IS NULL);
"""
# Deleted with its chat (/oublier), the subscription's periods are already closed and unlinked.
_UNSUBSCRIBE = """
    UPDATE subscription_periods SET ended_at = {now}, end_reason = 'unsubscribed'
    WHERE subscriber_id = OLD.subscriber_id AND theme = OLD.theme AND ended_at IS NULL;
    UPDATE chat_periods SET ended_at = {now}, end_reason = 'unsubscribed'
    WHERE subscriber_id = OLD.subscriber_id AND ended_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = OLD.subscriber_id);
"""
_FORGET = """
    UPDATE subscription_periods
    SET end_reason = CASE WHEN ended_at IS NULL THEN 'forgotten' ELSE end_reason END,
        ended_at = COALESCE(ended_at, {now}),
        subscriber_id = NULL
    WHERE subscriber_id = OLD.id;
    UPDATE chat_periods
    SET end_reason = CASE WHEN ended_at IS NULL THEN 'forgotten' ELSE end_reason END,
        ended_at = COALESCE(ended_at, {now}),
        subscriber_id = NULL
    WHERE subscriber_id = OLD.id;
"""
_UNREACHABLE = """
    UPDATE subscription_periods SET ended_at = {now}, end_reason = 'unreachable'
    WHERE subscriber_id = NEW.id AND ended_at IS NULL;
    UPDATE chat_periods SET ended_at = {now}, end_reason = 'unreachable'
    WHERE subscriber_id = NEW.id AND ended_at IS NULL;
"""
# Back: its subscriptions run again. One never run yet (made while the chat was unreachable)
# starts as a new subscription.
_RETURN = """
    INSERT INTO subscription_periods (subscriber_id, platform, theme, started_at, start_reason)
    SELECT NEW.id, NEW.platform, x.theme, {now},
           CASE WHEN EXISTS (
               SELECT 1 FROM subscription_periods p
               WHERE p.subscriber_id = NEW.id AND p.theme = x.theme AND p.started_at >= x.created_at
           ) THEN 'returned' ELSE 'subscribed' END
    FROM subscriptions x WHERE x.subscriber_id = NEW.id;
    INSERT INTO chat_periods (subscriber_id, platform, started_at)
    SELECT NEW.id, NEW.platform, {now}
    WHERE EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = NEW.id)
    AND NOT EXISTS (SELECT 1 FROM chat_periods WHERE subscriber_id = NEW.id AND ended_at IS NULL);
"""

# The format SQLAlchemy writes datetimes in on SQLite (UTC, microseconds), so that times compare.
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER trg_periods_on_subscribe AFTER INSERT ON subscriptions
    BEGIN {_SUBSCRIBE} END
    """,
    f"""
    CREATE TRIGGER trg_periods_on_unsubscribe AFTER DELETE ON subscriptions
    BEGIN {_UNSUBSCRIBE.format(now=_SQLITE_NOW)} END
    """,
    f"""
    CREATE TRIGGER trg_periods_on_forget BEFORE DELETE ON subscribers
    BEGIN {_FORGET.format(now=_SQLITE_NOW)} END
    """,
    f"""
    CREATE TRIGGER trg_periods_on_unreachable AFTER UPDATE OF active ON subscribers
    WHEN OLD.active AND NOT NEW.active
    BEGIN {_UNREACHABLE.format(now=_SQLITE_NOW)} END
    """,
    f"""
    CREATE TRIGGER trg_periods_on_return AFTER UPDATE OF active ON subscribers
    WHEN NOT OLD.active AND NEW.active
    BEGIN {_RETURN.format(now=_SQLITE_NOW)} END
    """,
]

# The chat's row is locked first (FOR NO KEY UPDATE: not against the foreign key checks' KEY
# SHARE) so that two transactions changing one chat's subscriptions see each other's periods.
_LOCK_CHAT = "PERFORM 1 FROM subscribers WHERE id = {chat} FOR NO KEY UPDATE;"

POSTGRESQL_TRIGGERS = [
    f"""
    CREATE FUNCTION relay_periods_on_subscribe() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_LOCK_CHAT.format(chat="NEW.subscriber_id")}
        {_SUBSCRIBE}
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER trg_periods_on_subscribe AFTER INSERT ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION relay_periods_on_subscribe()
    """,
    f"""
    CREATE FUNCTION relay_periods_on_unsubscribe() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_LOCK_CHAT.format(chat="OLD.subscriber_id")}
        {_UNSUBSCRIBE.format(now="now()")}
        RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER trg_periods_on_unsubscribe AFTER DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION relay_periods_on_unsubscribe()
    """,
    f"""
    CREATE FUNCTION relay_periods_on_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_FORGET.format(now="now()")}
        RETURN OLD;
    END $$
    """,
    """
    CREATE TRIGGER trg_periods_on_forget BEFORE DELETE ON subscribers
    FOR EACH ROW EXECUTE FUNCTION relay_periods_on_forget()
    """,
    f"""
    CREATE FUNCTION relay_periods_on_reachability() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.active AND NOT NEW.active THEN
            {_UNREACHABLE.format(now="now()")}
        ELSIF NEW.active AND NOT OLD.active THEN
            {_RETURN.format(now="now()")}
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER trg_periods_on_unreachable AFTER UPDATE OF active ON subscribers
    FOR EACH ROW EXECUTE FUNCTION relay_periods_on_reachability()
    """,
]

# Back to subscription_departures (downgrade): the ends the report counted as "left".
UNBACKFILL = [
    """
    INSERT INTO subscription_departures (theme, platform, reason, left_at)
    SELECT theme, platform, end_reason, ended_at FROM subscription_periods
    WHERE end_reason IN ('unsubscribed', 'forgotten')
    """,
    """
    INSERT INTO subscription_departures (theme, platform, reason, left_at)
    SELECT NULL, platform, end_reason, ended_at FROM chat_periods
    WHERE end_reason IN ('forgotten', 'unreachable')
    """,
]


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_triggers(triggers: list[tuple[str, str]], functions: list[str]) -> None:
    for trigger, table in triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + (f" ON {table}" if _postgresql() else ""))
    if _postgresql():
        for function in functions:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('chat_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chat_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_periods_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_periods_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_periods_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('subscription_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('start_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscription_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_periods_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_periods_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_periods_subscriber_id'), ['subscriber_id'], unique=False)
    # ### end Alembic commands ###

    for statement in BACKFILL:
        op.execute(statement)
    _drop_triggers(OLD_TRIGGERS, OLD_FUNCTIONS)
    with op.batch_alter_table('subscription_departures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_departures_left_at'))
    op.drop_table('subscription_departures')
    for statement in POSTGRESQL_TRIGGERS if _postgresql() else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    _drop_triggers(TRIGGERS, FUNCTIONS)
    op.create_table('subscription_departures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscription_departures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_departures_left_at'), ['left_at'], unique=False)
    for statement in UNBACKFILL:
        op.execute(statement)
    # The departures' triggers, as revision s001 wrote them.
    s001 = context.script.get_revision("s001").module
    for statement in s001.POSTGRESQL_TRIGGERS if _postgresql() else s001.SQLITE_TRIGGERS:
        op.execute(statement)

    with op.batch_alter_table('subscription_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_periods_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_subscription_periods_started_at'))
        batch_op.drop_index(batch_op.f('ix_subscription_periods_ended_at'))

    op.drop_table('subscription_periods')
    with op.batch_alter_table('chat_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_periods_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_chat_periods_started_at'))
        batch_op.drop_index(batch_op.f('ix_chat_periods_ended_at'))

    op.drop_table('chat_periods')
