// Django expressions → SQL text, the way the SQL side of idxlint reports it (unquoted lowercase names,
// `where` / `expression` as plain SQL): index elements (`'-field'`, `F('x').desc()`, `Lower('email')`,
// `OpClass(…)`, `Collate(…)`) and partial-index conditions (`Q(enabled=True)` → `enabled`,
// `Q(x__gt=1) | ~Q(y__isnull=True)` → `x > 1 OR NOT (y IS NULL)`).
//
// Lookups rendered: exact (None → IS NULL, True/False on its own → `col` / `NOT col`), iexact, gt, gte,
// lt, lte, in, isnull, range, contains / icontains / startswith / istartswith / endswith / iendswith
// (as LIKE), regex / iregex; transforms lower, upper, date, year/month/day (EXTRACT), JSON keys (`->`).
// Anything else falls back to the Python source text of the piece, so a condition is never lost.
import type { IndexColumn, Span } from '../types.js';
import { asText, kwarg, type PyCall, type PyValue } from './values.js';
import { DJANGO_CORE_LOOKUPS } from './django-names.js';

export interface SqlRenderContext {
  /** Field name → column of the model the index / constraint belongs to. */
  columnOf(field: string): string;
  /** Python source text of a span (fallback rendering). */
  source(span: Span): string;
}

const RESERVED = new Set(
  'all and any array as asc both case cast check collate column constraint create default desc distinct do else end except false for foreign from grant group having in initially intersect into leading limit not null offset on only or order primary references select some table then to trailing true union unique user using when where with'.split(
    ' ',
  ),
);

export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------- index elements

/** `fields=[…]` entry: `'-routing_priority'` → column routing_priority, DESC. */
export function fieldElement(field: string, ctx: SqlRenderContext, opclass?: string): IndexColumn {
  const desc = field.startsWith('-');
  const col: IndexColumn = { column: ctx.columnOf(desc ? field.slice(1) : field), direction: desc ? 'desc' : 'default', nulls: 'default' };
  if (opclass) col.opclass = opclass;
  return col;
}

/** A positional `Index(*expressions)` element. */
export function expressionElement(value: PyValue, ctx: SqlRenderContext): IndexColumn {
  const col: IndexColumn = { direction: 'default', nulls: 'default' };
  let v = value;
  for (;;) {
    const call = v.type === 'call' ? v.call : undefined;
    if (!call) break;
    if (call.receiver && (call.name === 'desc' || call.name === 'asc')) {
      col.direction = call.name;
      if (kwarg(call, 'nulls_first')?.type === 'bool') col.nulls = 'first';
      if (kwarg(call, 'nulls_last')?.type === 'bool') col.nulls = 'last';
      v = call.receiver;
    } else if (call.name === 'OrderBy' && call.args[0]) {
      const d = kwarg(call, 'descending');
      col.direction = d?.type === 'bool' && d.value ? 'desc' : 'asc';
      if (kwarg(call, 'nulls_first')?.type === 'bool') col.nulls = 'first';
      if (kwarg(call, 'nulls_last')?.type === 'bool') col.nulls = 'last';
      v = call.args[0];
    } else if (call.name === 'OpClass' && call.args[0]) {
      col.opclass = asText(kwarg(call, 'name') ?? call.args[1]);
      v = call.args[0];
    } else if (call.name === 'Collate' && call.args[0]) {
      col.collation = asText(kwarg(call, 'collation') ?? call.args[1]);
      v = call.args[0];
    } else break;
  }
  const field = fieldReference(v);
  if (field !== undefined) col.column = ctx.columnOf(field);
  else col.expression = renderExpression(v, ctx);
  return col;
}

/** `'x'` or `F('x')` → `x`. */
function fieldReference(v: PyValue): string | undefined {
  if (v.type === 'str') return v.str.value;
  if (v.type === 'call' && v.call.name === 'F' && !v.call.receiver) return asText(v.call.args[0]);
  return undefined;
}

// ---------------------------------------------------------------- expressions

const FUNCTIONS: Record<string, string> = {
  Lower: 'lower',
  Upper: 'upper',
  Length: 'length',
  Trim: 'trim',
  LTrim: 'ltrim',
  RTrim: 'rtrim',
  Coalesce: 'coalesce',
  Greatest: 'greatest',
  Least: 'least',
  Abs: 'abs',
  Reverse: 'reverse',
  MD5: 'md5',
  Concat: 'concat',
  Left: 'left',
  Right: 'right',
  Replace: 'replace',
  Substr: 'substring',
  StrIndex: 'strpos',
  Round: 'round',
  Floor: 'floor',
  Ceil: 'ceiling',
  Now: 'statement_timestamp',
};

