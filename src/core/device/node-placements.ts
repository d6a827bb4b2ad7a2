/** Which execution provider onnxruntime put each node on, as its verbose session log states it. */
export interface NodePlacements {
  providers: { provider: string; count: number; nodes: { opType: string; name: string }[] }[];
}
