// One call for the whole ORM analysis of a project: the registry, then the query patterns, with every
// file parsed at most once (the registry's trees are handed to the extractor).
import { loadPythonParser } from '../python/parser.js';
import type { PatternSet } from '../query/types.js';
import { loadSqlParser } from '../sql/parser.js';
import type { SourceFile } from '../types.js';
import { extractQueryPatterns } from './extract.js';
import { buildModelRegistry } from './models.js';
import type { OrmRegistry } from './registry.js';
import { packageDirs } from './modules.js';
import { ParseCache, parseSource } from './scan.js';

/** Both parsers the ORM analysis needs (tree-sitter Python, libpg-query). */
export async function loadOrmParsers(): Promise<void> {
  await Promise.all([loadPythonParser(), loadSqlParser()]);
}

/** The registry and the query patterns of a project's `.py` files. */
export function analyzeOrmProject(files: SourceFile[]): PatternSet & { registry: OrmRegistry } {
  const cache = new ParseCache();
  const registry = buildModelRegistry(files, { cache });
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const project = { paths: files.map((f) => f.path), text: (path: string) => texts.get(path) };
  return { registry, ...extractQueryPatterns(files, registry, { cache, project }) };
}

/**
 * The model a dotted name written in `file` denotes (`UserProfile`, `m.UserProfile`,
 * `upstream.models.UserProfile`), through the file's imports; `rest` is what follows the class
 * (`['objects']` for `UserProfile.objects`). The file is parsed for its imports.
 */
export function resolveModelIn(registry: OrmRegistry, file: SourceFile, dotted: string, allFiles: SourceFile[] = [file]) {
  const known = registry.source(file.path)?.module;
  if (known) return registry.resolveModel(known, dotted);
  const src = parseSource(file, packageDirs(allFiles.map((f) => f.path)));
  try {
    return registry.resolveModel(src.module, dotted);
  } finally {
    src.parsed.dispose();
  }
}
