import { defineRule } from '../server/engine/rule.js';

export default defineRule({
  id: 'non-concurrent-reindex',
  meta: {
    description: 'REINDEX without CONCURRENTLY.',
    // PostgreSQL's locks: a SQLite-only project has no concurrent variant to use.
    vendors: ['postgresql'],
    defaultSeverity: 'error',
    fix: 'safe',
    messages: {
      plain: 'REINDEX {target} locks out writes to the table (and reads that use the index) until the rebuild finishes',
    },
    docs: {
      whatItDoes: 'Flags `REINDEX INDEX|TABLE|SCHEMA|DATABASE` without `CONCURRENTLY`. `REINDEX SYSTEM` is skipped: system catalogs cannot be reindexed concurrently. Not checked in a project whose vendors do not include PostgreSQL.',
      whyBad:
        'A plain REINDEX takes a SHARE lock on the table (writes wait) and an ACCESS EXCLUSIVE lock on the index being rebuilt (queries that would use it wait). `REINDEX … CONCURRENTLY` (PostgreSQL 12+) builds a replacement index without those locks.',
      example: {
        language: 'sql',
        bad: 'REINDEX INDEX userprofile_customer_role_idx;\n',
        good: 'REINDEX INDEX CONCURRENTLY userprofile_customer_role_idx;\n',
      },
      fixSafety:
        'Adds `CONCURRENTLY` after the target keyword and takes the statement out of a transaction the way the runner needs. In Django `RunSQL` and Alembic `op.execute` the string is rewritten in place (a plain literal only), with `atomic = False` or an autocommit block.',
    },
  },
  check({ migration, project, fixes }) {
    return migration.operations.flatMap((op) => {
      if (op.kind !== 'reindex' || op.concurrent || op.target === 'system') return [];
      return [
        {
          messageId: 'plain' as const,
          data: { target: `${op.target.toUpperCase()}${op.name ? ` ${op.name}` : ''}` },
          span: op.focus,
          help: 'use REINDEX … CONCURRENTLY, outside a transaction block',
          fixes: fixes.reindexConcurrently(op, { migration, project }),
        },
      ];
    });
  },
});
