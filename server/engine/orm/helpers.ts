// Query helpers of other modules: `from app.selectors import active_rules` … `active_rules(c).first()`.
//
// A query helper is a module-level function that returns one queryset (extract.ts learns them while it
// reads a module). To follow one across modules, the caller's import is resolved to the project file
// that defines it, that file is read with the same extractor (its own patterns discarded) and the
// queryset its function returns is refined at the call. A caller's patterns then depend on the helper's
// file: the extractor reports that file (`deps`), and the knowledge cache checks its stamp.
//
// Which files may call one is decided from the text before anything is parsed: `helperNames` lists the
// names of module-level functions whose body can start a query (a manager or related accessor name
// after a dot); a file that calls one is read even when it has no query of its own. Which such files
// call which names is part of the ORM fingerprint (extract.ts `helperCallers`); a file that is read
// depends on every project file whose function it calls by an imported name.
import type { OrmRegistry } from './registry.js';
import { ModuleIndex, moduleNames, normalisePath, packageDirs, type ModuleInfo } from './modules.js';
import type { SourceFile } from '../types.js';

/** The project's Python files, for the modules a helper may come from. */
export interface ProjectModules {
  paths: string[];
  /** A file's text (undefined: unreadable). */
  text(path: string): string | undefined;
}

const TOP_LEVEL_DEF = /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm;
const ATTRIBUTE = /\.[ \t]*([A-Za-z_]\w*)/g;

/** The body of the module-level function whose `def` starts at `at`: up to the next line at column 0 that is code. */
function bodyOf(text: string, at: number): string {
  const nl = text.indexOf('\n', at);
  if (nl < 0) return text.slice(at);
  const next = /\n(?=[^\s#])/g;
  next.lastIndex = nl;
  const m = next.exec(text);
  return text.slice(at, m ? m.index : text.length);
}

/** `helperNames` of a registry's project, read once (the fingerprint and the extractor both ask). */
const namesByRegistry = new WeakMap<OrmRegistry, { files: number; names: string[] }>();

/** Names of module-level functions that return something and can start a query, in any of `files`; sorted. */
export function helperNames(files: SourceFile[], registry: OrmRegistry): string[] {
  const known = namesByRegistry.get(registry);
  if (known && known.files === files.length) return known.names;
  const names = readHelperNames(files, registry);
  namesByRegistry.set(registry, { files: files.length, names });
  return names;
}

function readHelperNames(files: SourceFile[], registry: OrmRegistry): string[] {
  const names = new Set<string>();
  for (const file of files) {
    TOP_LEVEL_DEF.lastIndex = 0;
    for (let m = TOP_LEVEL_DEF.exec(file.text); m; m = TOP_LEVEL_DEF.exec(file.text)) {
      const body = bodyOf(file.text, m.index);
      if (!/\breturn\b/.test(body)) continue;
      ATTRIBUTE.lastIndex = 0;
      for (let a = ATTRIBUTE.exec(body); a; a = ATTRIBUTE.exec(body)) {
        if (registry.managerNames.has(a[1]!) || registry.accessors.has(a[1]!)) {
          names.add(m[1]!);
          break;
        }
      }
    }
  }
  return [...names].sort();
}

/** Where the project's modules are, by dotted name (no file is parsed for it). */
export class ProjectModuleIndex {
  private readonly index = new ModuleIndex();

  constructor(paths: string[]) {
    const packages = packageDirs(paths);
    for (const path of paths) {
      if (!path.endsWith('.py')) continue;
      this.index.add({ path, ...moduleNames(path, packages), bindings: new Map(), stars: [] });
    }
  }

  /** The file and function an imported name of `module` denotes (`active_rules` → app/selectors.py, `active_rules`). */
  target(module: ModuleInfo, name: string): { path: string; name: string } | undefined {
    const dotted = module.bindings.get(name);
    if (!dotted || !dotted.includes('.')) return undefined;
    const at = dotted.lastIndexOf('.');
    const found = this.index.find(dotted.slice(0, at));
    if (!found || normalisePath(found.path) === normalisePath(module.path)) return undefined;
    return { path: found.path, name: dotted.slice(at + 1) };
  }
}
