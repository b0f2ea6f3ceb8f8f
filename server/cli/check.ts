// `idxlint check`: discover → read → lint (→ fix) → report. Pure of process state: the caller passes
// the working directory and flags, and gets the report text and the exit code back.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../engine/atomic-write.js';
import { resolve } from 'node:path';
import { ALL_RULES, RULE_IDS } from '../../rules/index.js';
import { loadConfig } from '../engine/config.js';
import { DirectoryCache, discoverMigrations } from '../engine/discover.js';
import { changedSince } from '../engine/git.js';
import { buildProjectContext, fixFile, initEngine, lintFile, readSourceFile, runnerFor } from '../engine/index.js';
import { cacheVersion } from '../engine/cache-version.js';
import { LintCache, ProjectLintCache } from '../engine/lint-cache.js';
import { hashOf } from '../engine/schema/cache.js';
import type { OrmParallelism } from '../engine/schema/orm-workers.js';
import { projectContext } from '../engine/project.js';
import { detectProjectVendors } from '../engine/vendors.js';
import { fileSuppressions } from '../engine/file-suppressions.js';
import { lintProject } from '../engine/project-lint.js';
import { buildProjectKnowledgeReport } from '../engine/schema/knowledge.js';
import { fixSourcesKey, listFixSources, readFixSources } from '../engine/fixes/new-migration-sources.js';
import { planProjectFixes } from '../engine/fixes/new-migration-apply.js';
import type { Finding, Migration, ResolvedConfig, Runner } from '../engine/types.js';
import { PROJECT_RULES } from '../../rules/project-rules.js';
import { plannerFindings } from '../engine/verify/report.js';
import { verifyPatterns } from '../engine/verify/verify.js';
import { formatReport } from './format/index.js';
import type { ReportFormat } from './format/report.js';

export interface CheckOptions {
  paths: string[];
  cwd: string;
  format: ReportFormat;
  fix: boolean;
  unsafeFixes: boolean;
  only?: string[];
  changedSince?: string;
  configFile?: string;
  runner?: Runner;
  assumeInTransaction?: boolean;
  color: boolean;
  version: string;
  /** `--no-cache`: do not read or write the project-knowledge cache. */
  cache?: boolean;
  /** `--verify`: also ask the embedded planners about every query pattern. */
  verify?: boolean;
  /** Worker threads for the ORM query extraction (`--jobs`; the script is the CLI bundle). */
  parallel?: OrmParallelism;
}

export interface CheckResult {
  output: string;
  exitCode: 0 | 1;
  findings: Finding[];
  files: string[];
}

