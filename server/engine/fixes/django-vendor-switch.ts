// A vendor switch evaluated when the migration is loaded (the seed write-up's pattern):
//
//   def get_index_operation(index_def):
//       if connection.vendor == 'postgresql':
//           return AddIndexConcurrently(**index_def)
//       return migrations.AddIndex(**index_def)
//
//   class Migration(migrations.Migration):
//       atomic = False
//       operations = []
//       def __init__(self, *args, **kwargs):
//           super().__init__(*args, **kwargs)
//           self.operations = [get_index_operation({'model_name': …, 'index': …}), …]
//
// becomes the vendor-aware class (defined where the helper was, when nothing else calls it) and a plain
// class-level `operations = [AddIndexConcurrentlyOnPostgres(model_name=…, index=…), …]`; `__init__`
// goes when it did nothing else, and so do imports only the old code used (`connection`,
// `AddIndexConcurrently`). Any other shape gets no fix.
import { importedAs, lineEnd, lineIndent, removeUnusedImports, rewriteLineStarts, withLineEndings } from '../python/fix-edits.js';
import { pythonOperation } from '../python/model.js';
import { lineStartOf, type PythonSource } from '../python/source.js';
import type { Fix, Span, TextEdit } from '../types.js';
import {
  atomicFalse,
  djangoFixContext,
  dropPostgresImports,
  indentUnit,
  transactionSafety,
  vendorClassText,
  VARIANTS,
  type DjangoFixContext,
  type IndexVerb,
} from './django-edits.js';
import type { FixContext } from './provider.js';

const VERB: Record<string, IndexVerb> = { AddIndex: 'add', AddIndexConcurrently: 'add', RemoveIndex: 'remove', RemoveIndexConcurrently: 'remove' };

/** `text` of `span` with the indentation `from` at the start of each later line replaced by `to` (strings untouched). */
function shiftLines(src: PythonSource, span: Span, from: string, to: string): string {
  return rewriteLineStarts(src, span, (at) => (src.text.startsWith(from, at) ? { remove: from.length, insert: to } : undefined));
}

interface Item {
  span: Span;
  /** Replacement text at the new indentation. */
  text: string;
  verb?: IndexVerb;
}

