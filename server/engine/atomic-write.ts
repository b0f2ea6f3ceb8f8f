// Writing a file so that a reader (another idxlint, an editor, a crash half-way) never sees half of it:
// through a temporary file beside it, renamed over the old one. The folder is created when missing.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.idxlint-${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}
