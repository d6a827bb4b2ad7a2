/**
 * Props equality for memoised charts whose props are small plain data rebuilt on every render of
 * their container: the same data means the same chart, so it is not rendered again.
 */
export function sameJson<P extends object>(a: Readonly<P>, b: Readonly<P>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
