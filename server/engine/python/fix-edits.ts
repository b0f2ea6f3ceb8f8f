// Text edits on Python source that fix builders share: imports added (merged into an existing
// `from X import …` line, or a new line in sorted position) and removed when nothing uses them any
// more, keyword arguments added to a call, blocks of code re-indented without touching the inside of
// string literals, and string literals written in the file's quote style.
import type { Span, TextEdit } from '../types.js';
import type { PyImport } from './imports.js';
import { lineStartOf, type PythonSource } from './source.js';

export { lineStartOf };

/** Whitespace at the start of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Offset just past the line break that ends the line holding `offset` (or the end of the text). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * The text of `span`, with the start of every line after the first rewritten by `edit` (the offset where
 * the line starts, and where it ends within the span): `remove` characters dropped, `insert` put in their
 * place. Lines that start inside a string literal are left alone.
 */
export function rewriteLineStarts(src: PythonSource, span: Span, edit: (at: number, end: number) => { remove: number; insert: string } | undefined): string {
  const text = src.text;
  let out = '';
  let at = span.start;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0 || nl >= span.end) break;
    out += text.slice(at, nl + 1);
    at = nl + 1;
    if (src.strings.some((s) => s.start < at && at < s.end)) continue;
    const next = text.indexOf('\n', at);
    const change = edit(at, Math.min(next < 0 ? text.length : next, span.end));
    if (change) {
      out += change.insert;
      at += change.remove;
    }
  }
  return out + text.slice(at, span.end);
}

/**
 * The text of `span` with `indent` added to every line after the first. Lines that start inside a string
 * literal are left alone, and blank lines get no trailing whitespace.
 */
export function reindent(src: PythonSource, span: Span, indent: string): string {
  return rewriteLineStarts(src, span, (at, end) => (src.text.slice(at, end).trim() !== '' ? { remove: 0, insert: indent } : undefined));
}

