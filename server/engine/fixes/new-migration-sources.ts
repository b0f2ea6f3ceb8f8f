// What a face (CLI, language server) gives the query-fit fixes: the migration files with their runners,
// the project's Python modules (where Django models live), and which files are not committed yet.
// This is the file-system and git side; the fixes themselves only read the data.
//
//   knowledge.fixSources = await collectFixSources({ config, project, migrations, uncommitted: changed });
//
// In two steps when the result may be cached: `listFixSources` (paths, runners, git), keyed by
// `fixSourcesKey`, then `readFixSources` only when the cache misses.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DirectoryCache } from '../discover.js';
import { runnerFor } from '../index.js';
import { hashOf } from '../schema/cache.js';
import { findQueryFiles } from '../schema/query-files.js';
import { stampOf } from '../schema/query-patterns.js';
import type { OrmRegistry } from '../orm/registry.js';
import type { FixSources } from '../schema/types.js';
import type { ProjectContext, ResolvedConfig, SourceFile } from '../types.js';

const run = promisify(execFile);

export interface CollectFixSourcesOptions {
  config: ResolvedConfig;
  project: ProjectContext;
  /** Every migration file of the project, with the text the knowledge was built from. */
  migrations: SourceFile[];
  /** Files known not to be committed (e.g. `--changed-since`), on top of what git reports as new. */
  uncommitted?: Iterable<string>;
  /** Ask git which files are new or untracked (default true; no git or no repository: none). */
  git?: boolean;
  cache?: DirectoryCache;
}

export async function collectFixSources(options: CollectFixSourcesOptions): Promise<FixSources> {
  return readFixSources(await listFixSources(options));
}

/** The fix sources before the Python modules are read: enough to key a cache of what the fixes say. */
export interface FixSourceList {
  migrations: FixSources['migrations'];
  /** The Python modules a fix may edit (read by `readFixSources`). */
  python: string[];
  uncommitted: ReadonlySet<string>;
}

export async function listFixSources(options: CollectFixSourcesOptions): Promise<FixSourceList> {
  const { config, project } = options;
  const migrations = options.migrations.map((file) => ({ path: file.path, text: file.text, runner: runnerFor(file, { project, cache: options.cache }).runner }));
  const python = migrations.some((m) => m.runner === 'django')
    ? (await findQueryFiles({ root: config.root, migrations: migrations.map((m) => m.path), ...(options.cache ? { cache: options.cache } : {}) })).filter((p) => p.endsWith('.py'))
    : [];
  const uncommitted = new Set(options.uncommitted ?? []);
  if (options.git !== false) for (const f of await newFilesInGit(config.root)) uncommitted.add(f);
  return { migrations, python, uncommitted };
}

/**
 * The fix sources with the Python modules read. `known`: what the knowledge build of the same run read
 * and built (the texts are taken as they are, and its model registry when it was built from exactly
 * these files), so nothing is read or parsed twice.
 */
export function readFixSources(list: FixSourceList, known?: { files: string[]; registry: OrmRegistry; texts: Map<string, string | undefined> }): FixSources {
  const python: { path: string; text: string }[] = [];
  for (const path of list.python) {
    const text = known?.texts.get(path);
    if (text !== undefined) {
      python.push({ path, text });
      continue;
    }
    try {
      python.push({ path, text: readFileSync(path, 'utf8') });
    } catch {
      // unreadable: not a models module a fix can edit
    }
  }
  // The registry was built from the texts without a byte-order mark: its offsets fit only files without one.
  const sameFiles =
    !!known &&
    known.files.length === list.python.length &&
    known.files.every((f, i) => f === list.python[i]) &&
    list.python.every((f) => known.texts.get(f) !== undefined && !known.texts.get(f)!.startsWith('\uFEFF'));
  return { migrations: list.migrations, python, uncommitted: list.uncommitted, ...(sameFiles ? { registry: known.registry } : {}) };
}

/** Everything the fixes read, as a key: each migration's path, runner and text, each Python module's
 * path, mtime and size (not read), and the files that are not committed. */
export function fixSourcesKey(list: FixSourceList): string {
  return hashOf(
    ...list.migrations.flatMap((m) => [m.path, m.runner, m.text]),
    '\0python',
    ...list.python.flatMap((p) => [p, stampOf(p) ?? '']),
    '\0uncommitted',
    ...[...list.uncommitted].sort(),
  );
}

/**
 * Absolute paths (spelled from `root`) of the files git has not committed yet: untracked (not ignored)
 * and added to the index. Empty when git is missing or `root` is not in a repository.
 */
export async function newFilesInGit(root: string): Promise<Set<string>> {
  const folder = resolve(root);
  const files = new Set<string>();
  try {
    const git = async (args: string[]) =>
      (await run('git', ['-c', 'core.quotePath=false', ...args], { cwd: folder, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } })).stdout;
    const prefix = (await git(['rev-parse', '--show-prefix'])).trim();
    const top = resolve(folder, ...Array<string>(prefix.split('/').filter(Boolean).length).fill('..'));
    const entries = (await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'])).split('\0');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.length < 4) continue;
      const status = entry.slice(0, 2);
      if (status[0] === 'R' || status[0] === 'C') i++; // the source path follows
      if (status === '??' || status[0] === 'A') files.add(resolve(top, entry.slice(3)));
    }
  } catch {
    // no git, or not a repository: nothing is known to be uncommitted
  }
  return files;
}
