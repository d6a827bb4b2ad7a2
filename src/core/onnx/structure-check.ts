import type { ModelProto } from './schema';
import { listGraphs } from '../ir/walk';
import { ModelFormatError } from '../util/errors';

/**
 * Refuses structure that readers would resolve differently: an operator set imported twice
 * at different versions (the core would read the first, onnxruntime the last), and a value
 * defined twice as an initializer of one graph.
 */
export function checkModelStructure(model: ModelProto): void {
  const versions = new Map<string, bigint>();
  for (const { domain, version } of model.opsetImport) {
    const key = domain === 'ai.onnx' ? '' : domain;
    const seen = versions.get(key);
    if (seen !== undefined && seen !== version) {
      const name = key === '' ? 'the default (ai.onnx) domain' : `domain '${key}'`;
      throw new ModelFormatError(
        `The model imports ${name} twice, at opset ${seen} and ${version}; expected one opset_import entry per domain.`,
      );
    }
    versions.set(key, version);
  }
  for (const { graph, path } of listGraphs(model)) {
    const names = new Set<string>();
    for (const t of graph.initializer) {
      if (names.has(t.name)) {
        const where = path === '' ? 'the main graph' : `subgraph '${path}'`;
        throw new ModelFormatError(`Initializer '${t.name}' is defined twice in ${where}; expected each initializer name once.`);
      }
      names.add(t.name);
    }
  }
}
