import { RecipeError } from '../util/errors';

/** The recipe JSON version this code writes and the newest it reads. */
export const RECIPE_VERSION = 1;

/**
 * Upgrades, by the version they read: MIGRATIONS[v] turns a version-v recipe (without its
 * "version" key) into a version v+1 one. Empty while 1 is the only version; a successor that
 * changes the JSON adds its step here and bumps RECIPE_VERSION.
 */
export type RecipeMigrations = Readonly<Record<number, (json: Record<string, unknown>) => Record<string, unknown>>>;

const MIGRATIONS: RecipeMigrations = {};

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : v === null ? 'null' : typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
}

/**
 * A recipe object of any version this code knows, as the current version reads it, without its
 * "version" key. A missing version is 1 (recipes written before versions existed). `current` and
 * `migrations` are this code's own unless a test stands in for a later version.
 */
export function migrateRecipeJson(
  json: Readonly<Record<string, unknown>>,
  { current = RECIPE_VERSION, migrations = MIGRATIONS }: { current?: number; migrations?: RecipeMigrations } = {},
): Record<string, unknown> {
  const { version = 1, ...rest } = json;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new RecipeError(`recipe.version must be a whole number from 1 to ${current}; found ${describe(version)}.`);
  }
  if (version > current) {
    throw new RecipeError(
      `This recipe is version ${version}, written by a newer Featherweight; this one reads recipe versions 1 to ${current}. Update Featherweight to read it.`,
    );
  }
  let out: Record<string, unknown> = rest;
  for (let v = version; v < current; v++) {
    const step = migrations[v];
    if (!step) throw new RecipeError(`No migration from recipe version ${v} to ${v + 1}; expected one for every version below ${current}.`);
    out = step(out);
  }
  return out;
}
