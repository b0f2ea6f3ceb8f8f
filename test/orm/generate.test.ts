// The generated benchmark project: deterministic, every model registered, every service function's
// query found (the shapes the generator writes are the ones the extractor must read).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeOrmProject, generateOrmProject } from '../../server/engine/orm/index.js';
import { readProject, ready, rows } from './helpers.js';

beforeAll(() => ready);

describe('generateOrmProject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idxlint-orm-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const generated = generateOrmProject(dir, { models: 60, appLines: 4000 });

  it('writes a multi-app project of the requested size, the same every time', () => {
    expect(generated.apps).toEqual(['app00', 'app01', 'app02']);
    expect(generated.appLines).toBeGreaterThanOrEqual(4000);
    const again = mkdtempSync(join(tmpdir(), 'idxlint-orm-gen-'));
    try {
      generateOrmProject(again, { models: 60, appLines: 4000 });
      for (const f of ['app00/models.py', 'app02/models/entities.py', 'app01/services/svc0001.py']) {
        expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(dir, f), 'utf8'));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('is read completely: every model, one query (or more) per service function, nothing skipped', () => {
    const source = readProject(dir);
    const { registry, patterns, skipped } = analyzeOrmProject(source);
    expect(registry.models.filter((m) => !m.builtin)).toHaveLength(60);
    expect(skipped).toEqual([]);
    const functions = source.filter((f) => f.path.includes('/services/')).reduce((n, f) => n + (f.text.match(/^def /gm)?.length ?? 0), 0);
    const found = new Set(patterns.flatMap((p) => p.locations.map((l) => `${l.file}:${source.find((f) => f.path === l.file)!.text.lastIndexOf('\ndef ', l.span.start)}`)));
    expect(found.size).toBe(functions);
  });

  it('reads the generated query shapes as Django runs them', () => {
    const source = readProject(dir);
    const file = source.find((f) => f.path === 'app01/services/svc0001.py')!;
    const all = rows(source, analyzeOrmProject(source).patterns).filter((r) => r.at.startsWith(file.path));
    const byFunction = (name: string) => {
      const line = file.text.split('\n').findIndex((l) => l.startsWith(`def ${name}`)) + 1;
      return all.filter((r) => {
        const at = Number(r.at.split(':')[1]);
        return at > line && at < line + 16;
      });
    };
    expect(byFunction('search_101').map((r) => r.where)).toEqual(['owner_id = owner AND status = status AND name ILIKE text']);
    expect(byFunction('exists_103').map((r) => [r.where, r.limit])).toEqual([
      ['code = code AND is_active', 1],
      ['code = code', 21],
    ]);
  });
});
