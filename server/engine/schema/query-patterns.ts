// The application's query patterns, per source, each file's result cached (cache.ts): raw SQL query
// files, ORM calls in `.py` files (through the ORM seam, orm.ts), and a pg_stat_statements export.
import { readFileSync, statSync } from 'node:fs';
import { patternKey } from '../orm/collect.js';
import { patternsFromPgStatStatements } from '../query/pg-stat-statements.js';
import { patternsFromSql } from '../query/sql-patterns.js';
import type { QueryPattern, SkippedQuery } from '../query/types.js';
import type { SourceFile, Vendor } from '../types.js';
import { hashOf, type CachedPatterns, type KnowledgeCache } from './cache.js';
import type { OrmFacade } from './orm.js';
import { extractInChunks, threadsFor, type OrmParallelism } from './orm-workers.js';
import type { KnowledgeProblem, TableDef } from './types.js';

export interface SourceContext {
  cache: KnowledgeCache;
  version: string;
  /** Query file → `mtime:size`. */
  stamps: Map<string, string>;
  problems: KnowledgeProblem[];
}

export function stampOf(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

function readText(path: string, problems: KnowledgeProblem[], keepMark = false): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return keepMark ? text : text.replace(/^\uFEFF/, '');
  } catch (error) {
    problems.push({ file: path, message: `cannot read the file: ${(error as Error).message}` });
    return undefined;
  }
}

export function sqlQueryPatterns(files: string[], { cache, version, stamps, problems }: SourceContext): CachedPatterns {
  const out: CachedPatterns = { patterns: [], skipped: [] };
  for (const file of files) {
    const key = hashOf(version, 'sql', stamps.get(file) ?? '');
    let set = cache.query(file, key);
    if (!set) {
      const text = readText(file, problems);
      set = text === undefined ? { patterns: [], skipped: [] } : patternsFromSql(text, { file, source: 'sql' });
      cache.setQuery(file, key, set);
    }
    out.patterns.push(...set.patterns);
    out.skipped.push(...set.skipped);
  }
  return out;
}

export interface OrmKnowledge {
  tables: TableDef[];
  patterns: QueryPattern[];
  skipped: SkippedQuery[];
  /** When this run built the model registry: it, and the texts it was built from (a fix reuses both). */
  built?: { registry: unknown; texts: Map<string, string | undefined> };
}

/**
 * The models' tables and the ORM query patterns. Each file's patterns are cached under its own stamp and
 * the registry's fingerprint; the registry is built only when a file changed, and only the files whose
 * entry is stale are extracted again (with every `__init__.py`, which the extractor needs for module
 * names). A pattern found in several files is cached once per file and merged again here.
 */
export async function ormKnowledge(files: string[], orm: OrmFacade, vendor: Vendor, { cache, version, stamps, problems }: SourceContext, parallel?: OrmParallelism): Promise<OrmKnowledge> {
  const where = files[0] ?? '';
  const registryKey = hashOf(version, vendor, ...files.flatMap((f) => [f, stamps.get(f)!]));
  // As read (a byte-order mark kept: a fix's offsets point into the file as it is); parsed without the mark.
  const texts = new Map<string, string | undefined>();
  const sources = (paths: string[]): SourceFile[] =>
    paths.flatMap((path) => {
      if (!texts.has(path)) texts.set(path, readText(path, problems, true));
      const text = texts.get(path);
      return text === undefined ? [] : [{ path, text: text.replace(/^\uFEFF/, '') }];
    });
  let registry: { value: unknown } | undefined;
  const build = (): unknown => {
    if (!registry) {
      try {
        registry = { value: orm.buildModelRegistry(sources(files)) };
      } catch (error) {
        problems.push({ file: where, message: `the model registry could not be built: ${(error as Error).message}` });
        registry = { value: undefined };
      }
    }
    return registry.value;
  };
  // The project's files, for the query helpers a file imports from another module.
  const project = { paths: files, text: (path: string) => sources([path])[0]?.text };
  let models = cache.models(registryKey);
  if (!models) {
    const value = build();
    const helpers = value === undefined ? [] : (orm.helperCallers?.(sources(files), value) ?? []);
    models = value === undefined ? { fingerprint: registryKey, tables: [] } : { fingerprint: fingerprintOf(orm, value, registryKey, helpers), tables: orm.tables(value, vendor) };
    cache.setModels(registryKey, models.fingerprint, models.tables);
  }
  const keyOf = (path: string) => hashOf(version, 'orm', stamps.get(path)!, models.fingerprint);
  // A file's patterns also depend on the files whose helpers it uses: stale when one of them changed.
  const depsFresh = (deps: Record<string, string> | undefined) => !deps || Object.entries(deps).every(([p, stamp]) => stamps.get(p) === stamp);
  const sets = new Map<string, CachedPatterns>();
  const stale = files.filter((path) => {
    const set = cache.query(path, keyOf(path));
    if (set && depsFresh(set.deps)) sets.set(path, set);
    return !sets.has(path);
  });
  if (stale.length) {
    const value = build();
    const initFiles = files.filter((f) => f.endsWith('__init__.py'));
    const extractHere = (batch: string[], owned: string[]): Map<string, FileSet> => {
      let found: ExtractedSet = { patterns: [], skipped: [] };
      if (value !== undefined) {
        try {
          found = orm.extractQueryPatterns(sources(batch), value, project);
        } catch (error) {
          problems.push({ file: where, message: `queries could not be extracted: ${(error as Error).message}` });
        }
      }
      return byFile(found, owned);
    };
    const threads = value === undefined ? 1 : threadsFor(stale, parallel);
    const found =
      threads > 1
        ? await extractInChunks(stale, threads, parallel!, files, initFiles, extractHere)
        : extractHere([...new Set([...stale, ...initFiles])].sort(), stale);
    for (const path of stale) {
      const { depPaths, ...set }: FileSet = found.get(path) ?? { patterns: [], skipped: [] };
      const entry: CachedPatterns = depPaths?.length ? { ...set, deps: Object.fromEntries(depPaths.map((p) => [p, stamps.get(p) ?? ''])) } : set;
      cache.setQuery(path, keyOf(path), entry);
      sets.set(path, entry);
    }
  }
  const merged = mergeSamePatterns(files.map((f) => sets.get(f) ?? { patterns: [], skipped: [] }));
  return { tables: models.tables, ...merged, ...(registry?.value !== undefined ? { built: { registry: registry.value, texts } } : {}) };
}

