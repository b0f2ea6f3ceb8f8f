// One Alembic `op.*` call (or `batch_op.*` inside `with op.batch_alter_table(…)`) → operations.
//
// create_index(name, table, columns, unique=, if_not_exists=, schema=, postgresql_concurrently=,
// postgresql_where=, postgresql_using=, postgresql_include=, postgresql_ops=) → create-index;
// drop_index(name, table_name=, if_exists=, postgresql_concurrently=) → drop-index;
// create_unique_constraint / create_primary_key / create_foreign_key / create_check_constraint /
// create_exclude_constraint → add-constraint; create_table(name, *columns) → create-table, plus
// `sa.Column(…, index=True)` (named `ix_<table>_<column>`, SQLAlchemy's default), `unique=True`,
// `sa.UniqueConstraint`, `sa.Index` inside it; execute(sql) → the SQL's operations; other `op.*` → other.
import type { IndexColumn, Operation, Span } from '../types.js';
import { emit, emitOther, opBase, type EmitContext as Ctx } from './emit.js';
import { analyzeSqlText } from '../sql/statements.js';
import { analyzeSqlValue } from './embedded-sql.js';
import type { PythonCallSite } from './model.js';
import { argument, asBool, asItems, asString, asText, kwarg, type PyCall, type PyValue } from './values.js';

export interface AlembicCall {
  call: PyCall;
  site: PythonCallSite;
  /** Table of the enclosing `op.batch_alter_table(…)`, for `batch_op.*` calls. */
  batchTable?: string;
}

export interface AlembicState {
  ctx: Ctx;
  /** Tables created earlier in `upgrade()`. */
  created: Set<string>;
  vendor: 'postgresql' | 'sqlite';
}

/** `op.f('ix_name')` and plain strings → the name. */
function nameOf(v: PyValue | undefined): string | undefined {
  if (v?.type === 'call' && v.call.name === 'f' && v.call.args.length === 1) return asText(v.call.args[0]);
  return asText(v);
}

const src = (ctx: Ctx, span: Span) => ctx.ev.parsed.text.slice(span.start, span.end);

/** SQLAlchemy expressions in index columns and predicates → SQL text. */
export function sqlOf(v: PyValue, ctx: Ctx): string {
  if (v.type === 'str') return v.str.value;
  if (v.type === 'num') return String(v.value);
  if (v.type === 'bool') return v.value ? 'true' : 'false';
  if (v.type === 'none') return 'NULL';
  if (v.type === 'call') {
    const { call } = v;
    if (['text', 'literal_column', 'column'].includes(call.name) && call.args[0]) return asText(call.args[0]) ?? src(ctx, v.span);
    if ((call.name === 'and_' || call.name === 'or_') && call.args.length) {
      return call.args.map((a) => `(${sqlOf(a, ctx)})`).join(call.name === 'and_' ? ' AND ' : ' OR ');
    }
    if (call.name === 'not_' && call.args[0]) return `NOT (${sqlOf(call.args[0], ctx)})`;
    if (call.name === 'true' || call.name === 'false') return call.name;
    if (call.name === 'is_' && call.receiver && call.args[0]) return `${sqlOf(call.receiver, ctx)} IS ${sqlOf(call.args[0], ctx)}`;
    if (call.name === 'isnot' || call.name === 'is_not') {
      if (call.receiver && call.args[0]) return `${sqlOf(call.receiver, ctx)} IS NOT ${sqlOf(call.args[0], ctx)}`;
    }
  }
  if (v.type === 'op' && v.operands.length === 2) {
    const ops: Record<string, string> = { '==': '=', '!=': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '&': 'AND', '|': 'OR' };
    const op = ops[v.op];
    if (op) return `${sqlOf(v.operands[0]!, ctx)} ${op} ${sqlOf(v.operands[1]!, ctx)}`;
  }
  if (v.type === 'op' && v.op === '~' && v.operands[0]) return `NOT (${sqlOf(v.operands[0], ctx)})`;
  return src(ctx, v.span);
}

