// The embedded PostgreSQL planner: PGlite (PostgreSQL compiled to WASM; 0.5.x embeds PostgreSQL 18).
//
// One instance per run, started on first use. A fresh PGlite runs initdb (seconds); a data directory
// saved after the first start (`pglite-<version>.tar.gz` in the cache folder) restores in about one.
// Each verification run gets its own schema (dropped at the end), each table is created when a query
// first needs it, and every query is planned with
//   enable_seqscan = off, enable_bitmapscan = off
// so the planner uses an index whenever it can (the tables are empty and never analysed, so costs
// would otherwise say "scan it"), and a plan without one (`Seq Scan`, `Disabled: true`) means no index
// is usable. Parameters are planned as a generic plan — `EXPLAIN (GENERIC_PLAN)`, PostgreSQL 16's
// spelling of PREPARE + plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE: their types are inferred
// from the columns they are compared with and their values stay unknown, exactly as the static engine
// treats them (a `$1` never proves a partial-index predicate; a custom plan with a guessed value could).
// To ask about one index alone, the table's other indexes are dropped under a savepoint that is rolled
// back, with enable_sort = off too, so a plan that still sorts proves the index cannot deliver the order.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomically } from '../atomic-write.js';
import { dirname, join } from 'node:path';
import type { IndexSetup, TableSetup } from './ddl.js';
import { createTableSql } from './ddl.js';
import { readPostgresPlan, type PgPlanNode } from './postgres-plan.js';
import type { QueryPattern } from '../query/types.js';
import { quoteIdent, renderQuery } from './render.js';
import type { PlannerView } from './types.js';

/** What idxlint needs of PGlite (a seam: tests may pass a loader that fails). */
export interface PgliteLike {
  exec(sql: string): Promise<{ rows: Record<string, unknown>[] }[]>;
  dumpDataDir(compression?: 'gzip' | 'none' | 'auto'): Promise<Blob>;
  close(): Promise<void>;
}
export type PgliteLoader = () => Promise<{ create(options: { loadDataDir?: Blob }): Promise<PgliteLike> }>;

export class PlannerUnavailableError extends Error {}

const defaultLoader: PgliteLoader = async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  return { create: (options) => PGlite.create(options) as unknown as Promise<PgliteLike> };
};

/** The installed PGlite package version, without loading it (`undefined`: not installed). */
export function pgliteVersion(): string | undefined {
  try {
    let dir = dirname(require.resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    }
  } catch {
    // not installed
  }
  return undefined;
}

export interface StartInfo {
  /** `fresh`: initdb ran; `datadir`: restored from the saved data directory. */
  mode: 'fresh' | 'datadir';
  milliseconds: number;
  /** `SELECT version()`. */
  version: string;
  major: number;
}

export interface PostgresPlannerOptions {
  /** Where the prepared data directory is kept; undefined: none is kept. */
  cacheDir?: string;
  load?: PgliteLoader;
}

export class PostgresPlanner {
  readonly vendor = 'postgresql' as const;
  private db?: Promise<{ pg: PgliteLike; info: StartInfo }>;
  private sessions = 0;

  constructor(private readonly options: PostgresPlannerOptions = {}) {}

  /** Identifies the planner in cache keys without starting it: the PGlite version fixes PostgreSQL's. */
  cacheVersion(): string {
    return `pglite@${pgliteVersion() ?? 'missing'}`;
  }

  /** Starts PGlite once; rejects with PlannerUnavailableError when it cannot. */
  start(): Promise<StartInfo> {
    this.db ??= this.boot();
    return this.db.then((d) => d.info);
  }

  get started(): boolean {
    return this.db !== undefined;
  }

