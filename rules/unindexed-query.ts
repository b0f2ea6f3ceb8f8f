import { defineProjectRule } from '../server/engine/rule.js';
import { reorderFor, suggestIndex } from '../server/engine/query/suggest.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import { VENDOR_NAME, bestIndexFor, fitOptions, indexesOn, isIndexable, keyText, patternText, suggestedShape, weightNote } from './query-util.js';

export default defineProjectRule({
  id: 'unindexed-query',
  meta: {
    scope: 'project',
    description: 'No index serves a query of the application.',
    defaultSeverity: 'info',
    fix: 'unsafe',
    messages: {
      unindexed: 'no index serves `{query}`{vendor}: it reads the whole table{weight}',
    },
    docs: {
      whatItDoes:
        'Flags a query pattern (from the Django ORM, raw SQL or a pg_stat_statements export) that no index can narrow, and suggests an index with the right column order: equality columns first, then the ORDER BY columns in their directions, else one range column; partial when every such query carries the same constant condition. Weighted by pg_stat_statements when an export is configured.',
      whyBad: 'A query no index serves scans the table: fine for a small table, the slowest query in the system once the table grows.',
      example: {
        language: 'sql',
        bad: 'CREATE INDEX userprofile_role_idx ON upstream_userprofile (role);\n',
        good: 'CREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
        queries: 'SELECT count(*) FROM upstream_userprofile WHERE customer_id = $1;\n',
      },
      fixSafety:
        "Unsafe: a new migration of the folder (Django: the app) that owns the table creates the suggested index concurrently (`CREATE INDEX CONCURRENTLY IF NOT EXISTS` with the runner's no-transaction directive; Django: `AddIndexConcurrently`, or the vendor-aware class when the project also runs on SQLite, with `atomic = False`, and the index added to the model's `Meta.indexes`). Every index costs writes: whether this query deserves one is a decision, and a new migration changes what deploys. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    const findings = [];
    for (const p of ctx.knowledge.patterns) {
      if (!isIndexable(p) || !p.locations.length) continue;
      if (!ctx.knowledge.schema.tables.has(p.table)) continue; // a table the migrations do not know
      const unserved = ctx.project.vendors.filter((vendor) => {
        const best = bestIndexFor(p, indexesOn(ctx, p.table), vendor, fitOptions(ctx));
        return !best || (best.fit.usable === true && !best.fit.narrowingColumns.length && !best.fit.servesOrder && !best.index.predicate?.length);
      });
      if (!unserved.length) continue;
      // An index with the right columns in the wrong order: index-column-order-mismatch reports that, on the index.
      if (indexesOn(ctx, p.table).some((i) => reorderFor(i, [p], unserved[0]!, fitOptions(ctx)))) continue;
      const suggestion = suggestIndex([p], unserved[0]!);
      const location = p.locations[0]!;
      findings.push({
        messageId: 'unindexed' as const,
        data: {
          query: patternText(p),
          vendor: ctx.project.vendors.length > 1 && unserved.length < ctx.project.vendors.length ? ` on ${unserved.map((v) => VENDOR_NAME[v]).join(', ')}` : '',
          weight: weightNote(p),
        },
        file: location.file,
        span: location.span,
        help: suggestion
          ? `an index on ${p.table} (${keyText(suggestion.columns)})${suggestion.predicateText ? ` WHERE ${suggestion.predicateText}` : ''} would serve it`
          : 'add an index on the columns it filters by',
        related: p.locations.slice(1).map((l) => ({ file: l.file, span: l.span, message: 'the same query' })),
        fixes: suggestion
          ? indexChangeFixes(ctx, { kind: 'add', next: suggestedShape(suggestion, p) })
          : [],
      });
    }
    return findings;
  },
});
