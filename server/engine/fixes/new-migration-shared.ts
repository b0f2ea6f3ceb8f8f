// What the query-fit fixes share: the change a rule asks for (replace an index by a better one, add one,
// drop one), and how an index and a migration file are named in titles.
import type { IndexDef } from '../query/types.js';
import { keyText } from '../query/pattern-text.js';
import { pythonSource } from '../python/source.js';
import type { FixSources } from '../schema/types.js';
import type { Runner } from '../types.js';

/** The index a fix builds: everything an IndexDef says about its definition, before it has a name. */
export type IndexShape = Pick<IndexDef, 'table' | 'schema' | 'columns' | 'unique' | 'method' | 'include' | 'predicate' | 'predicateText'>;

export type IndexChange =
  /** Build `next`, then drop `old` (an index that shipped is never edited in place). */
  | { kind: 'replace'; old: IndexDef; next: IndexShape }
  | { kind: 'add'; next: IndexShape }
  | { kind: 'drop'; old: IndexDef };

export { keyText };

/** `(customer_id, role) WHERE enabled`. */
export function indexText(index: Pick<IndexShape, 'columns' | 'predicateText'>): string {
  return `(${keyText(index.columns)})${index.predicateText ? ` WHERE ${index.predicateText}` : ''}`;
}

export function fileName(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  const base = parts[parts.length - 1]!;
  return base === 'migration.sql' && parts.length > 1 ? `${parts[parts.length - 2]}/${base}` : base;
}

/** The folder a migration's siblings are in (Prisma: the folder holding one folder per migration). */
export function folderOf(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  parts.pop();
  if (path.endsWith('/migration.sql')) parts.pop();
  return parts.join('/');
}

/** A file of the fix sources by path (indexed once per sources: every finding's fix looks files up). */
const byPath = new WeakMap<FixSources, Map<string, { text: string; runner?: Runner }>>();

export function sourceFile(sources: FixSources, path: string): { text: string; runner?: Runner } | undefined {
  let files = byPath.get(sources);
  if (!files) {
    files = new Map<string, { text: string; runner?: Runner }>();
    for (const p of sources.python) files.set(p.path, p);
    for (const m of sources.migrations) files.set(m.path, m);
    byPath.set(sources, files);
  }
  return files.get(path);
}

/** The quote style a file is written in, once per text (pythonSource's own cache is small, and a large
 * project's fixes visit every app's models module and latest migration in turn). */
const quotes = new Map<string, "'" | '"'>();

export function quoteOf(text: string): "'" | '"' {
  let quote = quotes.get(text);
  if (!quote) {
    if (quotes.size > 4096) quotes.clear();
    quotes.set(text, (quote = pythonSource(text).quote));
  }
  return quote;
}

/** The quote style of the latest (by path) of a folder's migrations: what a new migration beside them is written in. */
export function latestQuote(migrations: readonly { path: string; text: string }[]): "'" | '"' {
  const latest = migrations.reduce<{ path: string; text: string } | undefined>((a, b) => (!a || b.path > a.path ? b : a), undefined);
  return latest ? quoteOf(latest.text) : "'";
}
