// One configuration root's project knowledge and query-fit findings, as `idxlint check` builds them
// (server/cli/check.ts): every migration of the root (open buffers' text for open ones), the query
// files (unsaved buffers through overlay.ts), the persistent cache, then `lintProject`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_RULES } from '../../rules/project-rules.js';
import { DirectoryCache, discoverMigrations } from '../engine/discover.js';
import { fileSuppressions } from '../engine/file-suppressions.js';
import { parseMigration, readSourceFile } from '../engine/index.js';
import { lintProject } from '../engine/project-lint.js';
import { KnowledgeCache } from '../engine/schema/cache.js';
import { listFixSources, readFixSources } from '../engine/fixes/new-migration-sources.js';
import { cacheVersion } from '../engine/cache-version.js';
import { buildProjectKnowledgeReport } from '../engine/schema/knowledge.js';
import { findQueryFiles } from '../engine/schema/query-files.js';
import type { ProjectKnowledge } from '../engine/schema/types.js';
import type { Finding, Migration, ProjectContext, SourceFile } from '../engine/types.js';
import { isInside } from './selection.js';
import { overlaidCache, overlaidOrm, overlaySqlPatterns, type Overlays } from './overlay.js';

export interface BuildInput {
  project: ProjectContext;
  /** Text of an open buffer (undefined when the file is not open). */
  bufferText(path: string): string | undefined;
  /** Paths of the open buffers. */
  openPaths(): string[];
  /** A migration already parsed from exactly this text by the per-file lint, with the same project. */
  parsed(path: string, text: string): Migration | undefined;
}

export interface RootKnowledge {
  root: string;
  project: ProjectContext;
  knowledge: ProjectKnowledge;
  findings: Finding[];
  /** Source files the knowledge was built from (migrations + query files). */
  files: number;
  milliseconds: number;
}

/** Some query-fit rule is on (else there is nothing to build). */
export function projectRulesEnabled(project: ProjectContext): boolean {
  return PROJECT_RULES.some((r) => (project.config.rules[r.id] ?? r.meta.defaultSeverity) !== 'off');
}

export async function buildRootKnowledge(input: BuildInput): Promise<RootKnowledge> {
  const started = performance.now();
  const { project } = input;
  const { config } = project;
  const root = resolve(config.root);
  const directories = new DirectoryCache();
  const paths = await discoverMigrations({ root, paths: [root], include: config.include, exclude: config.exclude, cwd: root, cache: directories });
  const migrations = paths.flatMap((path): SourceFile[] => {
    const text = input.bufferText(path);
    if (text !== undefined) return [{ path, text }];
    try {
      const read = readSourceFile(path);
      return read.ok ? [read.file] : [];
    } catch {
      return [];
    }
  });
  const texts = new Map(migrations.map((m) => [m.path, m.text]));
  const parsed = (path: string) => (texts.has(path) ? input.parsed(path, texts.get(path)!) : undefined);
  const overlays = await queryOverlays(input, root, paths, directories);
  const cache = KnowledgeCache.open(root, cacheVersion());
  const { knowledge, stats, models } = await buildProjectKnowledgeReport({
    config,
    migrations,
    project,
    parsed,
    version: cacheVersion(),
    ...(overlays.size ? { cache: overlaidCache(cache, overlays), orm: overlaidOrm(overlays) } : { cache }),
  });
  overlaySqlPatterns(knowledge, overlays);
  // What the query-fit fixes rewrite (models modules, the migration folders): "Generate migration for the
  // corrected index". The Python texts and model registry the knowledge build just read are reused.
  knowledge.fixSources = readFixSources(await listFixSources({ config, project, migrations, uncommitted: [], cache: directories }), models);
  const withKnowledge: ProjectContext = { ...project, knowledge };
  const findings = lintProject({
    project: withKnowledge,
    knowledge,
    rules: PROJECT_RULES,
    // As `idxlint check`: a migration's ignore comments as its parse reads them, any other file's by
    // fileSuppressions. No ignore comment without the word: most files are not parsed at all.
    suppressionsFor: (file, anchors) => {
      const text = texts.get(file) ?? overlays.get(file) ?? input.bufferText(file) ?? readText(file);
      if (!text.includes('idxlint')) return [];
      if (texts.has(file)) return (parsed(file) ?? parseMigration({ path: file, text }, { project })).suppressions;
      return fileSuppressions(file, text, anchors);
    },
  });
  return { root, project: withKnowledge, knowledge, findings, files: migrations.length + stats.queryFiles, milliseconds: performance.now() - started };
}

/** Open query files (`.py` / `.sql`, not migrations) whose buffer differs from the file on disk. */
async function queryOverlays(input: BuildInput, root: string, migrations: string[], cache: DirectoryCache): Promise<Overlays> {
  const overlays = new Map<string, string>();
  const migrationSet = new Set(migrations);
  const candidates: string[] = [];
  for (const path of input.openPaths()) {
    if ((path.endsWith('.py') || path.endsWith('.sql')) && isInside(path, root) && !migrationSet.has(path)) candidates.push(path);
  }
  if (candidates.length === 0) return overlays;
  const queryFiles = new Set(await findQueryFiles({ root, queries: input.project.config.queries, migrations, cache }));
  for (const path of candidates) {
    const text = input.bufferText(path)!;
    if (queryFiles.has(path) && text !== readText(path).replace(/^\uFEFF/, '')) overlays.set(path, text);
  }
  return overlays;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
