// The engine: runs rules over a parsed migration, applies severities and suppressions.
// The CLI, the language server and the tests all come through here.
import { formatMessage, type MigrationRuleContext, type Rule } from './rule.js';
import { fixProviderFor } from './fixes/index.js';
import type { Finding, Migration, ProjectContext, Severity, Suppression } from './types.js';

export interface LintOptions {
  project: ProjectContext;
  rules: readonly Rule[];
  /** Only these rule ids (`--rule`). */
  only?: readonly string[];
  /** Every rule id idxlint knows (project-wide rules too): an ignore naming one of them is not a typo. */
  knownRules?: ReadonlySet<string>;
}

export const UNUSED_IGNORE = 'unused-ignore';

function severityOf(rule: Rule, project: ProjectContext): Severity | undefined {
  const setting = project.config.rules[rule.id] ?? rule.meta.defaultSeverity;
  return setting === 'off' ? undefined : setting;
}

/** The suppression silences `rule` at `offset` (a file-wide one everywhere, a next-statement one on its target). */
export function covers(s: Suppression, rule: string, offset: number): boolean {
  if (s.rules.length > 0 && !s.rules.includes(rule)) return false;
  if (s.scope === 'file') return true;
  return !!s.target && offset >= s.target.start && offset < s.target.end;
}

export function lintMigration(migration: Migration, options: LintOptions): Finding[] {
  const { project } = options;
  const knownRules = options.knownRules ?? new Set(options.rules.map((r) => r.id));
  const ctx: MigrationRuleContext = { migration, project, fixes: fixProviderFor(migration), knownRules };
  const enabled = options.rules.filter(
    (r) => r.id !== UNUSED_IGNORE && (r.meta.scope ?? 'migration') === 'migration' && (!options.only || options.only.includes(r.id)),
  );
  const used = new Set<Suppression>();
  const findings: Finding[] = [];
  for (const rule of enabled) {
    // A rule that is switched off still runs when a suppression names it? No: an ignore of an
    // off rule is not reported as unused, since nothing could have fired.
    const severity = severityOf(rule, project);
    if (!severity) continue;
    // A rule about databases the project does not use finds nothing (it stays enabled for unused-ignore).
    if (rule.meta.vendors && !rule.meta.vendors.some((v) => project.vendors.includes(v))) continue;
    for (const rf of rule.check(ctx)) {
      const suppression = migration.suppressions.find((s) => covers(s, rule.id, rf.span.start));
      if (suppression) {
        used.add(suppression);
        continue;
      }
      findings.push({
        rule: rule.id,
        severity,
        message: formatMessage(rule.meta.messages[rf.messageId] ?? rf.messageId, rf.data),
        help: rf.help,
        file: migration.file.path,
        span: rf.span,
        fixes: rf.fixes ?? [],
      });
    }
  }
  const unusedRule = options.rules.find((r) => r.id === UNUSED_IGNORE);
  const unusedSeverity = unusedRule && severityOf(unusedRule, project);
  if (unusedRule && unusedSeverity && (!options.only || options.only.includes(UNUSED_IGNORE))) {
    const enabledIds = new Set(enabled.filter((r) => severityOf(r, project)).map((r) => r.id));
    const unused = migration.suppressions.filter(
      (s) => !used.has(s) && (s.rules.length === 0 || s.rules.some((id) => enabledIds.has(id) || !knownRules.has(id))),
    );
    for (const rf of unusedRule.check({ ...ctx, unusedSuppressions: unused })) {
      findings.push({
        rule: UNUSED_IGNORE,
        severity: unusedSeverity,
        message: formatMessage(unusedRule.meta.messages[rf.messageId] ?? rf.messageId, rf.data),
        help: rf.help,
        file: migration.file.path,
        span: rf.span,
        fixes: rf.fixes ?? [],
        tags: ['unnecessary'],
      });
    }
  }
  return findings.sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule));
}
