/** Sizes for symbolic input dims, by name (`batch`) or input and axis (`x[2]`); unset ones get defaults. */
export type InputDims = Readonly<Record<string, number>>;