function indexColumn(v: PyValue, ctx: Ctx, opclasses: Record<string, string>): IndexColumn {
  const col: IndexColumn = { direction: 'default', nulls: 'default' };
  let inner = v;
  if (v.type === 'call' && (v.call.name === 'desc' || v.call.name === 'asc')) {
    col.direction = v.call.name;
    const target = v.call.receiver ?? v.call.args[0];
    if (target) inner = target;
  }
  const plain = inner.type === 'str' ? inner.str.value : inner.type === 'call' && ['column', 'literal_column'].includes(inner.call.name) ? asText(inner.call.args[0]) : undefined;
  if (plain !== undefined && /^[A-Za-z_][\w$]*$/.test(plain)) col.column = plain;
  else {
    // `sa.text('routing_priority DESC')`: SQL rendered into the column list as written, so it is read as
    // PostgreSQL reads an index element (column or expression, COLLATE, opclass, direction, NULLS).
    const element = inner.type === 'call' && inner.call.name === 'text' && col.direction === 'default' ? sqlElement(asText(inner.call.args[0])) : undefined;
    if (element) return element;
    col.expression = sqlOf(inner, ctx);
  }
  const opclass = col.column ? opclasses[col.column] : undefined;
  if (opclass) col.opclass = opclass;
  return col;
}

/** One index element written as SQL, as PostgreSQL's parser reads it; undefined when it is not one. */
function sqlElement(text: string | undefined): IndexColumn | undefined {
  if (!text?.trim()) return undefined;
  const ops = analyzeSqlText(`CREATE INDEX idxlint_element ON idxlint_table (${text});`).operations;
  const op = ops.length === 1 ? ops[0] : undefined;
  return op?.kind === 'create-index' && op.columns.length === 1 && op.where === undefined && !op.include.length ? op.columns[0] : undefined;
}

function dictOfStrings(v: PyValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (v?.type !== 'dict') return out;
  for (const e of v.entries) {
    const k = asText(e.key);
    const val = asText(e.value);
    if (k !== undefined && val !== undefined) out[k] = val;
  }
  return out;
}

export function mapAlembicCall(state: AlembicState, a: AlembicCall): void {
  const { ctx } = state;
  const { call, site, batchTable } = a;
  const batch = batchTable !== undefined;
  // Batch operations have no table argument: shift the positions after the name.
  const pos = (i: number) => (batch && i >= 1 ? i - 1 : i);
  const table = batch ? batchTable : asText(argument(call, 1, 'table_name'));
  const schema = asText(kwarg(call, 'schema'));
  const created = (t: string | undefined) => !!t && state.created.has(t);
  const addConstraint = (constraint: Extract<Operation, { kind: 'add-constraint' }>['constraint'], columns: string[]) =>
    emit(ctx, {
      op: { ...opBase(site), kind: 'add-constraint', schema, table: table ?? '', constraint, name: nameOf(argument(call, 0, 'constraint_name')), columns, tableCreatedInFile: created(table), clause: call.span, commandCount: 1 },
      site,
    });
  switch (call.name) {
    case 'create_index': {
      const dialect = state.vendor;
      const where = kwarg(call, `${dialect}_where`) ?? kwarg(call, 'postgresql_where');
      const opclasses = dictOfStrings(kwarg(call, 'postgresql_ops'));
      emit(ctx, {
        op: {
          ...opBase(site),
          kind: 'create-index',
          name: nameOf(argument(call, 0, 'index_name')),
          schema,
          table: table ?? '',
          columns: (asItems(argument(call, pos(2), 'columns')) ?? []).map((c) => indexColumn(c, ctx, opclasses)),
          include: (asItems(kwarg(call, 'postgresql_include')) ?? []).map((c) => asText(c) ?? sqlOf(c, ctx)),
          where: where && where.type !== 'none' ? sqlOf(where, ctx) : undefined,
          unique: asBool(kwarg(call, 'unique')) ?? false,
          concurrent: asBool(kwarg(call, 'postgresql_concurrently')) ?? false,
          ifNotExists: asBool(kwarg(call, 'if_not_exists')) ?? false,
          method: asText(kwarg(call, 'postgresql_using'))?.toLowerCase() ?? 'btree',
          tableCreatedInFile: created(table),
          source: site.name,
        },
        site,
      });
      return;
    }
    case 'drop_index': {
      const dropTable = batch ? batchTable : asText(kwarg(call, 'table_name') ?? call.args[1]);
      emit(ctx, {
        op: {
          ...opBase(site),
          kind: 'drop-index',
          names: [{ ...(schema ? { schema } : {}), name: nameOf(argument(call, 0, 'index_name')) ?? '' }],
          concurrent: asBool(kwarg(call, 'postgresql_concurrently')) ?? false,
          ifExists: asBool(kwarg(call, 'if_exists')) ?? false,
          cascade: false,
          table: dropTable,
          source: site.name,
        },
        site,
      });
      return;
    }
    case 'create_unique_constraint':
      return addConstraint('unique', stringList(argument(call, pos(2), 'columns')));
    case 'create_primary_key':
      return addConstraint('primary-key', stringList(argument(call, pos(2), 'columns')));
    case 'create_check_constraint':
      return addConstraint('check', []);
    case 'create_exclude_constraint':
      return addConstraint('exclusion', []);
    case 'create_foreign_key': {
      const fkTable = batch ? batchTable : asText(argument(call, 1, 'source_table'));
      emit(ctx, {
        op: { ...opBase(site), kind: 'add-constraint', schema, table: fkTable ?? '', constraint: 'foreign-key', name: nameOf(call.args[0]), columns: stringList(argument(call, batch ? 2 : 3, 'local_cols')), tableCreatedInFile: created(fkTable), clause: call.span, commandCount: 1 },
        site,
      });
      return;
    }
    case 'create_table':
      return createTable(state, call, site);
    case 'execute':
      return execute(state, call, site);
    default:
      return emitOther(ctx, site, `op.${call.name}`);
  }
}

