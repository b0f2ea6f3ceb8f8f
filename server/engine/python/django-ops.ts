// One Django migration operation → operations of the shared model.
//
// AddIndex / AddIndexConcurrently → create-index; RemoveIndex / RemoveIndexConcurrently → drop-index
// (Django drops with IF EXISTS); AddConstraint(UniqueConstraint) → add-constraint, or a unique
// create-index when it has a condition / expressions / include / opclasses; ExclusionConstraint,
// CheckConstraint → add-constraint; AlterUniqueTogether / AlterIndexTogether → the sets that are new;
// CreateModel → create-table plus its fields' and options' indexes (all `tableCreatedInFile`);
// AddField / AlterField → django-field-ops.ts; RunSQL / RunPython / SeparateDatabaseAndState →
// django-code-ops.ts; everything else → `other` (its class name as `statement`).
import { djangoAddConstraint, djangoCreateIndex, emit, emitOther, opBase, plainColumns, renderContext, type DjangoContext } from './django-context.js';
import { runPythonOperations, runSqlOperations, separateDatabaseAndState } from './django-code-ops.js';
import { updateState } from './django-model-ops.js';
import { fieldOperations } from './django-field-ops.js';
import { readConstraint, readIndex } from './django-indexes.js';
import { readField } from './django-models.js';
import { djangoIndexName } from './django-names.js';
import type { PythonCallSite } from './model.js';
import { argument, asBool, asCall, asItems, asStringList, asText, dictGet, type PyCall, type PyValue } from './values.js';

export const DJANGO_OPERATIONS = new Set([
  'CreateModel',
  'DeleteModel',
  'RenameModel',
  'AlterModelTable',
  'AlterModelTableComment',
  'AlterUniqueTogether',
  'AlterIndexTogether',
  'AlterOrderWithRespectTo',
  'AlterModelOptions',
  'AlterModelManagers',
  'AddField',
  'RemoveField',
  'AlterField',
  'RenameField',
  'AddIndex',
  'RemoveIndex',
  'RenameIndex',
  'AddConstraint',
  'RemoveConstraint',
  'AlterConstraint',
  'SeparateDatabaseAndState',
  'RunSQL',
  'RunPython',
  'AddIndexConcurrently',
  'RemoveIndexConcurrently',
  'AddConstraintNotValid',
  'ValidateConstraint',
  'CreateExtension',
  'BloomExtension',
  'BtreeGinExtension',
  'BtreeGistExtension',
  'CITextExtension',
  'CryptoExtension',
  'HStoreExtension',
  'TrigramExtension',
  'UnaccentExtension',
  'CreateCollation',
  'RemoveCollation',
]);

const OPERATION_MODULE = /^(django\.db\.migrations(\.operations(\.\w+)?)?|django\.contrib\.postgres\.operations)\.(\w+)$/;

/** The Django operation class a call instantiates, from its imports (or its bare name as a fallback). */
export function djangoOperationName(call: PyCall, ctx: DjangoContext): string | undefined {
  return call.receiver ? undefined : operationNameOf(call.local, call.qualified, ctx);
}

/** The Django operation class a dotted name (`migrations.AddIndex`) refers to. */
export function operationNameOf(local: string, qualified: string | undefined, ctx: DjangoContext): string | undefined {
  if (qualified) {
    const m = OPERATION_MODULE.exec(qualified);
    return m ? m[4] : undefined;
  }
  // Not imported under this name (star import, or a snippet without imports): trust well-known names.
  const name = /^(?:migrations\.)?(?:operations\.)?(\w+)$/.exec(local)?.[1];
  return name && DJANGO_OPERATIONS.has(name) && !ctx.classes.has(local) ? name : undefined;
}

