import { exposeTensors } from '../evaluate/intermediate-tensors';
import type { Feeds } from '../evaluate/tensor-data';
import type { ModelIR } from '../ir/model';
import { encodeModel } from '../onnx/encode';
import type { OpenModel, RunnableModel, Teacher } from '../methods/types';

/**
 * The recipe's original model as a teacher, run through the host's runtime. Nothing loads until
 * a method asks for activations; the session for one set of names is kept until another set is
 * asked for or the teacher is released.
 */
export function createTeacher(model: ModelIR, openModel: OpenModel): Teacher {
  let loaded: { key: string; session: Promise<RunnableModel> } | undefined;
  const release = async (): Promise<void> => {
    const was = loaded;
    loaded = undefined;
    if (was) await (await was.session).release();
  };
  return {
    model,
    async activations(feeds: Feeds, names: readonly string[]): Promise<Feeds> {
      const key = [...names].sort().join('\n');
      if (loaded?.key !== key) {
        await release();
        loaded = { key, session: openModel(encodeModel(exposeTensors(model, names))) };
      }
      return (await loaded.session).run(feeds, names);
    },
    release,
  };
}
