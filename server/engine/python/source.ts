// What a fix builder needs to know about a Python file's text beyond the migration model: the quote
// style and indentation unit it is written in, the module-level classes and `from … import …` lines,
// every identifier (to tell whether an import is still used), and where strings are (lines inside a
// string must never be re-indented).
//
//   const src = pythonSource(text);   // read once per text (the last 64 kept), from the shared parse
//   src.quote                         // "'" or '"': what most of the file's short strings use
//   src.references('AddIndexConcurrently', [replacedSpan])   // identifier uses outside those spans
import type { Span } from '../types.js';
import { parsePythonShared, type ParsedPython, type PyNode } from './parser.js';

export interface FromImport {
  /** `from X import …`: X as written. */
  module: string;
  span: Span;
  names: { name: string; alias?: string; span: Span }[];
  /** `from X import (a, b)`: the parentheses. */
  parenthesized: boolean;
  topLevel: boolean;
}

export interface ModuleClass {
  name: string;
  span: Span;
  /** The base classes as written (`migrations.AddIndex`). */
  bases: string[];
  /** Where a definition placed before this one goes: the start of its first line, comments above included. */
  insertBefore: number;
}

export interface CallArgument {
  /** Keyword name, or undefined for a positional argument (`*args` / `**kw` are `*` / `**`). */
  name?: string;
  span: Span;
  value: Span;
}

export interface CallShape {
  span: Span;
  /** The parenthesised argument list. */
  args: Span;
  arguments: CallArgument[];
}

export interface BlockStatement {
  type: string;
  span: Span;
  /** Function / class name, for definitions. */
  name?: string;
}

export interface PythonSource {
  text: string;
  quote: "'" | '"';
  /** One level of indentation (`    ` or a tab). */
  indentUnit: string;
  classes: Map<string, ModuleClass>;
  fromImports: FromImport[];
  /** Every `import` statement at module level, in order (spans). */
  importStatements: Span[];
  /** String literals (prefixes and quotes included). */
  strings: Span[];
  identifiers: { name: string; span: Span }[];
  /** Module-level functions by name (decorators included in the span). */
  functions: Map<string, Span>;
  /** The statements of every block (module, class and function bodies, `if` / `with` bodies…). */
  blocks: BlockStatement[][];
  /** The statements of a module-level class's body. */
  classBody(name: string): BlockStatement[];
  /** Argument list of the call expression exactly at `span`. */
  call(span: Span): CallShape | undefined;
  /** `{key: value}` pairs of the dictionary literal exactly at `span`. */
  dict(span: Span): { key: Span; value: Span }[] | undefined;
  /** The statements of the block holding the statement that starts at `start`, and its position in it. */
  siblings(start: number): { statements: BlockStatement[]; index: number } | undefined;
  /** Uses of `name` as an identifier outside import statements and outside `excluded`. */
  references(name: string, excluded?: Span[]): number;
}

const cache = new Map<string, PythonSource>();

export function pythonSource(text: string): PythonSource {
  const hit = cache.get(text);
  if (hit) return hit;
  // The tree is the shared one (parsePythonShared): the fix builders that walk it next do not parse again.
  const source = read(parsePythonShared(text));
  cache.set(text, source);
  if (cache.size > 64) cache.delete(cache.keys().next().value!);
  return source;
}