/** One element of the operations list: a helper call rewritten to the vendor-aware class, or kept. */
function rewriteItem(d: DjangoFixContext, span: Span, indent: string, helpers: Set<string>): Item | undefined {
  const { src, text } = d;
  const oldIndent = lineIndent(text, span.start);
  const call = src.call(span);
  const callee = call ? text.slice(span.start, call.args.start).trim() : '';
  if (!call || !helpers.has(callee)) return { span, text: shiftLines(src, span, oldIndent, indent) };
  const ops = d.migration.operations.filter((o) => pythonOperation(d.migration, o)?.site.span.start === span.start);
  const verbs = new Set(ops.map((o) => VERB[pythonOperation(d.migration, o)!.site.name]));
  const verb = verbs.size === 1 ? [...verbs][0] : undefined;
  if (!verb) return undefined;
  const u = indentUnit(d);
  const args: { name: string; value: Span; keyIndent: string }[] = [];
  if (call.arguments.length === 1 && call.arguments[0]!.name === undefined) {
    const pairs = src.dict(call.arguments[0]!.value);
    if (!pairs) return undefined;
    for (const p of pairs) {
      const key = /^(['"])([A-Za-z_]\w*)\1$/.exec(text.slice(p.key.start, p.key.end))?.[2];
      if (!key) return undefined;
      args.push({ name: key, value: p.value, keyIndent: lineIndent(text, p.key.start) });
    }
  } else if (call.arguments.every((a) => a.name && a.name !== '*' && a.name !== '**')) {
    for (const a of call.arguments) args.push({ name: a.name!, value: a.value, keyIndent: lineIndent(text, a.span.start) });
  } else return undefined;
  const lines = args.map((a) => `${indent}${u}${a.name}=${shiftLines(src, a.value, a.keyIndent, indent + u)},`);
  return { span, text: [`${VARIANTS[verb].className}(`, ...lines, `${indent})`].join('\n'), verb };
}

export function importTimeSwitchFix(ctx: FixContext): Fix[] {
  const d = djangoFixContext(ctx);
  const list = d?.python.django?.operationsList;
  const cls = d?.python.django?.migrationClass;
  if (!d || !list || !cls) return [];
  const { src, text } = d;
  const helpers = new Set(
    d.python.operations.filter((o) => o.vendorSwitch?.kind === 'helper-function' && o.vendorSwitch.name).map((o) => o.vendorSwitch!.name!),
  );
  if (helpers.size === 0) return [];
  const bodyIndent = cls.bodyIndent;
  const itemIndent = list.where === '__init__' ? bodyIndent + indentUnit(d) : list.itemIndent;
  const items: Item[] = [];
  for (const span of list.items) {
    const item = rewriteItem(d, span, itemIndent, helpers);
    if (!item) return [];
    items.push(item);
  }
  const verbs = [...new Set(items.map((i) => i.verb).filter((v): v is IndexVerb => !!v))];
  if (verbs.length === 0) return []; // the switch is not called from the list itself (nested): leave it to a human
  const edits: TextEdit[] = [];
  const removed: Span[] = [];

  if (list.where === 'class') {
    for (const item of items) if (item.verb) edits.push({ start: item.span.start, end: item.span.end, newText: item.text });
    removed.push(...items.filter((i) => i.verb).map((i) => i.span));
  } else {
    // `self.operations = […]` in __init__: a class attribute instead, and __init__ goes if that was all it did.
    const body = src.classBody('Migration');
    const init = body.find((s) => s.type === 'function_definition' && s.name === '__init__');
    if (!init) return [];
    const initBody = src.blocks
      .filter((b) => b.length > 0 && b[0]!.span.start > init.span.start && b[b.length - 1]!.span.end <= init.span.end)
      .sort((a, b) => a[0]!.span.start - b[0]!.span.start)[0];
    const allowed = (s: { span: Span }) => /^(super\([^)]*\)\.__init__\(|self\.operations\s*=)/.test(text.slice(s.span.start, s.span.end));
    if (!initBody?.every(allowed)) return [];
    const assignment = [`${bodyIndent}operations = [`, ...items.map((i) => `${itemIndent}${i.text},`), `${bodyIndent}]`].join('\n');
    const placeholder = body.find((s) => s.type === 'expression_statement' && /^operations\s*=/.test(text.slice(s.span.start, s.span.end)));
    const initStart = lineStartOf(text, init.span.start);
    const previous = body[body.indexOf(init) - 1];
    const deleteFrom = previous ? lineEnd(text, previous.span.end) : initStart;
    if (placeholder && previous === placeholder) {
      edits.push({ start: lineStartOf(text, placeholder.span.start), end: lineEnd(text, init.span.end), newText: `${assignment}\n` });
    } else {
      if (placeholder) edits.push({ start: lineStartOf(text, placeholder.span.start), end: lineEnd(text, placeholder.span.end), newText: `${assignment}\n` });
      edits.push({ start: placeholder ? deleteFrom : initStart, end: lineEnd(text, init.span.end), newText: placeholder ? '' : `${assignment}\n` });
    }
    removed.push(init.span);
  }

  // The helper functions: replaced by the vendor-aware classes when nothing else calls them.
  const classTexts: string[] = [];
  const needed = verbs.filter((v) => !src.classes.has(VARIANTS[v].className));
  for (const v of needed) {
    const base = importedAs(d.python.imports, `django.db.migrations.${VARIANTS[v].base}`);
    if (!base) return [];
    classTexts.push(vendorClassText(VARIANTS[v], base, src.quote, indentUnit(d)).trimEnd());
  }
  const unused = [...helpers].filter((h) => src.functions.has(h) && src.references(h, [...removed, src.functions.get(h)!]) === 0);
  let placed = classTexts.length === 0;
  for (const h of unused) {
    const span = src.functions.get(h)!;
    removed.push(span);
    if (!placed) {
      edits.push({ start: span.start, end: span.end, newText: classTexts.join('\n\n\n') });
      placed = true;
    } else {
      let end = lineEnd(text, span.end);
      while (end < text.length && text.slice(end, lineEnd(text, end)).trim() === '') end = lineEnd(text, end);
      edits.push({ start: lineStartOf(text, span.start), end, newText: '' });
    }
  }
  if (!placed) {
    const at = src.classes.get('Migration')!.insertBefore;
    edits.push({ start: at, end: at, newText: `${classTexts.join('\n\n\n')}\n\n\n` });
  }
  const atomic = atomicFalse(d);
  if (!atomic) return [];
  edits.push(...atomic, ...dropPostgresImports(d, removed), ...removeUnusedImports(src, 'django.db', ['connection'], removed));
  const fix: Fix = {
    title: 'Choose the concurrent operation when it runs, from the connection being migrated (vendor-aware operation class)',
    safety: transactionSafety(d.migration),
    edits,
  };
  return [withLineEndings(fix, text)];
}
