// Project knowledge for the query-fit rules: the final schema (schema replay over every migration, plus
// models not yet migrated) and the application's query patterns (ORM calls in `.py` files, raw SQL query
// files, weighted by a pg_stat_statements export), with a persistent cache (cache.ts).
//
//   await initEngine();
//   const knowledge = await buildProjectKnowledge({ config, migrations, project });
//   project.knowledge = knowledge;
//
// Query sources: configuration key `queries` = { include, exclude, pgStatStatements } (paths relative to
// the configuration root), else the defaults of query-files.ts. `queriesComplete` is true only when
// `queries.include` is configured: only then is "no query uses this index" evidence.
import { resolve } from 'node:path';
import { cacheVersion } from '../cache-version.js';
import { DirectoryCache } from '../discover.js';
import { parseMigration, runnerFor } from '../index.js';
import { appLabelFromPath, migrationNameFromPath } from '../python/django-names.js';
import { collectDjangoModelState } from '../python/django-state.js';
import { modelledVendor } from '../python/emit.js';
import type { Migration, ProjectContext, ResolvedConfig, Runner, SourceFile } from '../types.js';
import { hashOf, KnowledgeCache, type CacheCounts } from './cache.js';
import type { MigrationChanges } from './changes.js';
import type { OrmRegistry } from '../orm/registry.js';
import { defaultOrm, type OrmFacade } from './orm.js';
import { findQueryFiles } from './query-files.js';
import type { OrmParallelism } from './orm-workers.js';
import { ormKnowledge, pgStatPatterns, sqlQueryPatterns, stampOf } from './query-patterns.js';
import { migrationChanges, replaySchema } from './replay.js';
import type { KnowledgeProblem, ProjectKnowledge } from './types.js';
import { mergeWeights } from './weights.js';

export interface KnowledgeOptions {
  config: ResolvedConfig;
  /** The project root: the cache lives in its `.idxlint-cache/` (default: `config.root`, which query globs
   * and the pg_stat_statements path are relative to). */
  root?: string;
  /** Every migration file of the project. */
  migrations: SourceFile[];
  project: ProjectContext;
  /** The ORM module (default: `defaultOrm()`); `null`: no ORM patterns. */
  orm?: OrmFacade | null;
  /** Migrations already parsed (by the lint that ran just before, with the same project): not parsed again. */
  parsed?: (path: string) => Migration | undefined;
  /** Default: the persistent cache under `<root>/.idxlint-cache/`; `false`: none. */
  cache?: KnowledgeCache | false;
  /** Part of every cache key (default: `cacheVersion()`, idxlint's version and build). */
  version?: string;
  /** Extract ORM queries on several threads (orm-workers.ts) when the batch is large; only with the default ORM. */
  parallel?: OrmParallelism;
}

export interface KnowledgeStats {
  /** Nothing changed: the last knowledge was read back whole. */
  reused: boolean;
  /** Files whose results came from the cache (`hits`) or were computed (`misses`). */
  migrations: CacheCounts;
  queries: CacheCounts;
  models: CacheCounts;
  queryFiles: number;
  milliseconds: number;
}

export async function buildProjectKnowledge(options: KnowledgeOptions): Promise<ProjectKnowledge> {
  return (await buildProjectKnowledgeReport(options)).knowledge;
}

/** The knowledge, what the cache saved (hits and misses per kind of file), and the key of every input
 * it was built from (equal keys, equal knowledge). */
export interface KnowledgeReport {
  knowledge: ProjectKnowledge;
  stats: KnowledgeStats;
  key: string;
  /** The default ORM's model registry when this run built it, with the Python files and texts it was built from. */
  models?: { files: string[]; registry: OrmRegistry; texts: Map<string, string | undefined> };
}