function stringList(v: PyValue | undefined): string[] {
  return (asItems(v) ?? []).map((i) => asText(i) ?? '').filter(Boolean);
}

function createTable(state: AlembicState, call: PyCall, site: PythonCallSite): void {
  const { ctx } = state;
  const table = asText(argument(call, 0, 'table_name'));
  if (!table) return emitOther(ctx, site, 'op.create_table');
  const schema = asText(kwarg(call, 'schema'));
  emit(ctx, { op: { ...opBase(site), kind: 'create-table', schema, table }, site });
  state.created.add(table);
  const base = { ...opBase(site), schema, table, tableCreatedInFile: true, clause: call.span, commandCount: 1 };
  // CREATE TABLE carries the UNIQUE constraints; SQLAlchemy creates the indexes after it.
  const indexes: Operation[] = [];
  const index = (name: string | undefined, columns: IndexColumn[], unique: boolean, method = 'btree') =>
    indexes.push({ ...opBase(site), kind: 'create-index', name, schema, table, columns, include: [], unique, concurrent: false, ifNotExists: false, method, tableCreatedInFile: true, source: 'create_table' });
  for (const item of call.args.slice(1)) {
    if (item.type !== 'call') continue;
    const c = item.call;
    if (c.name === 'Column') {
      const column = asText(c.args[0]);
      if (!column) continue;
      if (asBool(kwarg(c, 'unique'))) emit(ctx, { op: { ...base, kind: 'add-constraint', constraint: 'unique', columns: [column] }, site });
      if (asBool(kwarg(c, 'index'))) index(`ix_${table}_${column}`, [{ column, direction: 'default', nulls: 'default' }], false);
    } else if (c.name === 'UniqueConstraint') {
      emit(ctx, { op: { ...base, kind: 'add-constraint', constraint: 'unique', name: asText(kwarg(c, 'name')), columns: c.args.map((a) => asText(a) ?? '').filter(Boolean) }, site });
    } else if (c.name === 'Index') {
      index(asText(c.args[0]), c.args.slice(1).map((a) => indexColumn(a, ctx, {})), asBool(kwarg(c, 'unique')) ?? false, asText(kwarg(c, 'postgresql_using')) ?? 'btree');
    }
  }
  for (const op of indexes) emit(ctx, { op, site });
}

function execute(state: AlembicState, call: PyCall, site: PythonCallSite): void {
  const { ctx } = state;
  const sql = argument(call, 0, 'sqltext') ?? argument(call, 0, 'statement');
  const text = sql && (asString(sql) ?? (sql.type === 'call' && sql.call.name === 'text' ? asString(sql.call.args[0]) : undefined));
  if (!text && sql?.type === 'call') return emitOther(ctx, site, 'op.execute'); // a SQLAlchemy construct (update(), insert()…)
  const pieces = analyzeSqlValue(sql, { site, reverse: false, splitStrings: false, python: ctx.python, skip: ctx.skipSql });
  let count = 0;
  for (const piece of pieces) {
    for (const op of piece.info.operations) {
      emit(ctx, { op, site, piece });
      count++;
    }
  }
  if (count === 0) emitOther(ctx, site, 'op.execute');
}
