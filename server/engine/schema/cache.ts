// The knowledge cache, in `<root>/.idxlint-cache/`, two levels:
//
// - `knowledge.json`: the last knowledge built (schema, patterns, skipped queries), under a key made of
//   every input's key. A warm run that finds nothing changed reads this file alone.
// - `files.json`: per-file results (a migration's schema changes, a query file's patterns, the models'
//   tables), read only when something changed, so that only the changed files are parsed again.
//
// Keys: a migration by a hash of its text (it is in memory already, and may be an editor's unsaved
// buffer, which an mtime would not describe), plus what its parse depends on (runner, vendor, and for
// Django the app's earlier migrations); a query file by mtime + size (a warm run never reads it), plus
// the model registry's fingerprint for ORM patterns. Every key includes the idxlint version, and the
// files their format, so an upgrade starts over.
//
// JSON rather than SQLite (better-sqlite3): the cache is read and written whole, once per run, which
// JSON.parse / stringify do in tens of milliseconds per megabyte, and it needs no native module (the
// language server and the VS Code extension are self-contained bundles, where a `.node` binary is a
// liability). Writes go to a temporary file renamed over the old one, so a reader never sees half a file
// and two processes at worst redo each other's work.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../atomic-write.js';
import type { PatternSet, QueryPattern, SkippedQuery } from '../query/types.js';
import type { MigrationChanges } from './changes.js';
import type { KnowledgeProblem, TableDef } from './types.js';

/** Bumped whenever a cached shape changes. */
export const CACHE_FORMAT = 3;
export const CACHE_DIR = '.idxlint-cache';
export const CACHE_FILE = 'knowledge.json';
export const CACHE_FILES_FILE = 'files.json';

export interface CachedPatterns extends PatternSet {
  problems?: string[];
  /** Files whose query helpers these patterns use, with their stamps then (stale when one changed). */
  deps?: Record<string, string>;
}

/** The knowledge of the last run, as stored. */
export interface CachedKnowledge {
  tables: TableDef[];
  patterns: QueryPattern[];
  skipped: SkippedQuery[];
  problems: KnowledgeProblem[];
}

interface Stamped {
  format: number;
  version: string;
}

interface SummaryData extends Stamped {
  key: string;
  knowledge: CachedKnowledge;
}

interface FilesData extends Stamped {
  migrations: Record<string, { key: string; record: MigrationChanges }>;
  queries: Record<string, { key: string; set: CachedPatterns }>;
  models?: { key: string; fingerprint: string; tables: TableDef[] };
}

export interface CacheCounts {
  hits: number;
  misses: number;
}

export class KnowledgeCache {
  readonly counts = { migrations: { hits: 0, misses: 0 }, queries: { hits: 0, misses: 0 }, models: { hits: 0, misses: 0 } };
  private old?: FilesData;
  private readonly next: FilesData;
  private summaryOut?: SummaryData;
  private dirty = false;

  private constructor(
    readonly dir: string | undefined,
    readonly version: string,
  ) {
    this.next = this.empty();
  }

  /** The cache of a project root (empty when its files are missing, unreadable or from another version). */
  static open(root: string, version: string): KnowledgeCache {
    return new KnowledgeCache(join(root, CACHE_DIR), version);
  }

  /** A cache that lives for one run only (tests, `--no-cache`). */
  static memory(version: string): KnowledgeCache {
    return new KnowledgeCache(undefined, version);
  }

  /** The last knowledge, if it was built from inputs with this key. */
  knowledge(key: string): CachedKnowledge | undefined {
    const data = this.read<SummaryData>(CACHE_FILE);
    return data?.key === key ? data.knowledge : undefined;
  }

  setKnowledge(key: string, knowledge: CachedKnowledge): void {
    this.summaryOut = { format: CACHE_FORMAT, version: this.version, key, knowledge };
  }

  migration(path: string, key: string, compute: () => MigrationChanges): MigrationChanges {
    const hit = this.files().migrations[path];
    const fresh = hit?.key === key;
    const record = fresh ? hit.record : compute();
    this.count(this.counts.migrations, fresh);
    this.next.migrations[path] = { key, record };
    return record;
  }

  /** Cached patterns of a query file, if its key still matches (`undefined`: compute and `setQuery`). */
  query(path: string, key: string): CachedPatterns | undefined {
    const hit = this.files().queries[path];
    if (hit?.key !== key) return undefined;
    this.counts.queries.hits++;
    this.next.queries[path] = hit;
    return hit.set;
  }

  setQuery(path: string, key: string, set: CachedPatterns): void {
    this.counts.queries.misses++;
    this.dirty = true;
    this.next.queries[path] = { key, set };
  }

  models(key: string): { fingerprint: string; tables: TableDef[] } | undefined {
    const hit = this.files().models;
    if (hit?.key !== key) return undefined;
    this.counts.models.hits++;
    this.next.models = hit;
    return hit;
  }

  setModels(key: string, fingerprint: string, tables: TableDef[]): void {
    this.counts.models.misses++;
    this.dirty = true;
    this.next.models = { key, fingerprint, tables };
  }

  /** Writes the knowledge, and the per-file results this run used (files that are gone are dropped). */
  save(): void {
    if (!this.dir) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      if (this.old) {
        const gone = (a: object, b: object) => Object.keys(a).some((k) => !(k in b));
        if (this.dirty || gone(this.old.migrations, this.next.migrations) || gone(this.old.queries, this.next.queries)) this.write(CACHE_FILES_FILE, this.next);
      }
      if (this.summaryOut) this.write(CACHE_FILE, this.summaryOut);
    } catch {
      // A read-only checkout: run without a persistent cache.
    }
  }

  private files(): FilesData {
    this.old ??= this.read<FilesData>(CACHE_FILES_FILE) ?? this.empty();
    return this.old;
  }

  private empty(): FilesData {
    return { format: CACHE_FORMAT, version: this.version, migrations: {}, queries: {} };
  }

  private read<T extends Stamped>(name: string): T | undefined {
    const data = this.dir ? readJsonFile<T>(join(this.dir, name)) : undefined;
    return data?.format === CACHE_FORMAT && data.version === this.version ? data : undefined;
  }

  private write(name: string, data: unknown): void {
    writeJsonFile(join(this.dir!, name), data);
  }

  private count(counts: CacheCounts, hit: boolean): void {
    if (hit) counts.hits++;
    else {
      counts.misses++;
      this.dirty = true;
    }
  }
}

/** A JSON file (in `.idxlint-cache/`, or the plan cache's file): its data, or undefined when it is missing or unreadable. */
export function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes a JSON file through a temporary file renamed over the old one, so a reader never sees half a
 * file and two processes at worst redo each other's work. Throws when it cannot (a read-only checkout). */
export function writeJsonFile(path: string, data: unknown): void {
  writeFileAtomically(path, JSON.stringify(data));
}

export function hashOf(...parts: string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}
