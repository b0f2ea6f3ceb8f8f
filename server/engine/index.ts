// The engine facade: what the CLI, the language server and the tests call.
// Parse a file into the migration model (SQL, Django or Alembic), lint it, fix it.
import { readFileSync } from 'node:fs';
import { RULE_IDS, RULES } from '../../rules/index.js';
import { lintMigration } from './analyze.js';
import { detectRunner, type DirectoryCache } from './discover.js';
import { applyOnePass } from './fix.js';
import { parseAlembicMigration } from './python/alembic.js';
import { parseDjangoMigration } from './python/django.js';
import { collectDjangoModelState } from './python/django-state.js';
import { projectContext } from './project.js';
import { loadPythonParser } from './python/parser.js';
import { parseSqlMigration } from './sql/migration.js';
import { loadSqlParser } from './sql/parser.js';
import {
  SQL_RUNNERS,
  type Finding,
  type Fix,
  type Migration,
  type ProjectContext,
  type ResolvedConfig,
  type Runner,
  type SourceFile,
  type SqlRunner,
  type Vendor,
} from './types.js';

export { RULES };

/** Loads the WASM parsers (PostgreSQL and Python grammars). Call once before anything else. */
export async function initEngine(): Promise<void> {
  await Promise.all([loadSqlParser(), loadPythonParser()]);
}

export interface FileOptions {
  project: ProjectContext;
  /** Only these rules (`--rule`). */
  only?: readonly string[];
  /** Shared filesystem-lookup cache for runner detection over many files. */
  cache?: DirectoryCache;
}

const isSqlRunner = (r: Runner | undefined): r is SqlRunner => !!r && (SQL_RUNNERS as readonly string[]).includes(r);

/** The runner that executes a file: the configured one when it fits the file, else what the layout shows. */
export function runnerFor(file: SourceFile, options: FileOptions): { runner: Runner; reason?: string } {
  const configured = options.project.config.runner;
  const python = file.path.endsWith('.py');
  if (configured && isSqlRunner(configured) !== python) return { runner: configured, reason: 'configured' };
  const detected = detectRunner(file.path, file.text, options.project.config.root, options.cache);
  if (detected) return detected;
  if (python) return { runner: /\bfrom\s+alembic\s+import\b|\bimport\s+alembic\b/.test(file.text) ? 'alembic' : 'django' };
  return { runner: 'psql' };
}

/** The project context for a set of migration files: vendors, and the Django model state replayed
 * from every Django migration (so `fields=['customer']` becomes column `customer_id`). */
export function buildProjectContext(config: ResolvedConfig, files: SourceFile[], detectedVendors: Vendor[] = [], cache?: DirectoryCache): ProjectContext {
  const project = projectContext(config, detectedVendors);
  const django = files.filter((f) => f.path.endsWith('.py') && runnerFor(f, { project, cache }).runner === 'django');
  if (django.length > 0) project.django = collectDjangoModelState(django, { vendors: project.vendors, keepMigrations: true });
  return project;
}

export function parseMigration(file: SourceFile, options: FileOptions): Migration {
  const { runner } = runnerFor(file, options);
  const { vendors, django } = options.project;
  if (runner === 'django') return parseDjangoMigration(file, { vendors, modelState: django });
  if (runner === 'alembic') return parseAlembicMigration(file, { vendors });
  return parseSqlMigration(file, { runner, assumeInTransaction: options.project.config.assumeInTransaction });
}

export function lintFile(file: SourceFile, options: FileOptions): { migration: Migration; findings: Finding[] } {
  const migration = parseMigration(file, options);
  return { migration, findings: lintMigration(migration, { project: options.project, rules: RULES, only: options.only, knownRules: RULE_IDS }) };
}

export interface FixResult {
  text: string;
  applied: Fix[];
  created: { path: string; text: string }[];
  /** What is left after fixing. */
  findings: Finding[];
}

/** Applies safe (and with `unsafe`, unsafe) fixes pass after pass until the file settles. */
export function fixFile(file: SourceFile, options: FileOptions & { unsafe: boolean }): FixResult {
  let text = file.text;
  const applied: Fix[] = [];
  const created: { path: string; text: string }[] = [];
  for (let pass = 0; pass < 10; pass++) {
    const { findings } = lintFile({ path: file.path, text }, options);
    const result = applyOnePass(text, file.path, findings, options.unsafe);
    if (result.applied.length === 0) return { text, applied, created, findings };
    // A fix must never leave a file that no longer parses: keep the last text that did.
    const reparsed = parseMigration({ path: file.path, text: result.text }, options);
    const before = parseMigration({ path: file.path, text }, options);
    if (reparsed.syntaxErrors.length > before.syntaxErrors.length) return { text, applied, created, findings };
    applied.push(...result.applied);
    result.applied.forEach((f) => created.push(...(f.createFiles ?? [])));
    text = result.text;
  }
  return { text, applied, created, findings: lintFile({ path: file.path, text }, options).findings };
}

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; file: SourceFile; finding: Finding };

function problem(path: string, text: string, message: string, at = 0): ReadResult {
  return {
    ok: false,
    file: { path, text },
    finding: { rule: 'syntax-error', severity: 'error', message, file: path, span: { start: at, end: at }, fixes: [] },
  };
}

/** Reads a migration file as text. Binary and non-UTF-8 files come back as a finding, never a throw. */
export function readSourceFile(path: string): ReadResult {
  const bytes = readFileSync(path);
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return problem(path, '', 'binary file: not a text migration (it contains NUL bytes)');
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, file: { path, text } };
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\ufffd');
    const byte = Buffer.byteLength(lossy.slice(0, Math.max(bad, 0)), 'utf8');
    return problem(path, lossy, `file is not valid UTF-8 (byte 0x${(bytes[byte] ?? 0).toString(16).padStart(2, '0')} at offset ${byte}); save it as UTF-8`, Math.max(bad, 0));
  }
}
