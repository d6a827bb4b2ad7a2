import type { SlicesState, Workflows } from './workflows';
import type { WorkspaceSlice } from './workspace-slice';
import type { WorkspaceWorkflows } from './workspace-workflows';
import type { LiveMacsSlice } from './live-macs-slice';

export type { MethodInfo } from './method-info';
export { toMethodInfo } from './method-info';
export type { StoreDeps, SliceDeps } from './store-deps';

/** The studio store: one slice per concern, and the workflows that sequence them. */
export type StudioState = SlicesState & Workflows & WorkspaceSlice & WorkspaceWorkflows & LiveMacsSlice;
