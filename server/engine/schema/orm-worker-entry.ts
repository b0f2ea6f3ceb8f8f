// What the CLI bundle runs when it is started as an ORM extraction thread
// (orm-workers.ts): the parsers, the default ORM, one chunk.
//
//   if (isOrmWorker()) runOrmWorkerThread(); else main();
import { initEngine } from '../index.js';
import { defaultOrm } from './orm.js';
import { runOrmWorker } from './orm-workers.js';
import { extractChunk } from './query-patterns.js';

export function runOrmWorkerThread(): void {
  runOrmWorker(async (registryFiles, batch, owned) => {
    await initEngine();
    return extractChunk(defaultOrm(), registryFiles, batch, owned);
  });
}
