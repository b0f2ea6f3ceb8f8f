// What the schema needs from a Python migration beyond its migration model, read again from the file:
// the calls behind operations (the model keeps where each call is, `PythonCallSite.span`, not its
// arguments: field types, `null`, SQLAlchemy columns) and the SQL strings of RunSQL / op.execute (the
// model keeps their index operations, not the ALTER / RENAME / CREATE TABLE statements around them).
import { withPlaceholders } from '../python/embedded-sql.js';
import { readImports } from '../python/imports.js';
import type { EmbeddedSqlInfo, PythonCallSite, PythonMigrationInfo } from '../python/model.js';
import type { ParsedPython, PyNode } from '../python/parser.js';
import { decodeString, fileOffset, type PyString } from '../python/strings.js';
import { Evaluator, type PyCall } from '../python/values.js';
import type { Migration, Span } from '../types.js';
import type { MigrationChanges, SchemaChange } from './changes.js';
import { sqlTextChanges } from './sql-source.js';

/** The Python file itself does not parse (syntax errors beyond those of the SQL strings it runs): its
 * schema changes cannot be read. */
export function pythonUnreadable(migration: Migration, info: PythonMigrationInfo | undefined): boolean {
  const embeddedErrors = info?.embeddedSql.reduce((n, e) => n + (e.reverse ? 0 : e.syntaxErrors.length), 0) ?? 0;
  return !info || migration.syntaxErrors.length > embeddedErrors;
}

export class PythonSource {
  private readonly ev: Evaluator;
  private readonly calls = new Map<string, PyNode>();
  private readonly strings = new Map<string, PyNode>();
  private readonly done = new Set<EmbeddedSqlInfo>();

  constructor(private readonly parsed: ParsedPython) {
    this.ev = new Evaluator(parsed, readImports(parsed));
    const stack: PyNode[] = [parsed.root];
    while (stack.length) {
      const node = stack.pop()!;
      const type = node.type;
      if (type === 'call' || type === 'string' || type === 'concatenated_string') {
        const s = parsed.span(node);
        (type === 'call' ? this.calls : this.strings).set(key(s), node);
      }
      if (type === 'string') continue;
      for (const child of node.namedChildren) if (child) stack.push(child);
    }
  }

  /** The call an operation came from, evaluated (module-level constants and `**kwargs` resolved). */
  callAt(site: PythonCallSite): PyCall | undefined {
    const node = this.calls.get(key(site.span));
    const value = node && this.ev.evaluate(node);
    return value?.type === 'call' ? value.call : undefined;
  }

  /** The schema changes of an embedded SQL string, once per string (its operations all point at it). */
  sqlChanges(pieces: EmbeddedSqlInfo[], literal: Span, record: MigrationChanges): SchemaChange[] {
    const piece = pieces.find((p) => !p.reverse && p.literal.start === literal.start && p.literal.end === literal.end && !this.done.has(p));
    if (!piece || piece.syntaxErrors.length) return [];
    this.done.add(piece);
    const str = this.string(piece.literal);
    if (!str) return [];
    const options = { file: record.file, migration: record.migration, operations: piece.operations, toFile: fileOffset(str) };
    return sqlTextChanges(str.value, options) ?? sqlTextChanges(withPlaceholders(str.value), options) ?? [];
  }

  private string(span: Span): PyString | undefined {
    const node = this.strings.get(key(span));
    return node ? decodeString(node, this.parsed) : undefined;
  }
}

const key = (s: Span) => `${s.start}:${s.end}`;
