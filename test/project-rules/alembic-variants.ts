// An Alembic project's revisions, shared by the table tests of the query-fit fixes and the real-Alembic
// proof (test/slow/alembic-proof.test.ts): the seed's two tables, then a revision of index work.

export const ALEMBIC_TABLES = `"""tables

Revision ID: 1a2b3c4d5e6f
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = '1a2b3c4d5e6f'
down_revision = None


def upgrade():
    op.create_table(
        'upstream_userprofile',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('customer_id', sa.BigInteger(), nullable=False),
        sa.Column('role', sa.String(20), nullable=False),
    )
    op.create_table(
        'upstream_alertrule',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('customer_id', sa.BigInteger(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('routing_priority', sa.Integer(), nullable=False),
    )


def downgrade():
    op.drop_table('upstream_alertrule')
    op.drop_table('upstream_userprofile')
`;

/** The revision after the tables: `upgrade` as the body of upgrade() (indented), downgrade() doing `downgrade`. */
export const alembicIndexes = (upgrade: string, downgrade = '    pass') => `"""indexes

Revision ID: 2b3c4d5e6f7a
Revises: 1a2b3c4d5e6f
"""
from alembic import op
import sqlalchemy as sa

revision = '2b3c4d5e6f7a'
down_revision = '1a2b3c4d5e6f'


def upgrade():
${upgrade}


def downgrade():
${downgrade}
`;

export const TEAM_QUERIES = "SELECT COUNT(*) FROM upstream_userprofile WHERE customer_id = $1 AND role = 'owner';\nSELECT * FROM upstream_userprofile WHERE customer_id = $1;\n";
