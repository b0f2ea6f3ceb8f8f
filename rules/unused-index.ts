import { defineProjectRule } from '../server/engine/rule.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import { fitIndex, fitOptions, indexLocation, indexText, patternsOn } from './query-util.js';

export default defineProjectRule({
  id: 'unused-index',
  meta: {
    scope: 'project',
    description: 'No known query can use an index (only when the query sources are complete).',
    defaultSeverity: 'info',
    fix: 'unsafe',
    messages: {
      unused: 'no known query can use {index}: it costs every write to `{table}` and serves nothing',
    },
    docs: {
      whatItDoes:
        'Flags an index that no query pattern of the project can use on any of its vendors. It only runs when the query sources are declared complete (`queries.include` set in the configuration): otherwise a query idxlint does not see may be the one the index is for. Primary keys and unique indexes (constraints) are never flagged.',
      whyBad: 'An index nobody reads is written on every INSERT and UPDATE of its columns and takes space and cache.',
      example: {
        language: 'sql',
        bad: 'CREATE INDEX userprofile_role_idx ON upstream_userprofile (role);\n',
        good: 'CREATE INDEX userprofile_customer_idx ON upstream_userprofile (customer_id);\n',
        queries: 'SELECT * FROM upstream_userprofile WHERE customer_id = $1 ORDER BY created_at DESC;\n',
      },
      fixSafety:
        "Unsafe, always: confirm with `pg_stat_user_indexes.idx_scan` in production before dropping. The fix is a new migration that drops the index concurrently (`DROP INDEX CONCURRENTLY IF EXISTS` in the runner's naming scheme; Django: `RemoveIndexConcurrently`, or the vendor-aware class when the project also runs on SQLite, with `atomic = False`, and the entry removed from the model's `Meta.indexes`). An index whose migration is not committed yet can be removed there instead, also unsafe: the query it is for may simply not be written yet. Indexes Django makes for a field (a foreign key, `db_index=True`) get no fix. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    if (!ctx.knowledge.queriesComplete) return [];
    const findings = [];
    for (const table of ctx.knowledge.schema.tables.values()) {
      const patterns = patternsOn(ctx, table.name);
      for (const index of table.indexes) {
        const at = indexLocation(index);
        if (!at || index.unique || index.primaryKey) continue;
        const used = patterns.some((p) =>
          ctx.project.vendors.some((vendor) => {
            const fit = fitIndex(index, p, vendor, fitOptions(ctx));
            return fit.usable !== false && (fit.narrowingColumns.length > 0 || fit.servesOrder || (index.predicate?.length ?? 0) > 0);
          }),
        );
        if (used) continue;
        findings.push({
          messageId: 'unused' as const,
          data: { index: indexText(index), table: table.name },
          file: at.file,
          span: at.span,
          help: 'check pg_stat_user_indexes.idx_scan in production, then drop it concurrently in a new migration',
          tags: ['unnecessary' as const],
          fixes: indexChangeFixes(ctx, { kind: 'drop', old: index }, { inPlaceSafety: 'unsafe' }),
        });
      }
    }
    return findings;
  },
});
