// Planner answers kept between runs, so a re-run with nothing changed starts no planner at all.
// Key: a hash of (the table's DDL for the vendor, the query's SQL, the vendor, the planner's version,
// this module's format); value: the plan as read (`PlannerView`) or the planner's error. Stored in
// `<cache folder>/verify-cache.sqlite` (better-sqlite3), or `verify-cache.json` when better-sqlite3
// cannot load. The cache folder: $IDXLINT_CACHE_DIR, else $XDG_CACHE_HOME/idxlint, else
// ~/.cache/idxlint (%LOCALAPPDATA%\idxlint on Windows).
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Vendor } from '../query/types.js';
import type { SqliteDatabase, SqliteLoader } from './sqlite.js';
import type { PlannerView } from './types.js';
import { readJsonFile, writeJsonFile } from '../schema/cache.js';

/** Bump when what is stored, or how a plan is read, changes. */
export const CACHE_FORMAT = 'verify-3';

export type CachedPlan = { view: PlannerView } | { error: string };

export interface VerifyCache {
  readonly kind: 'sqlite' | 'json' | 'memory';
  get(key: string): CachedPlan | undefined;
  set(key: string, value: CachedPlan): void;
  /** Writes what was added (called once at the end of a run). */
  flush(): void;
  close(): void;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IDXLINT_CACHE_DIR) return env.IDXLINT_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'idxlint');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'idxlint');
  return join(homedir(), '.cache', 'idxlint');
}

export interface CacheKeyParts {
  tableDdl: string;
  sql: string;
  vendor: Vendor;
  plannerVersion: string;
  /** Which question: the planner's own choice, or one index alone (`only:<index>`). */
  question?: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  const hash = createHash('sha256');
  for (const part of [CACHE_FORMAT, parts.vendor, parts.plannerVersion, parts.tableDdl, parts.sql, parts.question ?? 'choice']) hash.update(`${part}\0`);
  return hash.digest('hex');
}

export function memoryCache(): VerifyCache {
  const entries = new Map<string, CachedPlan>();
  return { kind: 'memory', get: (k) => entries.get(k), set: (k, v) => void entries.set(k, v), flush: () => undefined, close: () => undefined };
}

/** Opens the cache in `dir`: SQLite when better-sqlite3 loads, else a JSON file. Never throws: a cache
 * that cannot be opened or written is a memory cache. */
export async function openVerifyCache(dir: string, loadSqlite?: SqliteLoader): Promise<VerifyCache> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return memoryCache();
  }
  if (loadSqlite) {
    try {
      return sqliteCache(await loadSqlite(), join(dir, 'verify-cache.sqlite'));
    } catch {
      // fall through to JSON
    }
  }
  return jsonCache(join(dir, 'verify-cache.json'));
}

function sqliteCache(Database: new (path: string) => SqliteDatabase, path: string): VerifyCache {
  const db = new Database(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE IF NOT EXISTS plans (key TEXT PRIMARY KEY, value TEXT NOT NULL, written INTEGER NOT NULL)');
  const select = db.prepare('SELECT value FROM plans WHERE key = ?');
  const insert = db.prepare('INSERT OR REPLACE INTO plans (key, value, written) VALUES (?, ?, ?)');
  const pending = new Map<string, CachedPlan>();
  const writeAll = db.transaction(() => {
    const now = Date.now();
    for (const [key, value] of pending) insert.run(key, JSON.stringify(value), now);
  });
  return {
    kind: 'sqlite',
    get(key) {
      const added = pending.get(key);
      if (added) return added;
      const row = select.get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as CachedPlan) : undefined;
    },
    set: (key, value) => void pending.set(key, value),
    flush() {
      if (!pending.size) return;
      try {
        writeAll();
        pending.clear();
      } catch {
        // read-only or locked: the answers are lost, not the run
      }
    },
    close: () => void db.close(),
  };
}

function jsonCache(path: string): VerifyCache {
  const entries: Record<string, CachedPlan> = readJsonFile<Record<string, CachedPlan>>(path) ?? {};
  let dirty = false;
  return {
    kind: 'json',
    get: (key) => entries[key],
    set(key, value) {
      entries[key] = value;
      dirty = true;
    },
    flush() {
      if (!dirty) return;
      try {
        writeJsonFile(path, entries);
        dirty = false;
      } catch {
        // as above
      }
    },
    close: () => undefined,
  };
}
