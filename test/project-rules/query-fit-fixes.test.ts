// Fixes of the query-fit rules: an index that shipped is replaced by a new migration (built concurrently,
// then the old one dropped), never edited in place; an index that has not shipped is also offered an
// edit in place. Every case states the generated text in full, applies the fix to a copy of the project,
// and lints again: the finding is gone, the new files parse and pass the migration rules, and there is no
// fix left to apply.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { planProjectFixes } from '../../server/engine/fixes/new-migration-apply.js';
import { newFilesInGit } from '../../server/engine/fixes/new-migration-sources.js';
import { parsePython } from '../../server/engine/python/parser.js';
import { parseSqlMigration } from '../../server/engine/sql/migration.js';
import type { Finding, Fix, SqlRunner } from '../../server/engine/types.js';
import { applyFix, lintFolder, lintMigrationFile, projectCopy, ready, removeCopy } from './helpers.js';
import { ALERT_MODELS, MIGRATION_0002, MODELS, SEED_DJANGO, ascendingPriority, swapComposite } from './seed-variants.js';
import { ALEMBIC_TABLES, TEAM_QUERIES, alembicIndexes } from './alembic-variants.js';

beforeAll(() => ready);
const copies: string[] = [];
afterAll(() => copies.forEach(removeCopy));

