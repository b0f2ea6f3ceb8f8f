// Query-fit fixes for Django: a new migration in the app's `migrations/` folder (next number, a name that
// says what it does, `dependencies` on the app's leaf migration) that builds the new index before it
// drops the old one, concurrently on PostgreSQL, with `atomic = False`, plus the same change in the
// model's `Meta.indexes`, so the model state the migrations build equals the models and
// `makemigrations --check` stays clean.
//
// The operations follow the Django fix provider's vendor logic (django-edits.ts): a project that also
// runs on SQLite gets the vendor-aware classes `AddIndexConcurrentlyOnPostgres` /
// `RemoveIndexConcurrentlyOnPostgres` defined in the migration (their text comes from `vendorClassText`),
// a PostgreSQL-only project `AddIndexConcurrently` / `RemoveIndexConcurrently`, a SQLite-only one the
// plain `AddIndex` / `RemoveIndex` (and no `atomic = False`).
//
// Only what the Django state can express is fixed: plain B-tree `Meta.indexes` entries on fields (no
// expressions, opclasses, collations or NULLS placement). Indexes Django makes for a field (`db_index`, a
// ForeignKey) or a constraint get no fix: the remedy is `db_index=False` on the field, whose AlterField
// Django would run with a plain `DROP INDEX`.
import { buildModelRegistry } from '../orm/models.js';
import type { OrmRegistry } from '../orm/registry.js';
import type { OrmModel } from '../orm/types.js';
import { pyString } from '../python/fix-edits.js';
import { appLabelFromPath, migrationNameFromPath } from '../python/django-names.js';
import { readImports } from '../python/imports.js';
import { parsePythonShared } from '../python/parser.js';
import type { Term } from '../query/types.js';
import type { FixSources } from '../schema/types.js';
import type { Fix, ProjectContext, Span, TextEdit } from '../types.js';
import { POSTGRES_OPERATIONS, VARIANTS, vendorClassText, type IndexVerb } from './django-edits.js';
import { argumentText, indexCallAt, metaIndexesInsert, operationIndexCall, removeItem, rewriteCall, type IndexCallSite } from './new-migration-django-source.js';
import { djangoIndexName, migrationSlug } from './new-migration-names.js';
import { fileName, indexText, latestQuote, quoteOf, sourceFile, type IndexChange, type IndexShape } from './new-migration-shared.js';

export interface DjangoChangeContext {
  project: ProjectContext;
  sources: FixSources;
  /** Index names the schema already has. */
  taken: (name: string) => boolean;
}

// ---------------------------------------------------------------- the model

const registries = new WeakMap<FixSources, OrmRegistry>();

function registryOf(sources: FixSources): OrmRegistry {
  let registry = registries.get(sources);
  if (!registry) registries.set(sources, (registry = sources.registry ?? buildModelRegistry(sources.python)));
  return registry;
}

interface ModelTarget {
  model: OrmModel;
  registry: OrmRegistry;
  /** The models module's text. */
  text: string;
  /** The app's migrations folder and its files. */
  folder: string;
  migrations: { path: string; text: string }[];
}

/** The concrete model behind `table`, its module and its app's migrations (in `folder` when given). */
function modelTarget(ctx: DjangoChangeContext, table: string, folder?: string): ModelTarget | undefined {
  const registry = registryOf(ctx.sources);
  const model = registry.modelOfTable(table);
  if (!model || model.abstract || model.proxy || model.unmanaged || model.builtin) return undefined;
  const text = sourceFile(ctx.sources, model.file)?.text;
  if (text === undefined) return undefined;
  const migrations = appMigrations(ctx.sources, folder ? { folder } : { app: model.app });
  const dir = folder ?? (migrations[0] && dirOf(migrations[0].path));
  if (!dir || !migrations.length) return undefined;
  return { model, registry, text, folder: dir, migrations };
}

const dirOf = (path: string) => path.replace(/\\/g, '/').replace(/\/[^/]*$/, '');

