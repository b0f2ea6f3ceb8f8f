/**
 * Slow proof that the Alembic fixes `idxlint check --fix --unsafe-fixes` writes run on a real Alembic, SQLAlchemy
 * and PostgreSQL 15. The project's second revision builds the team index plainly and with its columns swapped
 * (`(role, customer_id)` while the queries filter by customer); the CLI
 *
 * - rewrites that `op.create_index` to build concurrently inside `autocommit_block()` (non-concurrent-index-creation),
 * - writes a new revision after the head that builds `(customer_id, role)` and drops the old index, both
 *   concurrently (index-column-order-mismatch),
 *
 * and then: `alembic upgrade head` applies everything, every index build and drop in the revisions idxlint wrote
 * ran CONCURRENTLY outside a transaction (PostgreSQL refuses CONCURRENTLY inside one, and the statement log shows
 * no open BEGIN), the indexes are as intended with none left invalid, `alembic downgrade -1` restores the old index
 * the same way, and idxlint has nothing left to say.
 *
 * Needs `scripts/setup-django-proof.sh` (PostgreSQL) and `scripts/setup-alembic-proof.sh` (a virtualenv with
 * Alembic >= 1.12 from the configured package index); without the latter the proof is skipped with a warning.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEMBIC_TABLES, TEAM_QUERIES, alembicIndexes } from '../project-rules/alembic-variants.js';
import { postgresIndexes, postgresInvalidIndexes } from './helpers/django.js';
import { findIndexBuilds, findPostgresBinDir, parseStatementLog, startPostgres, type PostgresServer } from './helpers/postgres.js';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'idxlint.js');
const ALEMBIC = join(ROOT, '.tmp', 'alembic-proof-venv', 'bin', 'alembic');
const missing = !existsSync(ALEMBIC) ? `no Alembic at ${ALEMBIC} (run scripts/setup-alembic-proof.sh)` : !findPostgresBinDir() ? 'no PostgreSQL server (run scripts/setup-django-proof.sh)' : undefined;
if (missing) console.warn(`[alembic-proof] SKIPPED: ${missing}`);

const ENV_PY = `from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
`;

const INDEXES = alembicIndexes(
  "    op.create_index('userprofile_customer_role_idx', 'upstream_userprofile', ['role', 'customer_id'])",
  "    op.drop_index('userprofile_customer_role_idx', table_name='upstream_userprofile')",
);

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function idxlint(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', '--no-cache', ...args, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!!missing)('Alembic fixes on a real Alembic and PostgreSQL', () => {
  let pg: PostgresServer;
  let dir: string;
  const database = 'alembic_proof';

  const alembic = (...args: string[]) => {
    const r = spawnSync(ALEMBIC, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...pg.env(database) } });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const run = async (...args: string[]) => {
    const offset = pg.logOffset();
    const result = alembic(...args);
    const statements = parseStatementLog(pg.readLog(offset)).filter((s) => s.database === database);
    return { ...result, builds: findIndexBuilds(statements) };
  };

  beforeAll(async () => {
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
    pg = await startPostgres();
    await pg.createDatabase(database);
    dir = join(mkdtempSync(join(tmpdir(), 'idxlint-alembic-proof-')), 'project');
    write(dir, {
      'alembic.ini': `[alembic]\nscript_location = alembic\nsqlalchemy.url = postgresql+psycopg2://${pg.user}@/${database}?host=${pg.socketDir}&port=${pg.port}\n`,
      'alembic/env.py': ENV_PY,
      'alembic/versions/1a2b3c4d5e6f_tables.py': ALEMBIC_TABLES,
      'alembic/versions/2b3c4d5e6f7a_indexes.py': INDEXES,
      'queries/app.sql': TEAM_QUERIES,
      'idxlint.json': JSON.stringify({ vendors: ['postgresql'] }),
    });
  });
  afterAll(async () => {
    await pg?.stop();
    if (dir) rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('idxlint fixes both mistakes: the plain build made concurrent, a new revision for the column order', () => {
    const before = JSON.parse(idxlint(dir, ['--format', 'json']).stdout) as { rule: string }[];
    expect(before.map((f) => f.rule).sort()).toEqual(['index-column-order-mismatch', 'non-concurrent-index-creation']);
    const fixed = idxlint(dir, ['--fix', '--unsafe-fixes']);
    expect(fixed.stdout).toContain('No findings');
    expect(readFileSync(join(dir, 'alembic/versions/2b3c4d5e6f7a_indexes.py'), 'utf8')).toContain('with op.get_context().autocommit_block():');
    expect(readdirSync(join(dir, 'alembic/versions')).filter((f) => f.endsWith('_fix_userprofile_customer_role_idx.py'))).toHaveLength(1);
  });

  it('alembic upgrade head: every build and drop concurrent, outside a transaction; the corrected index, none invalid', async () => {
    const up = await run('upgrade', 'head');
    expect(up.code, up.out).toBe(0);
    const builds = up.builds.map((b) => [b.kind, b.indexName, b.concurrently, b.inTransaction]);
    expect(builds).toEqual([
      ['create', 'userprofile_customer_role_idx', true, false],
      ['create', 'upstream_userprofile_customer_id_role_idx', true, false],
      ['drop', 'userprofile_customer_role_idx', true, false],
    ]);
    const indexes = (await postgresIndexes(pg, database)).filter((i) => i.table === 'upstream_userprofile').map((i) => i.def);
    expect(indexes.sort()).toEqual([
      'CREATE INDEX upstream_userprofile_customer_id_role_idx ON public.upstream_userprofile USING btree (customer_id, role)',
      'CREATE UNIQUE INDEX upstream_userprofile_pkey ON public.upstream_userprofile USING btree (id)',
    ]);
    expect(await postgresInvalidIndexes(pg, database)).toEqual([]);
  });

  it('alembic downgrade -1 brings the old index back, concurrently, and drops the new one', async () => {
    const down = await run('downgrade', '-1');
    expect(down.code, down.out).toBe(0);
    expect(down.builds.map((b) => [b.kind, b.indexName, b.concurrently, b.inTransaction])).toEqual([
      ['create', 'userprofile_customer_role_idx', true, false],
      ['drop', 'upstream_userprofile_customer_id_role_idx', true, false],
    ]);
    const names = (await postgresIndexes(pg, database)).filter((i) => i.table === 'upstream_userprofile').map((i) => i.name).sort();
    expect(names).toEqual(['upstream_userprofile_pkey', 'userprofile_customer_role_idx']);
    const again = await run('upgrade', 'head');
    expect(again.code, again.out).toBe(0);
  });

  it('idxlint has nothing left to say', () => {
    const after = idxlint(dir, ['--format', 'json']);
    expect(JSON.parse(after.stdout)).toEqual([]);
    expect(after.code).toBe(0);
  });
});
