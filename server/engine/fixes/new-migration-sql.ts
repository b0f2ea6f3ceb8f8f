// Query-fit fixes for SQL projects: a new migration file beside the one that created the index, in its
// runner's naming scheme (`nextSequenceName`), holding `CREATE INDEX CONCURRENTLY IF NOT EXISTS <new> …`
// and `DROP INDEX CONCURRENTLY IF EXISTS <old>`, with a down section where the runner has one.
//
// Whether the statements run outside a transaction is not hard-coded per runner: the draft file is parsed
// with the runner's own model (runners.ts), the no-transaction directive it offers (dbmate
// `transaction:false`, goose `NO TRANSACTION`…) is inserted, and when a statement is still inside a
// transaction (golang-migrate and Prisma send a file as one query string, a dbmate section is one Exec)
// every statement gets a file of its own. A runner with no numbered naming scheme (sqitch, graphile's
// `current.sql`) or that wraps every file (`assumeInTransaction`) gets no fix.
import { analyzeSqlText } from '../sql/statements.js';
import { parseSqlMigration } from '../sql/migration.js';
import type { IndexDef, IndexKeyColumn } from '../query/types.js';
import type { FixSources } from '../schema/types.js';
import type { CreateIndexOp, Fix, ProjectContext, SqlRunner } from '../types.js';
import { quoteIdent } from './new-migration-names.js';
import { deleteStatement, nextSequenceName } from './sql.js';
import { type IndexChange, type IndexShape, fileName, folderOf, indexText } from './new-migration-shared.js';

export interface SqlChangeContext {
  project: ProjectContext;
  sources: FixSources;
  /** The migration the new file goes after (the index's, or the table's). */
  anchor: { path: string; runner: SqlRunner };
  /** The new index's name (replace / add). */
  name?: string;
}

// ---------------------------------------------------------------- statements

/** One key column as SQL: `routing_priority DESC`, `(lower(email)) text_pattern_ops`. */
export function keyColumnText(c: IndexKeyColumn): string {
  let text = c.column !== undefined ? quoteIdent(c.column) : `(${c.expression ?? ''})`;
  if (c.collation) text += ` COLLATE ${quoteIdent(c.collation)}`;
  if (c.opclass) text += ` ${c.opclass}`;
  if (c.direction === 'desc') text += ' DESC';
  if (c.nulls) text += ` NULLS ${c.nulls.toUpperCase()}`;
  return text;
}

const qualified = (schema: string | undefined, name: string) => (schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name));

export function createIndexStatement(index: IndexShape & { name: string }, flags = { concurrently: true, ifNotExists: true }): string {
  const head = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX${flags.concurrently ? ' CONCURRENTLY' : ''}${flags.ifNotExists ? ' IF NOT EXISTS' : ''}`;
  const using = index.method && index.method !== 'btree' ? ` USING ${index.method}` : '';
  const include = index.include.length ? ` INCLUDE (${index.include.map(quoteIdent).join(', ')})` : '';
  const where = index.predicateText ? ` WHERE ${index.predicateText}` : '';
  return `${head} ${quoteIdent(index.name)} ON ${qualified(index.schema, index.table)}${using} (${index.columns.map(keyColumnText).join(', ')})${include}${where};`;
}

export function dropIndexStatement(index: { name: string; schema?: string }): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(index.schema, index.name)};`;
}

// ---------------------------------------------------------------- file names

/** Where a migration sorts among its folder's: the numbers of its version (Flyway `V1_2__`), else its leading digits. */
function sequenceKey(path: string, runner: SqlRunner): bigint[] | undefined {
  const parts = path.split('/');
  const base = parts[parts.length - 1]!;
  if (runner === 'prisma' && base === 'migration.sql') {
    const m = /^(\d+)/.exec(parts[parts.length - 2] ?? '');
    return m ? [BigInt(m[1]!)] : undefined;
  }
  if (runner === 'flyway') {
    const m = /^V((?:\d+[._])*\d+)__/.exec(base);
    return m ? m[1]!.split(/[._]/).map((d) => BigInt(d)) : undefined;
  }
  const m = /^(\d+)/.exec(base);
  return m ? [BigInt(m[1]!)] : undefined;
}