/** The numbered Django migrations of an app (or of one migrations folder), grouped once per run. */
const groupedMigrations = new WeakMap<FixSources, { byApp: Map<string, FixSources['migrations']>; byFolder: Map<string, FixSources['migrations']> }>();

function appMigrations(sources: FixSources, key: { app: string } | { folder: string }): FixSources['migrations'] {
  let groups = groupedMigrations.get(sources);
  if (!groups) {
    groups = { byApp: new Map(), byFolder: new Map() };
    for (const m of sources.migrations) {
      if (m.runner !== 'django' || !/^\d+_?\w*$/.test(migrationNameFromPath(m.path))) continue;
      const app = appLabelFromPath(m.path);
      if (app) groups.byApp.set(app, [...(groups.byApp.get(app) ?? []), m]);
      const dir = dirOf(m.path);
      groups.byFolder.set(dir, [...(groups.byFolder.get(dir) ?? []), m]);
    }
    groupedMigrations.set(sources, groups);
  }
  return ('app' in key ? groups.byApp.get(key.app) : groups.byFolder.get(key.folder)) ?? [];
}

/** The field a column belongs to (`customer_id` → `customer`). */
function fieldOf(target: ModelTarget, column: string): string | undefined {
  for (const f of target.model.fields.values()) if (f.column === column) return f.name;
  return undefined;
}

/** `fields=[…]` entries for the index's key (`-field` for DESC), when Django can say it that way. */
function fieldsOf(target: ModelTarget, index: IndexShape): { field: string; column: string; desc: boolean }[] | undefined {
  if (index.unique || (index.method && index.method !== 'btree')) return undefined;
  const out: { field: string; column: string; desc: boolean }[] = [];
  for (const c of index.columns) {
    if (c.column === undefined || c.nulls || c.opclass || c.collation) return undefined;
    const field = fieldOf(target, c.column);
    if (!field) return undefined;
    out.push({ field, column: c.column, desc: c.direction === 'desc' });
  }
  return out.length ? out : undefined;
}

/** `condition=` for a predicate of constant terms: `Q(enabled=True, deleted_at__isnull=True)`. */
function qArguments(target: ModelTarget, terms: Term[]): string | undefined {
  const parts: string[] = [];
  for (const t of terms) {
    if (!('column' in t)) return undefined;
    const field = fieldOf(target, t.column);
    if (!field) return undefined;
    if (t.op === 'bool') parts.push(`${field}=${t.value ? 'True' : 'False'}`);
    else if (t.op === 'is-null') parts.push(`${field}__isnull=True`);
    else if (t.op === 'is-not-null') parts.push(`${field}__isnull=False`);
    else if (t.op === '=' && (typeof t.value === 'boolean' || typeof t.value === 'number')) parts.push(`${field}=${t.value === true ? 'True' : t.value === false ? 'False' : t.value}`);
    else return undefined;
  }
  return parts.join(', ');
}

// ---------------------------------------------------------------- the migration

type Mode = 'portable' | 'postgresql' | 'plain';

function modeOf(project: ProjectContext): Mode {
  if (!project.vendors.includes('postgresql')) return 'plain';
  return project.vendors.includes('sqlite') ? 'portable' : 'postgresql';
}

/** The app's leaf migrations (the highest number; several when they have not been merged) and the next
 * number; once per folder's list (every finding on the app's tables asks). */
const nextByMigrations = new WeakMap<ModelTarget['migrations'], { number: string; leaves: string[] } | undefined>();

function nextMigration(target: ModelTarget): { number: string; leaves: string[] } | undefined {
  if (nextByMigrations.has(target.migrations)) return nextByMigrations.get(target.migrations);
  const next = computeNextMigration(target);
  nextByMigrations.set(target.migrations, next);
  return next;
}

function computeNextMigration(target: ModelTarget): { number: string; leaves: string[] } | undefined {
  const numbered = target.migrations
    .map((m) => ({ name: migrationNameFromPath(m.path), n: /^(\d+)/.exec(migrationNameFromPath(m.path))?.[1] }))
    .filter((m): m is { name: string; n: string } => m.n !== undefined);
  if (!numbered.length) return undefined;
  const top = numbered.reduce((a, b) => (BigInt(b.n) > BigInt(a.n) ? b : a));
  const leaves = numbered.filter((m) => BigInt(m.n) === BigInt(top.n)).map((m) => m.name).sort();
  return { number: (BigInt(top.n) + 1n).toString().padStart(Math.max(4, top.n.length), '0'), leaves };
}

