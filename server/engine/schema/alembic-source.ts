// An Alembic revision → its schema changes: the indexes and constraints of the migration model
// (create_index, drop_index, unique / primary-key constraints, `index=True` / `unique=True` columns,
// op.execute SQL), plus what the model does not carry, read from the calls themselves: the columns of
// op.create_table (`sa.Column(name, type, nullable=, primary_key=)`), add_column, drop_column,
// alter_column (new name, type, nullability), drop_table and rename_table; op.execute's SQL is replayed
// like a SQL migration.
import { dirname } from 'node:path';
import { indexFromCreateIndex } from '../query/index-def.js';
import { pythonInfo } from '../python/model.js';
import { parsePython } from '../python/parser.js';
import { argument, asBool, asCall, asText, kwarg, type PyCall, type PyValue } from '../python/values.js';
import type { Migration, Operation } from '../types.js';
import type { ColumnSpec, ConstraintIndex, MigrationChanges, SchemaChange } from './changes.js';
import { PythonSource, pythonUnreadable } from './python-source.js';

export function alembicChanges(migration: Migration): MigrationChanges {
  const info = pythonInfo(migration);
  const file = migration.file.path;
  const down = info?.alembic?.downRevision;
  const record: MigrationChanges = {
    file,
    runner: 'alembic',
    migration: info?.alembic?.revision ?? file.replace(/^.*[\\/]/, '').replace(/\.py$/, ''),
    order: { kind: 'alembic', folder: dirname(file), revision: info?.alembic?.revision, downRevisions: down === undefined ? [] : Array.isArray(down) ? down : [down] },
    changes: [],
  };
  if (!info || pythonUnreadable(migration, info)) return { ...record, skipped: 'the file has a syntax error' };
  const parsed = parsePython(migration.file.text);
  try {
    const source = new PythonSource(parsed);
    migration.operations.forEach((op, i) => {
      if (op.embedded) return void record.changes.push(...source.sqlChanges(info.embeddedSql, op.embedded.literal, record));
      const site = info.operations[i]?.site;
      const call = site && (op.kind === 'create-table' || op.kind === 'other') ? source.callAt(site) : undefined;
      record.changes.push(...(call ? callChanges(op, call) : []), ...indexChanges(op, record));
    });
  } finally {
    parsed.dispose();
  }
  return record;
}

function indexChanges(op: Operation, record: MigrationChanges): SchemaChange[] {
  switch (op.kind) {
    case 'create-index':
      return [{ kind: 'create-index', index: indexFromCreateIndex(op, { file: record.file, span: op.span, migration: record.migration, source: 'migration' }), ifNotExists: op.ifNotExists }];
    case 'drop-index':
      return op.names.map((n) => ({ kind: 'drop-index', name: n.name }));
    case 'add-constraint':
      if (op.constraint !== 'unique' && op.constraint !== 'primary-key') return [];
      return [{ kind: 'add-constraint', table: op.table, constraint: { ...(op.name ? { name: op.name } : {}), columns: op.columns, include: [], primaryKey: op.constraint === 'primary-key', span: op.span } }];
  }
  return [];
}

/** Table and column changes of `op.create_table`, `op.add_column`… (`batch_op.*` calls are left out). */
function callChanges(op: Operation, call: PyCall): SchemaChange[] {
  const table = asText(argument(call, 0, call.name === 'rename_table' ? 'old_table_name' : 'table_name'));
  if (!table) return [];
  switch (call.name) {
    case 'create_table': {
      if (op.kind !== 'create-table') return [];
      const columns: ColumnSpec[] = [];
      const constraints: ConstraintIndex[] = [];
      for (const item of call.args.slice(1)) {
        const c = asCall(item);
        if (c?.name === 'Column') {
          const column = columnOf(c);
          if (!column) continue;
          columns.push(column);
          if (column.primaryKey) constraints.push({ columns: [column.name], include: [], primaryKey: true, span: c.span });
        } else if (c?.name === 'PrimaryKeyConstraint') {
          const keys = c.args.map((a) => asText(a)).filter((k): k is string => !!k);
          constraints.push({ ...(asText(kwarg(c, 'name')) ? { name: asText(kwarg(c, 'name'))! } : {}), columns: keys, include: [], primaryKey: true, span: c.span });
        }
      }
      return [{ kind: 'create-table', table, ...(op.schema ? { schema: op.schema } : {}), columns, constraints, span: call.span }];
    }
    case 'drop_table':
      return [{ kind: 'drop-table', table }];
    case 'rename_table': {
      const to = asText(argument(call, 1, 'new_table_name'));
      return to ? [{ kind: 'rename-table', table, to }] : [];
    }
    case 'add_column': {
      const c = asCall(argument(call, 1, 'column'));
      const column = c && columnOf(c);
      if (!column) return [];
      const constraints = column.primaryKey ? [{ columns: [column.name], include: [], primaryKey: true, span: c.span }] : [];
      return [{ kind: 'add-column', table, column, constraints }];
    }
    case 'drop_column': {
      const column = asText(argument(call, 1, 'column_name'));
      return column ? [{ kind: 'drop-column', table, column }] : [];
    }
    case 'alter_column': {
      const column = asText(argument(call, 1, 'column_name'));
      if (!column) return [];
      const changes: SchemaChange[] = [];
      const type = kwarg(call, 'type_');
      const nullable = asBool(kwarg(call, 'nullable'));
      if (type || nullable !== undefined) {
        changes.push({ kind: 'alter-column', table, column, ...(type ? { type: sqlalchemyType(type) } : {}), ...(nullable !== undefined ? { nullable } : {}) });
      }
      const to = asText(kwarg(call, 'new_column_name'));
      if (to) changes.push({ kind: 'rename-column', table, column, to });
      return changes;
    }
  }
  return [];
}

