// A Django migration → its schema changes. Indexes come from the migration model the Python parser built
// (FK indexes, `db_index`, `unique`, `_like` pattern-ops indexes, `Meta.indexes`, constraints, index /
// unique together), with Django's names; RunSQL's SQL is replayed like a SQL migration's. Tables and columns come from the model operations
// themselves (CreateModel, AddField, AlterField, RemoveField, RenameField, DeleteModel, RenameModel,
// AlterModelTable), read again from the file at the call sites the parser recorded, because the types
// (`max_length`, `null`, the relation target) are not part of the parser's model snapshot. Column and
// table names follow the app's model state before the file (`ModelSnapshot`), as the parser's do.
//
// What runs is what the parser says runs: operations inside `SeparateDatabaseAndState(state_operations=…)`
// change no table, and neither do unmanaged or proxy models.
import { indexFromCreateIndex } from '../query/index-def.js';
import { ModelRegistry, readField, type ModelSnapshot } from '../python/django-models.js';
import { maxNameLength, truncateName } from '../python/django-names.js';
import { pythonInfo, type PythonCallSite } from '../python/model.js';
import { parsePython } from '../python/parser.js';
import { argument, asBool, asCall, asItems, asText, dictGet, type PyCall, type PyValue } from '../python/values.js';
import type { Migration, Operation, Span, Vendor } from '../types.js';
import type { ColumnSpec, MigrationChanges, SchemaChange } from './changes.js';
import { djangoColumnType, isNullable, relationTarget, type DjangoColumnType } from './django-types.js';
import { PythonSource, pythonUnreadable } from './python-source.js';

export interface DjangoSourceOptions {
  vendor: Vendor;
  /** The app's models before this migration (`DjangoModelState.before`). */
  modelsBefore?: ModelSnapshot;
}

export function djangoChanges(migration: Migration, options: DjangoSourceOptions): MigrationChanges {
  const info = pythonInfo(migration);
  const django = migration.django;
  const app = django?.appLabel ?? 'app';
  const name = django?.name ?? migration.file.path;
  const record: MigrationChanges = {
    file: migration.file.path,
    runner: 'django',
    migration: name,
    order: { kind: 'django', app, name, dependencies: django?.dependencies ?? [] },
    changes: [],
  };
  if (!info || pythonUnreadable(migration, info)) return { ...record, skipped: 'the file has a syntax error' };
  const parsed = parsePython(migration.file.text);
  try {
    const source = new PythonSource(parsed);
    const reader = new ModelOperations(source, app, options, record);
    let previous: PythonCallSite | undefined;
    migration.operations.forEach((op, i) => {
      const operation = info.operations[i];
      const site = operation?.site;
      if (site && site !== previous && !sameSite(site, previous)) reader.modelOperation(site);
      previous = site;
      if (op.embedded) record.changes.push(...source.sqlChanges(info.embeddedSql, op.embedded.literal, record));
      else record.changes.push(...indexChanges(op, record, operation?.field ? (reader.fieldSpan(operation.field.name) ?? op.span) : undefined));
    });
  } finally {
    parsed.dispose();
  }
  return record;
}

function sameSite(a: PythonCallSite, b: PythonCallSite | undefined): boolean {
  return !!b && a.name === b.name && a.span.start === b.span.start && a.span.end === b.span.end;
}

/** The index side of one operation of the migration model (CreateModel's table comes from the model
 * operation, with its columns; RunSQL's statements from its SQL). `field`: where the field that implies
 * the index is defined (its index is implicit). */
function indexChanges(op: Operation, record: MigrationChanges, field: Span | undefined): SchemaChange[] {
  const span = field ?? op.span;
  const origin = { file: record.file, span, migration: record.migration, source: field ? ('implicit' as const) : ('migration' as const) };
  switch (op.kind) {
    case 'create-index':
      return [{ kind: 'create-index', index: indexFromCreateIndex(op, origin), ifNotExists: op.ifNotExists }];
    case 'drop-index':
      return op.names.map((n) => ({ kind: 'drop-index', name: n.name }));
    case 'add-constraint':
      if (op.constraint !== 'unique' && op.constraint !== 'primary-key') return [];
      return [
        {
          kind: 'add-constraint',
          table: op.table,
          constraint: { ...(op.name ? { name: op.name } : {}), columns: op.columns, include: [], primaryKey: op.constraint === 'primary-key', span },
          ...(op.usingIndex ? { usingIndex: op.usingIndex } : {}),
        },
      ];
  }
  return [];
}

/** Model operations → table and column changes, tracking the app's models through the file. */
class ModelOperations {
  private readonly registry: ModelRegistry;
  private readonly fieldSpans = new Map<string, Span>();

  constructor(
    private readonly source: PythonSource,
    private readonly app: string,
    private readonly options: DjangoSourceOptions,
    private readonly record: MigrationChanges,
  ) {
    this.registry = new ModelRegistry(app, options.vendor, options.modelsBefore);
  }