interface Operation {
  verb: IndexVerb;
  modelName: string;
  /** `index=` (add) or `name=` (remove) argument text. */
  argument: string;
}

/** `# …` lines of at most 100 characters. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length > 1 && line.length + 1 + word.length > 100) (lines.push(line), (line = '#'));
    line += ` ${word}`;
  }
  return [...lines, line];
}

function migrationText(target: ModelTarget, mode: Mode, leaves: string[], operations: Operation[], header: string): string {
  const q = migrationQuote(target);
  const u = '    ';
  const verbs = [...new Set(operations.map((o) => o.verb))].sort();
  const lines = [...comment(`Generated by idxlint: ${header}`), ''];
  if (mode === 'postgresql') lines.push(`from ${POSTGRES_OPERATIONS} import ${verbs.map((v) => VARIANTS[v].concurrent).join(', ')}`);
  lines.push('from django.db import migrations, models', '', '');
  if (mode === 'portable') for (const v of verbs) lines.push(vendorClassText(VARIANTS[v], `migrations.${VARIANTS[v].base}`, q, u), '');
  lines.push('class Migration(migrations.Migration):', '');
  if (mode !== 'plain') lines.push(`${u}atomic = False  # CONCURRENTLY cannot run inside a transaction`, '');
  lines.push(`${u}dependencies = [`, ...leaves.map((l) => `${u}${u}(${pyString(target.model.app, q)}, ${pyString(l, q)}),`), `${u}]`, '');
  lines.push(`${u}operations = [`);
  for (const op of operations) {
    const cls = mode === 'portable' ? VARIANTS[op.verb].className : mode === 'postgresql' ? VARIANTS[op.verb].concurrent : `migrations.${VARIANTS[op.verb].base}`;
    lines.push(`${u}${u}${cls}(`, `${u}${u}${u}model_name=${pyString(op.modelName, q)},`, `${u}${u}${u}${op.verb === 'add' ? 'index' : 'name'}=${op.argument},`, `${u}${u}),`);
  }
  lines.push(`${u}]`, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------- fixes

/** What both the new-migration and the in-place fixes need to know about a change. */
interface Plan {
  target: ModelTarget;
  /** The old index's `Meta.indexes` entry, for replace and drop. */
  entry?: IndexCallSite & { span: Span };
  /** The new index: its name, its `Index(…)` call for a migration, its keyword values for the model entry
   * (undefined: remove the argument), and a whole new model entry (add). */
  next?: { name: string; migrationCall?: string; modelValues: Record<string, string | undefined>; newEntry?: string };
}

function plan(ctx: DjangoChangeContext, change: IndexChange, inPlace: boolean): Plan | undefined {
  const old = change.kind === 'add' ? undefined : change.old;
  if (old && (!old.name || old.origin?.source === 'implicit')) return undefined;
  const originMigration = old?.origin?.source === 'migration' ? old.origin.file : undefined;
  const table = change.kind === 'drop' ? change.old.table : change.next.table;
  const target = modelTarget(ctx, table, originMigration && dirOf(originMigration));
  if (!target) return undefined;
  let entry: Plan['entry'];
  if (old) {
    // Not a Meta.indexes entry idxlint can rewrite: the model state would drift from the migrations.
    const span = target.model.indexes.find((s) => s.kind === 'meta-index' && s.index.name === old.name)?.index.origin?.span;
    const site = span && indexCallAt(target.text, span);
    if (!site) return undefined;
    entry = { ...site, span: span! };
  }
  if (change.kind === 'drop') return { target, ...(entry ? { entry } : {}) };
  const next = newIndex(ctx, target, change, entry, inPlace);
  return next && { target, ...(entry ? { entry } : {}), next };
}

