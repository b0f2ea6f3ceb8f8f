// What every persistent cache (`.idxlint-cache/`) is keyed by: idxlint's version and, when the engine
// runs from a bundle (dist/cli.js, the language server), a hash of that bundle. A rebuilt engine (a
// development build, a patched install) then never reads back results the old code made, even under
// the same version number.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { version } from '../../package.json';

let computed: string | undefined;

export function cacheVersion(): string {
  if (computed === undefined) {
    let build = '';
    // In a bundle, this module's file is the bundle itself.
    if (__filename.endsWith('.js')) {
      try {
        build = createHash('sha1').update(readFileSync(__filename)).digest('hex').slice(0, 12);
      } catch {
        // unreadable: the version alone
      }
    }
    computed = build ? `${version}+${build}` : version;
  }
  return computed;
}