  /** Where a field of the current operation is defined (`('customer', models.ForeignKey(…))`). */
  fieldSpan(name: string): Span | undefined {
    return this.fieldSpans.get(name);
  }

  modelOperation(site: PythonCallSite): void {
    this.fieldSpans.clear();
    if (!MODEL_OPERATIONS.has(site.name)) return;
    const call = this.source.callAt(site);
    if (!call) return;
    const model = (i: number, key: string) => asText(argument(call, i, key));
    switch (site.name) {
      case 'CreateModel':
        return this.createModel(call);
      case 'DeleteModel': {
        const m = model(0, 'name');
        if (!m) return;
        if (this.isManaged(m)) {
          this.push({ kind: 'drop-table', table: this.registry.table(m) });
          // delete_model drops the automatic many-to-many tables with it.
          for (const f of this.registry.get(m)?.fields.values() ?? []) {
            if (f.manyToMany && !f.through) this.push({ kind: 'drop-table', table: this.manyToManyTable(m, f.name) });
          }
        }
        this.registry.models.delete(m.toLowerCase());
        return;
      }
      case 'RenameModel': {
        const from = model(0, 'old_name');
        const to = model(1, 'new_name');
        const m = from ? this.registry.get(from) : undefined;
        if (!from || !to || !m) return;
        const before = this.registry.table(from);
        this.registry.models.delete(from.toLowerCase());
        this.registry.models.set(to.toLowerCase(), { ...m, name: to });
        this.renameTable(before, this.registry.table(to), to, from);
        return;
      }
      case 'AlterModelTable': {
        const m = model(0, 'name');
        if (!m) return;
        const before = this.registry.table(m);
        const table = asText(argument(call, 1, 'table'));
        if (table) this.registry.ensure(m).table = table;
        else delete this.registry.ensure(m).table;
        this.renameTable(before, this.registry.table(m), this.registry.get(m)!.name);
        return;
      }
      case 'AddField':
      case 'AlterField': {
        const m = model(0, 'model_name');
        const field = model(1, 'name');
        const fieldCall = asCall(argument(call, 2, 'field'));
        if (m && field && fieldCall) this.field(m, field, fieldCall, site.name === 'AddField');
        return;
      }
      case 'RemoveField': {
        const m = model(0, 'model_name');
        const field = model(1, 'name');
        const f = m && field ? this.registry.field(m, field) : undefined;
        if (!m || !field || !f) return;
        this.registry.get(m)!.fields.delete(field);
        if (!this.isManaged(m)) return;
        if (f.manyToMany) {
          if (!f.through) this.push({ kind: 'drop-table', table: this.manyToManyTable(m, field) });
        } else this.push({ kind: 'drop-column', table: this.registry.table(m), column: f.column });
        return;
      }
      case 'RenameField': {
        const m = model(0, 'model_name');
        const from = model(1, 'old_name');
        const to = model(2, 'new_name');
        const f = m && from ? this.registry.field(m, from) : undefined;
        if (!m || !from || !to || !f) return;
        const fields = this.registry.get(m)!.fields;
        fields.delete(from);
        const defaultColumn = f.relation ? `${from}_id` : from;
        const column = f.column === defaultColumn ? (f.relation ? `${to}_id` : to) : f.column;
        fields.set(to, { ...f, name: to, column });
        if (column !== f.column && this.isManaged(m) && !f.manyToMany) this.push({ kind: 'rename-column', table: this.registry.table(m), column: f.column, to: column });
        return;
      }
    }
  }

  private createModel(call: PyCall): void {
    const name = asText(argument(call, 0, 'name'));
    if (!name) return;
    const options = argument(call, 2, 'options');
    const m = this.registry.ensure(name);
    m.name = name;
    m.fields = new Map();
    const dbTable = asText(dictGet(options, 'db_table'));
    if (dbTable) m.table = dbTable;
    else delete m.table;
    m.unmanaged = asBool(dictGet(options, 'managed')) === false || asBool(dictGet(options, 'proxy')) === true;
    const pairs = fieldPairs(argument(call, 1, 'fields'));
    for (const [fieldName, fieldCall, span] of pairs) {
      m.fields.set(fieldName, readField(fieldName, fieldCall));
      this.fieldSpans.set(fieldName, span);
    }
    if (m.unmanaged) return;
    const table = this.registry.table(name);
    const columns: ColumnSpec[] = [];
    const constraints: Extract<SchemaChange, { kind: 'create-table' }>['constraints'] = [];
    for (const [fieldName, fieldCall] of pairs) {
      const f = m.fields.get(fieldName)!;
      if (f.manyToMany) continue;
      columns.push(this.column(name, f.column, fieldCall, f.primaryKey));
      if (f.primaryKey) constraints.push({ columns: [f.column], include: [], primaryKey: true, span: fieldCall.span });
    }
    this.push({ kind: 'create-table', table, columns, constraints, span: call.span, model: `${this.app}.${name}` });
    for (const [fieldName, fieldCall] of pairs) {
      if (m.fields.get(fieldName)!.manyToMany) this.createManyToMany(name, fieldName, fieldCall);
    }
  }

