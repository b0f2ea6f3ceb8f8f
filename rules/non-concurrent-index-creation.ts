import { defineRule } from '../server/engine/rule.js';
import { qualified } from './util.js';

export default defineRule({
  id: 'non-concurrent-index-creation',
  meta: {
    description: 'An index is built without CONCURRENTLY on a table that already exists.',
    // PostgreSQL's locks: a SQLite-only project has no concurrent variant to use.
    vendors: ['postgresql'],
    defaultSeverity: 'error',
    fix: 'safe',
    messages: {
      plain: 'builds index {index} with a SHARE lock: writes to `{table}` block until the build finishes',
    },
    docs: {
      whatItDoes:
        'Flags `CREATE [UNIQUE] INDEX` without `CONCURRENTLY` (and Django `AddIndex` / `db_index=True`, Alembic `op.create_index` without `postgresql_concurrently=True`) on a table that the same migration did not create. A project whose vendors do not include PostgreSQL (`vendors: ["sqlite"]`) is not checked: SQLite has no concurrent build and no lock to wait on across connections.',
      whyBad:
        'A plain `CREATE INDEX` takes a SHARE lock on the table for the whole build. On a large table that is minutes during which every INSERT, UPDATE and DELETE waits, and the requests behind them time out. `CREATE INDEX CONCURRENTLY` builds the index without blocking writes, at the cost of two table scans. A table created earlier in the same migration is empty and nobody else can see it yet, so it is exempt.',
      example: {
        language: 'sql',
        bad: 'CREATE INDEX userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
        good: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS userprofile_customer_role_idx ON upstream_userprofile (customer_id, role);\n',
      },
      fixSafety:
        'Adds `CONCURRENTLY` (and `IF NOT EXISTS` for a named index, so a retry after a failed build works). When the statement would then run inside a transaction block, the fix also takes it out, the way the runner needs: it removes a BEGIN/COMMIT that wraps only index work, adds the runner\'s no-transaction directive, or moves the statement to a migration of its own. The fix is safe when only index statements are affected; moving a statement out of a transaction that holds other work changes what is atomic, so that variant is unsafe. Django: `AddIndex` becomes `AddIndexConcurrently` (imported) and the migration gets `atomic = False`; in a project that also runs on SQLite it becomes `AddIndexConcurrentlyOnPostgres`, a small class the fix defines in the migration (concurrent when the connection being migrated is PostgreSQL, plain elsewhere). Safe when the migration holds only index operations; otherwise `atomic = False` takes the other operations\' transaction away (a failure half-way leaves them applied and the migration unrecorded), so it is unsafe. A field that gets an index (`db_index=True`, a ForeignKey, a SlugField) is split with `SeparateDatabaseAndState`: the field added with `db_index=False`, then the index Django would have built, under the same name, built concurrently, while the model state keeps the index. That fix is unsafe: the column and its index are no longer one step, so if the build fails the column stays and re-running the migration fails on it. `RunSQL`: the statement inside a plain string literal is rewritten, with `atomic = False` (not in a project that also runs on SQLite, where CONCURRENTLY fails). Alembic: `postgresql_concurrently=True, if_not_exists=True` (Alembic ≥ 1.12), and the call moved into `with op.get_context().autocommit_block():` together with neighbouring index operations; unsafe when `upgrade()` does other work, which the block commits first.',
    },
  },
  check({ migration, project, fixes }) {
    return migration.operations.flatMap((op) => {
      if (op.kind !== 'create-index' || op.concurrent || op.tableCreatedInFile) return [];
      return [
        {
          messageId: 'plain' as const,
          data: { index: op.name ? `\`${op.name}\`` : 'the index', table: qualified(op.schema, op.table) },
          span: op.focus,
          help: 'build it with CREATE INDEX CONCURRENTLY, outside a transaction block',
          fixes: fixes.createIndexConcurrently(op, { migration, project }),
        },
      ];
    });
  },
});