/** A Python string literal for `value` in the file's quote style. */
export function pyString(value: string, quote: "'" | '"'): string {
  return quote + value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/**
 * The expression that reaches `qualified` (`django.db.migrations.AddIndex`) through the file's top-level
 * imports: `from django.db import migrations` → `migrations.AddIndex`; `from django.db.migrations import
 * AddIndex as A` → `A`; `import django.db.migrations` → the full dotted name. Only modules the file
 * really imports count (`import django.db.models.deletion` does not make `django.contrib` reachable).
 */
export function importedAs(imports: PyImport[], qualified: string): string | undefined {
  let best: string | undefined;
  const consider = (candidate: string) => {
    if (!best || candidate.length < best.length) best = candidate;
  };
  for (const imp of imports) {
    if (!imp.topLevel || imp.star) continue;
    for (const n of imp.names) {
      const target = imp.from !== undefined ? `${imp.from}.${n.name}` : n.name;
      const local = imp.from !== undefined ? (n.alias ?? n.name) : (n.alias ?? n.name);
      if (target === qualified) consider(local);
      else if (qualified.startsWith(`${target}.`)) consider(`${local}${qualified.slice(target.length)}`);
    }
  }
  return best;
}

/**
 * Makes `name` from `module` importable: nothing when it already is, else the name merged into an
 * existing top-level `from module import …` (alphabetically when that line is sorted), else a new
 * `from module import name` line placed among the imports in sorted order.
 */
export function addImport(src: PythonSource, imports: PyImport[], importInsert: number, module: string, name: string): { local: string; edits: TextEdit[] } {
  const existing = importedAs(imports, `${module}.${name}`);
  if (existing) return { local: existing, edits: [] };
  const text = src.text;
  const line = src.fromImports.find((f) => f.topLevel && f.module === module && f.names.length > 0 && !f.names.some((n) => n.name === '*'));
  if (line) {
    const names = line.names;
    const sorted = names.every((n, i) => i === 0 || names[i - 1]!.name.localeCompare(n.name) <= 0);
    const before = sorted ? names.find((n) => n.name.localeCompare(name) > 0) : undefined;
    const multiline = text.slice(line.span.start, line.span.end).includes('\n');
    if (line.parenthesized && multiline) {
      const anchor = before ?? names[names.length - 1]!;
      const indent = lineIndent(text, anchor.span.start);
      if (before) return { local: name, edits: [{ start: lineStartOf(text, before.span.start), end: lineStartOf(text, before.span.start), newText: `${indent}${name},\n` }] };
      const comma = text.slice(anchor.span.end).startsWith(',');
      const at = comma ? anchor.span.end + 1 : anchor.span.end;
      return { local: name, edits: [{ start: at, end: at, newText: comma ? `\n${indent}${name},` : `,\n${indent}${name}` }] };
    }
    if (before) return { local: name, edits: [{ start: before.span.start, end: before.span.start, newText: `${name}, ` }] };
    const last = names[names.length - 1]!;
    return { local: name, edits: [{ start: last.span.end, end: last.span.end, newText: `, ${name}` }] };
  }
  // A new line: before the first top-level import of the same package that sorts after it.
  const top = module.split('.')[0];
  const statement = `from ${module} import ${name}\n`;
  const candidates = imports.filter((i) => i.topLevel);
  const samePackage = candidates.filter((i) => (i.from ?? i.names[0]?.name ?? '').split('.')[0] === top);
  const after = samePackage.find((i) => (i.from ?? i.names[0]?.name ?? '') > module);
  if (after) {
    const at = lineStartOf(text, after.span.start);
    return { local: name, edits: [{ start: at, end: at, newText: statement }] };
  }
  const last = samePackage[samePackage.length - 1];
  const at = last ? lineEnd(text, last.span.end) : importInsert;
  const needsBreak = at > 0 && text[at - 1] !== '\n';
  return { local: name, edits: [{ start: at, end: at, newText: (needsBreak ? '\n' : '') + statement }] };
}

/**
 * Removes from the top-level `from module import …` lines the `names` that no identifier outside
 * `excluded` (code the same fix deletes or replaces) still uses. A line loses its unused names; it
 * goes altogether when none is left.
 */
export function removeUnusedImports(src: PythonSource, module: string, names: string[], excluded: Span[]): TextEdit[] {
  const text = src.text;
  const edits: TextEdit[] = [];
  for (const line of src.fromImports) {
    if (!line.topLevel || line.module !== module) continue;
    const unused = line.names.filter((n) => names.includes(n.name) && src.references(n.alias ?? n.name, excluded) === 0);
    if (unused.length === 0) continue;
    const kept = line.names.filter((n) => !unused.includes(n));
    if (kept.length === 0) {
      edits.push({ start: lineStartOf(text, line.span.start), end: lineEnd(text, line.span.end), newText: '' });
      continue;
    }
    const multiline = text.slice(line.span.start, line.span.end).includes('\n');
    if (line.parenthesized && multiline) {
      // One name per line: each unused name's line goes.
      for (const n of unused) edits.push({ start: lineStartOf(text, n.span.start), end: lineEnd(text, n.span.end), newText: '' });
      continue;
    }
    const first = line.names[0]!.span.start;
    const last = line.names[line.names.length - 1]!.span.end;
    edits.push({ start: first, end: last, newText: kept.map((n) => text.slice(n.span.start, n.span.end)).join(', ') });
  }
  return edits;
}

export function removeImportIfUnused(src: PythonSource, module: string, name: string, excluded: Span[]): TextEdit[] {
  return removeUnusedImports(src, module, [name], excluded);
}

/**
 * An edit adding `keywords` (`name=value` each) after the last argument of a call whose argument list is
 * `args` (parentheses included): one per line when the arguments are written one per line.
 */
export function addKeywordArguments(text: string, args: Span, keywords: string[]): TextEdit {
  const inner = text.slice(args.start + 1, args.end - 1);
  const close = args.end - 1;
  if (inner.trim() === '') return { start: args.start + 1, end: close, newText: keywords.join(', ') };
  const trimmedEnd = args.start + 1 + inner.trimEnd().length;
  const trailingComma = text[trimmedEnd - 1] === ',';
  if (inner.includes('\n') && /\n[ \t]*$/.test(inner)) {
    // One argument per line, closing parenthesis on its own line: new lines like the last argument's.
    const indent = lineIndent(text, trimmedEnd - 1);
    return { start: trimmedEnd, end: trimmedEnd, newText: `${trailingComma ? '' : ','}${keywords.map((k) => `\n${indent}${k},`).join('')}` };
  }
  const list = keywords.join(', ');
  return trailingComma ? { start: trimmedEnd, end: trimmedEnd, newText: ` ${list},` } : { start: trimmedEnd, end: trimmedEnd, newText: `, ${list}` };
}

export function addKeywordArgument(text: string, args: Span, keyword: string): TextEdit {
  return addKeywordArguments(text, args, [keyword]);
}

/** Insertions of `indent` at the start of every line of `span` after its first (blank lines and lines inside strings excepted). */
export function indentLines(src: PythonSource, span: Span, indent: string, includeFirst = false): TextEdit[] {
  const text = src.text;
  const edits: TextEdit[] = [];
  let at = includeFirst ? lineStartOf(text, span.start) : text.indexOf('\n', span.start) + 1;
  while (at > 0 && at < span.end) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const inString = src.strings.some((s) => s.start < at && at < s.end);
    if (!inString && text.slice(at, end).trim() !== '') edits.push({ start: at, end: at, newText: indent });
    if (nl < 0) break;
    at = nl + 1;
  }
  return edits;
}

/** A fix's inserted text with the file's line endings (the builders write `\n`). */
export function withLineEndings<T extends { edits: TextEdit[] }>(fix: T, text: string): T {
  if (!text.includes('\r\n')) return fix;
  return { ...fix, edits: fix.edits.map((e) => ({ ...e, newText: e.newText.replace(/\r?\n/g, '\r\n') })) };
}