/** `sa.Column('id', sa.Integer(), nullable=False, primary_key=True)`. */
function columnOf(c: PyCall): ColumnSpec | undefined {
  const name = asText(c.args[0]) ?? asText(kwarg(c, 'name'));
  if (!name) return undefined;
  const type = c.args[1] ?? kwarg(c, 'type_');
  const primaryKey = asBool(kwarg(c, 'primary_key')) === true;
  const column: ColumnSpec = { name, type: type ? sqlalchemyType(type) : 'unknown', nullable: !primaryKey && asBool(kwarg(c, 'nullable')) !== false };
  if (primaryKey) column.primaryKey = true;
  return column;
}

const SQLALCHEMY_TYPES: Record<string, string> = {
  Integer: 'integer',
  INTEGER: 'integer',
  SmallInteger: 'smallint',
  SMALLINT: 'smallint',
  BigInteger: 'bigint',
  BIGINT: 'bigint',
  Text: 'text',
  TEXT: 'text',
  UnicodeText: 'text',
  Boolean: 'boolean',
  BOOLEAN: 'boolean',
  Date: 'date',
  DATE: 'date',
  Time: 'time without time zone',
  Float: 'double precision',
  FLOAT: 'double precision',
  REAL: 'real',
  Double: 'double precision',
  JSON: 'json',
  JSONB: 'jsonb',
  UUID: 'uuid',
  Uuid: 'uuid',
  LargeBinary: 'bytea',
  BYTEA: 'bytea',
  Interval: 'interval',
  INET: 'inet',
  CITEXT: 'citext',
  TSVECTOR: 'tsvector',
};

/** A SQLAlchemy type (`sa.String(20)`, `sa.DateTime(timezone=True)`, `postgresql.ARRAY(sa.Text())`) → PostgreSQL's spelling. */
export function sqlalchemyType(value: PyValue): string {
  const call = asCall(value);
  const name = call?.name ?? (value.type === 'ref' ? value.local.split('.').pop()! : undefined);
  if (!name) return 'unknown';
  const arg = (i: number, key: string) => {
    const v = call ? argument(call, i, key) : undefined;
    return v?.type === 'num' ? v.value : undefined;
  };
  const fixed = SQLALCHEMY_TYPES[name];
  if (fixed) return fixed;
  if (['String', 'VARCHAR', 'Unicode', 'NVARCHAR'].includes(name)) {
    const length = arg(0, 'length');
    return length === undefined ? 'varchar' : `varchar(${length})`;
  }
  if (name === 'CHAR') return `char(${arg(0, 'length') ?? 1})`;
  if (name === 'DateTime' || name === 'TIMESTAMP') {
    return call && asBool(argument(call, 0, 'timezone')) ? 'timestamp with time zone' : 'timestamp without time zone';
  }
  if (name === 'Numeric' || name === 'NUMERIC' || name === 'DECIMAL') {
    const precision = arg(0, 'precision');
    return precision === undefined ? 'numeric' : `numeric(${precision},${arg(1, 'scale') ?? 0})`;
  }
  if (name === 'ARRAY' && call?.args[0]) return `${sqlalchemyType(call.args[0])}[]`;
  if (name === 'Enum') return asText(call ? kwarg(call, 'name') : undefined) ?? 'enum';
  return name.toLowerCase();
}
