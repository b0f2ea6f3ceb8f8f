// State while a Django migration's operations are mapped: on top of the emit context, the app's models,
// the modelled vendor, and the file's classes and functions (custom operations, helpers, RunPython code).
import type { Span, Vendor } from '../types.js';
import type { ModelRegistry } from './django-models.js';
import type { SqlRenderContext } from './django-sql.js';
import type { EmitContext } from './emit.js';
import type { PyNode } from './parser.js';
import type { PyValue } from './values.js';

export { callSite, djangoAddConstraint, djangoCreateIndex, emit, emitOther, opBase, plainColumns, type Emitted } from './emit.js';

export interface DjangoContext extends EmitContext {
  registry: ModelRegistry;
  /** Vendor whose behaviour is modelled (`_like` indexes, vendor switches, generated names). */
  vendor: Vendor;
  /** Module-level classes and functions of the file, by name. */
  classes: Map<string, PyNode>;
  functions: Map<string, PyNode>;
  /** Maps one element of an operations list (top level or nested); see django-items.ts. */
  mapItem: ItemMapper;
}

export type ItemMapper = (ctx: DjangoContext, value: PyValue, listIndex: number, item: Span) => void;

/** Rendering context for a model's index / condition SQL. */
export function renderContext(ctx: DjangoContext, model: string): SqlRenderContext {
  return {
    columnOf: (field) => ctx.registry.column(model, field),
    source: (span) => ctx.ev.parsed.text.slice(span.start, span.end),
  };
}