const CAST_TYPES: Record<string, string> = {
  IntegerField: 'integer',
  SmallIntegerField: 'smallint',
  BigIntegerField: 'bigint',
  CharField: 'varchar',
  TextField: 'text',
  DateField: 'date',
  DateTimeField: 'timestamp with time zone',
  TimeField: 'time',
  BooleanField: 'boolean',
  FloatField: 'double precision',
  DecimalField: 'numeric',
  JSONField: 'jsonb',
  UUIDField: 'uuid',
};

export function renderExpression(v: PyValue, ctx: SqlRenderContext): string {
  switch (v.type) {
    case 'str':
      return ident(ctx.columnOf(v.str.value)); // Func arguments given as strings are F() references
    case 'num':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'none':
      return 'NULL';
    case 'op': {
      const [a, b] = v.operands;
      if (a && b && ['+', '-', '*', '/', '%'].includes(v.op)) return `${renderExpression(a, ctx)} ${v.op} ${renderExpression(b, ctx)}`;
      return ctx.source(v.span);
    }
    case 'call':
      return renderCall(v.call, ctx) ?? ctx.source(v.span);
    default:
      return ctx.source(v.span);
  }
}

function renderCall(call: PyCall, ctx: SqlRenderContext): string | undefined {
  const args = () => call.args.map((a) => renderExpression(a, ctx)).join(', ');
  if (call.receiver) return undefined;
  const name = call.name;
  if (name === 'F') return ident(ctx.columnOf(asText(call.args[0]) ?? ''));
  if (name === 'Value') return renderValue(call.args[0], ctx);
  if (name === 'Cast' && call.args[0]) {
    const field = kwarg(call, 'output_field') ?? call.args[1];
    const type = field?.type === 'call' ? CAST_TYPES[field.call.name] : undefined;
    return type ? `(${renderExpression(call.args[0], ctx)})::${type}` : undefined;
  }
  if ((name === 'KeyTextTransform' || name === 'KeyTransform') && call.args.length === 2) {
    const key = asText(call.args[0]);
    if (key === undefined) return undefined;
    return `(${renderExpression(call.args[1]!, ctx)} ${name === 'KeyTextTransform' ? '->>' : '->'} ${sqlString(key)})`;
  }
  if (name === 'Func') {
    const fn = asText(kwarg(call, 'function'));
    return fn ? `${fn.toLowerCase()}(${args()})` : undefined;
  }
  if (name.startsWith('Extract') && name.length > 7 && call.args[0]) {
    return `EXTRACT(${name.slice(7).toUpperCase()} FROM ${renderExpression(call.args[0], ctx)})`;
  }
  if (name === 'TruncDate' && call.args[0]) return `(${renderExpression(call.args[0], ctx)})::date`;
  if (name.startsWith('Trunc') && name.length > 5 && call.args[0]) {
    return `date_trunc(${sqlString(name.slice(5).toLowerCase())}, ${renderExpression(call.args[0], ctx)})`;
  }
  return `${FUNCTIONS[name] ?? name.toLowerCase()}(${args()})`;
}

/** A literal on the right-hand side of a lookup. */
function renderValue(v: PyValue | undefined, ctx: SqlRenderContext): string {
  if (!v) return 'NULL';
  switch (v.type) {
    case 'str':
      return sqlString(v.str.value);
    case 'num':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'none':
      return 'NULL';
    case 'seq':
      return `(${v.items.map((i) => renderValue(i, ctx)).join(', ')})`;
    case 'call':
      if (v.call.name === 'F' || v.call.name === 'Value' || FUNCTIONS[v.call.name]) return renderExpression(v, ctx);
      return ctx.source(v.span);
    default:
      return ctx.source(v.span);
  }
}

// ---------------------------------------------------------------- Q conditions

type Condition = { leaf: string } | { connector: 'AND' | 'OR'; negated: boolean; children: Condition[] };

/** `condition=Q(…)` → SQL text of the predicate. */
export function renderCondition(v: PyValue, ctx: SqlRenderContext): string {
  return renderNode(toCondition(v, ctx));
}