/** Maps one operation; `name` is the Django class whose behaviour applies. */
export function mapOperation(ctx: DjangoContext, name: string, call: PyCall, site: PythonCallSite): void {
  switch (name) {
    case 'AddIndex':
    case 'AddIndexConcurrently':
      return addIndex(ctx, name, call, site);
    case 'RemoveIndex':
    case 'RemoveIndexConcurrently':
      return removeIndex(ctx, name, call, site);
    case 'AddConstraint':
    case 'AddConstraintNotValid':
      return addConstraint(ctx, call, site);
    case 'AlterUniqueTogether':
    case 'AlterIndexTogether':
      return alterTogether(ctx, name, call, site);
    case 'CreateModel':
      return createModel(ctx, call, site);
    case 'AddField':
    case 'AlterField': {
      const model = asText(argument(call, 0, 'model_name'));
      const field = asText(argument(call, 1, 'name'));
      const fieldCall = asCall(argument(call, 2, 'field'));
      if (!model || !field || !fieldCall) return emitOther(ctx, site, name);
      const before = ctx.out.length;
      fieldOperations(ctx, model, field, fieldCall, name === 'AddField' ? 'add' : 'alter', site);
      if (ctx.out.length === before) emitOther(ctx, site, name);
      return;
    }
    case 'RunSQL':
      return runSqlOperations(ctx, call, site);
    case 'RunPython':
      return runPythonOperations(ctx, call, site);
    case 'SeparateDatabaseAndState':
      return separateDatabaseAndState(ctx, call, site);
    default:
      updateState(ctx, name, call);
      return emitOther(ctx, site, name);
  }
}

function addIndex(ctx: DjangoContext, name: string, call: PyCall, site: PythonCallSite): void {
  const model = asText(argument(call, 0, 'model_name'));
  const index = asCall(argument(call, 1, 'index'));
  if (!model || !index || ctx.registry.isUnmanaged(model)) return emitOther(ctx, site, name);
  indexOperation(ctx, name, model, index, site);
}

function indexOperation(ctx: DjangoContext, name: string, model: string, index: PyCall, site: PythonCallSite): void {
  const def = readIndex(index, renderContext(ctx, model));
  emit(ctx, {
    op: djangoCreateIndex(site, {
      name: def.name,
      table: ctx.registry.table(model),
      columns: def.columns,
      include: def.include,
      where: def.where,
      concurrent: name === 'AddIndexConcurrently',
      method: def.method,
      tableCreatedInFile: ctx.registry.isCreatedInFile(model),
      source: name,
    }),
    site,
    definition: index.span,
  });
}

function removeIndex(ctx: DjangoContext, name: string, call: PyCall, site: PythonCallSite): void {
  const model = asText(argument(call, 0, 'model_name'));
  const index = asText(argument(call, 1, 'name'));
  if (!model || !index || ctx.registry.isUnmanaged(model)) return emitOther(ctx, site, name);
  emit(ctx, {
    op: {
      ...opBase(site),
      kind: 'drop-index',
      names: [{ name: index }],
      concurrent: name === 'RemoveIndexConcurrently',
      ifExists: true,
      cascade: false,
      table: ctx.registry.table(model),
      source: name,
    },
    site,
  });
}

function addConstraint(ctx: DjangoContext, call: PyCall, site: PythonCallSite): void {
  const model = asText(argument(call, 0, 'model_name'));
  const constraint = asCall(argument(call, 1, 'constraint'));
  if (!model || !constraint || ctx.registry.isUnmanaged(model)) return emitOther(ctx, site, site.name);
  constraintOperation(ctx, model, constraint, site);
}

function constraintOperation(ctx: DjangoContext, model: string, constraint: PyCall, site: PythonCallSite): void {
  const def = readConstraint(constraint, renderContext(ctx, model));
  const table = ctx.registry.table(model);
  const created = ctx.registry.isCreatedInFile(model);
  if (def.kind === 'unique-index') {
    const i = def.index;
    emit(ctx, {
      op: djangoCreateIndex(site, { name: i.name, table, columns: i.columns, include: i.include, where: i.where, unique: true, method: i.method, tableCreatedInFile: created }),
      site,
      definition: constraint.span,
    });
    return;
  }
  emit(ctx, {
    op: djangoAddConstraint(site, {
      table,
      constraint: def.kind === 'other' ? 'other' : def.kind,
      name: def.name,
      columns: 'columns' in def ? def.columns : [],
      tableCreatedInFile: created,
      clause: constraint.span,
    }),
    site,
    definition: constraint.span,
  });
}

/** `unique_together={('a', 'b')}` or a single `('a', 'b')` → `[['a', 'b']]`. */
export function togetherSets(value: PyValue | undefined): string[][] {
  const items = asItems(value);
  if (!items || items.length === 0) return [];
  const flat = asStringList(value);
  if (flat) return [flat];
  return items.map((i) => asStringList(i)).filter((s): s is string[] => !!s);
}

