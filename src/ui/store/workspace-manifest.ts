import { StorageError } from '../services/workspace-storage/storage';
import type { LoadedModel } from './model-slice';
import type { Measurement } from './measure-slice';
import type { Variant } from './variants-slice';
import type { EvaluationRun, PerLayerRun } from './evaluation-slice';
import type { OptionValue } from './recipe';
import type { UiError } from './ui-error';

/** Bumped when the manifest's shape changes; older ones are migrated in parseManifest, newer ones refused. */
export const WORKSPACE_MANIFEST_VERSION = 1;

/** A job that was running when the workspace was last saved: after a reload it shows as interrupted. */
export interface InterruptedJob {
  kind: 'compress' | 'measure' | 'evaluate' | 'per-layer';
  /** In words, e.g. `Compressing with int4`. */
  what: string;
  /** The recipe a compression ran, as the editor held it when it started. */
  recipe?: StoredRecipe;
}

export interface StoredRecipe {
  steps: { methodId: string; options: Record<string, OptionValue> }[];
  overrides: { nodes: string; method: string }[];
}

/** A variant as stored: its record without the session's id, and the file its bytes are in. */
export interface StoredVariant extends Omit<Variant, 'id'> {
  key: string;
  path: string;
}

/** Everything a workspace holds but the bytes, which lie beside it under the paths it names. Model ids are replaced by keys: `original` or a variant's key. */
export interface WorkspaceManifest {
  version: typeof WORKSPACE_MANIFEST_VERSION;
  savedAt: string;
  model: {
    sha256: string;
    name: string;
    source: LoadedModel['source'];
    sizeBytes: number;
    path: string;
    external: { name: string; path: string; size: number }[];
  };
  recipe: StoredRecipe;
  inputDims: Record<string, number>;
  variants: StoredVariant[];
  measurements: Record<string, Measurement>;
  loadChecks: Record<string, 'ok' | UiError>;
  evaluation: (Omit<EvaluationRun, 'byVariant'> & { byVariant: Record<string, EvaluationRun['byVariant'][string]> }) | null;
  perLayer: (Omit<PerLayerRun, 'variantId'> & { variantKey: string }) | null;
  interrupted: InterruptedJob[];
}

export const ORIGINAL_KEY = 'original';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a stored manifest before anything is restored from it; a StorageError says what is wrong. */
export function parseManifest(data: unknown): WorkspaceManifest {
  const bad = (what: string): StorageError =>
    new StorageError(`The saved workspace cannot be restored: ${what}. Clear the stored workspaces to start again (nothing on screen is affected).`);
  if (!isObject(data)) throw bad('its manifest is not an object');
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw bad(`its manifest version ${JSON.stringify(version)} is not a positive integer`);
  if (version > WORKSPACE_MANIFEST_VERSION) {
    throw bad(`it was saved by a newer Featherweight (manifest version ${version}; this one reads up to ${WORKSPACE_MANIFEST_VERSION}). Reload to get the newer studio`);
  }
  const model = data.model;
  if (!isObject(model) || typeof model.sha256 !== 'string' || typeof model.name !== 'string' || typeof model.path !== 'string' || !Array.isArray(model.external)) {
    throw bad('its model entry lacks the SHA-256, name or file path');
  }
  if (!Array.isArray(data.variants) || !data.variants.every((v) => isObject(v) && typeof v.key === 'string' && typeof v.path === 'string' && typeof v.label === 'string')) {
    throw bad('its variants lack their keys or file paths');
  }
  if (!isObject(data.recipe) || !Array.isArray(data.recipe.steps)) throw bad('it has no recipe');
  return {
    ...(data as unknown as WorkspaceManifest),
    measurements: isObject(data.measurements) ? (data.measurements as WorkspaceManifest['measurements']) : {},
    loadChecks: isObject(data.loadChecks) ? (data.loadChecks as WorkspaceManifest['loadChecks']) : {},
    inputDims: isObject(data.inputDims) ? (data.inputDims as WorkspaceManifest['inputDims']) : {},
    evaluation: isObject(data.evaluation) ? (data.evaluation as WorkspaceManifest['evaluation']) : null,
    perLayer: isObject(data.perLayer) ? (data.perLayer as WorkspaceManifest['perLayer']) : null,
    interrupted: Array.isArray(data.interrupted) ? (data.interrupted as InterruptedJob[]) : [],
  };
}
