/** Sizes for symbolic input dims, by name (`batch`) or input and axis (`x[2]`); unset ones get defaults. */
export type InputDims = Readonly<Record<string, number>>;

/** Values for scalar inputs (a sample rate), by input name; unset ones get seeded random values. */
export type InputValues = Readonly<Record<string, number>>;
