// Unsaved editor buffers of query files (app code `.py`, SQL query files) in the project knowledge.
// `buildProjectKnowledge` reads query files from disk and keys their cached patterns by mtime + size, so
// a buffer that differs from its file is brought in from outside: the ORM seam gets the buffer's text,
// the cache misses (and does not store) for those files and for the model registry, the whole-knowledge
// summary is neither read nor written, and SQL query files are re-read from their buffer afterwards.
// (An engine option `texts: path → text`, keying such files by a hash of their text, would replace this.)
import { patternKey } from '../engine/orm/collect.js';
import { patternsFromSql } from '../engine/query/sql-patterns.js';
import type { KnowledgeCache } from '../engine/schema/cache.js';
import { defaultOrm, type OrmFacade } from '../engine/schema/orm.js';
import type { ProjectKnowledge } from '../engine/schema/types.js';
import type { SourceFile } from '../engine/types.js';

/** Query files whose open buffer differs from the disk, path → buffer text. */
export type Overlays = ReadonlyMap<string, string>;

const withBuffers = (files: SourceFile[], overlays: Overlays): SourceFile[] =>
  files.map((f) => (overlays.has(f.path) ? { path: f.path, text: overlays.get(f.path)! } : f));

/** The default ORM module, reading unsaved buffers instead of their files. */
export function overlaidOrm(overlays: Overlays): OrmFacade {
  const orm = defaultOrm() as OrmFacade;
  return {
    buildModelRegistry: (files) => orm.buildModelRegistry(withBuffers(files, overlays)),
    extractQueryPatterns: (files, registry, project) =>
      orm.extractQueryPatterns(withBuffers(files, overlays), registry, project && { paths: project.paths, text: (path) => overlays.get(path) ?? project.text(path) }),
    helperCallers: (files, registry) => orm.helperCallers?.(withBuffers(files, overlays), registry) ?? [],
    tables: (registry, vendor) => orm.tables(registry, vendor),
    fingerprint: (registry) => orm.fingerprint(registry),
  };
}

/** Makes `cache` blind to what an unsaved buffer changes: its file's entries, the registry, the summary. */
export function overlaidCache(cache: KnowledgeCache, overlays: Overlays): KnowledgeCache {
  const python = [...overlays.keys()].some((p) => p.endsWith('.py'));
  const { query, setQuery, models, setModels } = cache;
  cache.knowledge = () => undefined;
  cache.setKnowledge = () => undefined;
  cache.query = (path, key) => (overlays.has(path) && path.endsWith('.py') ? undefined : query.call(cache, path, key));
  cache.setQuery = (path, key, set) => {
    if (!(overlays.has(path) && path.endsWith('.py'))) setQuery.call(cache, path, key, set);
  };
  cache.models = (key) => (python ? undefined : models.call(cache, key));
  cache.setModels = (key, fingerprint, tables) => {
    if (!python) setModels.call(cache, key, fingerprint, tables);
  };
  return cache;
}

/** SQL query files: their patterns from the buffer instead of the file. */
export function overlaySqlPatterns(knowledge: ProjectKnowledge, overlays: Overlays): void {
  const sql = [...overlays].filter(([path]) => path.endsWith('.sql'));
  if (sql.length === 0) return;
  const files = new Set(sql.map(([path]) => path));
  const byKey = new Map<string, ProjectKnowledge['patterns'][number]>();
  for (const p of knowledge.patterns) {
    const locations = p.locations.filter((l) => !(files.has(l.file) && p.source === 'sql'));
    if (locations.length) byKey.set(patternKey(p), { ...p, locations });
  }
  knowledge.skipped = knowledge.skipped.filter((s) => !files.has(s.location.file));
  for (const [file, text] of sql) {
    const set = patternsFromSql(text, { file, source: 'sql' });
    knowledge.skipped.push(...set.skipped);
    for (const p of set.patterns) {
      const existing = byKey.get(patternKey(p));
      if (existing) existing.locations = [...existing.locations, ...p.locations];
      else byKey.set(patternKey(p), p);
    }
  }
  knowledge.patterns = [...byKey.values()];
}
