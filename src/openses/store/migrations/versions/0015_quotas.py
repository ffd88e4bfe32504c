"""Sending quotas and the sandbox (issues 17 and 18): the recipients counted per second and
per minute, and each account's production access with its PutAccountDetails.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


# PostgreSQL: one round trip per send under a limit instead of four (store/quotas.py). Each
# statement of a VOLATILE plpgsql function sees what committed before it, so the sum that
# follows the lock sees every send that held the lock before.
COUNT_SEND = """
CREATE FUNCTION openses_count_send(
    p_account varchar, p_region varchar, p_second bigint, p_recipients integer,
    p_count_second boolean, p_count_minute boolean, p_lock bigint
) RETURNS TABLE (second_total integer, day_total bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_second integer;
    v_minute integer;
    v_day bigint;
    v_start bigint := p_second - p_second % 60;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);
    IF p_count_second THEN
        INSERT INTO send_counts AS c (account_id, region, span, start, recipients)
        VALUES (p_account, p_region, 'second', p_second, p_recipients)
        ON CONFLICT (account_id, region, span, start)
        DO UPDATE SET recipients = c.recipients + EXCLUDED.recipients
        RETURNING c.recipients INTO v_second;
        IF v_second = p_recipients THEN
            DELETE FROM send_counts WHERE account_id = p_account AND region = p_region
                AND span = 'second' AND start < p_second - 60;
        END IF;
    END IF;
    IF p_count_minute THEN
        INSERT INTO send_counts AS c (account_id, region, span, start, recipients)
        VALUES (p_account, p_region, 'minute', v_start, p_recipients)
        ON CONFLICT (account_id, region, span, start)
        DO UPDATE SET recipients = c.recipients + EXCLUDED.recipients
        RETURNING c.recipients INTO v_minute;
        IF v_minute = p_recipients THEN
            DELETE FROM send_counts WHERE account_id = p_account AND region = p_region
                AND span = 'minute' AND start < v_start - 86460;
        END IF;
        SELECT coalesce(sum(recipients), 0) INTO v_day FROM send_counts
            WHERE account_id = p_account AND region = p_region AND span = 'minute'
            AND start >= p_second - 86459;
    END IF;
    RETURN QUERY SELECT v_second, v_day;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "send_counts",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("span", sa.String(8), primary_key=True),
        sa.Column("start", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("recipients", sa.Integer, nullable=False),
    )
    op.create_table(
        "account_access",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("production_access", sa.Boolean, nullable=False),
        sa.Column("details", sa.JSON, nullable=True),
        sa.Column("review_status", sa.String(16), nullable=True),
        sa.Column("case_id", sa.String(32), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(COUNT_SEND)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION openses_count_send")
    op.drop_table("account_access")
    op.drop_table("send_counts")
