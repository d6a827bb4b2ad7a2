import { FeatherweightError } from '../../util/errors';

/**
 * A sample file (tensor, image, audio, label list) that cannot be used: malformed, of a kind
 * this code does not read, or not fitting the model input. `file` names it; the message says
 * what was expected and what was found, and starts with the file name.
 */
export class SampleFormatError extends FeatherweightError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('SampleFormatError', `${file}: ${problem}`);
  }
}