export async function buildProjectKnowledgeReport(options: KnowledgeOptions): Promise<KnowledgeReport> {
  const started = performance.now();
  const { config } = options;
  const root = resolve(options.root ?? config.root);
  const version = options.version ?? cacheVersion();
  const cache = options.cache === false ? KnowledgeCache.memory(version) : (options.cache ?? KnowledgeCache.open(root, version));
  const orm = options.orm === undefined ? defaultOrm() : (options.orm ?? undefined);

  // Every input's key first: when none changed, the last knowledge is read back whole.
  const migrations = migrationKeys(options, version);
  const queryFiles = await findQueryFiles({ root: config.root, queries: config.queries, migrations: options.migrations.map((m) => resolve(config.root, m.path)) });
  const stamps = new Map(queryFiles.map((f) => [f, stampOf(f) ?? '']));
  const pgStat = config.queries?.pgStatStatements ? resolve(config.root, config.queries.pgStatStatements) : undefined;
  const inputs = hashOf(
    version,
    modelledVendor(options.project.vendors),
    JSON.stringify(config.queries ?? {}),
    orm ? 'orm' : 'no orm',
    ...options.migrations.flatMap((m, i) => [m.path, migrations.keys[i]!]),
    ...queryFiles.flatMap((f) => [f, stamps.get(f)!]),
    pgStat ? `${pgStat}\0${stampOf(pgStat) ?? ''}` : '',
  );
  let stored = cache.knowledge(inputs);
  const reused = stored !== undefined;
  let models: KnowledgeReport['models'];
  if (stored) {
    cache.counts.migrations.hits += options.migrations.length;
    cache.counts.queries.hits += queryFiles.length + (pgStat ? 1 : 0);
    if (orm) cache.counts.models.hits++;
  } else {
    const problems: KnowledgeProblem[] = [];
    const records = migrationRecords(options, migrations, cache);
    const sources = { cache, version, stamps, problems };
    const sql = sqlQueryPatterns(queryFiles.filter((f) => f.endsWith('.sql')), sources);
    const python = orm
      ? await ormKnowledge(queryFiles.filter((f) => f.endsWith('.py')), orm, modelledVendor(options.project.vendors), sources, options.orm === undefined ? options.parallel : undefined)
      : { tables: [], patterns: [], skipped: [] };
    if (options.orm === undefined && 'built' in python && python.built) {
      models = { files: queryFiles.filter((f) => f.endsWith('.py')), registry: python.built.registry as OrmRegistry, texts: python.built.texts };
    }
    const weighted = pgStatPatterns(pgStat, sources);
    stored = {
      tables: [...replaySchema(records, python.tables).tables.values()],
      patterns: mergeWeights([...python.patterns, ...sql.patterns], weighted.patterns),
      skipped: [...python.skipped, ...sql.skipped, ...weighted.skipped],
      problems,
    };
    cache.setKnowledge(inputs, stored);
  }
  const knowledge: ProjectKnowledge = {
    schema: { tables: new Map(stored.tables.map((t) => [t.name.toLowerCase(), t])) },
    patterns: stored.patterns,
    skipped: stored.skipped,
    queriesComplete: (config.queries?.include?.length ?? 0) > 0,
  };
  if (stored.problems.length) knowledge.problems = stored.problems;
  cache.save();
  const stats: KnowledgeStats = { reused, ...cache.counts, queryFiles: queryFiles.length, milliseconds: performance.now() - started };
  return { knowledge, stats, key: inputs, ...(models ? { models } : {}) };
}

// ---------------------------------------------------------------- migrations

interface MigrationKeys {
  keys: string[];
  runners: Runner[];
}

/** What each migration's parse depends on, hashed: its text, runner and vendor; a Django migration is
 * parsed against the model state of its app's earlier migrations (by name, as collectDjangoModelState
 * replays them), so its key chains theirs. */
function migrationKeys(options: KnowledgeOptions, version: string): MigrationKeys {
  const { project } = options;
  const directories = new DirectoryCache();
  const runners = options.migrations.map((file) => runnerFor(file, { project, cache: directories }).runner);
  const base = hashOf(version, modelledVendor(project.vendors), String(project.config.assumeInTransaction));
  const keys = options.migrations.map((file, i) => hashOf(base, runners[i]!, file.text));
  const byApp = new Map<string, number[]>();
  options.migrations.forEach((file, i) => {
    const app = runners[i] === 'django' ? appLabelFromPath(file.path) : undefined;
    if (app) byApp.set(app, [...(byApp.get(app) ?? []), i]);
  });
  for (const indexes of byApp.values()) {
    indexes.sort((a, b) => compare(migrationNameFromPath(options.migrations[a]!.path), migrationNameFromPath(options.migrations[b]!.path)));
    let chain = '';
    for (const i of indexes) keys[i] = chain = hashOf(chain, keys[i]!);
  }
  return { keys, runners };
}

/** Each migration's schema changes, from the cache when its key is unchanged. The Django model state is
 * replayed only when a Django migration has to be parsed and the project context does not carry it. */
function migrationRecords(options: KnowledgeOptions, { keys, runners }: MigrationKeys, cache: KnowledgeCache): MigrationChanges[] {
  const { project } = options;
  const directories = new DirectoryCache();
  let parsingProject: ProjectContext | undefined;
  const parsing = (): ProjectContext => {
    const django = options.migrations.filter((_, i) => runners[i] === 'django');
    parsingProject ??= project.django || django.length === 0 ? project : { ...project, django: collectDjangoModelState(django, { vendors: project.vendors, keepMigrations: true }) };
    return parsingProject;
  };
  return options.migrations.map((file, i) =>
    cache.migration(resolve(file.path), keys[i]!, () => {
      const known = options.parsed?.(file.path);
      if (known) return migrationChanges(known, { vendors: project.vendors, django: project.django });
      const context = parsing();
      return migrationChanges(parseMigration(file, { project: context, cache: directories }), { vendors: context.vendors, django: context.django });
    }),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
