import { defineProjectRule } from '../server/engine/rule.js';
import type { IndexDef } from '../server/engine/query/types.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import { indexLocation, indexText } from './query-util.js';

function sameColumn(a: IndexDef['columns'][number], b: IndexDef['columns'][number]): boolean {
  return a.column === b.column && a.expression === b.expression && a.direction === b.direction && (a.opclass ?? '') === (b.opclass ?? '') && (a.nulls ?? '') === (b.nulls ?? '');
}

/** `a` adds nothing `b` does not: its columns are a prefix of b's, same method and predicate. */
function coveredBy(a: IndexDef, b: IndexDef): boolean {
  if (a === b || a.method !== b.method || a.columns.length > b.columns.length) return false;
  if ((a.predicateText ?? '') !== (b.predicateText ?? '')) return false;
  if (a.unique || a.primaryKey) return false; // a constraint is not redundant with a plain index
  return a.columns.every((c, i) => sameColumn(c, b.columns[i]!));
}

export default defineProjectRule({
  id: 'redundant-index',
  meta: {
    scope: 'project',
    description: 'An index duplicates another one, or is a prefix of it.',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    messages: {
      duplicate: '{index} has the same columns as {other}: one of them is pure write cost',
      prefix: '{index} is a prefix of {other}, which serves every query it can{django}',
    },
    docs: {
      whatItDoes:
        'Flags an index whose columns equal, or are a leading prefix of, another index on the same table with the same access method, expressions and predicate. Unique, primary-key and partial indexes are never flagged against a plain one. For a Django foreign-key index made redundant by a composite index that starts with the same column, suggests `db_index=False`.',
      whyBad: 'Every index is written on every INSERT and on UPDATEs of its columns, takes space and cache, and lengthens VACUUM. A prefix index gives the planner nothing the longer one does not.',
      example: {
        language: 'sql',
        bad: 'CREATE INDEX userprofile_customer_idx ON upstream_userprofile (customer_id);\nCREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
        good: 'CREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
      },
      fixSafety:
        "Unsafe: a new migration drops the redundant index concurrently (`DROP INDEX CONCURRENTLY IF EXISTS` in the runner's naming scheme; Django: `RemoveIndexConcurrently`, or the vendor-aware class when the project also runs on SQLite, with `atomic = False`, and the entry removed from the model's `Meta.indexes`). Dropping an index is a decision to take with production statistics (`pg_stat_user_indexes`) at hand. When the index's migration is not committed yet, removing it there is offered first, as a safe fix. A Django foreign key's own index gets no fix: the remedy is `db_index=False` on the field, and the AlterField Django generates for it drops the index with a plain `DROP INDEX` (not concurrently), so that migration needs a hand-written concurrent drop. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    const findings = [];
    for (const table of ctx.knowledge.schema.tables.values()) {
      for (const index of table.indexes) {
        const at = indexLocation(index);
        if (!at) continue;
        const other = table.indexes.find((b) => coveredBy(index, b) && (b.columns.length > index.columns.length || table.indexes.indexOf(b) < table.indexes.indexOf(index)));
        if (!other) continue;
        const duplicate = other.columns.length === index.columns.length;
        const django = index.origin?.source === 'implicit' && index.columns.length === 1 ? ' (it is the foreign key’s own index: set `db_index=False` on the field)' : '';
        const otherAt = indexLocation(other);
        findings.push({
          messageId: duplicate ? ('duplicate' as const) : ('prefix' as const),
          data: { index: indexText(index), other: indexText(other), django },
          file: at.file,
          span: at.span,
          help: django ? 'set db_index=False on the foreign key and let the composite index serve it' : 'drop it (concurrently) in a new migration',
          related: otherAt ? [{ file: otherAt.file, span: otherAt.span, message: `covering index ${indexText(other)}` }] : [],
          tags: ['unnecessary' as const],
          fixes: indexChangeFixes(ctx, { kind: 'drop', old: index }, { inPlaceSafety: 'safe' }),
        });
      }
    }
    return findings;
  },
});
