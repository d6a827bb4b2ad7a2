import type { NodePlacements } from '../core/device/node-placements';

export type { NodePlacements };

/** The message part of an onnxruntime log line ("<time> [V:onnxruntime:, file:line Function] message"). */
function message(line: string): string {
  const m = /^\S+ \S+ \[[A-Z]:onnxruntime:[^\]]*\] ?(.*)$/s.exec(line);
  return m ? m[1]! : line;
}

/**
 * Reads the "Node placements" block onnxruntime logs at verbose level when a session is created
 * (VerifyEachNodeIsAssignedToAnEp): either "All nodes placed on [EP]. Number of nodes: N", or per
 * provider "Node(s) placed on [EP]. Number of nodes: N" followed by one "  OpType (name)" line per
 * node. Undefined when the lines hold no such block (the build or log level did not emit it).
 */
export function parseNodePlacements(lines: readonly string[]): NodePlacements | undefined {
  const messages = lines.flatMap((l) => l.split('\n')).map(message);
  const start = messages.findIndex((m) => m.trim() === 'Node placements');
  if (start < 0) return undefined;
  const providers: NodePlacements['providers'] = [];
  for (const m of messages.slice(start + 1)) {
    const header = /^\s*(?:All nodes|Node\(s\)) placed on \[([^\]]+)\]\. Number of nodes: (\d+)/.exec(m);
    if (header) {
      providers.push({ provider: header[1]!, count: Number(header[2]), nodes: [] });
      continue;
    }
    const node = /^\s{2,}(\S+) \((.*)\)\s*$/.exec(m);
    if (node && providers.length > 0) {
      providers.at(-1)!.nodes.push({ opType: node[1]!, name: node[2]! });
      continue;
    }
    if (providers.length > 0) break; // the block ended
  }
  return providers.length > 0 ? { providers } : undefined;
}

/** Nodes placed on any provider other than `primary` (the fallbacks), grouped by provider. */
export function fallbackNodes(p: NodePlacements, primary: string): NodePlacements['providers'] {
  return p.providers.filter((x) => x.provider !== primary);
}