function copy(source: string | undefined, files: Record<string, string> = {}): string {
  const dir = projectCopy(source, files);
  copies.push(dir);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const relative = (dir: string, fix: Fix) => ({
  title: fix.title,
  safety: fix.safety,
  files: Object.fromEntries((fix.createFiles ?? []).map((c) => [c.path.slice(dir.length + 1), c.text])),
});

/** The one finding of `rule`, its fixes as data with paths relative to the project. */
async function fixesOf(dir: string, rule: string, uncommitted: string[] = []): Promise<{ finding: Finding; fixes: ReturnType<typeof relative>[] }> {
  const { findings } = await lintFolder(dir, { uncommitted });
  const ofRule = findings.filter((f) => f.rule === rule);
  expect(ofRule, `one ${rule} finding`).toHaveLength(1);
  return { finding: ofRule[0]!, fixes: ofRule[0]!.fixes.map((f) => relative(dir, f)) };
}

/** Applies the fix, then: the finding is gone, nothing is left to fix for the rule, the new files parse and pass the migration rules. */
async function applyAndRelint(dir: string, finding: Finding, fix: Fix, rule: string, runner?: SqlRunner): Promise<void> {
  const written = applyFix(dir, finding, fix);
  const again = await lintFolder(dir);
  expect(again.findings.filter((f) => f.rule === rule && f.file === finding.file && f.message === finding.message)).toEqual([]);
  expect(again.findings.filter((f) => f.rule === rule && f.fixes.length)).toEqual([]);
  for (const c of fix.createFiles ?? []) {
    const path = c.path.slice(dir.length + 1);
    if (path.endsWith('.py')) {
      const parsed = parsePython(c.text);
      expect(parsed.syntaxErrors).toEqual([]);
      parsed.dispose();
    } else {
      expect(parseSqlMigration({ path, text: c.text }, { runner: runner ?? 'psql' }).syntaxErrors).toEqual([]);
    }
    expect(await lintMigrationFile(dir, path), `${path} passes the migration rules`).toEqual([]);
  }
  expect(written.length).toBeGreaterThan(0);
}

// ---------------------------------------------------------------- SQL runners

const TABLES =
  'CREATE TABLE upstream_userprofile (id bigint PRIMARY KEY, customer_id bigint NOT NULL, role varchar(20) NOT NULL, created_at timestamptz);\n' +
  'CREATE TABLE upstream_alertrule (id bigint PRIMARY KEY, customer_id bigint NOT NULL, enabled boolean NOT NULL, routing_priority int NOT NULL);\n';
const SWAPPED = 'CREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (role, customer_id);\n';
const CREATE = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS upstream_userprofile_customer_id_role_idx ON upstream_userprofile (customer_id, role);';
const DROP = 'DROP INDEX CONCURRENTLY IF EXISTS userprofile_customer_role_idx;';
const RECREATE = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS userprofile_customer_role_idx ON upstream_userprofile (role, customer_id);';
const DROP_NEW = 'DROP INDEX CONCURRENTLY IF EXISTS upstream_userprofile_customer_id_role_idx;';

interface RunnerCase {
  runner: SqlRunner;
  files: Record<string, string>;
  created: Record<string, string>;
}

const RUNNERS: RunnerCase[] = [
  {
    runner: 'psql',
    files: { 'migrations/0001_tables.sql': TABLES, 'migrations/0002_indexes.sql': SWAPPED },
    created: { 'migrations/0003_fix_userprofile_customer_role_idx.sql': `${CREATE}\n${DROP}\n` },
  },
  {
    // goose runs the statements one by one: one file, NO TRANSACTION for all of it.
    runner: 'goose',
    files: { 'migrations/00001_tables.sql': `-- +goose Up\n${TABLES}`, 'migrations/00002_indexes.sql': `-- +goose Up\n${SWAPPED}` },
    created: {
      'migrations/00003_fix_userprofile_customer_role_idx.sql': `-- +goose NO TRANSACTION\n-- +goose Up\n${CREATE}\n${DROP}\n\n-- +goose Down\n${RECREATE}\n${DROP_NEW}\n`,
    },
  },
  {
    // Flyway runs a script of concurrent index statements only without a transaction.
    runner: 'flyway',
    files: { 'sql/V1__tables.sql': TABLES, 'sql/V2__indexes.sql': SWAPPED, 'flyway.conf': '' },
    created: { 'sql/V3__fix_userprofile_customer_role_idx.sql': `${CREATE}\n${DROP}\n` },
  },
  {
    // dbmate sends a section as one Exec even with transaction:false: one statement per file.
    runner: 'dbmate',
    files: {
      'db/migrations/20240101000000_tables.sql': `-- migrate:up\n${TABLES}\n-- migrate:down\n`,
      'db/migrations/20240102000000_indexes.sql': `-- migrate:up\n${SWAPPED}\n-- migrate:down\n`,
    },
    created: {
      'db/migrations/20240102000001_create_upstream_userprofile_customer_id_role_idx.sql': `-- migrate:up transaction:false\n${CREATE}\n\n-- migrate:down transaction:false\n${DROP_NEW}\n`,
      'db/migrations/20240102000002_drop_userprofile_customer_role_idx.sql': `-- migrate:up transaction:false\n${DROP}\n\n-- migrate:down transaction:false\n${RECREATE}\n`,
    },
  },
  {
    // golang-migrate sends a file as one query: one statement per file, with down files as the folder has them.
    runner: 'golang-migrate',
    files: {
      'migrations/000001_tables.up.sql': TABLES,
      'migrations/000001_tables.down.sql': 'DROP TABLE upstream_alertrule;\nDROP TABLE upstream_userprofile;\n',
      'migrations/000002_indexes.up.sql': SWAPPED,
      'migrations/000002_indexes.down.sql': 'DROP INDEX userprofile_customer_role_idx;\n',
    },
    created: {
      'migrations/000003_create_upstream_userprofile_customer_id_role_idx.up.sql': `${CREATE}\n`,
      'migrations/000003_create_upstream_userprofile_customer_id_role_idx.down.sql': `${DROP_NEW}\n`,
      'migrations/000004_drop_userprofile_customer_role_idx.up.sql': `${DROP}\n`,
      'migrations/000004_drop_userprofile_customer_role_idx.down.sql': `${RECREATE}\n`,
    },
  },
  {
    // Prisma sends migration.sql as one script: a migration folder per statement.
    runner: 'prisma',
    files: { 'prisma/migrations/20240101000000_tables/migration.sql': TABLES, 'prisma/migrations/20240102000000_indexes/migration.sql': SWAPPED },
    created: {
      'prisma/migrations/20240102000001_create_upstream_userprofile_customer_id_role_idx/migration.sql': `${CREATE}\n`,
      'prisma/migrations/20240102000002_drop_userprofile_customer_role_idx/migration.sql': `${DROP}\n`,
    },
  },
];

describe('index-column-order-mismatch: a new migration in the runner’s naming scheme and transaction rules', () => {
  it.each(RUNNERS.map((c) => [c.runner, c] as const))('%s', async (runner, c) => {
    const dir = copy(undefined, { ...c.files, 'queries/app.sql': TEAM_QUERIES, 'idxlint.json': JSON.stringify({ runner }) });
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    expect(fixes).toEqual([
      {
        title: `Create \`upstream_userprofile_customer_id_role_idx\` (customer_id, role) concurrently, then drop \`userprofile_customer_role_idx\`, in a new migration (${Object.keys(c.created)
          .map((p) => (p.endsWith('/migration.sql') ? p.split('/').slice(-2).join('/') : p.split('/').pop()))
          .join(', ')})`,
        safety: 'unsafe',
        files: c.created,
      },
    ]);
    for (const [path, text] of Object.entries(c.created)) {
      const m = parseSqlMigration({ path, text }, { runner });
      expect(m.operations.filter((o) => o.kind === 'create-index' || o.kind === 'drop-index').every((o) => !o.inTransaction)).toBe(true);
    }
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch', runner);
  });

  it('a runner with no numbered naming scheme gets no fix (sqitch)', async () => {
    const plan = '%syntax-version=1.0.0\n%project=app\n\nadd_tables 2024-01-01T00:00:00Z Ann <ann@example.com>\nindexes 2024-01-02T00:00:00Z Ann <ann@example.com>\n';
    const dir = copy(undefined, { 'deploy/add_tables.sql': TABLES, 'deploy/indexes.sql': SWAPPED, 'sqitch.plan': plan, 'queries/app.sql': TEAM_QUERIES, 'idxlint.json': JSON.stringify({ runner: 'sqitch' }) });
    expect((await fixesOf(dir, 'index-column-order-mismatch')).fixes).toEqual([]);
  });

  it('a runner that wraps every file in a transaction gets no fix (assumeInTransaction)', async () => {
    const dir = copy(undefined, {
      'migrations/0001_tables.sql': TABLES,
      'migrations/0002_indexes.sql': SWAPPED,
      'queries/app.sql': TEAM_QUERIES,
      'idxlint.json': JSON.stringify({ runner: 'psql', assumeInTransaction: true }),
    });
    expect((await fixesOf(dir, 'index-column-order-mismatch')).fixes).toEqual([]);
  });

  it('not committed yet: the statement is edited in place (safe), the new migration stays on offer', async () => {
    const dir = copy(undefined, { 'migrations/0001_tables.sql': TABLES, 'migrations/0002_indexes.sql': SWAPPED, 'queries/app.sql': TEAM_QUERIES, 'idxlint.json': '{"runner": "psql"}' });
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch', ['migrations/0002_indexes.sql']);
    expect(fixes.map((f) => [f.safety, f.title])).toEqual([
      ['safe', 'Change `userprofile_customer_role_idx` in place to (customer_id, role) (0002_indexes.sql is not committed yet)'],
      ['unsafe', expect.stringContaining('in a new migration (0003_fix_userprofile_customer_role_idx.sql)')],
    ]);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
    expect(read(dir, 'migrations/0002_indexes.sql')).toBe('CREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n');
  });
});

// ---------------------------------------------------------------- the other rules, SQL

interface RuleCase {
  name: string;
  rule: string;
  migration: string;
  queries: string;
  complete?: boolean;
  title: string;
  created: Record<string, string>;
}

const RULES: RuleCase[] = [
  {
    name: 'sort order, the index serves only that query: replaced',
    rule: 'index-sort-order-mismatch',
    migration: 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority, id) WHERE enabled;\n',
    queries: 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled ORDER BY routing_priority DESC, id ASC LIMIT 10;\n',
    title:
      'Create `upstream_alertrule_customer_id_routing_priority_id_idx` (customer_id, routing_priority DESC, id) WHERE enabled concurrently, then drop `alertrule_eval_idx`, in a new migration (0003_fix_alertrule_eval_idx.sql)',
    created: {
      'migrations/0003_fix_alertrule_eval_idx.sql':
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS upstream_alertrule_customer_id_routing_priority_id_idx ON upstream_alertrule (customer_id, routing_priority DESC, id) WHERE enabled;\n' +
        'DROP INDEX CONCURRENTLY IF EXISTS alertrule_eval_idx;\n',
    },
  },
  {
    name: 'sort order, another query’s best index: a new one beside it',
    rule: 'index-sort-order-mismatch',
    migration: 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority, id) WHERE enabled;\n',
    queries:
      'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled ORDER BY routing_priority DESC, id ASC LIMIT 10;\n' +
      'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled AND routing_priority > 5;\n',
    title:
      'Create `upstream_alertrule_customer_id_routing_priority_id_idx` (customer_id, routing_priority DESC, id) WHERE enabled concurrently in a new migration (0003_create_upstream_alertrule_customer_id_routing_priority_id_idx.sql)',
    created: {
      'migrations/0003_create_upstream_alertrule_customer_id_routing_priority_id_idx.sql':
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS upstream_alertrule_customer_id_routing_priority_id_idx ON upstream_alertrule (customer_id, routing_priority DESC, id) WHERE enabled;\n',
    },
  },
  {
    name: 'partial version of a full index',
    rule: 'partial-index-opportunity',
    migration: 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority DESC);\n',
    queries: 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled ORDER BY routing_priority DESC;\n',
    title:
      'Create `upstream_alertrule_customer_id_routing_priority_idx` (customer_id, routing_priority DESC) WHERE enabled concurrently, then drop `alertrule_eval_idx`, in a new migration (0003_fix_alertrule_eval_idx.sql)',
    created: {
      'migrations/0003_fix_alertrule_eval_idx.sql':
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS upstream_alertrule_customer_id_routing_priority_idx ON upstream_alertrule (customer_id, routing_priority DESC) WHERE enabled;\n' +
        'DROP INDEX CONCURRENTLY IF EXISTS alertrule_eval_idx;\n',
    },
  },
  {
    name: 'a prefix of another index is dropped',
    rule: 'redundant-index',
    migration: 'CREATE INDEX up_customer_idx ON upstream_userprofile (customer_id);\nCREATE INDEX up_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
    queries: '',
    title: 'Drop `up_customer_idx` concurrently in a new migration (0003_drop_up_customer_idx.sql)',
    created: { 'migrations/0003_drop_up_customer_idx.sql': 'DROP INDEX CONCURRENTLY IF EXISTS up_customer_idx;\n' },
  },
  {
    name: 'an index no query uses is dropped',
    rule: 'unused-index',
    migration: 'CREATE INDEX up_role_idx ON upstream_userprofile (role);\n',
    queries: 'SELECT * FROM upstream_userprofile WHERE customer_id = $1;\n',
    complete: true,
    title: 'Drop `up_role_idx` concurrently in a new migration (0003_drop_up_role_idx.sql)',
    created: { 'migrations/0003_drop_up_role_idx.sql': 'DROP INDEX CONCURRENTLY IF EXISTS up_role_idx;\n' },
  },
  {
    name: 'the suggested index, after the last migration of the table’s folder',
    rule: 'unindexed-query',
    migration: '',
    queries: 'SELECT * FROM upstream_userprofile WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20;\n',
    title: 'Create `upstream_userprofile_customer_id_created_at_idx` (customer_id, created_at DESC) concurrently in a new migration (0002_create_upstream_userprofile_customer_id_created_at_idx.sql)',
    created: {
      'migrations/0002_create_upstream_userprofile_customer_id_created_at_idx.sql':
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS upstream_userprofile_customer_id_created_at_idx ON upstream_userprofile (customer_id, created_at DESC);\n',
    },
  },
];

