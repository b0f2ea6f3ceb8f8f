// Fixes for the query-fit rules. An index that already shipped is never edited in place (that changes
// nothing in a database that already ran the migration): the fix is a new migration that creates the
// corrected index concurrently and drops the wrong one (Django: new-migration-django.ts, which also
// updates the model's `Meta.indexes`; Alembic: new-migration-alembic.ts, a new revision; SQL runners:
// new-migration-sql.ts). An index whose migration is not
// committed yet (`FixSources.uncommitted`), or a model index no migration has yet, is also offered an
// edit in place.
//
// Safety: a new migration changes what deploys, so it is always unsafe (`--fix --unsafe-fixes`, or the
// editor). An edit in place is what the rule says (`inPlaceSafety`): safe for a correction, unsafe for
// a drop that is a judgement call.
//
//   indexChangeFixes(ctx, { kind: 'replace', old: index, next: { ...index, columns: better } }, { inPlaceSafety: 'safe' })
//
// Without `knowledge.fixSources` (no face filled them) there is no fix.
import { withLineEndings } from '../python/fix-edits.js';
import type { IndexDef } from '../query/types.js';
import type { FixSources, ProjectKnowledge } from '../schema/types.js';
import { SQL_RUNNERS, type Fix, type FixSafety, type ProjectContext, type Runner, type SqlRunner } from '../types.js';
import { alembicInPlaceFix, alembicNewMigrationFix } from './new-migration-alembic.js';
import { djangoInPlaceFix, djangoNewMigrationFix, type DjangoChangeContext } from './new-migration-django.js';
import { sqlIndexName } from './new-migration-names.js';
import { sourceFile, type IndexChange } from './new-migration-shared.js';
import { sqlInPlaceFix, sqlNewMigrationFix } from './new-migration-sql.js';

export type { IndexChange, IndexShape } from './new-migration-shared.js';
export { keyText } from './new-migration-shared.js';

export interface QueryFitFixContext {
  project: ProjectContext;
  knowledge: ProjectKnowledge;
}

export interface IndexChangeOptions {
  /** Safety of editing an index that has not shipped in place (default: unsafe). */
  inPlaceSafety?: FixSafety;
}

const isSqlRunner = (r: Runner | undefined): r is SqlRunner => !!r && (SQL_RUNNERS as readonly string[]).includes(r);

type Framework = { kind: 'django' } | { kind: 'alembic'; anchor: string } | { kind: 'sql'; anchor: { path: string; runner: SqlRunner } };

function runnerOf(sources: FixSources, path: string | undefined): Runner | undefined {
  return path === undefined ? undefined : sourceFile(sources, path)?.runner;
}

/** Which kind of project the change is made in, from where the index (or its table) was defined. */
function frameworkOf(ctx: QueryFitFixContext, sources: FixSources, change: IndexChange): Framework | undefined {
  if (change.kind !== 'add') {
    const origin = change.old.origin;
    if (!origin) return undefined;
    if (origin.source === 'model') return { kind: 'django' };
    const runner = runnerOf(sources, origin.file);
    if (runner === 'django') return { kind: 'django' };
    if (runner === 'alembic') return { kind: 'alembic', anchor: origin.file };
    return isSqlRunner(runner) ? { kind: 'sql', anchor: { path: origin.file, runner } } : undefined;
  }
  const table = ctx.knowledge.schema.tables.get(change.next.table.toLowerCase());
  if (!table) return undefined;
  if (table.model || runnerOf(sources, table.origin?.file) === 'django') return { kind: 'django' };
  for (const path of [table.origin?.file, ...table.indexes.map((i) => (i.origin?.source === 'migration' ? i.origin.file : undefined))]) {
    const runner = runnerOf(sources, path);
    if (runner === 'alembic') return { kind: 'alembic', anchor: path! };
    if (isSqlRunner(runner)) return { kind: 'sql', anchor: { path: path!, runner } };
  }
  return undefined;
}

/** Every index name of the schema, collected once per knowledge (each finding's fix asks). */
const namesByKnowledge = new WeakMap<ProjectKnowledge, Set<string>>();

function takenNames(knowledge: ProjectKnowledge): (name: string) => boolean {
  let names = namesByKnowledge.get(knowledge);
  if (!names) {
    names = new Set<string>();
    for (const t of knowledge.schema.tables.values()) for (const i of t.indexes) if (i.name) names.add(i.name);
    namesByKnowledge.set(knowledge, names);
  }
  const known = names;
  return (name) => known.has(name);
}

/** The old index has not shipped: its migration is not committed, or only the model defines it. */
function notShipped(sources: FixSources, old: IndexDef): boolean {
  return old.origin?.source === 'model' || (!!old.origin && sources.uncommitted.has(old.origin.file));
}

/** The fixes for a change of the project's indexes, best first: the edit in place (when the index has not shipped), then the new migration. */
export function indexChangeFixes(ctx: QueryFitFixContext, change: IndexChange, options: IndexChangeOptions = {}): Fix[] {
  const sources = ctx.knowledge.fixSources;
  if (!sources) return [];
  const framework = frameworkOf(ctx, sources, change);
  if (!framework) return [];
  const inPlaceSafety = options.inPlaceSafety ?? 'unsafe';
  const taken = takenNames(ctx.knowledge);
  const fixes: (Fix | undefined)[] = [];
  const shipped = change.kind === 'add' || !notShipped(sources, change.old);
  if (framework.kind === 'django') {
    const d: DjangoChangeContext = { project: ctx.project, sources, taken };
    if (change.kind !== 'add' && !shipped) fixes.push(djangoInPlaceFix(d, change, inPlaceSafety));
    if (change.kind === 'add' || change.old.origin?.source === 'migration') fixes.push(djangoNewMigrationFix(d, change));
  } else if (framework.kind === 'alembic') {
    if (change.kind !== 'add' && !shipped) fixes.push(alembicInPlaceFix({ project: ctx.project, sources }, change, inPlaceSafety));
    const name = change.kind === 'drop' ? undefined : sqlIndexName(change.next.table, change.next.columns, taken);
    fixes.push(alembicNewMigrationFix({ project: ctx.project, sources, anchor: framework.anchor, ...(name ? { name } : {}) }, change));
  } else {
    if (change.kind !== 'add' && !shipped) {
      const text = sourceFile(sources, framework.anchor.path)?.text;
      if (text !== undefined) fixes.push(sqlInPlaceFix(text, change, inPlaceSafety));
    }
    const name = change.kind === 'drop' ? undefined : sqlIndexName(change.next.table, change.next.columns, taken);
    fixes.push(sqlNewMigrationFix({ project: ctx.project, sources, anchor: framework.anchor, ...(name ? { name } : {}) }, change));
  }
  return fixes.filter((f): f is Fix => !!f).map((f) => withFileLineEndings(f, sources));
}

/** Edits of a CRLF file written with CRLF (the builders write `\n`). */
function withFileLineEndings(fix: Fix, sources: FixSources): Fix {
  const textOf = (file: string | undefined) =>
    file === undefined ? undefined : sourceFile(sources, file)?.text;
  return { ...fix, edits: fix.edits.map((e) => withLineEndings({ edits: [e] }, textOf(e.file) ?? '').edits[0]!) };
}
