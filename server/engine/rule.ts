// The shape of a rule: typed metadata (the single source of truth for docs) and a pure check.
import type { FixProvider } from './fixes/provider.js';
import type { ProjectKnowledge } from './schema/types.js';
import type { Finding, Fix, Migration, ProjectContext, RelatedLocation, Severity, Span, Suppression, Vendor } from './types.js';

export interface RuleDocs {
  /** What it does: one or two sentences. */
  whatItDoes: string;
  /** Why is this bad? The consequence in production. */
  whyBad: string;
  /** A bad example that the rule flags, and what to use instead (which it does not flag). Query-fit
   * rules judge their example against `queries`: the application's queries, as SQL. */
  example: { language: 'sql' | 'python'; bad: string; good: string; runner?: string; queries?: string };
  /** Fix safety: what the fix does and when it is unsafe. */
  fixSafety: string;
  /** Optional further sections (e.g. runner semantics), rendered in order. */
  notes?: { title: string; body: string }[];
}

export interface RuleMeta<M extends string = string> {
  description: string;
  defaultSeverity: Severity;
  fix: 'safe' | 'unsafe' | 'none';
  /** Message templates, `{name}` placeholders filled from data. */
  messages: Record<M, string>;
  docs: RuleDocs;
  /** Rules that need the whole project (query-fit rules) rather than one migration. */
  scope?: 'migration' | 'project';
  /** The databases the rule is about (default: all): a project using none of them is not checked by it. */
  vendors?: Vendor[];
}

/** A finding as a rule reports it: the engine fills in file and severity. */
export interface RuleFinding<M extends string = string> {
  messageId: M;
  data?: Record<string, string | number>;
  span: Span;
  help?: string;
  fixes?: Fix[];
}

export interface MigrationRuleContext {
  migration: Migration;
  project: ProjectContext;
  /** Rewrites for this migration's framework (SQL, Django, Alembic). */
  fixes: FixProvider;
  /** Filled for the second phase only: suppressions that silenced nothing (for `unused-ignore`). */
  unusedSuppressions?: Suppression[];
  /** Every rule id idxlint knows (to tell a misspelt id in an ignore comment). */
  knownRules?: ReadonlySet<string>;
}

export interface Rule<M extends string = string> {
  id: string;
  meta: RuleMeta<M>;
  check(ctx: MigrationRuleContext): RuleFinding<M>[];
}

export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

export type { Finding };

// ---------------------------------------------------------------- project-wide rules

export interface ProjectRuleContext {
  project: ProjectContext;
  knowledge: ProjectKnowledge;
}

/** A project rule's finding names its file: it lands on an index definition (or a query) anywhere. */
export interface ProjectRuleFinding<M extends string = string> extends RuleFinding<M> {
  file: string;
  related?: RelatedLocation[];
  tags?: ('unnecessary' | 'deprecated')[];
}

/** Rules over the whole project: the final schema against the application's query patterns. */
export interface ProjectRule<M extends string = string> {
  id: string;
  meta: RuleMeta<M> & { scope: 'project' };
  checkProject(ctx: ProjectRuleContext): ProjectRuleFinding<M>[];
}

export function defineProjectRule<M extends string>(rule: ProjectRule<M>): ProjectRule<M> {
  return rule;
}

export type AnyRule = Rule | ProjectRule;

export function isProjectRule(rule: AnyRule): rule is ProjectRule {
  return 'checkProject' in rule;
}
