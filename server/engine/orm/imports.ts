// Import statements of a module, read without walking the whole tree: top-level statements (and the
// blocks of a top-level `if` / `try`, for `try: from x import y except ImportError:`), plus imports
// inside functions, found by their `import` keyword in the text and read from the tree at that offset.
// A function-level import is treated as module-wide (names rarely collide). python/imports.ts reads the
// same statements by visiting every node, which on a 300,000-line project costs as much as parsing it.
import { ImportTable, readImport, type PyImport } from '../python/imports.js';
import type { ParsedPython, PyNode } from '../python/parser.js';
import { Locator } from './locate.js';

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const NESTED_IMPORT = /^[ \t]+(?:from[ \t]+[\w.]+[ \t]+)?import[ \t(]/gm;

export function readModuleImports(parsed: ParsedPython, locator?: Locator): ImportTable {
  const imports: PyImport[] = [];
  const seen = new Set<number>();
  const take = (node: PyNode, topLevel: boolean) => {
    if (seen.has(node.startIndex)) return;
    seen.add(node.startIndex);
    const imp = readImport(node, parsed, topLevel);
    if (imp) imports.push(imp);
  };
  for (const stmt of parsed.root.namedChildren) {
    if (!stmt) continue;
    if (IMPORT_TYPES.has(stmt.type)) take(stmt, true);
    else if (stmt.type === 'if_statement' || stmt.type === 'try_statement') {
      for (const block of stmt.namedChildren) {
        const body = block?.type === 'block' ? block : (block?.childForFieldName('body') ?? block?.namedChildren.find((c) => c?.type === 'block'));
        for (const s of body?.namedChildren ?? []) if (s && IMPORT_TYPES.has(s.type)) take(s, true);
      }
    }
  }
  const text = parsed.text;
  NESTED_IMPORT.lastIndex = 0;
  let own: Locator | undefined;
  for (let m = NESTED_IMPORT.exec(text); m; m = NESTED_IMPORT.exec(text)) {
    const at = m.index + m[0].length - m[0].trimStart().length;
    own ??= locator ?? new Locator(parsed);
    if (!own.usable) break;
    const path = own.pathTo(at, at + 1);
    const depth = path ? findLast(path, (l) => IMPORT_TYPES.has(l.type) && l.start === at) : -1;
    if (depth >= 0) take(own.nodeAt(depth), false);
  }
  if (own && own !== locator) own.dispose();
  return new ImportTable(imports, 0);
}

function findLast<T>(xs: T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}