function projectRulesEnabled(config: ResolvedConfig, only: string[] | undefined): boolean {
  return PROJECT_RULES.some((r) => (config.rules[r.id] ?? r.meta.defaultSeverity) !== 'off' && (!only || only.includes(r.id)));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `--fix` passes over the project rules: each may write new migrations, then the project is checked again. */
const PROJECT_FIX_PASSES = 5;

export async function runCheck(options: CheckOptions, pass = 0): Promise<CheckResult> {
  const config = loadConfig({
    cwd: options.cwd,
    startPath: options.paths[0] ?? options.cwd,
    configFile: options.configFile,
    knownRules: [...RULE_IDS],
    overrides: {
      ...(options.runner ? { runner: options.runner } : {}),
      ...(options.assumeInTransaction !== undefined ? { assumeInTransaction: options.assumeInTransaction } : {}),
    },
  });
  await initEngine();
  const cache = new DirectoryCache();
  const paths = await discoverMigrations({
    root: config.root,
    paths: options.paths,
    include: config.include,
    exclude: config.exclude,
    cwd: options.cwd,
    cache,
  });
  const reads = paths.map((path) => readSourceFile(path));
  const files = reads.filter((r) => r.ok).map((r) => r.file);
  const vendors = detectProjectVendors(config.root, config);
  const changed = options.changedSince ? await changedSince(config.root, options.changedSince) : undefined;
  const checked = reads.filter((r) => !changed || changed.has(r.file.path));

  // Unchanged files keep their findings from the last run; the Django model state (every Django
  // migration parsed) is only built when some file has to be linted again.
  const light = projectContext(config, vendors);
  // What every cached result depends on besides its own inputs: idxlint's build, the configuration, the
  // vendors, the rules asked for (the lint cache's entries and the project rules' findings).
  const baseKey = LintCache.baseKey(cacheVersion(), light, options.only);
  const lintCache =
    options.fix || options.cache === false
      ? undefined
      : LintCache.open(config.root, files, baseKey, (f) => runnerFor(f, { project: light, cache }).runner);
  const allCached = !!lintCache?.allCached(checked.filter((r) => r.ok).map((r) => r.file.path));
  const project = allCached ? light : buildProjectContext(config, files, vendors, cache);
  const fileOptions = { project, only: options.only, cache };

  const findings: Finding[] = [];
  const texts = new Map<string, string>();
  const parsed = new Map<string, Migration>();
  for (const read of checked) {
    const path = read.file.path;
    texts.set(path, read.file.text);
    if (!read.ok) {
      findings.push(read.finding);
      continue;
    }
    if (!options.fix) {
      const cached = lintCache?.get(path);
      if (cached) {
        findings.push(...cached);
        continue;
      }
      const linted = lintFile(read.file, fileOptions);
      parsed.set(path, linted.migration);
      lintCache?.set(path, linted.findings);
      findings.push(...linted.findings);
      continue;
    }
    const fixed = fixFile(read.file, { ...fileOptions, unsafe: options.unsafeFixes });
    if (fixed.text !== read.file.text) writeFileAtomically(path, fixed.text);
    for (const created of fixed.created) {
      const target = resolve(options.cwd, created.path);
      if (!existsSync(target)) writeFileAtomically(target, created.text);
    }
    texts.set(path, fixed.text);
    findings.push(...fixed.findings);
  }

  lintCache?.save();

  if (projectRulesEnabled(config, options.only)) {
    const migrations = files;
    const { knowledge, key: knowledgeKey, models } = await buildProjectKnowledgeReport({
      config,
      migrations,
      project,
      parsed: (path) => parsed.get(path),
      ...(options.cache === false ? { cache: false as const } : {}),
      ...(options.parallel ? { parallel: options.parallel } : {}),
    });
    project.knowledge = knowledge;
    // The rules' findings (and their fixes) are kept under the key of everything they read: a warm run
    // with nothing changed reads them back, and does not read the Python modules the fixes would edit.
    const fixList = await listFixSources({ config, project, migrations, uncommitted: changed ?? [], cache });
    const projectCache = options.fix || options.cache === false ? undefined : ProjectLintCache.open(config.root);
    const projectKey = hashOf(baseKey, knowledgeKey, fixSourcesKey(fixList));
    let allProjectFindings = projectCache?.get(projectKey);
    if (!allProjectFindings) {
      knowledge.fixSources = readFixSources(fixList, models);
      allProjectFindings = lintProject({
        project,
        knowledge,
        rules: PROJECT_RULES,
        only: options.only,
        suppressionsFor: (file, anchors) => parsed.get(file)?.suppressions ?? fileSuppressions(file, texts.get(file) ?? readText(file), anchors),
      });
      projectCache?.save(projectKey, allProjectFindings);
    }
    const projectFindings = allProjectFindings.filter((f) => !changed || changed.has(f.file) || f.related?.some((r) => changed.has(r.file)));
    if (options.fix && pass < PROJECT_FIX_PASSES) {
      const current = (path: string) => (existsSync(path) ? readText(path) : undefined);
      const plan = planProjectFixes(projectFindings, { unsafe: options.unsafeFixes, sources: knowledge.fixSources, current });
      if (plan.writes.length) {
        for (const w of plan.writes) writeFileAtomically(resolve(options.cwd, w.path), w.text);
        // The new migrations are checked (and fixed) like the others, and the project rules see them.
        return runCheck(options, pass + 1);
      }
    }
    findings.push(...projectFindings);
    if (options.verify && knowledge.patterns.length) {
      // The real planners' word on every query pattern: a disagreement with the static verdict is a finding.
      const result = await verifyPatterns(knowledge.schema, knowledge.patterns, {
        vendors: project.vendors,
        postgresVersion: config.postgresVersion,
        ...(options.cache === false ? { cache: false as const } : {}),
      });
      findings.push(...plannerFindings(result));
    }
  }

  // Positions in the report are computed from the texts: every file a finding, a related location or an
  // edit of a fix points into is read (a query-fit fix edits the models module, not the finding's file).
  for (const f of findings) {
    const edited = f.fixes.flatMap((fix) => fix.edits.flatMap((e) => (e.file ? [e.file] : [])));
    for (const file of [f.file, ...(f.related ?? []).map((r) => r.file), ...edited]) if (!texts.has(file)) texts.set(file, readText(file));
  }
  const output = formatReport(options.format, {
    findings,
    files: texts,
    rules: ALL_RULES.map((r) => ({ id: r.id, meta: r.meta })),
    cwd: options.cwd,
    toolVersion: options.version,
    color: options.color,
    fileCount: checked.length,
    homepage: 'https://github.com/idxlint/idxlint',
  });
  return { output, exitCode: findings.some((f) => f.severity === 'error') ? 1 : 0, findings, files: checked.map((r) => r.file.path) };
}
