import { defineProjectRule } from '../server/engine/rule.js';
import { suggestIndex } from '../server/engine/query/suggest.js';
import { termsText } from '../server/engine/query/render.js';
import { indexChangeFixes } from '../server/engine/fixes/new-migration.js';
import { bestIndexFor, fitOptions, indexLocation, indexText, indexesOn, keyText, patternText, patternsOn, queryRelated } from './query-util.js';

export default defineProjectRule({
  id: 'partial-index-opportunity',
  meta: {
    scope: 'project',
    description: 'Every query a full index serves carries the same constant condition: a partial index would be smaller.',
    defaultSeverity: 'info',
    fix: 'unsafe',
    messages: {
      partial: 'every query {index} serves also has `{predicate}`: a partial index `WHERE {predicate}` holds only those rows, smaller and cheaper to write',
    },
    docs: {
      whatItDoes:
        'Flags a full index when all the queries it serves carry the same constant boolean or NULL condition (e.g. `enabled=True`, `deleted_at IS NULL`) on a column outside the index.',
      whyBad:
        "The index holds entries for rows no query asks for. A partial index on the shared condition is smaller (fewer pages to cache and scan) and rows outside it cost nothing to write. In the seed project 99% of rule-evaluation queries filter `enabled=True`; the partial index is a fifth of the size.",
      example: {
        language: 'sql',
        bad: 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority DESC);\n',
        good: 'CREATE INDEX alertrule_eval_idx ON upstream_alertrule (customer_id, routing_priority DESC) WHERE enabled;\n',
        queries: 'SELECT * FROM upstream_alertrule WHERE customer_id = $1 AND enabled ORDER BY routing_priority DESC;\n',
      },
      fixSafety:
        "Unsafe, always: whether every future query will carry the condition is a product decision. The fix is a new migration that creates the partial version concurrently under a new name, then drops the full index concurrently (an index that shipped is never edited in place; Django: the concurrent operations or the vendor-aware classes, `atomic = False`, and the model's `Meta.indexes` entry given `condition=Q(…)`). An index whose migration is not committed yet can be made partial there instead, also unsafe. Alembic: a new revision after the versions folder's head(s), named by `file_template`, with `postgresql_concurrently=True` inside `op.get_context().autocommit_block()` and a `downgrade()` that undoes it; a revision that is not committed yet has its `op.create_index(…)` call edited in place, as a SQL migration has its statement.",
    },
  },
  checkProject(ctx) {
    const findings = [];
    const vendor = ctx.project.vendors[0] ?? 'postgresql';
    for (const table of ctx.knowledge.schema.tables.values()) {
      const patterns = patternsOn(ctx, table.name);
      for (const index of table.indexes) {
        const at = indexLocation(index);
        if (!at || index.predicate?.length || index.unique || index.primaryKey) continue;
        const served = patterns.filter((p) => bestIndexFor(p, indexesOn(ctx, table.name), vendor, fitOptions(ctx))?.index === index);
        if (!served.length) continue;
        const suggestion = suggestIndex(served, vendor);
        const keyColumns = new Set(index.columns.map((c) => c.column));
        const predicate = suggestion?.predicate.filter((t) => 'column' in t && !keyColumns.has(t.column)) ?? [];
        if (!predicate.length || !suggestion?.predicateText) continue;
        findings.push({
          messageId: 'partial' as const,
          data: { index: indexText(index), predicate: suggestion.predicateText },
          file: at.file,
          span: at.span,
          help: `consider (${keyText(index.columns)}) WHERE ${suggestion.predicateText}`,
          related: queryRelated(served, (p) => `served, with the condition: ${patternText(p)}`),
          fixes: indexChangeFixes(ctx, { kind: 'replace', old: index, next: { ...index, predicate, predicateText: termsText(predicate) } }, { inPlaceSafety: 'unsafe' }),
        });
      }
    }
    return findings;
  },
});