function compareKeys(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -1n;
    const y = b[i] ?? -1n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The last migration of the anchor's folder, in its runner's order (golang-migrate: the `.up.sql` files). */
/** The last migration of each folder, found once per run (every finding in a folder asks). */
const lastByFolder = new WeakMap<FixSources, Map<string, string | undefined>>();

function lastOfFolder(sources: FixSources, anchor: SqlChangeContext['anchor']): string | undefined {
  let known = lastByFolder.get(sources);
  if (!known) lastByFolder.set(sources, (known = new Map()));
  const key = `${anchor.runner}\0${folderOf(anchor.path)}`;
  if (!known.has(key)) known.set(key, findLastOfFolder(sources, anchor));
  return known.get(key);
}

function findLastOfFolder(sources: FixSources, anchor: SqlChangeContext['anchor']): string | undefined {
  const folder = folderOf(anchor.path);
  let best: { path: string; key: bigint[] } | undefined;
  for (const m of sources.migrations) {
    if (m.runner !== anchor.runner || folderOf(m.path) !== folder) continue;
    if (anchor.runner === 'golang-migrate' && m.path.endsWith('.down.sql')) continue;
    const key = sequenceKey(m.path, anchor.runner);
    if (key && (!best || compareKeys(key, best.key) > 0 || (compareKeys(key, best.key) === 0 && m.path > best.path))) best = { path: m.path, key };
  }
  return best?.path;
}

/** The migration after `path` in the runner's naming scheme, described by `slug`; undefined for an unnumbered scheme. */
function nextMigrationPath(path: string, runner: SqlRunner, slug: string): string | undefined {
  // nextSequenceName bumps the number and appends `_concurrently` to the old description: put ours in its place.
  const bumped = nextSequenceName(path, runner);
  const slash = bumped.lastIndexOf('/') + 1;
  const dir = bumped.slice(0, slash);
  const base = bumped.slice(slash);
  if (runner === 'prisma' && base === 'migration.sql') {
    const parent = dir.replace(/\/$/, '');
    const cut = parent.lastIndexOf('/') + 1;
    const m = /^(\d+)(?:_.*)?_concurrently$/.exec(parent.slice(cut));
    return m ? `${parent.slice(0, cut)}${m[1]}_${slug}/migration.sql` : undefined;
  }
  const flyway = /^(V(?:\d+[._])*\d+)__.*_concurrently(\.sql)$/.exec(base);
  if (flyway) return `${dir}${flyway[1]}__${slug}${flyway[2]}`;
  const numbered = /^(\d+)(?:_[^.]*)?_concurrently(\..*)$/.exec(base);
  return numbered ? `${dir}${numbered[1]}_${slug}${numbered[2]}` : undefined;
}

// ---------------------------------------------------------------- file contents

interface Step {
  up: string;
  down: string;
  slug: string;
}

/** The file's text for a runner: its up/down markers around the statements. */
function layout(runner: SqlRunner, up: string[], down: string[]): string {
  switch (runner) {
    case 'dbmate':
      return `-- migrate:up\n${up.join('\n')}\n\n-- migrate:down\n${down.join('\n')}\n`;
    case 'goose':
      return `-- +goose Up\n${up.join('\n')}\n\n-- +goose Down\n${down.join('\n')}\n`;
    default:
      return `${up.join('\n')}\n`;
  }
}

/**
 * The text with the runner's no-transaction directives inserted, when that makes every index statement
 * run outside a transaction block (as the runner model judges it); undefined otherwise.
 */
function outsideTransaction(text: string, runner: SqlRunner, ctx: SqlChangeContext, statements: number): string | undefined {
  const parse = (t: string) => parseSqlMigration({ path: 'new.sql', text: t }, { runner, assumeInTransaction: ctx.project.config.assumeInTransaction });
  const ok = (t: string) => {
    const m = parse(t);
    const index = m.operations.filter((o) => o.kind === 'create-index' || o.kind === 'drop-index');
    return m.syntaxErrors.length === 0 && index.length === statements && index.every((o) => !o.inTransaction);
  };
  if (ok(text)) return text;
  const directives = (parse(text).sections ?? [])
    .filter((s) => s.wrapped && s.optOut && !s.optedOut)
    .map((s) => s.optOut!)
    .filter((d, i, all) => all.findIndex((o) => o.insertAt === d.insertAt && o.text === d.text) === i); // goose: one for the file
  let out = text;
  for (const d of [...directives].sort((a, b) => b.insertAt - a.insertAt)) out = out.slice(0, d.insertAt) + d.text + out.slice(d.insertAt);
  return directives.length && ok(out) ? out : undefined;
}

/** The new files for `steps`: one when the runner can run them all outside a transaction, else one per step. */
function planFiles(ctx: SqlChangeContext, steps: Step[], slug: string): { path: string; text: string }[] | undefined {
  const { runner } = ctx.anchor;
  let after = lastOfFolder(ctx.sources, ctx.anchor);
  if (!after) return undefined;
  const downFiles = runner === 'golang-migrate' && ctx.sources.migrations.some((m) => folderOf(m.path) === folderOf(ctx.anchor.path) && m.path.endsWith('.down.sql'));
  const files = (group: Step[], name: string): { path: string; text: string }[] | undefined => {
    const path = nextMigrationPath(after!, runner, name);
    if (!path) return undefined;
    const up = group.map((s) => s.up);
    const down = group.map((s) => s.down).reverse();
    const text = outsideTransaction(layout(runner, up, down), runner, ctx, runner === 'dbmate' || runner === 'goose' ? up.length + down.length : up.length);
    if (!text) return undefined;
    after = path;
    const out = [{ path, text }];
    if (downFiles && path.endsWith('.up.sql')) {
      const downText = outsideTransaction(`${down.join('\n')}\n`, runner, ctx, down.length);
      if (!downText) return undefined;
      out.push({ path: path.replace(/\.up\.sql$/, '.down.sql'), text: downText });
    }
    return out;
  };
  const whole = files(steps, slug);
  if (whole || steps.length === 1) return whole;
  after = lastOfFolder(ctx.sources, ctx.anchor);
  const split: { path: string; text: string }[] = [];
  for (const step of steps) {
    const one = files([step], step.slug);
    if (!one) return undefined;
    split.push(...one);
  }
  return split;
}

// ---------------------------------------------------------------- fixes

const fileList = (files: { path: string }[]) => files.map((f) => fileName(f.path)).join(', ');

/** The new migration(s) making the change, concurrently. */
export function sqlNewMigrationFix(ctx: SqlChangeContext, change: IndexChange): Fix | undefined {
  const steps: Step[] = [];
  const next = change.kind !== 'drop' && ctx.name ? { ...change.next, name: ctx.name } : undefined;
  if (change.kind !== 'drop') {
    if (!next) return undefined;
    steps.push({ up: createIndexStatement(next), down: dropIndexStatement(next), slug: `create_${next.name}` });
  }
  if (change.kind !== 'add') {
    const old = change.old;
    if (!old.name) return undefined;
    steps.push({ up: dropIndexStatement({ name: old.name, ...(old.schema ? { schema: old.schema } : {}) }), down: createIndexStatement({ ...old, name: old.name }), slug: `drop_${old.name}` });
  }
  const slug = change.kind === 'replace' ? `fix_${change.old.name}` : steps[0]!.slug;
  const files = planFiles(ctx, steps, slug.replace(/[^A-Za-z0-9_]+/g, '_'));
  if (!files) return undefined;
  const title =
    change.kind === 'add'
      ? `Create \`${next!.name}\` ${indexText(next!)} concurrently in a new migration (${fileList(files)})`
      : change.kind === 'drop'
        ? `Drop \`${change.old.name}\` concurrently in a new migration (${fileList(files)})`
        : `Create \`${next!.name}\` ${indexText(next!)} concurrently, then drop \`${change.old.name}\`, in a new migration (${fileList(files)})`;
  return { title, safety: 'unsafe', edits: [], createFiles: files };
}

/** The CREATE INDEX statement that made `old` in its (uncommitted) file. */
function statementOf(text: string, old: IndexDef): CreateIndexOp | undefined {
  const at = old.origin!.span.start;
  return analyzeSqlText(text).operations.find((o): o is CreateIndexOp => o.kind === 'create-index' && o.span.start <= at && at < o.span.end && (!old.name || o.name === old.name));
}

/** The index's own statement rewritten (replace) or deleted (drop), in its file that has not shipped yet. */
export function sqlInPlaceFix(text: string, change: Exclude<IndexChange, { kind: 'add' }>, safety: Fix['safety']): Fix | undefined {
  const { old } = change;
  const file = old.origin!.file;
  const op = statementOf(text, old);
  if (!op?.name) return undefined;
  if (change.kind === 'drop') {
    return { title: `Remove \`${op.name}\` from ${fileName(file)} (not committed yet)`, safety, edits: [{ ...deleteStatement(text, op.span), file }] };
  }
  let statement = createIndexStatement({ ...change.next, name: op.name, ...(op.schema ? { schema: op.schema } : {}) }, { concurrently: op.concurrent, ifNotExists: op.ifNotExists });
  if (!text.slice(op.span.start, op.span.end).trimEnd().endsWith(';')) statement = statement.slice(0, -1);
  return { title: `Change \`${op.name}\` in place to ${indexText(change.next)} (${fileName(file)} is not committed yet)`, safety, edits: [{ file, start: op.span.start, end: op.span.end, newText: statement }] };
}