/** How the models module reaches `django.db.models.Index` and `Q`. */
const namesByText = new Map<string, { index?: string; q?: string }>();

function modelNames(text: string): { index?: string; q?: string } {
  const known = namesByText.get(text);
  if (known) return known;
  const imports = readImports(parsePythonShared(text));
  const index = imports.localName('django.db.models.Index');
  const q = imports.localName('django.db.models.Q');
  const names = { ...(index ? { index } : {}), ...(q ? { q } : {}) };
  namesByText.set(text, names);
  return names;
}

/** The quote style of the app's migrations (its latest one), for the migration text idxlint writes. */
function migrationQuote(target: ModelTarget): "'" | '"' {
  return latestQuote(target.migrations);
}

function newIndex(ctx: DjangoChangeContext, target: ModelTarget, change: Exclude<IndexChange, { kind: 'drop' }>, entry: Plan['entry'], inPlace: boolean): Plan['next'] {
  const old = change.kind === 'replace' ? change.old : undefined;
  const keys = fieldsOf(target, change.next);
  const include = change.next.include.map((c) => fieldOf(target, c));
  if (!keys || include.some((f) => !f)) return undefined;
  const name = inPlace && old?.name ? old.name : djangoIndexName(target.model.name, target.model.table, keys, ctx.taken);
  const names = modelNames(target.text);
  // The condition: as written where the predicate stays, else rendered from its terms as a Q object.
  const oldCall = old?.origin?.source === 'migration' ? operationIndexCall(sourceFile(ctx.sources, old.origin.file)?.text ?? '', old.origin.span) : undefined;
  const samePredicate = !!old && (change.next.predicateText ?? '') === (old.predicateText ?? '');
  let migrationCondition: string | undefined;
  let modelCondition: string | undefined;
  if (change.next.predicate?.length) {
    if (samePredicate && entry && (oldCall || old?.origin?.source === 'model')) {
      modelCondition = argumentText(entry, 'condition');
      migrationCondition = oldCall ? argumentText(oldCall, 'condition') : undefined;
    }
    if (!modelCondition || (!migrationCondition && oldCall)) {
      const args = qArguments(target, change.next.predicate);
      if (!args || !names.q) return undefined;
      modelCondition = `${names.q}(${args})`;
      migrationCondition = `models.Q(${args})`;
    }
  }
  const mq = migrationQuote(target);
  const q = quoteOf(target.text);
  const list = (items: string[], quote: "'" | '"') => `[${items.map((i) => pyString(i, quote)).join(', ')}]`;
  const fieldNames = keys.map((k) => `${k.desc ? '-' : ''}${k.field}`);
  const migrationArgs: Record<string, string | undefined> = {
    condition: migrationCondition,
    db_tablespace: oldCall && argumentText(oldCall, 'db_tablespace'),
    fields: list(fieldNames, mq),
    include: include.length ? list(include as string[], mq) : undefined,
    name: pyString(name, mq),
  };
  // makemigrations writes the keyword arguments in sorted order.
  const migrationCall = change.next.predicate?.length && !migrationCondition ? undefined : `models.Index(${Object.entries(migrationArgs)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')})`;
  const modelValues: Record<string, string | undefined> = {
    fields: list(fieldNames, q),
    name: pyString(name, q),
    include: include.length ? list(include as string[], q) : undefined,
    condition: modelCondition,
  };
  if (entry) return { name, migrationCall, modelValues };
  if (!names.index) return undefined;
  const newEntry = `${names.index}(${Object.entries(modelValues)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')})`;
  return { name, migrationCall, modelValues, newEntry };
}

/** The model edit that goes with a change: the entry rewritten, removed, or added. */
function modelEdit(p: Plan, change: IndexChange): TextEdit | undefined {
  const file = p.target.model.file;
  if (change.kind === 'drop') return p.entry ? { ...removeItem(p.target.text, p.entry.span), file } : undefined;
  if (p.entry) return { file, start: p.entry.span.start, end: p.entry.span.end, newText: rewriteCall(p.entry, p.next!.modelValues) };
  const insert = p.next?.newEntry ? metaIndexesInsert(p.target.text, p.target.model, p.next.newEntry) : undefined;
  return insert && { ...insert, file };
}

