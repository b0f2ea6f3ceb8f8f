// Model state of a Django project, replayed from its migration files (statically, no Django needed):
// which table and columns each model has before a given migration runs. With it, `fields=['customer']`
// on a ForeignKey becomes column `customer_id`, and AlterField knows which indexes already exist.
//
//   const modelState = collectDjangoModelState(allMigrationFiles, { vendors });
//   parseDjangoMigration(file, { vendors, modelState });
//
// Replaying parses every migration against the state before it, which is what linting the file does:
// with `keepMigrations`, the replay keeps each file's whole parse (RunSQL included) and
// `modelState.parsed(file)` hands it back while the file's text is unchanged, so a full check parses
// each Django migration once.
//
// Migrations of an app are replayed in name order (`0001_…`, `0002_…`), which is what Django's
// dependency graph gives for a linear history; merges and cross-app `run_before` are not reordered.
// Files that are not `<app>/migrations/<name>.py` are ignored.
import type { SourceFile, Vendor } from '../types.js';
import type { PythonMigration } from './model.js';
import { analyzeDjango, type DjangoModelState } from './django.js';
import { cloneModels, type ModelSnapshot } from './django-models.js';
import { appLabelFromPath, migrationNameFromPath } from './django-names.js';

export function collectDjangoModelState(files: SourceFile[], opts: { vendors: Vendor[]; keepMigrations?: boolean }): DjangoModelState {
  const kept = new Map<string, { text: string; migration: PythonMigration }>();
  const byApp = new Map<string, { name: string; file: SourceFile }[]>();
  for (const file of files) {
    const app = appLabelFromPath(file.path);
    const name = migrationNameFromPath(file.path);
    if (!app || name === '__init__' || !/^\w+$/.test(name)) continue;
    const list = byApp.get(app) ?? [];
    list.push({ name, file });
    byApp.set(app, list);
  }
  const history = new Map<string, { name: string; after: ModelSnapshot }[]>();
  for (const [app, list] of byApp) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const steps: { name: string; after: ModelSnapshot }[] = [];
    let current: ModelSnapshot | undefined;
    for (const { name, file } of list) {
      const base = current;
      const state: DjangoModelState = { before: () => base };
      const { registry, migration } = analyzeDjango(file, { appLabel: app, vendors: opts.vendors, modelState: state }, !opts.keepMigrations);
      if (opts.keepMigrations) kept.set(file.path, { text: file.text, migration });
      current = cloneModels(registry.models);
      steps.push({ name, after: current });
    }
    history.set(app, steps);
  }
  return {
    before(appLabel, name) {
      const steps = history.get(appLabel);
      if (!steps) return undefined;
      let found: ModelSnapshot | undefined;
      for (const step of steps) {
        if (step.name >= name) break;
        found = step.after;
      }
      return found;
    },
    ...(opts.keepMigrations
      ? {
          parsed(file: SourceFile) {
            const known = kept.get(file.path);
            return known?.text === file.text ? known.migration : undefined;
          },
        }
      : {}),
  };
}
