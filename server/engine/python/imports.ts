// Import statements of a Python file → which dotted name each local name stands for.
//
//   from django.db import migrations as m      m          → django.db.migrations
//   import django.contrib.postgres.operations as pg_ops    pg_ops → django.contrib.postgres.operations
//   import django.db.models.deletion           django     → django
//   from django.contrib.postgres.operations import *       (star: used as a fallback by name)
//
// `qualify('m.AddIndex')` → `django.db.migrations.AddIndex`. The spans of the statements are kept for
// fix builders that add an import (`importInsert` is where a new top-level import line goes).
import type { ParsedPython, PyNode } from './parser.js';
import type { Span } from '../types.js';

export interface PyImportName {
  /** Dotted name as imported (`migrations`, `django.contrib.postgres.operations`). */
  name: string;
  alias?: string;
}

export interface PyImport {
  span: Span;
  /** `from X import …`: X (relative imports keep their dots); undefined for `import X`. */
  from?: string;
  names: PyImportName[];
  star: boolean;
  /** Imported at module level (not inside a function or class). */
  topLevel: boolean;
}

export class ImportTable {
  private readonly bindings = new Map<string, string>();
  readonly starModules: string[] = [];

  constructor(
    readonly imports: PyImport[],
    /** Offset where a new top-level import line can be inserted (after the last one, or at the top). */
    readonly importInsert: number,
  ) {
    for (const imp of imports) {
      if (imp.star && imp.from) this.starModules.push(imp.from);
      for (const n of imp.names) {
        if (imp.from !== undefined) this.bindings.set(n.alias ?? n.name, `${imp.from}.${n.name}`);
        else if (n.alias) this.bindings.set(n.alias, n.name);
        else this.bindings.set(n.name.split('.')[0]!, n.name.split('.')[0]!);
      }
    }
  }

  /** Fully qualified dotted name of a local dotted name, or undefined when its head is not imported. */
  qualify(local: string): string | undefined {
    const [head, ...rest] = local.split('.');
    const bound = this.bindings.get(head!);
    if (bound === undefined) return undefined;
    return [bound, ...rest].join('.');
  }

  /** A local dotted name that refers to `qualified`, if the file already imports it or its module. */
  localName(qualified: string): string | undefined {
    let best: string | undefined;
    for (const [local, target] of this.bindings) {
      if (target === qualified) return local;
      if (qualified.startsWith(`${target}.`)) {
        const candidate = `${local}${qualified.slice(target.length)}`;
        if (!best || candidate.length < best.length) best = candidate;
      }
    }
    return best;
  }
}

export function readImports(parsed: ParsedPython): ImportTable {
  const imports: PyImport[] = [];
  let lastTopLevelEnd: number | undefined;
  const visit = (node: PyNode, topLevel: boolean) => {
    if (node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement') {
      const imp = readImport(node, parsed, topLevel);
      if (imp) imports.push(imp);
      if (topLevel) lastTopLevelEnd = parsed.span(node).end;
      return;
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      const nested = topLevel && !['function_definition', 'class_definition', 'decorated_definition'].includes(child.type);
      visit(child, nested);
    }
  };
  visit(parsed.root, true);
  return new ImportTable(imports, lastTopLevelEnd === undefined ? firstCodeOffset(parsed) : lineEndAfter(parsed.text, lastTopLevelEnd));
}

/** One import statement (`import …`, `from … import …`, `from __future__ import …`) as data. */
export function readImport(node: PyNode, parsed: ParsedPython, topLevel: boolean): PyImport | undefined {
  const names: PyImportName[] = [];
  for (const child of node.childrenForFieldName('name')) {
    if (!child) continue;
    if (child.type === 'aliased_import') {
      const name = child.childForFieldName('name');
      const alias = child.childForFieldName('alias');
      if (name) names.push({ name: dotted(name, parsed), ...(alias ? { alias: parsed.textOf(alias) } : {}) });
    } else names.push({ name: dotted(child, parsed) });
  }
  const moduleNode = node.childForFieldName('module_name');
  const star = node.namedChildren.some((c) => c?.type === 'wildcard_import');
  const from = node.type === 'import_from_statement' && moduleNode ? dotted(moduleNode, parsed) : node.type === 'future_import_statement' ? '__future__' : undefined;
  return { span: parsed.span(node), ...(from !== undefined ? { from } : {}), names, star, topLevel };
}

function dotted(node: PyNode, parsed: ParsedPython): string {
  return parsed.textOf(node).replace(/\s+/g, '');
}

/** Offset just after the end of the line holding `offset` (start of the next line). */
export function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** After a leading docstring / comments: where the first import of a file without imports goes. */
function firstCodeOffset(parsed: ParsedPython): number {
  const first = parsed.root.namedChildren.find((c) => c && c.type !== 'comment');
  if (!first) return parsed.text.length;
  const isDocstring = first.type === 'expression_statement' && first.namedChild(0)?.type === 'string';
  return isDocstring ? lineEndAfter(parsed.text, parsed.span(first).end) : parsed.span(first).start;
}