/** A new migration making the change, and the model's `Meta.indexes` edited to match. */
export function djangoNewMigrationFix(ctx: DjangoChangeContext, change: IndexChange): Fix | undefined {
  const p = plan(ctx, change, false);
  const next = p && nextMigration(p.target);
  if (!p || !next) return undefined;
  const modelName = p.target.model.name.toLowerCase();
  const oldName = change.kind === 'add' ? undefined : change.old.name!;
  const slug = change.kind === 'replace' ? `fix_${oldName}` : change.kind === 'add' ? `add_${p.next!.name}` : `remove_${oldName}`;
  const name = `${next.number}_${migrationSlug(slug)}`;
  const path = `${p.target.folder}/${name}.py`;
  if (sourceFile(ctx.sources, path)) return undefined;
  const operations: Operation[] = [];
  if (p.next && !p.next.migrationCall) return undefined;
  if (p.next) operations.push({ verb: 'add', modelName, argument: p.next.migrationCall! });
  const mq = migrationQuote(p.target);
  if (oldName) operations.push({ verb: 'remove', modelName, argument: pyString(oldName, mq) });
  const mode = modeOf(ctx.project);
  const what = indexText;
  const header =
    change.kind === 'replace'
      ? `${p.next!.name} ${what(change.next)} replaces ${oldName} ${what(change.old)}, built before the old one is dropped.`
      : change.kind === 'add'
        ? `${p.next!.name} ${what(change.next)} on ${change.next.table}.`
        : `drops ${oldName} ${what(change.old)}.`;
  const text = migrationText(p.target, mode, next.leaves, operations, header);
  const edit = modelEdit(p, change);
  if (!edit) return undefined;
  const how = mode === 'plain' ? '' : ' concurrently';
  const file = `${name}.py`;
  const title =
    change.kind === 'replace'
      ? `Create \`${p.next!.name}\` ${what(change.next)}${how}, then drop \`${oldName}\`, in a new migration (${file}); update ${p.target.model.name}.Meta.indexes`
      : change.kind === 'add'
        ? `Create \`${p.next!.name}\` ${what(change.next)}${how} in a new migration (${file}); add it to ${p.target.model.name}.Meta.indexes`
        : `Drop \`${oldName}\`${how} in a new migration (${file}); remove it from ${p.target.model.name}.Meta.indexes`;
  return { title, safety: 'unsafe', edits: [edit], createFiles: [{ path, text }] };
}

/**
 * The change made where the index is defined, when that has not shipped: the uncommitted migration's
 * AddIndex (and the model), or only the model when no migration has the index yet.
 */
export function djangoInPlaceFix(ctx: DjangoChangeContext, change: Exclude<IndexChange, { kind: 'add' }>, safety: Fix['safety']): Fix | undefined {
  const origin = change.old.origin!;
  const p = plan(ctx, change, true);
  if (!p) return undefined;
  const edits: TextEdit[] = [];
  const model = modelEdit(p, change);
  if (!model) return undefined;
  edits.push(model);
  if (origin.source === 'migration') {
    const text = sourceFile(ctx.sources, origin.file)?.text;
    if (text === undefined) return undefined;
    if (change.kind === 'drop') edits.push({ ...removeItem(text, origin.span), file: origin.file });
    else {
      const site = operationIndexCall(text, origin.span);
      if (!site || !p.next!.migrationCall) return undefined;
      edits.push({ file: origin.file, start: site.call.span.start, end: site.call.span.end, newText: p.next!.migrationCall! });
    }
  }
  const where = origin.source === 'migration' ? `${fileName(origin.file)} (not committed yet) and ${p.target.model.name}.Meta.indexes` : `${p.target.model.name}.Meta.indexes (no migration has it yet)`;
  const title =
    change.kind === 'drop'
      ? `Remove \`${change.old.name}\` from ${where}`
      : `Change \`${change.old.name}\` in place to ${indexText(change.next)} in ${where}`;
  return { title, safety, edits };
}

