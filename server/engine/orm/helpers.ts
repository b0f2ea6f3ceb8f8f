// Query helpers of other modules: `from app.selectors import active_rules` … `active_rules(c).first()`.
//
// A query helper is a module-level function that returns one queryset (extract.ts learns them while it
// reads a module). To follow one across modules, the caller's import is resolved to the project file
// that defines it, that file is read with the same extractor (its own patterns discarded) and the
// queryset its function returns is refined at the call. A caller's patterns then depend on the helper's
// file: the extractor reports that file (`deps`), and the knowledge cache checks its stamp.
//
// Which files may call one is decided from the text before anything is parsed (extract.ts
// `helperNames`: module-level functions whose body can start a query); a file that calls one is read
// even when it has no query of its own. Which such files call which names is part of the ORM fingerprint
// (extract.ts `helperCallers`); a file that is read depends on every project file whose function it
// calls by an imported name.
import { ModuleIndex, moduleNames, normalisePath, packageDirs, type ModuleInfo } from './modules.js';

/** The project's Python files, for the modules a helper may come from. */
export interface ProjectModules {
  paths: string[];
  /** A file's text (undefined: unreadable). */
  text(path: string): string | undefined;
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