function alterTogether(ctx: DjangoContext, name: string, call: PyCall, site: PythonCallSite): void {
  const model = asText(argument(call, 0, 'name'));
  const key = name === 'AlterUniqueTogether' ? 'unique_together' : 'index_together';
  if (!model) return emitOther(ctx, site, name);
  const sets = togetherSets(argument(call, 1, key));
  const before = ctx.out.length;
  togetherOperations(ctx, model, key, sets, site);
  if (ctx.out.length === before) emitOther(ctx, site, name);
}

function togetherOperations(ctx: DjangoContext, model: string, key: 'unique_together' | 'index_together', sets: string[][], site: PythonCallSite): void {
  const m = ctx.registry.ensure(model);
  const old = key === 'unique_together' ? m.uniqueTogether : m.indexTogether;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const added = sets.filter((s) => !old.some((o) => same(o, s)));
  const removed = old.filter((o) => !sets.some((s) => same(o, s)));
  if (key === 'unique_together') m.uniqueTogether = sets;
  else m.indexTogether = sets;
  if (m.unmanaged) return;
  const table = ctx.registry.table(model);
  const created = ctx.registry.isCreatedInFile(model);
  for (const fields of added) {
    const columns = fields.map((f) => ctx.registry.column(model, f));
    if (key === 'unique_together') {
      emit(ctx, {
        op: djangoAddConstraint(site, { table, constraint: 'unique', name: djangoIndexName(table, columns, '_uniq', ctx.vendor), columns, tableCreatedInFile: created, clause: site.span }),
        site,
      });
    } else {
      emit(ctx, {
        op: djangoCreateIndex(site, { name: djangoIndexName(table, columns, '_idx', ctx.vendor), table, columns: plainColumns(columns), tableCreatedInFile: created }),
        site,
      });
    }
  }
  if (key === 'index_together') {
    for (const fields of removed) {
      const columns = fields.map((f) => ctx.registry.column(model, f));
      emit(ctx, {
        op: {
          ...opBase(site),
          kind: 'drop-index',
          names: [{ name: djangoIndexName(table, columns, '_idx', ctx.vendor) }],
          concurrent: false,
          ifExists: true,
          cascade: false,
          table,
          source: site.name,
        },
        site,
      });
    }
  }
}

function createModel(ctx: DjangoContext, call: PyCall, site: PythonCallSite): void {
  const name = asText(argument(call, 0, 'name'));
  if (!name) return emitOther(ctx, site, 'CreateModel');
  const options = argument(call, 2, 'options');
  const m = ctx.registry.ensure(name);
  m.name = name;
  m.fields = new Map();
  m.uniqueTogether = [];
  m.indexTogether = [];
  const dbTable = asText(dictGet(options, 'db_table'));
  if (dbTable) m.table = dbTable;
  else delete m.table;
  m.unmanaged = asBool(dictGet(options, 'managed')) === false || asBool(dictGet(options, 'proxy')) === true;
  if (m.unmanaged) {
    for (const [fieldName, fieldCall] of fieldPairs(argument(call, 1, 'fields'))) m.fields.set(fieldName, readField(fieldName, fieldCall));
    return emitOther(ctx, site, 'CreateModel');
  }
  if (!ctx.stateOnly) ctx.registry.createdInFile.add(name.toLowerCase());
  emit(ctx, { op: { ...opBase(site), kind: 'create-table', table: ctx.registry.table(name) }, site });
  for (const [fieldName, fieldCall] of fieldPairs(argument(call, 1, 'fields'))) {
    fieldOperations(ctx, name, fieldName, fieldCall, 'create', site);
  }
  for (const index of asItems(dictGet(options, 'indexes')) ?? []) {
    const indexCall = asCall(index);
    if (indexCall) indexOperation(ctx, 'AddIndex', name, indexCall, site);
  }
  for (const c of asItems(dictGet(options, 'constraints')) ?? []) {
    const constraint = asCall(c);
    if (constraint) constraintOperation(ctx, name, constraint, site);
  }
  togetherOperations(ctx, name, 'unique_together', togetherSets(dictGet(options, 'unique_together')), site);
  togetherOperations(ctx, name, 'index_together', togetherSets(dictGet(options, 'index_together')), site);
}

/** `fields=[('name', models.CharField(…)), …]`. */
function fieldPairs(value: PyValue | undefined): [string, PyCall][] {
  const out: [string, PyCall][] = [];
  for (const item of asItems(value) ?? []) {
    if (item.type !== 'seq' || item.items.length < 2) continue;
    const name = asText(item.items[0]);
    const call = asCall(item.items[1]);
    if (name && call) out.push([name, call]);
  }
  return out;
}
