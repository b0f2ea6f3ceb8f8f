// Indexes and constraints Django creates for a field: `CreateModel` fields, `AddField`, `AlterField`.
//
// CreateModel / AddField: `unique` → inline UNIQUE (PostgreSQL names it `<table>_<column>_key`);
// `db_index and not unique` (ForeignKey / SlugField by default) → CREATE INDEX `<table>_<column>_<hash>`;
// on PostgreSQL a varchar / text column with either also gets `<…>_like` (pattern ops).
// AlterField: only the difference from the old field counts (Django's `_alter_field`). When the old field
// is unknown (no model state for the app), an explicit `db_index=True` / `unique=True` is taken as new
// and implicit defaults (a ForeignKey's index) as unchanged, so an AlterField that only changes
// `on_delete` or `related_name` creates nothing.
import type { Span } from '../types.js';
import { djangoAddConstraint, djangoCreateIndex, emit, opBase, plainColumns, type DjangoContext } from './django-context.js';
import { djangoIndexName, maxNameLength, postgresUniqueKeyName, truncateName } from './django-names.js';
import { hasLikeIndex, hasPlainIndex, likeOpclass, readField, type DjangoField } from './django-models.js';
import type { PythonCallSite, PythonOperationInfo } from './model.js';
import { asBool, asText, kwarg, type PyCall } from './values.js';

type Mode = 'create' | 'add' | 'alter';
type Reason = NonNullable<PythonOperationInfo['field']>['reason'];

function indexReason(f: DjangoField): Reason {
  return f.relation ? 'foreign-key' : f.cls.endsWith('SlugField') && !f.unique ? 'slug' : 'db_index';
}

/** Registers the field on the model and emits what it creates. */
export function fieldOperations(
  ctx: DjangoContext,
  model: string,
  name: string,
  fieldCall: PyCall,
  mode: Mode,
  site: PythonCallSite,
): void {
  const field = readField(name, fieldCall);
  const old = ctx.registry.field(model, name);
  ctx.registry.ensure(model).fields.set(name, field);
  if (ctx.registry.isUnmanaged(model)) return;
  const table = ctx.registry.table(model);
  const created = ctx.registry.isCreatedInFile(model);
  const postgres = ctx.vendor === 'postgresql';
  const col = field.column;
  const add = (e: Parameters<typeof createIndex>[1]) => createIndex(ctx, e, site, table, created, fieldCall.span);

  if (field.manyToMany) {
    if (!field.through && mode !== 'alter') manyToManyTable(ctx, model, name, fieldCall, site);
    return;
  }

  if (mode !== 'alter') {
    if (field.unique && !field.primaryKey) addUnique(ctx, site, table, created, field, postgres ? postgresUniqueKeyName(table, col) : undefined, fieldCall.span);
    if (hasPlainIndex(field)) add({ name: djangoIndexName(table, [col], '', ctx.vendor), field, reason: indexReason(field) });
    if (postgres && hasLikeIndex(field)) add({ name: djangoIndexName(table, [col], '_like', ctx.vendor), field, reason: 'like', opclass: likeOpclass(field) });
    return;
  }

  const before = old ?? assumedOldField(field, fieldCall);
  if (!before.unique && field.unique && !field.primaryKey) addUnique(ctx, site, table, created, field, djangoIndexName(table, [col], '_uniq', ctx.vendor), fieldCall.span);
  if ((!before.dbIndex || before.unique) && hasPlainIndex(field)) add({ name: djangoIndexName(table, [col], '', ctx.vendor), field, reason: indexReason(field) });
  const likeAdded = (!(before.dbIndex || before.unique) && field.dbIndex) || (!before.unique && field.unique);
  if (postgres && likeAdded && hasLikeIndex(field)) add({ name: djangoIndexName(table, [col], '_like', ctx.vendor), field, reason: 'like', opclass: likeOpclass(field) });
  if (hasPlainIndex(before) && !hasPlainIndex(field)) dropIndex(ctx, site, table, djangoIndexName(table, [before.column], '', ctx.vendor), field);
  if (postgres && before.unique && !(field.dbIndex || field.unique) && hasLikeIndex(before)) {
    dropIndex(ctx, site, table, djangoIndexName(table, [before.column], '_like', ctx.vendor), field);
  }
}

