// Collecting operations while a Python migration is read: each emitted operation keeps the Python call
// it came from (and, for SQL, the string), so transaction state and fix data can be filled in after.
import type { AddConstraintOp, CreateIndexOp, Operation, Span, Vendor } from '../types.js';
import type { ImportTable } from './imports.js';
import type { SqlPiece } from './embedded-sql.js';
import type { PythonCallSite, PythonMigrationInfo, PythonOperationInfo, VendorSwitch } from './model.js';
import type { Evaluator, PyCall } from './values.js';

export interface Emitted {
  op: Operation;
  site: PythonCallSite;
  field?: PythonOperationInfo['field'];
  definition?: Span;
  vendorSwitch?: VendorSwitch;
  /** For SQL operations: the string they came from (transaction state of multi-statement strings). */
  piece?: SqlPiece;
  /** Django `RunPython(…, atomic=True)`: runs in a transaction even in a non-atomic migration. */
  forceAtomic?: boolean;
  /** Alembic: inside `with op.get_context().autocommit_block():`. */
  autocommit?: boolean;
}

export interface EmitContext {
  ev: Evaluator;
  python: PythonMigrationInfo;
  out: Emitted[];
  /** Reading operations that only change the model state: emit nothing. */
  stateOnly: boolean;
  /** Skip SQL parsing (model-state collection). */
  skipSql: boolean;
}

export type OpBase = Pick<Operation, 'span' | 'focus' | 'inTransaction' | 'index'>;

export function opBase(site: PythonCallSite): OpBase {
  return { span: site.span, focus: site.nameSpan, inTransaction: false, index: site.listIndex };
}

/** A Django index build as the schema editor runs it: a plain, non-concurrent B-tree unless said otherwise. */
export function djangoCreateIndex(
  site: PythonCallSite,
  index: Pick<CreateIndexOp, 'table' | 'columns' | 'tableCreatedInFile'> & Partial<Pick<CreateIndexOp, 'name' | 'include' | 'where' | 'unique' | 'concurrent' | 'method' | 'source'>>,
): CreateIndexOp {
  return {
    ...opBase(site),
    kind: 'create-index',
    include: [],
    unique: false,
    concurrent: false,
    ifNotExists: false,
    method: 'btree',
    source: site.name,
    ...index,
  };
}

/** A constraint Django's schema editor adds with one `ALTER TABLE … ADD CONSTRAINT` (`clause`: what defines it). */
export function djangoAddConstraint(
  site: PythonCallSite,
  constraint: Pick<AddConstraintOp, 'table' | 'constraint' | 'name' | 'columns' | 'tableCreatedInFile' | 'clause'>,
): AddConstraintOp {
  return { ...opBase(site), kind: 'add-constraint', ...constraint, commandCount: 1 };
}

/** Index columns of plain column names (default direction and NULLS placement). */
export const plainColumns = (columns: string[]): CreateIndexOp['columns'] => columns.map((column) => ({ column, direction: 'default', nulls: 'default' }));

export function emit(ctx: EmitContext, e: Emitted): void {
  if (!ctx.stateOnly) ctx.out.push(e);
}

export function emitOther(ctx: EmitContext, site: PythonCallSite, statement: string, extra: Partial<Emitted> = {}): void {
  emit(ctx, { op: { ...opBase(site), kind: 'other', statement }, site, ...extra });
}

/** A call site from a call value. */
export function callSite(call: PyCall, listIndex: number, item: Span, name = call.name): PythonCallSite {
  return {
    name,
    span: call.span,
    callee: call.calleeSpan,
    nameSpan: call.nameSpan,
    args: call.argsSpan,
    keywords: call.kwargs.map((k) => ({ name: k.name, span: k.span, value: k.value.span })),
    listIndex,
    item,
  };
}

/** Call sites, list items and SQL strings that live outside their call (a module-level constant). */
export function suppressionAnchors(out: Emitted[]): Span[] {
  const anchors: Span[] = [];
  for (const e of out) {
    anchors.push(e.site.span, e.site.item);
    const literal = e.op.embedded?.literal;
    if (literal && (literal.start < e.site.span.start || literal.end > e.site.span.end)) anchors.push(literal);
  }
  return anchors;
}

export function operationInfos(out: Emitted[]): PythonOperationInfo[] {
  return out.map((e, opIndex) => ({ opIndex, site: e.site, vendorSwitch: e.vendorSwitch, field: e.field, definition: e.definition }));
}

/** The vendor whose behaviour is modelled: PostgreSQL unless only SQLite is configured. */
export function modelledVendor(vendors: Vendor[]): Vendor {
  return vendors.length === 0 || vendors.includes('postgresql') ? 'postgresql' : 'sqlite';
}

export function pythonInfoSkeleton(imports: ImportTable, localNames: Record<string, string>): PythonMigrationInfo {
  return { imports: imports.imports, importInsert: imports.importInsert, localNames, operations: [], embeddedSql: [], unanalyzable: [] };
}
