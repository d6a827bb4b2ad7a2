import type { StudioState } from './studio-state';
import type { Measurement } from './measure-slice';
import type { Variant } from './variants-slice';
import type { DraftOverride, DraftStep } from './recipe';
import { uniqueLabel } from './recipe';
import { ORIGINAL_KEY, WORKSPACE_MANIFEST_VERSION, type InterruptedJob, type StoredRecipe, type WorkspaceManifest } from './workspace-manifest';

/** The parts of the studio's state a workspace keeps. */
export type PersistedState = Pick<
  StudioState,
  | 'model'
  | 'summary'
  | 'variants'
  | 'recipeSteps'
  | 'recipeOverrides'
  | 'inputDims'
  | 'measurements'
  | 'loadChecks'
  | 'evaluation'
  | 'perLayer'
  | 'compressStatus'
  | 'evalStatus'
  | 'perLayerStatus'
  | 'interrupted'
>;

/** Keys whose change calls for a save (compared by reference: the store replaces what it changes). */
export const PERSISTED_KEYS = [
  'model',
  'summary',
  'variants',
  'recipeSteps',
  'recipeOverrides',
  'inputDims',
  'measurements',
  'loadChecks',
  'evaluation',
  'perLayer',
  'compressStatus',
  'evalStatus',
  'perLayerStatus',
  'interrupted',
] as const satisfies readonly (keyof PersistedState)[];

export const variantPath = (key: string): string => `variants/${key}.onnx`;
export const externalPath = (index: number): string => `external/${index}`;
export const MODEL_PATH = 'model.onnx';

export const storedRecipe = (steps: readonly DraftStep[], overrides: readonly DraftOverride[]): StoredRecipe => ({
  steps: steps.map((s) => ({ methodId: s.methodId, options: { ...s.options } })),
  overrides: overrides.map((o) => ({ nodes: o.nodes, method: o.method })),
});

const busy = (status: string): boolean => status === 'running' || status === 'queued';

/** The jobs running now, as they would read after a reload. `compressRecipe` is the recipe the compression started with. */
export function runningJobs(s: PersistedState, compressRecipe: StoredRecipe | null): InterruptedJob[] {
  const jobs: InterruptedJob[] = [];
  if (busy(s.compressStatus)) {
    const recipe = compressRecipe ?? storedRecipe(s.recipeSteps, s.recipeOverrides);
    jobs.push({ kind: 'compress', what: `Compressing with ${recipe.steps.map((st) => st.methodId).join(' + ')}`, recipe });
  }
  if (Object.values(s.measurements).some((m) => busy(m.status))) jobs.push({ kind: 'measure', what: 'Measuring latency and fidelity' });
  if (busy(s.evalStatus)) jobs.push({ kind: 'evaluate', what: 'Evaluating the variants' });
  if (busy(s.perLayerStatus)) jobs.push({ kind: 'per-layer', what: 'Computing the per-layer error' });
  return jobs;
}

/**
 * The manifest of the open workspace, with model ids replaced by keys (`original`, each variant's
 * key). A measurement still running is kept as cancelled: its numbers never arrived.
 */
export function toManifest(s: PersistedState, sha256: string, keyOf: (variantId: string) => string, compressRecipe: StoredRecipe | null, savedAt = new Date().toISOString()): WorkspaceManifest {
  const model = s.model!;
  const key = (id: string): string | null => (id === model.id ? ORIGINAL_KEY : s.variants.some((v) => v.id === id) ? keyOf(id) : null);
  const measurements: Record<string, Measurement> = {};
  for (const [id, m] of Object.entries(s.measurements)) {
    const k = key(id);
    if (k) measurements[k] = busy(m.status) ? { ...m, status: 'cancelled' } : m;
  }
  const loadChecks: WorkspaceManifest['loadChecks'] = {};
  for (const [id, c] of Object.entries(s.loadChecks)) {
    const k = key(id);
    if (k) loadChecks[k] = c;
  }
  const running = runningJobs(s, compressRecipe);
  // Jobs interrupted earlier and not yet rerun stay listed, unless the same kind runs again now.
  const interrupted = [...s.interrupted.filter((j) => !running.some((r) => r.kind === j.kind)), ...running];
  return {
    version: WORKSPACE_MANIFEST_VERSION,
    savedAt,
    model: {
      sha256,
      name: model.name,
      source: model.source,
      sizeBytes: model.sizeBytes,
      path: MODEL_PATH,
      external: model.externalFiles.map((name, i) => ({ name, path: externalPath(i), size: 0 })),
    },
    recipe: storedRecipe(s.recipeSteps, s.recipeOverrides),
    inputDims: { ...s.inputDims },
    variants: s.variants.map(({ id, ...v }) => ({ ...v, key: keyOf(id), path: variantPath(keyOf(id)) })),
    measurements,
    loadChecks,
    evaluation: s.evaluation && {
      ...s.evaluation,
      byVariant: Object.fromEntries(Object.entries(s.evaluation.byVariant).flatMap(([id, r]) => (key(id) ? [[key(id)!, r]] : []))),
    },
    perLayer: (() => {
      if (!s.perLayer) return null;
      const { variantId, ...rest } = s.perLayer;
      const k = key(variantId);
      return k ? { ...rest, variantKey: k } : null;
    })(),
    interrupted,
  };
}

