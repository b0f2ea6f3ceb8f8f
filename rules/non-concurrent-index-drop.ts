import { defineRule } from '../server/engine/rule.js';

export default defineRule({
  id: 'non-concurrent-index-drop',
  meta: {
    description: 'An index is dropped without CONCURRENTLY.',
    // PostgreSQL's locks: a SQLite-only project has no concurrent variant to use.
    vendors: ['postgresql'],
    defaultSeverity: 'error',
    fix: 'safe',
    messages: {
      plain: 'drops {names} with an ACCESS EXCLUSIVE lock: every read and write of the table waits, and so does every query queued behind the lock',
    },
    docs: {
      whatItDoes:
        'Flags `DROP INDEX` without `CONCURRENTLY` (and Django `RemoveIndex`, Alembic `op.drop_index` without `postgresql_concurrently=True`). Not checked in a project whose vendors do not include PostgreSQL.',
      whyBad:
        'A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index\'s table. If a long query holds the table, the DROP waits for it, and every other query on the table queues behind the DROP. `DROP INDEX CONCURRENTLY` waits for conflicting transactions without blocking others. It accepts a single index name and no `CASCADE`.',
      example: {
        language: 'sql',
        bad: 'DROP INDEX idx_alertrule_customer_enabled;\n',
        good: 'DROP INDEX CONCURRENTLY IF EXISTS idx_alertrule_customer_enabled;\n',
      },
      fixSafety:
        'Adds `CONCURRENTLY`, splitting a multi-name `DROP INDEX a, b` into one statement per index, and takes the statement out of a transaction the way the runner needs (see `concurrent-index-in-transaction`). A `DROP INDEX … CASCADE` also drops dependent objects (such as a constraint using the index); `CONCURRENTLY` does not allow `CASCADE`, so that fix is unsafe: drop the dependent objects first. Django: `RemoveIndex` becomes `RemoveIndexConcurrently` (or, in a project that also runs on SQLite, the vendor-aware `RemoveIndexConcurrentlyOnPostgres` class) with `atomic = False`, safe when the migration holds only index operations. Alembic: `postgresql_concurrently=True` in an autocommit block.',
    },
  },
  check({ migration, project, fixes }) {
    return migration.operations.flatMap((op) => {
      if (op.kind !== 'drop-index' || op.concurrent) return [];
      const names = op.names.map((n) => `\`${n.name}\``).join(', ');
      return [
        {
          messageId: 'plain' as const,
          data: { names: op.names.length > 1 ? `indexes ${names}` : `index ${names}` },
          span: op.focus,
          help: op.names.length > 1 ? 'drop each index with its own DROP INDEX CONCURRENTLY' : 'use DROP INDEX CONCURRENTLY, outside a transaction block',
          fixes: fixes.dropIndexConcurrently(op, { migration, project }),
        },
      ];
    });
  },
});
