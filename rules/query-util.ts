// Shared by the query-fit rules: which vendors to judge for, indexes and patterns per table, and how
// to name an index or a query in a message.
import type { ProjectRuleContext } from '../server/engine/rule.js';
import { keyText, type IndexShape } from '../server/engine/fixes/new-migration.js';
import type { SuggestedIndex } from '../server/engine/query/suggest.js';
import { fitIndex, rankFits, type RankedFit } from '../server/engine/query/fit.js';
import { patternText } from '../server/engine/query/pattern-text.js';
import type { FitOptions, IndexDef, IndexFit, QueryPattern } from '../server/engine/query/types.js';
import type { RelatedLocation, Span, Vendor } from '../server/engine/types.js';

export const VENDOR_NAME: Record<Vendor, string> = { postgresql: 'PostgreSQL', sqlite: 'SQLite' };

export function fitOptions(ctx: ProjectRuleContext): FitOptions {
  return { postgresVersion: ctx.project.config.postgresVersion };
}

export function allIndexes(ctx: ProjectRuleContext): IndexDef[] {
  return [...ctx.knowledge.schema.tables.values()].flatMap((t) => t.indexes);
}

const byTable = new WeakMap<ProjectRuleContext['knowledge'], Map<string, QueryPattern[]>>();

/** The query patterns on a table (grouped once per knowledge: every rule asks, index by index). */
export function patternsOn(ctx: ProjectRuleContext, table: string): QueryPattern[] {
  let groups = byTable.get(ctx.knowledge);
  if (!groups) {
    groups = new Map();
    for (const p of ctx.knowledge.patterns) {
      const list = groups.get(p.table);
      if (list) list.push(p);
      else groups.set(p.table, [p]);
    }
    byTable.set(ctx.knowledge, groups);
  }
  return groups.get(table) ?? [];
}

export function indexesOn(ctx: ProjectRuleContext, table: string): IndexDef[] {
  return ctx.knowledge.schema.tables.get(table)?.indexes ?? [];
}

/** A pattern can be helped by an index at all: it constrains or orders by a column. */
export function isIndexable(p: QueryPattern): boolean {
  return p.terms.some((t) => t.op !== 'other' && t.op !== 'or' && !(t.op === '<>')) || p.orderBy.some((o) => o.column);
}

export function indexText(index: IndexDef): string {
  const name = index.name ? `\`${index.name}\` ` : '';
  return `${name}(${keyText(index.columns)})${index.predicateText ? ` WHERE ${index.predicateText}` : ''}`;
}

export function queryRelated(patterns: QueryPattern[], message: (p: QueryPattern) => string): RelatedLocation[] {
  return patterns.flatMap((p) => p.locations.map((l) => ({ file: l.file, span: l.span, message: message(p) })));
}

/** Where an index finding lands: the index's definition (migration or model). */
export function indexLocation(index: IndexDef): { file: string; span: Span } | undefined {
  return index.origin ? { file: index.origin.file, span: index.origin.span } : undefined;
}

/** The index a suggestion describes, on the table `on` names: a plain B-tree, partial when the suggestion has a predicate. */
export function suggestedShape(suggestion: SuggestedIndex, on: { table: string; schema?: string }): IndexShape {
  return {
    table: on.table,
    ...(on.schema ? { schema: on.schema } : {}),
    columns: suggestion.columns,
    unique: false,
    method: 'btree',
    include: [],
    ...(suggestion.predicate.length ? { predicate: suggestion.predicate, predicateText: suggestion.predicateText! } : {}),
  };
}

export function weightNote(p: QueryPattern): string {
  if (!p.weight) return '';
  return ` (pg_stat_statements: ${p.weight.calls} calls, ${Math.round(p.weight.totalExecTime)} ms in all)`;
}

/** The patterns an index is meant for: every one of its key columns is constrained or ordered by them. */
export function intendedPatterns(index: IndexDef, patterns: QueryPattern[]): QueryPattern[] {
  const keys = index.columns.map((c) => c.column);
  if (keys.some((k) => !k)) return [];
  return patterns.filter((p) => {
    const used = new Set([...p.terms.flatMap((t) => ('column' in t ? [t.column] : [])), ...p.orderBy.flatMap((o) => (o.column ? [o.column] : []))]);
    return keys.every((k) => used.has(k!));
  });
}

/** Several rules ask for the same pattern's fits: ranked once per pattern, vendor and index list. */
const rankCache = new WeakMap<QueryPattern, Map<string, { indexes: IndexDef[]; options: FitOptions; ranked: RankedFit[] }>>();

function rankedFits(pattern: QueryPattern, indexes: IndexDef[], vendor: Vendor, options: FitOptions): RankedFit[] {
  let byVendor = rankCache.get(pattern);
  if (!byVendor) rankCache.set(pattern, (byVendor = new Map()));
  const known = byVendor.get(vendor);
  if (known && known.indexes === indexes && known.options.postgresVersion === options.postgresVersion) return known.ranked;
  const ranked = rankFits(pattern, indexes, vendor, options);
  byVendor.set(vendor, { indexes, options, ranked });
  return ranked;
}

/**
 * The index that serves the pattern best (fit.ts `bestIndexFor`), `except` one of them: the ranking is a
 * stable sort on each index's own score, so leaving an index out leaves the others' order as it was.
 */
export function bestIndexFor(pattern: QueryPattern, indexes: IndexDef[], vendor: Vendor, options: FitOptions = {}, except?: IndexDef): RankedFit | undefined {
  return rankedFits(pattern, indexes, vendor, options).find((r) => r.index !== except && r.fit.usable !== false);
}

export { fitIndex, keyText, patternText, rankFits };
export type { IndexFit };