/** A worker thread's chunk (orm-workers.ts): its own registry from the project's files, its files' patterns. */
export async function extractChunk(orm: OrmFacade, registryFiles: string[], batch: string[], owned: string[]): Promise<Map<string, FileSet>> {
  const problems: KnowledgeProblem[] = [];
  const texts = new Map<string, string | undefined>();
  const read = (paths: string[]) =>
    paths.flatMap((path) => {
      if (!texts.has(path)) texts.set(path, readText(path, problems));
      const text = texts.get(path);
      return text === undefined ? [] : [{ path, text }];
    });
  const registry = orm.buildModelRegistry(read(registryFiles));
  const project = { paths: registryFiles, text: (path: string) => read([path])[0]?.text };
  return byFile(orm.extractQueryPatterns(read(batch), registry, project), owned);
}

function fingerprintOf(orm: OrmFacade, registry: unknown, fallback: string, helpers: string[]): string {
  try {
    return hashOf(orm.fingerprint(registry), ...helpers);
  } catch {
    return fallback; // not serialisable: any change to a .py file invalidates every ORM pattern
  }
}

/** A pattern set split per file: a pattern found in several files goes to each with its own locations. */
/** What the extractor returns, and one file's share of it (`depPaths`: the files whose helpers it uses). */
type ExtractedSet = Omit<CachedPatterns, 'deps'> & { deps?: Record<string, string[]> };
export type FileSet = Omit<CachedPatterns, 'deps'> & { depPaths?: string[] };

function byFile(set: ExtractedSet, files: string[]): Map<string, FileSet> {
  const out = new Map<string, FileSet>(files.map((f) => [f, { patterns: [], skipped: [] }]));
  for (const pattern of set.patterns) {
    const byLocation = new Map<string, QueryPattern['locations']>();
    for (const l of pattern.locations) if (out.has(l.file)) byLocation.set(l.file, [...(byLocation.get(l.file) ?? []), l]);
    for (const [file, locations] of byLocation) out.get(file)!.patterns.push({ ...pattern, locations });
  }
  for (const skipped of set.skipped) out.get(skipped.location.file)?.skipped.push(skipped);
  for (const [file, paths] of Object.entries(set.deps ?? {})) {
    const entry = out.get(file);
    if (entry) entry.depPaths = paths;
  }
  return out;
}

/** Per-file pattern sets, in file order, with identical patterns (parameter names aside) made one. */
function mergeSamePatterns(sets: CachedPatterns[]): CachedPatterns {
  const byKey = new Map<string, QueryPattern>();
  const skipped: SkippedQuery[] = [];
  for (const set of sets) {
    skipped.push(...set.skipped);
    for (const p of set.patterns) {
      const key = patternKey(p);
      const existing = byKey.get(key);
      if (existing) existing.locations.push(...p.locations);
      else byKey.set(key, { ...p, locations: [...p.locations] });
    }
  }
  return { patterns: [...byKey.values()], skipped };
}

export function pgStatPatterns(file: string | undefined, { cache, version, problems }: SourceContext): CachedPatterns {
  if (!file) return { patterns: [], skipped: [] };
  const stamp = stampOf(file);
  if (stamp === undefined) {
    problems.push({ file, message: 'the pg_stat_statements export (`queries.pgStatStatements`) does not exist' });
    return { patterns: [], skipped: [] };
  }
  const key = hashOf(version, 'pg_stat_statements', stamp);
  let set = cache.query(file, key);
  if (!set) {
    const text = readText(file, problems) ?? '';
    set = patternsFromPgStatStatements(text, { file });
    cache.setQuery(file, key, set);
  }
  for (const message of set.problems ?? []) problems.push({ file, message });
  return set;
}