  async session(): Promise<PostgresSession> {
    await this.start();
    const { pg, info } = await this.db!;
    const schema = `idxlint_verify_${process.pid}_${++this.sessions}`;
    await pg.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}; SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = on;`);
    return new PostgresSession(pg, schema, info.major);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (!db) return;
    try {
      await (await db).pg.close();
    } catch {
      // never started
    }
  }

  private async boot(): Promise<{ pg: PgliteLike; info: StartInfo }> {
    const started = performance.now();
    let module: Awaited<ReturnType<PgliteLoader>>;
    try {
      module = await (this.options.load ?? defaultLoader)();
    } catch (error) {
      throw new PlannerUnavailableError(`PGlite could not be loaded: ${(error as Error).message}`);
    }
    const saved = this.options.cacheDir ? join(this.options.cacheDir, `pglite-${pgliteVersion() ?? 'unknown'}.tar.gz`) : undefined;
    let pg: PgliteLike | undefined;
    let mode: StartInfo['mode'] = 'fresh';
    if (saved && existsSync(saved)) {
      try {
        pg = await module.create({ loadDataDir: new Blob([readFileSync(saved)]) });
        mode = 'datadir';
      } catch {
        rmSync(saved, { force: true }); // unreadable: start fresh and save it again
      }
    }
    try {
      pg ??= await module.create({});
    } catch (error) {
      throw new PlannerUnavailableError(`PGlite did not start: ${(error as Error).message}`);
    }
    if (mode === 'fresh' && saved) await saveDataDir(pg, saved);
    const version = String((await pg.exec('SELECT version() AS v'))[0]?.rows[0]?.v ?? 'PostgreSQL');
    const major = Number(/PostgreSQL (\d+)/.exec(version)?.[1] ?? 0);
    return { pg, info: { mode, milliseconds: performance.now() - started, version: version.replace(/ on .*$/, ''), major } };
  }
}

async function saveDataDir(pg: PgliteLike, path: string): Promise<void> {
  try {
    const dump = await pg.dumpDataDir('gzip');
    writeFileAtomically(path, Buffer.from(await dump.arrayBuffer()));
  } catch {
    // A read-only cache folder only costs the next run its start-up time.
  }
}

export class PostgresSession {
  private loaded = new Map<string, { setup: TableSetup; created: IndexSetup[]; notes: string[] }>();
  private failed = new Map<string, string>();
  /** The session works inside one transaction (committed now and then), each step under a savepoint:
   * PGlite pays for every commit, and a run creates hundreds of tables. */
  private inTransaction = false;
  private steps = 0;

  constructor(
    private readonly pg: PgliteLike,
    private readonly schema: string,
    readonly major: number,
  ) {}

  /** Creates the tables not created yet, all in one step when they can be created as modelled. */
  async loadMany(setups: TableSetup[]): Promise<void> {
    const fresh = [...new Map(setups.filter((s) => !this.loaded.has(s.table)).map((s) => [s.table, s])).values()];
    if (!fresh.length) return;
    const statements = fresh.flatMap((s) => [s.createTable, ...s.indexes.filter((i) => !i.skipped).map((i) => i.attempts[0]!)]);
    if (fresh.length > 1 && (await this.succeeds(statements.join(';\n')))) {
      for (const setup of fresh) this.loaded.set(setup.table, { setup, created: setup.indexes.filter((i) => !i.skipped), notes: baseNotes(setup) });
      return;
    }
    for (const setup of fresh) await this.load(setup).catch(() => undefined); // explain() reports the failure
  }

  /** Creates the table and its indexes (once per table); returns what could not be created as modelled. */
  async load(setup: TableSetup): Promise<string[]> {
    const done = this.loaded.get(setup.table);
    if (done) return done.notes;
    const failed = this.failed.get(setup.table);
    if (failed) throw new Error(failed);
    try {
      return await this.create(setup);
    } catch (error) {
      this.failed.set(setup.table, (error as Error).message);
      throw error;
    }
  }

  private async create(setup: TableSetup): Promise<string[]> {
    const notes = baseNotes(setup);
    const wanted = setup.indexes.filter((i) => !i.skipped);
    // Fast path: everything as modelled, in one step.
    if (await this.succeeds([setup.createTable, ...wanted.map((i) => i.attempts[0]!)].join(';\n'))) {
      this.loaded.set(setup.table, { setup, created: wanted, notes });
      return notes;
    }
    if (!(await this.succeeds(setup.createTable))) {
      const columns = [];
      for (const c of setup.columns) {
        const ok = await this.succeeds(`SELECT NULL::${c.type}`);
        if (!ok) notes.push(`column \`${c.name}\`: type \`${c.type}\` is unknown to PGlite, created as text`);
        columns.push(ok ? c : { ...c, type: 'text' });
      }
      const error = await this.failure(createTableSql(setup.table, columns));
      if (error) throw new Error(`cannot create table \`${setup.table}\`: ${error}`);
    }
    const created: IndexSetup[] = [];
    for (const index of wanted) {
      let error: string | undefined;
      let attempt = 0;
      for (; attempt < index.attempts.length; attempt++) {
        error = await this.failure(index.attempts[attempt]!);
        if (!error) break;
      }
      if (error) notes.push(`index \`${index.label}\` could not be created in PostgreSQL: ${error}`);
      else {
        created.push(index);
        if (attempt > 0) notes.push(`index \`${index.label}\` created as \`${index.attempts[attempt]}\``);
      }
    }
    this.loaded.set(setup.table, { setup, created, notes });
    return notes;
  }

  /** Plans many patterns: their tables created together, their EXPLAINs sent in batches (one round trip
   * each); a batch that fails is planned one by one, so one bad query costs only its own answer. */
  async explainMany(items: { setup: TableSetup; pattern: QueryPattern }[]): Promise<({ view: PlannerView } | { error: string })[]> {
    await this.loadMany(items.map((i) => i.setup));
    const answers: ({ view: PlannerView } | { error: string })[] = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const batch = items.slice(start, start + BATCH);
      let results: { rows: Record<string, unknown>[] }[] | undefined;
      if (batch.every((i) => this.loaded.has(i.setup.table))) results = await this.step(batch.flatMap((i) => explainStatements(i.pattern))).catch(() => undefined);
      for (const [n, item] of batch.entries()) {
        try {
          answers.push({ view: results ? this.read(results.slice(2 * n, 2 * n + 2), item.setup) : await this.explain(item.setup, item.pattern) });
        } catch (error) {
          answers.push({ error: firstLine((error as Error).message) });
        }
      }
    }
    return answers;
  }

  /** The plan of the pattern; with `only`, with the table's other indexes dropped (undone right after). */
  async explain(setup: TableSetup, pattern: QueryPattern, only?: IndexSetup): Promise<PlannerView> {
    await this.load(setup);
    const explains = explainStatements(pattern);
    if (!only) return this.read(await this.step(explains), setup);
    const created = this.loaded.get(setup.table)!.created;
    if (!created.includes(only)) throw new Error(`index \`${only.label}\` could not be created in PostgreSQL`);
    const others = created.filter((i) => i !== only).map((i) => quoteIdent(i.dbName));
    const drop = others.length ? [`DROP INDEX ${others.join(', ')}`] : [];
    const results = await this.step(['SET LOCAL enable_sort = off', ...drop, ...explains], { undo: true });
    return this.read(results.slice(1 + drop.length), setup);
  }

  private read([json, text]: { rows: Record<string, unknown>[] }[], setup: TableSetup): PlannerView {
    const plan = (json!.rows[0]!['QUERY PLAN'] as { Plan: PgPlanNode }[])[0]!.Plan;
    return readPostgresPlan(plan, text!.rows.map((r) => String(r['QUERY PLAN'])), setup, this.major, this.loaded.get(setup.table)!.notes);
  }

  async close(): Promise<void> {
    if (this.inTransaction) await this.pg.exec('ROLLBACK').catch(() => undefined);
    this.inTransaction = false;
    await this.pg.exec(`RESET search_path; DROP SCHEMA IF EXISTS ${this.schema} CASCADE;`).catch(() => undefined);
  }

  /** Runs statements as one step: all or none (a savepoint); `undo`: none in any case. The statements' results. */
  private async step(statements: string[] | string, options: { undo?: boolean } = {}): Promise<{ rows: Record<string, unknown>[] }[]> {
    const body = Array.isArray(statements) ? statements.join(';\n') : statements;
    const count = Array.isArray(statements) ? statements.length : 1;
    await this.begin();
    try {
      const end = options.undo ? 'ROLLBACK TO SAVEPOINT step; RELEASE SAVEPOINT step' : 'RELEASE SAVEPOINT step';
      return (await this.pg.exec(`SAVEPOINT step;\n${body};\n${end}`)).slice(1, 1 + count);
    } catch (error) {
      await this.pg.exec('ROLLBACK TO SAVEPOINT step; RELEASE SAVEPOINT step');
      throw error;
    }
  }

  /** Opens the session's transaction, committing it first now and then (locks pile up until a commit). */
  private async begin(): Promise<void> {
    if (this.inTransaction && ++this.steps < 200) return;
    if (this.inTransaction) await this.pg.exec('COMMIT');
    await this.pg.exec('BEGIN');
    this.inTransaction = true;
    this.steps = 0;
  }

  private async succeeds(sql: string): Promise<boolean> {
    return (await this.failure(sql)) === undefined;
  }

  private async failure(sql: string): Promise<string | undefined> {
    try {
      await this.step(sql);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

/** EXPLAINs per round trip when planning many patterns. */
const BATCH = 25;

/** The JSON plan (read) and the text plan (quoted) of a pattern, parameters planned generically. */
function explainStatements(pattern: QueryPattern): string[] {
  const query = renderQuery(pattern, 'postgresql');
  const generic = query.params ? ', GENERIC_PLAN' : '';
  return [`EXPLAIN (FORMAT JSON${generic}) ${query.sql}`, `EXPLAIN (COSTS OFF${generic}) ${query.sql}`];
}

function baseNotes(setup: TableSetup): string[] {
  const notes = setup.added.length ? [`columns missing from the schema model were added as guessed types: ${setup.added.join(', ')}`] : [];
  for (const index of setup.indexes) if (index.skipped) notes.push(`index \`${index.label}\` not created: ${index.skipped}`);
  return notes;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