function toCondition(v: PyValue, ctx: SqlRenderContext): Condition {
  if (v.type === 'op' && (v.op === '&' || v.op === '|') && v.operands.length === 2) {
    return { connector: v.op === '&' ? 'AND' : 'OR', negated: false, children: v.operands.map((o) => toCondition(o, ctx)) };
  }
  if (v.type === 'op' && v.op === '~' && v.operands[0]) {
    return { connector: 'AND', negated: true, children: [toCondition(v.operands[0], ctx)] };
  }
  if (v.type === 'call' && v.call.name === 'Q' && !v.call.receiver) {
    const { call } = v;
    const children: Condition[] = [];
    for (const arg of call.args) {
      if (arg.type === 'seq' && arg.items.length === 2 && arg.items[0]!.type === 'str') {
        children.push({ leaf: renderLookup(arg.items[0].str.value, arg.items[1]!, ctx) });
      } else children.push(toCondition(arg, ctx));
    }
    const kwargs = call.kwargs.filter((k) => !k.name.startsWith('_')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const k of kwargs) children.push({ leaf: renderLookup(k.name, k.value, ctx) });
    const connector = kwarg(call, '_connector');
    const or = connector && /OR['"]?$/.test(ctx.source(connector.span));
    const negated = kwarg(call, '_negated');
    return { connector: or ? 'OR' : 'AND', negated: negated?.type === 'bool' && negated.value, children };
  }
  return { leaf: ctx.source(v.span) };
}

function renderNode(node: Condition): string {
  if ('leaf' in node) return node.leaf;
  // Flatten children that use the same connector (Django's Q.add squashes them the same way).
  const children: Condition[] = [];
  for (const c of node.children) {
    if (!('leaf' in c) && !c.negated && (c.connector === node.connector || c.children.length === 1)) children.push(...c.children);
    else children.push(c);
  }
  const parts = children.map((c) => {
    const text = renderNode(c);
    const compound = !('leaf' in c) && !c.negated && c.children.length > 1;
    return compound && children.length > 1 ? `(${text})` : text;
  });
  const body = parts.join(` ${node.connector} `);
  return node.negated ? `NOT (${body})` : body;
}

const LOOKUPS = new Set(DJANGO_CORE_LOOKUPS);

const COMPARISONS: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

function renderLookup(path: string, value: PyValue, ctx: SqlRenderContext): string {
  const parts = path.split('__');
  const lookup = parts.length > 1 && LOOKUPS.has(parts[parts.length - 1]!) ? parts.pop()! : 'exact';
  let lhs = ident(ctx.columnOf(parts[0]!));
  for (const transform of parts.slice(1)) lhs = applyTransform(lhs, transform);
  const plain = parts.length === 1;
  switch (lookup) {
    case 'exact':
      if (value.type === 'none') return `${lhs} IS NULL`;
      if (value.type === 'bool' && plain) return value.value ? lhs : `NOT ${lhs}`;
      return `${lhs} = ${renderValue(value, ctx)}`;
    case 'iexact':
      return `upper(${lhs}::text) = upper(${renderValue(value, ctx)})`;
    case 'in':
      return `${lhs} IN ${value.type === 'seq' ? renderValue(value, ctx) : `(${renderValue(value, ctx)})`}`;
    case 'isnull':
      return value.type === 'bool' && !value.value ? `${lhs} IS NOT NULL` : `${lhs} IS NULL`;
    case 'range': {
      const [lo, hi] = value.type === 'seq' ? value.items : [];
      return `${lhs} BETWEEN ${renderValue(lo, ctx)} AND ${renderValue(hi, ctx)}`;
    }
    case 'regex':
      return `${lhs} ~ ${renderValue(value, ctx)}`;
    case 'iregex':
      return `${lhs} ~* ${renderValue(value, ctx)}`;
    case 'contains':
    case 'icontains':
    case 'startswith':
    case 'istartswith':
    case 'endswith':
    case 'iendswith':
      return likeLookup(lhs, lookup, value, ctx);
    default:
      return `${lhs} ${COMPARISONS[lookup] ?? '='} ${renderValue(value, ctx)}`;
  }
}

function likeLookup(lhs: string, lookup: string, value: PyValue, ctx: SqlRenderContext): string {
  const insensitive = lookup.startsWith('i');
  const base = insensitive ? lookup.slice(1) : lookup;
  const raw = value.type === 'str' ? value.str.value.replace(/[\\%_]/g, '\\$&') : undefined;
  const pattern =
    raw === undefined
      ? renderValue(value, ctx)
      : sqlString(base === 'contains' ? `%${raw}%` : base === 'startswith' ? `${raw}%` : `%${raw}`);
  return insensitive ? `upper(${lhs}::text) LIKE upper(${pattern})` : `${lhs}::text LIKE ${pattern}`;
}

function applyTransform(lhs: string, transform: string): string {
  switch (transform) {
    case 'lower':
    case 'upper':
      return `${transform}(${lhs})`;
    case 'date':
      return `(${lhs})::date`;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'week_day':
      return `EXTRACT(${transform === 'week_day' ? 'DOW' : transform.toUpperCase()} FROM ${lhs})`;
    default:
      return `(${lhs} -> ${sqlString(transform)})`;
  }
}
