import { FeatherweightError } from '../util/errors';

/** Why a report or share link cannot be read; `reason` says which class of fault it is. */
export type ReportFault = 'base64' | 'deflate' | 'too-large' | 'json' | 'schema' | 'version';

/** A report file or share link that is not a readable report. */
export class ReportError extends FeatherweightError {
  constructor(
    readonly reason: ReportFault,
    message: string,
  ) {
    super('ReportError', message);
  }
}
