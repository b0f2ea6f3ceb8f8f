// The per-file lint cache of `idxlint check`, in `<root>/.idxlint-cache/lint.json`: a file's findings
// under a key made of everything they depend on (idxlint's version, the configuration, the vendors, the
// rules asked for, the file's text, and for a Django migration the text of its app's earlier migrations,
// which its model state comes from). A warm run over unchanged files parses none of them. Written
// whole, through a temporary file renamed over the old one. The project rules' findings are kept the
// same way, under one key (`ProjectLintCache`).
import { join } from 'node:path';
import { appLabelFromPath, migrationNameFromPath } from './python/django-names.js';
import { CACHE_DIR, hashOf, readJsonFile, writeJsonFile } from './schema/cache.js';
import type { Finding, ProjectContext, Runner, SourceFile } from './types.js';

const FORMAT = 1;
const FILE = 'lint.json';

interface Stored {
  format: number;
  entries: Record<string, { key: string; findings: Finding[] }>;
}

export class LintCache {
  private constructor(
    private readonly dir: string | undefined,
    private readonly stored: Stored,
    private readonly keys: Map<string, string>,
  ) {}

  /** Keys for every file; `runnerOf` tells the runner that executes it (a layout change can change it). */
  static open(root: string | undefined, files: SourceFile[], base: string, runnerOf: (file: SourceFile) => Runner): LintCache {
    const keys = new Map<string, string>();
    const chains = new Map<string, SourceFile[]>();
    for (const file of files) {
      const runner = runnerOf(file);
      const app = runner === 'django' ? appLabelFromPath(file.path) : undefined;
      if (app) chains.set(app, [...(chains.get(app) ?? []), file]);
      else keys.set(file.path, hashOf(base, runner, file.text));
    }
    for (const list of chains.values()) {
      list.sort((a, b) => (migrationNameFromPath(a.path) < migrationNameFromPath(b.path) ? -1 : 1));
      let chain = base;
      for (const file of list) keys.set(file.path, (chain = hashOf(chain, file.text)));
    }
    const dir = root ? join(root, CACHE_DIR) : undefined;
    // No cache yet, or an unreadable one: start over.
    const data = dir ? readJsonFile<Stored>(join(dir, FILE)) : undefined;
    return new LintCache(dir, data?.format === FORMAT ? data : { format: FORMAT, entries: {} }, keys);
  }

  /** The key every entry shares: what all findings depend on besides the file itself. */
  static baseKey(version: string, project: ProjectContext, only: readonly string[] | undefined): string {
    const { root: _root, source: _source, ...config } = project.config;
    return hashOf(version, JSON.stringify(config), project.vendors.join(','), (only ?? []).join(','));
  }

  get(path: string): Finding[] | undefined {
    const entry = this.stored.entries[path];
    return entry && entry.key === this.keys.get(path) ? entry.findings : undefined;
  }

  allCached(paths: string[]): boolean {
    return paths.every((p) => this.get(p) !== undefined);
  }

  set(path: string, findings: Finding[]): void {
    const key = this.keys.get(path);
    if (key) this.stored.entries[path] = { key, findings };
  }

  save(): void {
    if (!this.dir) return;
    try {
      writeJsonFile(join(this.dir, FILE), this.stored);
    } catch {
      // A read-only checkout: the next run lints again, nothing else is lost.
    }
  }
}

const PROJECT_FORMAT = 1;
const PROJECT_FILE = 'project.json';

/**
 * The project rules' findings of the last run (fixes included), in `<root>/.idxlint-cache/project.json`,
 * under one key made of everything they read: the lint base key, the knowledge's input key, and the fix
 * sources' key (`fixSourcesKey`: migrations, Python modules by mtime and size, uncommitted files). A
 * warm run with nothing changed neither runs the rules nor reads the Python modules their fixes edit.
 */
export class ProjectLintCache {
  private constructor(
    private readonly dir: string | undefined,
    private readonly stored: { format: number; key: string; findings: Finding[] } | undefined,
  ) {}

  static open(root: string): ProjectLintCache {
    const dir = join(root, CACHE_DIR);
    const data = readJsonFile<{ format: number; key: string; findings: Finding[] }>(join(dir, PROJECT_FILE));
    return new ProjectLintCache(dir, data?.format === PROJECT_FORMAT ? data : undefined);
  }

  get(key: string): Finding[] | undefined {
    return this.stored?.key === key ? this.stored.findings : undefined;
  }

  save(key: string, findings: Finding[]): void {
    if (!this.dir) return;
    try {
      writeJsonFile(join(this.dir, PROJECT_FILE), { format: PROJECT_FORMAT, key, findings });
    } catch {
      // A read-only checkout: the next run runs the rules again.
    }
  }
}
