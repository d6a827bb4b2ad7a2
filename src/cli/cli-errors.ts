/** The command line is wrong: the CLI prints the reason and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to print; undefined for the general usage. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Writing an output file failed (missing folder, permissions, full disk): exit 4 with the reason. */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
}
