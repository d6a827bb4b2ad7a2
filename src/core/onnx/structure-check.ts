import { AttributeProto_AttributeType as AT, type GraphProto, type ModelProto } from './schema';
import { listGraphs } from '../ir/walk';
import { ModelFormatError } from '../util/errors';

/**
 * Every graph-valued attribute must say it is one: the graph walks (and so the payload checks)
 * follow the declared type, while some readers take the field whenever it is set, so a subgraph
 * under a mistyped attribute would be read unchecked. Searched through every field, not the walk.
 */
function checkGraphAttributes(graph: GraphProto, path: string): void {
  graph.node.forEach((node, i) => {
    for (const attr of node.attribute) {
      const where = `attribute '${attr.name}' of node '${node.name || `${node.opType}#${i}`}'${path === '' ? '' : ` in subgraph '${path}'`}`;
      if (attr.g && attr.type !== AT.GRAPH) {
        throw new ModelFormatError(`The ${where} holds a graph but declares type ${attr.type}; expected type ${AT.GRAPH} (GRAPH).`);
      }
      if (attr.graphs.length > 0 && attr.type !== AT.GRAPHS) {
        throw new ModelFormatError(`The ${where} holds graphs but declares type ${attr.type}; expected type ${AT.GRAPHS} (GRAPHS).`);
      }
      const base = `${path}/${node.name || `${node.opType}#${i}`}.${attr.name}`;
      if (attr.g) checkGraphAttributes(attr.g, base);
      attr.graphs.forEach((g, k) => checkGraphAttributes(g, `${base}[${k}]`));
    }
  });
}

/**
 * Refuses structure that readers would resolve differently: an operator set imported twice
 * at different versions (the core would read the first, onnxruntime the last), and a value
 * defined twice as an initializer of one graph.
 */
export function checkModelStructure(model: ModelProto): void {
  if (model.graph) checkGraphAttributes(model.graph, '');
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
