// The project's final schema (tables, columns, indexes, including implicit ones) and the query
// patterns of the application: what the query-fit rules, `idxlint explain` and `idxlint verify` read.
import type { IndexDef, QueryPattern, SkippedQuery } from '../query/types.js';
import type { OrmRegistry } from '../orm/registry.js';
import type { Runner, Span } from '../types.js';

export interface ColumnDef {
  name: string;
  /** SQL type as PostgreSQL would spell it (`bigint`, `varchar(20)`, `boolean`, `timestamptz`…). */
  type: string;
  nullable: boolean;
  primaryKey?: boolean;
}

export interface TableDef {
  name: string;
  schema?: string;
  columns: ColumnDef[];
  indexes: IndexDef[];
  /** Where the table was created (migration or model). */
  origin?: { file: string; span: Span };
  /** Django model behind the table (`app_label.ModelName`), when there is one. */
  model?: string;
}

export interface SchemaModel {
  /** Keyed by table name (unqualified, lower case). */
  tables: Map<string, TableDef>;
}

export interface ProjectKnowledge {
  schema: SchemaModel;
  patterns: QueryPattern[];
  /** Queries found but not analyzable (OR, subqueries, f-strings…), with the reason. */
  skipped: SkippedQuery[];
  /** The query sources are complete (configured explicitly): `unused-index` may fire. */
  queriesComplete: boolean;
  /** What could not be read while building the knowledge (a missing pg_stat_statements export…). */
  problems?: KnowledgeProblem[];
  /** The files the query-fit rules' fixes read and edit (filled by a face that offers those fixes, with
   * `collectFixSources`): without them the rules report no fix. */
  fixSources?: FixSources;
}

/** The files behind the knowledge, as a fix needs them: a fix that replaces an index writes a new migration
 * next to the one that created it (its runner's naming scheme and transaction directives), and a Django fix
 * also edits the model's `Meta.indexes`. Texts are the ones the knowledge was built from: a fix's offsets
 * point into them. */
export interface FixSources {
  /** Every migration file of the project, with the runner that executes it. */
  migrations: { path: string; text: string; runner: Runner }[];
  /** The project's other Python modules (where Django models are defined). */
  python: { path: string; text: string }[];
  /** Files not committed yet (new or untracked in git, or changed since `--changed-since`): an index
   * defined in one has not shipped, so it can still be edited in place. */
  uncommitted: ReadonlySet<string>;
  /** The model registry of exactly `python` (built by the knowledge in the same run), else the fixes build it. */
  registry?: OrmRegistry;
}

export interface KnowledgeProblem {
  file: string;
  message: string;
}
