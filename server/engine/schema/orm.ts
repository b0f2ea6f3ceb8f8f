// The ORM side of project knowledge, behind one seam: `server/engine/orm` (the models.py registry, the
// Django ORM query extractor, the registry's tables) plugs in here, and tests pass a stub.
import { extractQueryPatterns, helperCallers } from '../orm/extract.js';
import type { ProjectModules } from '../orm/helpers.js';
import { buildModelRegistry } from '../orm/models.js';
import type { OrmRegistry } from '../orm/registry.js';
import { tableDefs } from '../orm/schema.js';
import type { PatternSet } from '../query/types.js';
import type { SourceFile, Vendor } from '../types.js';
import type { TableDef } from './types.js';

export interface OrmFacade<Registry = unknown> {
  buildModelRegistry(files: SourceFile[]): Registry;
  /** Patterns of `files`; the other files of the project lend their package layout (`__init__.py`) and,
   * with `project`, the query helpers they define (`deps`: per file, the files whose helpers it uses). */
  extractQueryPatterns(files: SourceFile[], registry: Registry, project?: ProjectModules): PatternSet & { deps?: Record<string, string[]> };
  /** The files without a query of their own that call a possible query helper, and the names they call
   * (part of the fingerprint: when it changes, which files are read changes). */
  helperCallers?(files: SourceFile[], registry: Registry): string[];
  /** The models as tables, with every index Django builds for them (for what no migration made yet). */
  tables(registry: Registry, vendor: Vendor): TableDef[];
  /** Changes whenever the registry would resolve a query differently (cached patterns are then stale). */
  fingerprint(registry: Registry): string;
}

/** `server/engine/orm`. */
export function defaultOrm(): OrmFacade<OrmRegistry> {
  return {
    buildModelRegistry: (files) => buildModelRegistry(files),
    extractQueryPatterns: (files, registry, project) => extractQueryPatterns(files, registry, project ? { project } : {}),
    helperCallers: (files, registry) => helperCallers(files, registry),
    tables: (registry, vendor) => tableDefs(registry, { vendor }),
    fingerprint: (registry) =>
      serialise({
        models: registry.models,
        abstractModels: registry.abstractModels,
        querysetClasses: registry.querysetClasses,
        accessors: registry.accessors,
        managerNames: registry.managerNames,
      }),
  };
}

/** JSON with Maps and Sets as lists (what a fingerprint hashes). */
export function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v] : v)) ?? '';
}
