import { defineProjectRule } from '../server/engine/rule.js';
import { suggestIndex } from '../server/engine/query/suggest.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import type { ProjectRuleContext } from '../server/engine/rule.js';
import type { IndexDef, QueryPattern } from '../server/engine/query/types.js';
import { VENDOR_NAME, bestIndexFor, fitOptions, indexLocation, indexText, indexesOn, keyText, patternText, patternsOn, queryRelated, suggestedShape } from './query-util.js';

/** Another query's best index is this one: dropping it would leave that query worse off. */
function servesOtherQueries(ctx: ProjectRuleContext, index: IndexDef, pattern: QueryPattern): boolean {
  return patternsOn(ctx, index.table).some(
    (q) => q !== pattern && ctx.project.vendors.some((vendor) => bestIndexFor(q, indexesOn(ctx, q.table), vendor, fitOptions(ctx))?.index === index),
  );
}

export default defineProjectRule({
  id: 'index-sort-order-mismatch',
  meta: {
    scope: 'project',
    description: "An index narrows a query's rows but cannot deliver its ORDER BY, so every matching row is sorted.",
    defaultSeverity: 'warning',
    fix: 'unsafe',
    messages: {
      sort: '{index} finds the rows of `{query}` but not in its order{vendor}: {note}; every matching row is read and sorted{limit}',
    },
    docs: {
      whatItDoes:
        "Flags the index that serves a query's WHERE when it cannot produce the query's ORDER BY: the directions cannot be read forward or backward, or the order column is missing after the equality prefix (e.g. `(content_type, object_id)` for `filter(content_type=c, object_id=o).order_by('-created_at').first()`). Suggests the index that serves filter and order together.",
      whyBad:
        'Without the order from the index, the database reads every matching row and sorts them before returning the first. With `LIMIT` this is the difference between reading one index entry and reading thousands of rows.',
      example: {
        language: 'sql',
        bad: 'CREATE INDEX alertrule_customer_idx ON upstream_alertrule (customer_id, routing_priority);\n',
        good: 'CREATE INDEX alertrule_customer_idx ON upstream_alertrule (customer_id, routing_priority DESC, id);\n',
        queries: 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 ORDER BY routing_priority DESC, id ASC LIMIT 10;\n',
      },
      fixSafety:
        "Unsafe: a new migration creates the suggested index (filter and order) concurrently; when no other query's best index is the old one, the same migration then drops the old one concurrently (an index that shipped is never edited in place). Django: `AddIndexConcurrently` / `RemoveIndexConcurrently` (the vendor-aware classes when the project also runs on SQLite) with `atomic = False`, and the model's `Meta.indexes` updated; SQL: `CREATE INDEX CONCURRENTLY IF NOT EXISTS` / `DROP INDEX CONCURRENTLY IF EXISTS` in the runner's naming scheme and no-transaction directive. When the index's migration is not committed yet, editing it in place is offered first, as a safe fix. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    const findings = [];
    const seen = new Set<string>();
    for (const p of ctx.knowledge.patterns) {
      if (!p.orderBy.length || p.orderBy.some((o) => !o.column)) continue;
      for (const vendor of ctx.project.vendors) {
        const best = bestIndexFor(p, indexesOn(ctx, p.table), vendor, fitOptions(ctx));
        if (!best || best.fit.usable !== true || !best.fit.narrowingColumns.length || best.fit.servesOrder) continue;
        const at = indexLocation(best.index);
        if (!at) continue;
        const key = `${best.index.table}.${best.index.name}|${patternText(p)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const suggestion = suggestIndex([p], vendor);
        const vendorNote = ctx.project.vendors.length > 1 ? ` on ${VENDOR_NAME[vendor]}` : '';
        findings.push({
          messageId: 'sort' as const,
          data: {
            index: indexText(best.index),
            query: patternText(p),
            vendor: vendorNote,
            note: best.fit.orderNote ?? 'the ORDER BY columns do not follow the equality columns in the index',
            limit: p.limit !== undefined ? ' to return a few' : '',
          },
          file: at.file,
          span: at.span,
          help: suggestion ? `an index on (${keyText(suggestion.columns)}) serves the filter and the order` : 'add the ORDER BY columns after the equality columns, in the query’s directions',
          related: queryRelated([p], () => 'the query sorted without the index'),
          fixes: suggestion
            ? indexChangeFixes(
                ctx,
                best.index.unique || best.index.primaryKey || servesOtherQueries(ctx, best.index, p)
                  ? { kind: 'add', next: suggestedShape(suggestion, best.index) }
                  : { kind: 'replace', old: best.index, next: suggestedShape(suggestion, best.index) },
                { inPlaceSafety: 'safe' },
              )
            : [],
        });
        break;
      }
    }
    return findings;
  },
});