  private field(model: string, name: string, fieldCall: PyCall, add: boolean): void {
    const field = readField(name, fieldCall);
    const old = this.registry.field(model, name);
    this.registry.ensure(model).fields.set(name, field);
    if (!this.isManaged(model)) return;
    const table = this.registry.table(model);
    if (field.manyToMany) {
      if (add && !field.through) this.createManyToMany(model, name, fieldCall);
      return;
    }
    const column = this.column(model, field.column, fieldCall, field.primaryKey);
    if (add || !old) {
      const constraints = field.primaryKey ? [{ columns: [field.column], include: [], primaryKey: true, span: fieldCall.span }] : [];
      this.push({ kind: 'add-column', table, column, constraints });
      return;
    }
    if (old.column !== field.column) this.push({ kind: 'rename-column', table, column: old.column, to: field.column });
    this.push({ kind: 'alter-column', table, column: field.column, django: column.django!, nullable: column.nullable });
  }

  /** The automatic join table of a ManyToManyField (named and laid out as the parser's create-index ops expect). */
  private createManyToMany(model: string, name: string, fieldCall: PyCall): void {
    const to = argument(fieldCall, 0, 'to');
    const target = relationTarget(to, this.app);
    const targetModel = target === 'self' || target === undefined ? `${this.app}.${model.toLowerCase()}` : target;
    const from = model.toLowerCase();
    const targetName = targetModel === 'AUTH_USER_MODEL' ? 'user' : targetModel.split('.').pop()!;
    const self = targetModel === `${this.app}.${from}`;
    const [fromColumn, toColumn] = self ? [`from_${from}_id`, `to_${from}_id`] : [`${from}_id`, `${targetName}_id`];
    const pk = [...(this.registry.get(model)?.fields.values() ?? [])].find((f) => f.primaryKey);
    const fk = (t: string): DjangoColumnType => ({ cls: 'ForeignKey', target: t });
    this.push({
      kind: 'create-table',
      table: this.manyToManyTable(model, name),
      columns: [
        { name: 'id', django: { cls: pk?.cls === 'BigAutoField' ? 'BigAutoField' : 'AutoField' }, nullable: false, primaryKey: true },
        { name: fromColumn, django: fk(`${this.app}.${from}`), nullable: false },
        { name: toColumn, django: fk(targetModel), nullable: false },
      ],
      constraints: [{ columns: ['id'], include: [], primaryKey: true, span: fieldCall.span }],
      span: fieldCall.span,
    });
  }

  private manyToManyTable(model: string, field: string): string {
    return truncateName(`${this.registry.table(model)}_${field}`, maxNameLength(this.options.vendor));
  }

  private column(model: string, name: string, fieldCall: PyCall, primaryKey: boolean): ColumnSpec {
    const django = djangoColumnType(fieldCall, this.app);
    if (django.target === 'self') django.target = `${this.app}.${model.toLowerCase()}`;
    const column: ColumnSpec = { name, django, nullable: !primaryKey && isNullable(fieldCall) };
    if (primaryKey) column.primaryKey = true;
    return column;
  }

  /** The model's table and its automatic many-to-many tables (named after it) are renamed; after a
   * RenameModel the join tables' `<model>_id` columns too (AlterModelTable / RenameModel.database_forwards). */
  private renameTable(from: string, to: string, model: string, oldName?: string): void {
    if (from === to || !this.isManaged(model)) return;
    this.push({ kind: 'rename-table', table: from, to, model: `${this.app}.${model}` });
    const max = maxNameLength(this.options.vendor);
    for (const f of this.registry.get(model)?.fields.values() ?? []) {
      if (!f.manyToMany || f.through) continue;
      const join = truncateName(`${to}_${f.name}`, max);
      this.push({ kind: 'rename-table', table: truncateName(`${from}_${f.name}`, max), to: join });
      const [a, b] = [oldName?.toLowerCase(), model.toLowerCase()];
      if (!a || a === b) continue;
      for (const prefix of ['', 'from_', 'to_']) this.push({ kind: 'rename-column', table: join, column: `${prefix}${a}_id`, to: `${prefix}${b}_id` });
    }
  }

  private isManaged(model: string): boolean {
    return !this.registry.isUnmanaged(model);
  }

  private push(change: SchemaChange): void {
    this.record.changes.push(change);
  }
}

const MODEL_OPERATIONS = new Set(['CreateModel', 'DeleteModel', 'RenameModel', 'AlterModelTable', 'AddField', 'AlterField', 'RemoveField', 'RenameField']);

/** `fields=[('name', models.CharField(…)), …]`, with each pair's span. */
function fieldPairs(value: PyValue | undefined): [string, PyCall, Span][] {
  const out: [string, PyCall, Span][] = [];
  for (const item of asItems(value) ?? []) {
    if (item.type !== 'seq' || item.items.length < 2) continue;
    const name = asText(item.items[0]);
    const call = asCall(item.items[1]);
    if (name && call) out.push([name, call, item.span]);
  }
  return out;
}