/**
 * What restoring `manifest` into the open workspace changes: its variants (registered under the
 * ids in `idOf`) after the ones already there, their measurements and load checks; and when the
 * workspace had no variants yet, the recipe editor, input sizes, evaluation results and
 * interrupted jobs too. Measurement rounds become negative, so they never equal a new round.
 */
export function restorePatch(current: PersistedState, manifest: WorkspaceManifest, idOf: ReadonlyMap<string, string>): Partial<StudioState> {
  const model = current.model!;
  const fresh = current.variants.length === 0;
  const id = (key: string): string | undefined => (key === ORIGINAL_KEY ? model.id : idOf.get(key));
  const labels = current.variants.map((v) => v.label);
  const variants: Variant[] = [...current.variants];
  for (const { key, path: _path, ...v } of manifest.variants) {
    const vid = idOf.get(key);
    if (!vid) continue;
    const label = uniqueLabel(v.label, labels);
    labels.push(label);
    variants.push({ ...v, label, id: vid });
  }
  const rounds = new Map<number, number>();
  const round = (r: number): number => {
    if (!rounds.has(r)) rounds.set(r, -(rounds.size + 1));
    return rounds.get(r)!;
  };
  const measurements: Record<string, Measurement> = {};
  const loadChecks: StudioState['loadChecks'] = {};
  for (const [k, m] of Object.entries(manifest.measurements)) {
    const mid = id(k);
    if (mid && (fresh || k !== ORIGINAL_KEY)) measurements[mid] = { ...m, round: round(m.round) };
  }
  for (const [k, c] of Object.entries(manifest.loadChecks)) {
    const mid = id(k);
    if (mid) loadChecks[mid] = c;
  }
  const patch: Partial<StudioState> = {
    variants,
    measurements: { ...measurements, ...current.measurements },
    loadChecks: { ...loadChecks, ...current.loadChecks },
  };
  if (!fresh) return patch;
  const steps = manifest.recipe.steps.map((s, i): DraftStep => ({ key: `restored-step-${i}`, methodId: s.methodId, options: { ...s.options } }));
  if (steps.length > 0) patch.recipeSteps = steps;
  patch.recipeOverrides = (manifest.recipe.overrides ?? []).map((o, i): DraftOverride => ({ key: `restored-override-${i}`, nodes: o.nodes, method: o.method }));
  patch.inputDims = { ...manifest.inputDims };
  if (manifest.evaluation) {
    const byVariant = Object.fromEntries(Object.entries(manifest.evaluation.byVariant).flatMap(([k, r]) => (idOf.has(k) ? [[idOf.get(k)!, r]] : [])));
    patch.evaluation = { ...manifest.evaluation, byVariant };
    patch.evalStatus = 'done';
  }
  const layerVariant = manifest.perLayer && idOf.get(manifest.perLayer.variantKey);
  if (manifest.perLayer && layerVariant) {
    const { variantKey: _k, ...rest } = manifest.perLayer;
    patch.perLayer = { ...rest, variantId: layerVariant };
    patch.perLayerVariant = layerVariant;
    patch.perLayerStatus = 'done';
  }
  patch.interrupted = manifest.interrupted;
  return patch;
}