/**
 * The automatic join table of a ManyToManyField: `<table>_<field>` with `<model>_id` and `<target>_id`
 * (`from_<model>_id` / `to_<model>_id` when the field points at its own model), each indexed, and a
 * unique constraint on the pair.
 */
function manyToManyTable(ctx: DjangoContext, model: string, name: string, fieldCall: PyCall, site: PythonCallSite): void {
  const table = ctx.registry.table(model);
  const m2m = truncateName(`${table}_${name}`, maxNameLength(ctx.vendor));
  const field = { name, reason: 'foreign-key' as const };
  emit(ctx, { op: { ...opBase(site), kind: 'create-table', table: m2m }, site, field });
  const to = kwarg(fieldCall, 'to') ?? fieldCall.args[0];
  const target = (asText(to) ?? (to ? ctx.ev.text(to) : '')).split('.').pop()!.toLowerCase();
  const self = target === 'self' || target === model.toLowerCase();
  const from = model.toLowerCase();
  const columns = self ? [`from_${from}_id`, `to_${from}_id`] : [`${from}_id`, `${target === 'auth_user_model' ? 'user' : target}_id`];
  emit(ctx, {
    op: djangoAddConstraint(site, { table: m2m, constraint: 'unique', name: djangoIndexName(m2m, columns, '_uniq', ctx.vendor), columns, tableCreatedInFile: true, clause: fieldCall.span }),
    site,
    field,
  });
  for (const column of columns) {
    emit(ctx, {
      op: djangoCreateIndex(site, { name: djangoIndexName(m2m, [column], '', ctx.vendor), table: m2m, columns: plainColumns([column]), tableCreatedInFile: true }),
      site,
      field,
    });
  }
}

/** Without model state: explicit `db_index=True` / `unique=True` are new, implicit defaults unchanged. */
function assumedOldField(field: DjangoField, call: PyCall): DjangoField {
  const explicitIndex = asBool(kwarg(call, 'db_index')) === true;
  const explicitUnique = asBool(kwarg(call, 'unique')) === true;
  return { ...field, dbIndex: field.dbIndex && !explicitIndex, unique: field.unique && !explicitUnique };
}

function createIndex(
  ctx: DjangoContext,
  e: { name: string; field: DjangoField; reason: Reason; opclass?: string },
  site: PythonCallSite,
  table: string,
  created: boolean,
  definition: Span,
): void {
  const column = { column: e.field.column, direction: 'default' as const, nulls: 'default' as const, ...(e.opclass ? { opclass: e.opclass } : {}) };
  emit(ctx, {
    op: djangoCreateIndex(site, { name: e.name, table, columns: [column], tableCreatedInFile: created }),
    site,
    field: { name: e.field.name, reason: e.reason },
    definition,
  });
}

function addUnique(
  ctx: DjangoContext,
  site: PythonCallSite,
  table: string,
  created: boolean,
  field: DjangoField,
  name: string | undefined,
  definition: Span,
): void {
  emit(ctx, {
    op: djangoAddConstraint(site, { table, constraint: 'unique', name, columns: [field.column], tableCreatedInFile: created, clause: definition }),
    site,
    field: { name: field.name, reason: 'unique' },
    definition,
  });
}

function dropIndex(ctx: DjangoContext, site: PythonCallSite, table: string, name: string, field: DjangoField): void {
  emit(ctx, {
    op: { ...opBase(site), kind: 'drop-index', names: [{ name }], concurrent: false, ifExists: true, cascade: false, table, source: site.name },
    site,
    field: { name: field.name, reason: 'db_index' },
  });
}