// ---------------------------------------------------------------- Alembic

function alembicProject(calls: string, queries: string, idxlint: object, ini = '[alembic]\nscript_location = alembic\n'): string {
  return copy(undefined, {
    'alembic.ini': ini,
    'alembic/env.py': '',
    'alembic/versions/1a2b3c4d5e6f_tables.py': ALEMBIC_TABLES,
    'alembic/versions/2b3c4d5e6f7a_indexes.py': alembicIndexes(`    with op.get_context().autocommit_block():\n${calls}`),
    'queries/app.sql': queries,
    'idxlint.json': JSON.stringify(idxlint),
  });
}

const SWAPPED_ALEMBIC = "        op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['role', 'customer_id'], postgresql_concurrently=True, if_not_exists=True)";

describe('Alembic: a new revision after the head', () => {
  it('index-column-order-mismatch on PostgreSQL: create and drop in an autocommit block, undone by downgrade()', async () => {
    const dir = alembicProject(SWAPPED_ALEMBIC, TEAM_QUERIES, { vendors: ['postgresql'] });
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    expect(fixes).toHaveLength(1);
    const [created] = Object.entries(fixes[0]!.files);
    const [path, text] = created!;
    const rev = /^alembic\/versions\/([0-9a-f]{12})_fix_userprofile_customer_role_idx\.py$/.exec(path)?.[1];
    expect(rev, path).toBeDefined();
    expect(fixes[0]!.title).toBe(
      `Create \`upstream_userprofile_customer_id_role_idx\` (customer_id, role) concurrently, then drop \`userprofile_customer_role_idx\`, in a new revision (${rev}_fix_userprofile_customer_role_idx.py)`,
    );
    expect(text).toBe(`"""fix userprofile_customer_role_idx: upstream_userprofile_customer_id_role_idx (customer_id, role) replaces it

Revision ID: ${rev}
Revises: 2b3c4d5e6f7a

Generated by idxlint.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '${rev}'
down_revision = '2b3c4d5e6f7a'
branch_labels = None
depends_on = None


def upgrade():
    # CONCURRENTLY cannot run inside the transaction Alembic opens for the revision.
    with op.get_context().autocommit_block():
        op.create_index('upstream_userprofile_customer_id_role_idx', 'upstream_userprofile', ['customer_id', 'role'], unique=False, postgresql_concurrently=True, if_not_exists=True)
        op.drop_index('userprofile_customer_role_idx', table_name='upstream_userprofile', postgresql_concurrently=True, if_exists=True)


def downgrade():
    # CONCURRENTLY cannot run inside the transaction Alembic opens for the revision.
    with op.get_context().autocommit_block():
        op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['role', 'customer_id'], unique=False, postgresql_concurrently=True, if_not_exists=True)
        op.drop_index('upstream_userprofile_customer_id_role_idx', table_name='upstream_userprofile', postgresql_concurrently=True, if_exists=True)
`);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
    // The same finding offers the same revision (the id comes from the change and the heads).
    const again = await lintFolder(alembicProject(SWAPPED_ALEMBIC, TEAM_QUERIES, { vendors: ['postgresql'] }));
    expect(again.findings.find((f) => f.rule === 'index-column-order-mismatch')!.fixes[0]!.title).toBe(finding.fixes[0]!.title);
  });

  it('index-sort-order-mismatch, PostgreSQL and SQLite: DESC as sa.text(), the predicate for each dialect', async () => {
    const calls = "        op.create_index('alertrule_eval_priority_idx', 'upstream_alertrule', ['customer_id', 'routing_priority'], postgresql_where=sa.text('enabled'), sqlite_where=sa.text('enabled'), postgresql_concurrently=True, if_not_exists=True)";
    const queries = 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled ORDER BY routing_priority DESC, id ASC LIMIT 10;\n';
    const dir = alembicProject(calls, queries, { vendors: ['postgresql', 'sqlite'] });
    const { finding, fixes } = await fixesOf(dir, 'index-sort-order-mismatch');
    const text = Object.values(fixes[0]!.files)[0]!;
    expect(text).toContain(
      "op.create_index('upstream_alertrule_customer_id_routing_priority_id_idx', 'upstream_alertrule', ['customer_id', sa.text('routing_priority DESC'), 'id'], unique=False, postgresql_where=sa.text('enabled'), sqlite_where=sa.text('enabled'), postgresql_concurrently=True, if_not_exists=True)",
    );
    expect(text).toContain("op.drop_index('alertrule_eval_priority_idx', table_name='upstream_alertrule', postgresql_concurrently=True, if_exists=True)");
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-sort-order-mismatch');
  });

  it('SQLite only: plain operations; alembic.ini’s file_template names the file', async () => {
    const plain = "        op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['role', 'customer_id'])";
    const ini = '[alembic]\nscript_location = alembic\nfile_template = %%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s\n';
    const dir = alembicProject(plain, TEAM_QUERIES, { vendors: ['sqlite'] }, ini);
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    const [path, text] = Object.entries(fixes[0]!.files)[0]!;
    expect(path).toMatch(/^alembic\/versions\/\d{4}_\d\d_\d\d-[0-9a-f]{12}_fix_userprofile_customer_role_idx\.py$/);
    expect(fixes[0]!.title).toMatch(/^Create `upstream_userprofile_customer_id_role_idx` \(customer_id, role\), then drop `userprofile_customer_role_idx`, in a new revision/);
    expect(text).toContain(
      "def upgrade():\n    op.create_index('upstream_userprofile_customer_id_role_idx', 'upstream_userprofile', ['customer_id', 'role'], unique=False)\n    op.drop_index('userprofile_customer_role_idx', table_name='upstream_userprofile')\n",
    );
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
  });

  it('not committed yet: the create_index call is rewritten in place (safe), keeping its name and flags; the new revision stays on offer', async () => {
    const dir = alembicProject(SWAPPED_ALEMBIC, TEAM_QUERIES, { vendors: ['postgresql'] });
    const revision = 'alembic/versions/2b3c4d5e6f7a_indexes.py';
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch', [revision]);
    expect(fixes.map((f) => [f.safety, f.title])).toEqual([
      ['safe', 'Change `userprofile_customer_role_idx` in place to (customer_id, role) (2b3c4d5e6f7a_indexes.py is not committed yet)'],
      ['unsafe', expect.stringMatching(/in a new revision \([0-9a-f]{12}_fix_userprofile_customer_role_idx\.py\)$/)],
    ]);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
    expect(read(dir, revision)).toContain(
      "    with op.get_context().autocommit_block():\n        op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['customer_id', 'role'], unique=False, postgresql_concurrently=True, if_not_exists=True)\n",
    );
  });

  it('not committed yet, redundant: the call removed from its revision, or `pass` when it was alone in its block', async () => {
    const composite = "        op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['customer_id', 'role'], postgresql_concurrently=True, if_not_exists=True)";
    const prefix = "        op.create_index('userprofile_customer_idx', 'upstream_userprofile', ['customer_id'], postgresql_concurrently=True, if_not_exists=True)";
    const revision = 'alembic/versions/2b3c4d5e6f7a_indexes.py';
    const together = alembicProject(`${composite}\n${prefix}`, TEAM_QUERIES, { vendors: ['postgresql'] });
    const first = await fixesOf(together, 'redundant-index', [revision]);
    expect(first.fixes[0]).toMatchObject({ safety: 'safe', title: 'Remove `userprofile_customer_idx` from 2b3c4d5e6f7a_indexes.py (not committed yet)' });
    applyFix(together, first.finding, first.finding.fixes[0]!);
    expect(read(together, revision)).toContain(`with op.get_context().autocommit_block():\n${composite}\n\n\ndef downgrade`);

    const alone = alembicProject(composite, TEAM_QUERIES, { vendors: ['postgresql'] });
    writeFileSync(
      join(alone, 'alembic/versions/3c4d5e6f7a8b_prefix.py'),
      `from alembic import op\n\nrevision = '3c4d5e6f7a8b'\ndown_revision = '2b3c4d5e6f7a'\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n${prefix}\n\n\ndef downgrade():\n    pass\n`,
    );
    const second = await fixesOf(alone, 'redundant-index', ['alembic/versions/3c4d5e6f7a8b_prefix.py']);
    applyFix(alone, second.finding, second.finding.fixes[0]!);
    const after = read(alone, 'alembic/versions/3c4d5e6f7a8b_prefix.py');
    expect(after).toContain('    with op.get_context().autocommit_block():\n        pass\n');
    const parsed = parsePython(after);
    expect(parsed.syntaxErrors).toEqual([]);
    parsed.dispose();
    expect((await lintFolder(alone)).findings.filter((f) => f.rule === 'redundant-index')).toEqual([]);
  });

  it('two heads: the new revision merges them', async () => {
    const dir = alembicProject(SWAPPED_ALEMBIC, TEAM_QUERIES, { vendors: ['postgresql'] });
    writeFileSync(
      join(dir, 'alembic/versions/3c4d5e6f7a8b_branch.py'),
      `from alembic import op\n\nrevision = '3c4d5e6f7a8b'\ndown_revision = '1a2b3c4d5e6f'\n\n\ndef upgrade():\n    op.add_column('upstream_userprofile', __import__('sqlalchemy').Column('note', __import__('sqlalchemy').Text()))\n\n\ndef downgrade():\n    pass\n`,
    );
    const { fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    const text = Object.values(fixes[0]!.files)[0]!;
    expect(text).toContain("down_revision = ('2b3c4d5e6f7a', '3c4d5e6f7a8b')");
    expect(text).toContain('Revises: 2b3c4d5e6f7a, 3c4d5e6f7a8b');
  });
});

describe('the other query-fit rules (psql)', () => {
  it.each(RULES.map((c) => [`${c.rule}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const config = c.complete ? { runner: 'psql', queries: { include: ['queries/*.sql'] } } : { runner: 'psql' };
    const dir = copy(undefined, {
      'migrations/0001_tables.sql': TABLES,
      ...(c.migration ? { 'migrations/0002_indexes.sql': c.migration } : {}),
      'queries/app.sql': c.queries,
      'idxlint.json': JSON.stringify(config),
    });
    const { finding, fixes } = await fixesOf(dir, c.rule);
    expect(fixes).toEqual([{ title: c.title, safety: 'unsafe', files: c.created }]);
    await applyAndRelint(dir, finding, finding.fixes[0]!, c.rule);
  });

  it('partial-index-not-usable has no fix: the remedy is in the application’s queries', async () => {
    const dir = copy(undefined, {
      'migrations/0001_tables.sql': TABLES,
      'migrations/0002_indexes.sql': 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority DESC) WHERE enabled;\n',
      'queries/app.sql': 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 ORDER BY routing_priority DESC;\n',
      'idxlint.json': '{"runner": "psql"}',
    });
    expect((await fixesOf(dir, 'partial-index-not-usable')).fixes).toEqual([]);
  });

  it.each([
    ['redundant-index', 'safe', 'CREATE INDEX up_customer_idx ON upstream_userprofile (customer_id);\nCREATE INDEX up_customer_role_idx ON upstream_userprofile (customer_id, role);\n', 'CREATE INDEX up_customer_role_idx ON upstream_userprofile (customer_id, role);\n'],
    ['unused-index', 'unsafe', 'CREATE INDEX up_role_idx ON upstream_userprofile (role);\nCREATE INDEX up_customer_idx ON upstream_userprofile (customer_id);\n', 'CREATE INDEX up_customer_idx ON upstream_userprofile (customer_id);\n'],
  ] as const)('%s, not committed yet: the statement is removed in place (%s)', async (rule, safety, migration, after) => {
    const dir = copy(undefined, {
      'migrations/0001_tables.sql': TABLES,
      'migrations/0002_indexes.sql': migration,
      'queries/app.sql': 'SELECT * FROM upstream_userprofile WHERE customer_id = $1;\n',
      'idxlint.json': JSON.stringify({ runner: 'psql', queries: { include: ['queries/*.sql'] } }),
    });
    const { finding, fixes } = await fixesOf(dir, rule, ['migrations/0002_indexes.sql']);
    expect(fixes[0]).toMatchObject({ safety, title: expect.stringMatching(/^Remove `up_\w+` from 0002_indexes\.sql \(not committed yet\)$/) });
    await applyAndRelint(dir, finding, finding.fixes[0]!, rule);
    expect(read(dir, 'migrations/0002_indexes.sql')).toBe(after);
  });
});

// ---------------------------------------------------------------- Django: the seed project

describe('Django: the seed project’s mistakes, replaced by a new migration and the model updated', () => {
  it('swapped composite (PostgreSQL + SQLite): 0003 reorders userprofile_customer_role_idx with the vendor-aware classes', async () => {
    const dir = copy(SEED_DJANGO);
    swapComposite(dir);
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    expect(fixes).toEqual([
      {
        title:
          'Create `upstream_us_custome_f906d4_idx` (customer_id, role) concurrently, then drop `userprofile_customer_role_idx`, in a new migration (0003_fix_userprofile_customer_role_idx.py); update UserProfile.Meta.indexes',
        safety: 'unsafe',
        files: { 'upstream/migrations/0003_fix_userprofile_customer_role_idx.py': SWAPPED_0003 },
      },
    ]);
    const before = read(dir, MODELS);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
    expect(read(dir, MODELS)).toBe(
      before.replace(
        'models.Index(\n                fields=["role", "customer"],\n                name="userprofile_customer_role_idx",\n            )',
        'models.Index(\n                fields=["customer", "role"],\n                name="upstream_us_custome_f906d4_idx",\n            )',
      ),
    );
  });

  it('swapped composite, PostgreSQL only: AddIndexConcurrently / RemoveIndexConcurrently', async () => {
    const dir = copy(SEED_DJANGO);
    swapComposite(dir);
    writeFileSync(join(dir, 'idxlint.json'), JSON.stringify({ postgresVersion: 16, vendors: ['postgresql'] }));
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch');
    expect(fixes[0]!.files).toEqual({ 'upstream/migrations/0003_fix_userprofile_customer_role_idx.py': SWAPPED_0003_POSTGRES_ONLY });
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
  });

  it('routing_priority ascending with a mixed ORDER BY: 0003 builds the index serving filter and order, drops the old one', async () => {
    const dir = copy(SEED_DJANGO);
    ascendingPriority(dir);
    const { finding, fixes } = await fixesOf(dir, 'index-sort-order-mismatch');
    expect(fixes).toEqual([
      {
        title:
          'Create `upstream_al_custome_4e404a_idx` (customer_id, routing_priority DESC, id) WHERE enabled concurrently, then drop `alertrule_eval_priority_idx`, in a new migration (0003_fix_alertrule_eval_priority_idx.py); update AlertRule.Meta.indexes',
        safety: 'unsafe',
        files: { 'upstream/migrations/0003_fix_alertrule_eval_priority_idx.py': ASCENDING_0003 },
      },
    ]);
    const before = read(dir, ALERT_MODELS);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-sort-order-mismatch');
    expect(read(dir, ALERT_MODELS)).toBe(
      before.replace(
        'fields=["customer", "routing_priority"],\n                name="alertrule_eval_priority_idx",',
        'fields=["customer", "-routing_priority", "id"],\n                name="upstream_al_custome_4e404a_idx",',
      ),
    );
  });

  it('not committed yet: the AddIndex of 0002 and the model are edited in place (safe), keeping the name', async () => {
    const dir = copy(SEED_DJANGO);
    swapComposite(dir);
    const { finding, fixes } = await fixesOf(dir, 'index-column-order-mismatch', [MIGRATION_0002]);
    expect(fixes.map((f) => [f.safety, f.title])).toEqual([
      ['safe', 'Change `userprofile_customer_role_idx` in place to (customer_id, role) in 0002_add_missing_indexes.py (not committed yet) and UserProfile.Meta.indexes'],
      ['unsafe', expect.stringContaining('in a new migration (0003_fix_userprofile_customer_role_idx.py)')],
    ]);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'index-column-order-mismatch');
    expect(read(dir, MIGRATION_0002)).toContain("index=models.Index(fields=['customer', 'role'], name='userprofile_customer_role_idx'),");
    expect(read(dir, MODELS)).toContain('fields=["customer", "role"],\n                name="userprofile_customer_role_idx",');
  });

  it('an index only the model has (no migration yet): the Meta.indexes entry is edited, nothing else', async () => {
    const dir = copy(SEED_DJANGO);
    swapComposite(dir);
    writeFileSync(
      join(dir, MODELS),
      read(dir, MODELS).replace('            ),\n        ]', '            ),\n            models.Index(fields=["role", "email"], name="userprofile_role_email_idx"),\n        ]'),
    );
    writeFileSync(join(dir, 'upstream/api/permissions.py'), `${read(dir, 'upstream/api/permissions.py')}\n\ndef by_email(email):\n    return UserProfile.objects.filter(email=email)\n`);
    const { findings } = await lintFolder(dir);
    const finding = findings.find((f) => f.rule === 'index-column-order-mismatch' && f.message.includes('userprofile_role_email_idx'))!;
    expect(finding.fixes.map((f) => [f.safety, f.title, f.createFiles])).toEqual([
      ['safe', 'Change `userprofile_role_email_idx` in place to (email, role) in UserProfile.Meta.indexes (no migration has it yet)', undefined],
    ]);
    applyFix(dir, finding, finding.fixes[0]!);
    expect(read(dir, MODELS)).toContain('models.Index(fields=["email", "role"], name="userprofile_role_email_idx"),');
  });
});

describe('Django: the other rules', () => {
  it('partial-index-opportunity: the partial version with condition=Q(enabled=True) in the migration and the model', async () => {
    const dir = copy(SEED_DJANGO);
    writeFileSync(join(dir, ALERT_MODELS), read(dir, ALERT_MODELS).replace('                condition=models.Q(enabled=True),\n', ''));
    writeFileSync(join(dir, MIGRATION_0002), read(dir, MIGRATION_0002).replace("condition=models.Q(('enabled', True)), ", ''));
    const { finding, fixes } = await fixesOf(dir, 'partial-index-opportunity');
    const text = Object.values(fixes[0]!.files)[0]!;
    expect(text).toContain("index=models.Index(condition=models.Q(enabled=True), fields=['customer', '-routing_priority'], name='upstream_al_custome_08247e_idx'),");
    expect(text).toContain("name='alertrule_eval_priority_idx',");
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'partial-index-opportunity');
    expect(read(dir, ALERT_MODELS)).toContain('name="upstream_al_custome_08247e_idx",\n                condition=models.Q(enabled=True),\n');
  });

  it('unindexed-query: AddIndex in a new migration, and a Meta class with the index for a model that had none', async () => {
    const dir = copy(SEED_DJANGO);
    writeFileSync(
      join(dir, 'upstream/api/permissions.py'),
      `${read(dir, 'upstream/api/permissions.py')}\n\ndef recent_customers(since):\n    from upstream.models import Customer\n\n    return Customer.objects.filter(created_at__gte=since).order_by("-created_at")\n`,
    );
    const { finding, fixes } = await fixesOf(dir, 'unindexed-query');
    expect(fixes[0]!.title).toBe('Create `customer_created_at_idx` (created_at DESC) concurrently in a new migration (0003_add_customer_created_at_idx.py); add it to Customer.Meta.indexes');
    const before = read(dir, MODELS);
    await applyAndRelint(dir, finding, finding.fixes[0]!, 'unindexed-query');
    expect(read(dir, MODELS)).toBe(
      before.replace(
        '    created_at = models.DateTimeField(auto_now_add=True)\n',
        '    created_at = models.DateTimeField(auto_now_add=True)\n\n    class Meta:\n        indexes = [\n            models.Index(fields=["-created_at"], name="customer_created_at_idx"),\n        ]\n',
      ),
    );
  });

  it('unused-index: RemoveIndex in a new migration, the entry removed from Meta.indexes; a foreign key’s own index gets no fix', async () => {
    const dir = copy(SEED_DJANGO);
    writeFileSync(join(dir, 'idxlint.json'), JSON.stringify({ postgresVersion: 16, queries: { include: ['upstream/**/models.py', 'upstream/api/*.py'] } }));
    const { findings } = await lintFolder(dir);
    const unused = findings.filter((f) => f.rule === 'unused-index');
    const alert = unused.find((f) => f.message.includes('alertrule_eval_priority_idx'))!;
    expect(alert.fixes.map((f) => f.title)).toEqual([
      'Drop `alertrule_eval_priority_idx` concurrently in a new migration (0003_remove_alertrule_eval_priority_idx.py); remove it from AlertRule.Meta.indexes',
    ]);
    expect(unused.filter((f) => /_like|customer_id_/.test(f.message)).every((f) => f.fixes.length === 0)).toBe(true);
    await applyAndRelint(dir, alert, alert.fixes[0]!, 'unused-index');
    expect(read(dir, ALERT_MODELS)).toContain('        indexes = [\n        ]\n');
  });

  it('redundant-index on a foreign key’s own index: no fix, the help says db_index=False', async () => {
    const dir = copy(SEED_DJANGO);
    const { findings } = await lintFolder(dir);
    const redundant = findings.find((f) => f.rule === 'redundant-index')!;
    expect([redundant.fixes, redundant.help]).toEqual([[], 'set db_index=False on the foreign key and let the composite index serve it']);
  });
});

// ---------------------------------------------------------------- applying several at once

describe('planProjectFixes (idxlint check --fix)', () => {
  it('one new migration per folder and pass; unsafe only with --unsafe-fixes; a file changed since the lint is left alone', async () => {
    const dir = copy(SEED_DJANGO);
    swapComposite(dir);
    ascendingPriority(dir);
    const { findings, sources } = await lintFolder(dir);
    const fixable = findings.filter((f) => f.fixes.length);
    expect(fixable.map((f) => f.rule).sort()).toEqual(['index-column-order-mismatch', 'index-sort-order-mismatch']);
    const current = (path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    };
    expect(planProjectFixes(fixable, { unsafe: false, sources, current }).writes).toEqual([]);
    const plan = planProjectFixes(fixable, { unsafe: true, sources, current });
    expect(plan.applied).toHaveLength(1);
    expect(plan.writes.map((w) => [w.path.slice(dir.length + 1), w.created])).toEqual([
      [MODELS, false],
      ['upstream/migrations/0003_fix_userprofile_customer_role_idx.py', true],
    ]);
    expect(planProjectFixes(fixable, { unsafe: true, sources, current: (p) => (p.endsWith(MODELS) ? 'changed' : current(p)) }).applied.map((f) => f.title)).toEqual([
      expect.stringContaining('alertrule_eval_priority_idx'),
    ]);
  });
});

describe('what has not shipped (FixSources.uncommitted, filled by the CLI)', () => {
  it('git: untracked and newly added files, not committed or ignored ones; outside a repository: none', async () => {
    const dir = copy(undefined, { 'migrations/0001_tables.sql': TABLES, 'migrations/0002_added.sql': SWAPPED, 'migrations/0003_new.sql': SWAPPED, 'ignored.sql': '', '.gitignore': 'ignored.sql\n' });
    expect(await newFilesInGit(dir)).toEqual(new Set());
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.gitignore', 'migrations/0001_tables.sql');
    git('commit', '-q', '-m', 'tables');
    git('add', 'migrations/0002_added.sql');
    expect([...(await newFilesInGit(join(dir, 'migrations')))].sort()).toEqual([join(dir, 'migrations/0002_added.sql'), join(dir, 'migrations/0003_new.sql')]);
  });
});

// ---------------------------------------------------------------- expected migrations

const SWAPPED_0003 = [
  "# Generated by idxlint: upstream_us_custome_f906d4_idx (customer_id, role) replaces",
  "# userprofile_customer_role_idx (role, customer_id), built before the old one is dropped.",
  "",
  "from django.db import migrations, models",
  "",
  "",
  "class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):",
  "    \"\"\"AddIndex that builds the index CONCURRENTLY on PostgreSQL, and plainly elsewhere.",
  "",
  "    The choice is made when the operation runs, from the connection being migrated.",
  "    The project state is AddIndex's. The migration needs `atomic = False`.",
  "    \"\"\"",
  "",
  "    def _concurrently(self):",
  "        # Imported here: django.contrib.postgres needs psycopg2, which a SQLite-only install may lack.",
  "        from django.contrib.postgres.operations import AddIndexConcurrently",
  "",
  "        return AddIndexConcurrently(model_name=self.model_name, index=self.index)",
  "",
  "    def database_forwards(self, app_label, schema_editor, from_state, to_state):",
  "        if schema_editor.connection.vendor == 'postgresql':",
  "            op = self._concurrently()",
  "        else:",
  "            op = super()",
  "        op.database_forwards(app_label, schema_editor, from_state, to_state)",
  "",
  "    def database_backwards(self, app_label, schema_editor, from_state, to_state):",
  "        if schema_editor.connection.vendor == 'postgresql':",
  "            op = self._concurrently()",
  "        else:",
  "            op = super()",
  "        op.database_backwards(app_label, schema_editor, from_state, to_state)",
  "",
  "    def describe(self):",
  "        return super().describe() + ' (concurrently on PostgreSQL)'",
  "",
  "",
  "class RemoveIndexConcurrentlyOnPostgres(migrations.RemoveIndex):",
  "    \"\"\"RemoveIndex that drops the index CONCURRENTLY on PostgreSQL, and plainly elsewhere.",
  "",
  "    The choice is made when the operation runs, from the connection being migrated.",
  "    The project state is RemoveIndex's. The migration needs `atomic = False`.",
  "    \"\"\"",
  "",
  "    def _concurrently(self):",
  "        # Imported here: django.contrib.postgres needs psycopg2, which a SQLite-only install may lack.",
  "        from django.contrib.postgres.operations import RemoveIndexConcurrently",
  "",
  "        return RemoveIndexConcurrently(model_name=self.model_name, name=self.name)",
  "",
  "    def database_forwards(self, app_label, schema_editor, from_state, to_state):",
  "        if schema_editor.connection.vendor == 'postgresql':",
  "            op = self._concurrently()",
  "        else:",
  "            op = super()",
  "        op.database_forwards(app_label, schema_editor, from_state, to_state)",
  "",
  "    def database_backwards(self, app_label, schema_editor, from_state, to_state):",
  "        if schema_editor.connection.vendor == 'postgresql':",
  "            op = self._concurrently()",
  "        else:",
  "            op = super()",
  "        op.database_backwards(app_label, schema_editor, from_state, to_state)",
  "",
  "    def describe(self):",
  "        return super().describe() + ' (concurrently on PostgreSQL)'",
  "",
  "",
  "class Migration(migrations.Migration):",
  "",
  "    atomic = False  # CONCURRENTLY cannot run inside a transaction",
  "",
  "    dependencies = [",
  "        ('upstream', '0002_add_missing_indexes'),",
  "    ]",
  "",
  "    operations = [",
  "        AddIndexConcurrentlyOnPostgres(",
  "            model_name='userprofile',",
  "            index=models.Index(fields=['customer', 'role'], name='upstream_us_custome_f906d4_idx'),",
  "        ),",
  "        RemoveIndexConcurrentlyOnPostgres(",
  "            model_name='userprofile',",
  "            name='userprofile_customer_role_idx',",
  "        ),",
  "    ]",
  "",
].join('\n');

const VENDOR_CLASSES = SWAPPED_0003.slice(SWAPPED_0003.indexOf("class AddIndexConcurrentlyOnPostgres"), SWAPPED_0003.indexOf("class Migration("));

const ASCENDING_0003 =
  [
  "# Generated by idxlint: upstream_al_custome_4e404a_idx (customer_id, routing_priority DESC, id)",
  "# WHERE enabled replaces alertrule_eval_priority_idx (customer_id, routing_priority) WHERE enabled,",
  "# built before the old one is dropped.",
  "",
  "from django.db import migrations, models",
  "",
  "",
  "",
].join('\n') +
  VENDOR_CLASSES +
  [
  "class Migration(migrations.Migration):",
  "",
  "    atomic = False  # CONCURRENTLY cannot run inside a transaction",
  "",
  "    dependencies = [",
  "        ('upstream', '0002_add_missing_indexes'),",
  "    ]",
  "",
  "    operations = [",
  "        AddIndexConcurrentlyOnPostgres(",
  "            model_name='alertrule',",
  "            index=models.Index(condition=models.Q(('enabled', True)), fields=['customer', '-routing_priority', 'id'], name='upstream_al_custome_4e404a_idx'),",
  "        ),",
  "        RemoveIndexConcurrentlyOnPostgres(",
  "            model_name='alertrule',",
  "            name='alertrule_eval_priority_idx',",
  "        ),",
  "    ]",
  "",
].join('\n');

const SWAPPED_0003_POSTGRES_ONLY = [
  "# Generated by idxlint: upstream_us_custome_f906d4_idx (customer_id, role) replaces",
  "# userprofile_customer_role_idx (role, customer_id), built before the old one is dropped.",
  "",
  "from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently",
  "from django.db import migrations, models",
  "",
  "",
  "class Migration(migrations.Migration):",
  "",
  "    atomic = False  # CONCURRENTLY cannot run inside a transaction",
  "",
  "    dependencies = [",
  "        ('upstream', '0002_add_missing_indexes'),",
  "    ]",
  "",
  "    operations = [",
  "        AddIndexConcurrently(",
  "            model_name='userprofile',",
  "            index=models.Index(fields=['customer', 'role'], name='upstream_us_custome_f906d4_idx'),",
  "        ),",
  "        RemoveIndexConcurrently(",
  "            model_name='userprofile',",
  "            name='userprofile_customer_role_idx',",
  "        ),",
  "    ]",
  "",
].join('\n');