function read(parsed: ParsedPython): PythonSource {
  const text = parsed.text;
  const classes = new Map<string, ModuleClass>();
  const fromImports: FromImport[] = [];
  const importStatements: Span[] = [];
  const strings: Span[] = [];
  const identifiers: { name: string; span: Span }[] = [];
  const functions = new Map<string, Span>();
  const blocks: BlockStatement[][] = [];
  const classBodies = new Map<string, BlockStatement[]>();
  const calls = new Map<string, CallShape>();
  const dicts = new Map<string, { key: Span; value: Span }[]>();
  const key = (s: Span) => `${s.start}:${s.end}`;
  const statementsOf = (block: PyNode): BlockStatement[] =>
    block.namedChildren
      .filter((c): c is PyNode => !!c && c.type !== 'comment')
      .map((c) => {
        const def = c.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
        const name = def?.childForFieldName('name');
        return { type: def?.type ?? c.type, span: parsed.span(c), ...(name && (def?.type === 'function_definition' || def?.type === 'class_definition') ? { name: parsed.textOf(name) } : {}) };
      });
  let single = 0;
  let double = 0;

  for (let stmt of parsed.root.namedChildren) {
    if (!stmt) continue;
    const outer = stmt;
    if (stmt.type === 'decorated_definition') stmt = stmt.childForFieldName('definition') ?? stmt;
    if (stmt.type === 'function_definition') {
      const name = stmt.childForFieldName('name');
      if (name) functions.set(parsed.textOf(name), parsed.span(outer));
    }
    if (stmt.type === 'class_definition') {
      const name = stmt.childForFieldName('name');
      const body = stmt.childForFieldName('body');
      if (name && body) classBodies.set(parsed.textOf(name), statementsOf(body));
      const bases = stmt.childForFieldName('superclasses');
      if (name) {
        classes.set(parsed.textOf(name), {
          name: parsed.textOf(name),
          span: parsed.span(outer),
          bases: (bases?.namedChildren ?? []).filter((b): b is PyNode => !!b && b.type !== 'keyword_argument').map((b) => parsed.textOf(b).replace(/\s+/g, '')),
          insertBefore: commentsAbove(text, parsed.span(outer).start),
        });
      }
    }
    if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
      importStatements.push(parsed.span(stmt));
    }
  }

  const importSpans: Span[] = [];
  const visit = (node: PyNode, topLevel: boolean) => {
    switch (node.type) {
      case 'import_from_statement': {
        const module = node.childForFieldName('module_name');
        const names = node.childrenForFieldName('name').filter((n): n is PyNode => !!n).map((n) => {
          const inner = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
          const alias = n.type === 'aliased_import' ? n.childForFieldName('alias') : null;
          return { name: parsed.textOf(inner ?? n).replace(/\s+/g, ''), ...(alias ? { alias: parsed.textOf(alias) } : {}), span: parsed.span(n) };
        });
        if (module) {
          fromImports.push({
            module: parsed.textOf(module).replace(/\s+/g, ''),
            span: parsed.span(node),
            names,
            parenthesized: node.children.some((c) => c?.type === '('),
            topLevel,
          });
        }
        importSpans.push(parsed.span(node));
        return;
      }
      case 'import_statement':
      case 'future_import_statement':
        importSpans.push(parsed.span(node));
        return;
      case 'string': {
        const span = parsed.span(node);
        strings.push(span);
        const raw = text.slice(span.start, span.end).replace(/^[a-zA-Z]*/, '');
        if (!raw.startsWith('"""') && !raw.startsWith("'''")) {
          if (raw.startsWith('"')) double++;
          else if (raw.startsWith("'")) single++;
        }
        break;
      }
      case 'identifier':
        identifiers.push({ name: parsed.textOf(node), span: parsed.span(node) });
        return;
      case 'module':
      case 'block':
        blocks.push(statementsOf(node));
        break;
      case 'call': {
        const args = node.childForFieldName('arguments');
        if (args?.type === 'argument_list') {
          calls.set(key(parsed.span(node)), {
            span: parsed.span(node),
            args: parsed.span(args),
            arguments: args.namedChildren
              .filter((a): a is PyNode => !!a && a.type !== 'comment')
              .map((a) => {
                if (a.type === 'keyword_argument') {
                  const name = a.childForFieldName('name');
                  const value = a.childForFieldName('value');
                  return { name: name ? parsed.textOf(name) : undefined, span: parsed.span(a), value: parsed.span(value ?? a) };
                }
                if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
                  return { name: a.type === 'list_splat' ? '*' : '**', span: parsed.span(a), value: parsed.span(a.namedChild(0) ?? a) };
                }
                return { span: parsed.span(a), value: parsed.span(a) };
              }),
          });
        }
        break;
      }
      case 'dictionary': {
        const pairs: { key: Span; value: Span }[] = [];
        let plain = true;
        for (const c of node.namedChildren) {
          if (!c || c.type === 'comment') continue;
          const k = c.type === 'pair' ? c.childForFieldName('key') : null;
          const v = c.type === 'pair' ? c.childForFieldName('value') : null;
          if (k && v) pairs.push({ key: parsed.span(k), value: parsed.span(v) });
          else plain = false;
        }
        if (plain) dicts.set(key(parsed.span(node)), pairs);
        break;
      }
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      visit(child, topLevel && !['function_definition', 'class_definition', 'decorated_definition'].includes(child.type));
    }
  };
  visit(parsed.root, true);

  const inside = (span: Span, spans: Span[]) => spans.some((s) => span.start >= s.start && span.end <= s.end);
  return {
    text,
    quote: double > single ? '"' : "'",
    indentUnit: indentUnitOf(text),
    classes,
    fromImports,
    importStatements,
    strings,
    identifiers,
    functions,
    blocks,
    classBody: (name) => classBodies.get(name) ?? [],
    call: (span) => calls.get(key(span)),
    dict: (span) => dicts.get(key(span)),
    siblings(start) {
      for (const statements of blocks) {
        const index = statements.findIndex((s) => s.span.start === start);
        if (index >= 0) return { statements, index };
      }
      return undefined;
    },
    references(name, excluded = []) {
      return identifiers.filter((i) => i.name === name && !inside(i.span, importSpans) && !inside(i.span, excluded)).length;
    },
  };
}

/** The smallest indentation step of the file's code lines (4 spaces when nothing is indented). */
function indentUnitOf(text: string): string {
  let best: string | undefined;
  for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
    const indent = m[1]!;
    if (indent.startsWith('\t')) return '\t';
    if (!best || indent.length < best.length) best = indent;
  }
  return best && best.length >= 2 ? best : '    ';
}

/** The start of the line at `offset`, moved up over directly preceding comment lines. */
function commentsAbove(text: string, offset: number): number {
  let start = lineStartOf(text, offset);
  while (start > 0) {
    const prevStart = lineStartOf(text, start - 1);
    if (!/^[ \t]*#/.test(text.slice(prevStart, start))) break;
    start = prevStart;
  }
  return start;
}

export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n') i--;
  return i;
}

/** Positional argument `position` or keyword `name` of a call. */
export function callArgument(call: CallShape, position: number, name: string): CallArgument | undefined {
  return call.arguments.find((a) => a.name === name) ?? call.arguments.filter((a) => a.name === undefined)[position];
}
