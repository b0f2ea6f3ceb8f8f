import { defineProjectRule } from '../server/engine/rule.js';
import { reorderFor } from '../server/engine/query/suggest.js';
import type { ProjectRuleContext } from '../server/engine/rule.js';
import type { IndexDef, QueryPattern } from '../server/engine/query/types.js';
import type { Vendor } from '../server/engine/types.js';
import { fitScore } from '../server/engine/query/fit.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import { VENDOR_NAME, allIndexes, bestIndexFor, fitIndex, fitOptions, indexLocation, indexText, indexesOn, keyText, patternText, patternsOn, queryRelated } from './query-util.js';

/** The queries an index is there for: they constrain one of its columns, and no other index narrows them. */
function patternsFor(ctx: ProjectRuleContext, index: IndexDef, vendor: Vendor): QueryPattern[] {
  const keys = new Set(index.columns.map((c) => c.column));
  const indexes = indexesOn(ctx, index.table);
  return patternsOn(ctx, index.table).filter((p) => {
    if (!p.terms.some((t) => 'column' in t && keys.has(t.column))) return false;
    const other = bestIndexFor(p, indexes, vendor, fitOptions(ctx), index);
    return !other || other.fit.usable !== true || other.fit.narrowingColumns.length === 0;
  });
}

export default defineProjectRule({
  id: 'index-column-order-mismatch',
  meta: {
    scope: 'project',
    description: "An index's column order does not match the queries it is meant for.",
    defaultSeverity: 'warning',
    fix: 'unsafe',
    messages: {
      order: 'the columns of {index} are in an order the queries cannot use well: {reason}; ({suggested}) serves {count} {queries}{skip}',
    },
    docs: {
      whatItDoes:
        "Flags an index whose leading column is not constrained by the queries it is there for (queries on its columns that no other index narrows), or where a range or sort column comes before an equality column, when a reordering of the same columns serves those queries better. For example `(role, customer_id)` when some queries filter by `customer_id` alone.",
      whyBad:
        "A B-tree index is read from its leading column: with no condition on it, the planner cannot narrow the scan (before PostgreSQL 18 the index is useless for the query; from 18 on a skip scan may use it, probing every distinct leading value). Columns after a range condition only filter. The index still costs every write.",
      example: {
        language: 'sql',
        bad: 'CREATE INDEX project_task_idx ON app_task (project_id, due_date, status);\n',
        good: 'CREATE INDEX project_task_idx ON app_task (project_id, status, due_date);\n',
        queries: "SELECT * FROM app_task WHERE project_id = $1 AND due_date >= $2 AND status = 'open';\n",
      },
      fixSafety:
        "Unsafe: an index that already shipped is never edited in place (a database that ran the migration keeps the old order). The fix writes a new migration after the last one of the index's folder: it creates the reordered index concurrently under a new name, then drops the old one concurrently. Django: `AddIndexConcurrently` / `RemoveIndexConcurrently` (the vendor-aware classes when the project also runs on SQLite) with `atomic = False`, and the model's `Meta.indexes` updated so `makemigrations --check` stays clean. SQL: `CREATE INDEX CONCURRENTLY IF NOT EXISTS` and `DROP INDEX CONCURRENTLY IF EXISTS` with the runner's no-transaction directive, one file per statement where the runner sends a file as one query (golang-migrate, Prisma, dbmate). A new migration changes what deploys, hence unsafe. When the index's migration is not committed yet (or only the model has the index), editing it in place is offered first, as a safe fix. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    const findings = [];
    for (const index of allIndexes(ctx)) {
      const at = indexLocation(index);
      if (!at || index.primaryKey || index.columns.length < 2) continue;
      for (const vendor of ctx.project.vendors) {
        const intended = patternsFor(ctx, index, vendor);
        if (!intended.length) continue;
        const better = reorderFor(index, intended, vendor, fitOptions(ctx));
        if (!better) continue;
        const fits = intended.map((p) => fitIndex(index, p, vendor, fitOptions(ctx)));
        // Explain with a query the current order serves worse than the suggested one.
        const worse = intended.findIndex(
          (p, i) => fitScore(fits[i]!, index) < fitScore(fitIndex({ ...index, columns: better }, p, vendor, fitOptions(ctx)), index),
        );
        const reason = fits[Math.max(worse, 0)]!.reasons.find((r) => /leading|only filter|after|range|order/.test(r)) ?? 'a reordering narrows the scan further';
        const skip = fits.some((f) => f.skipScan)
          ? ` (on ${VENDOR_NAME[vendor]} ${ctx.project.config.postgresVersion} a skip scan can still use the current order, at the cost of probing every distinct leading value)`
          : '';
        findings.push({
          messageId: 'order' as const,
          data: { index: indexText(index), reason, suggested: keyText(better), count: intended.length, queries: intended.length === 1 ? 'query' : 'queries', skip },
          file: at.file,
          span: at.span,
          help: `create the index as (${keyText(better)}) in a new migration (concurrently), then drop the old one`,
          related: queryRelated(intended, (p) => `query: ${patternText(p)}`),
          fixes: indexChangeFixes(ctx, { kind: 'replace', old: index, next: { ...index, columns: better } }, { inPlaceSafety: 'safe' }),
        });
        break;
      }
    }
    return findings;
  },
});
