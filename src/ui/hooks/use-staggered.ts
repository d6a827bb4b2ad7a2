import { startTransition, useEffect, useRef, useState } from 'react';
import { requestMount, type MountTicket } from './mount-queue';

/**
 * `value` as the page should show it: null until the mount queue gives this part its first turn,
 * then the latest value adopted in a turn of its own. Several charts brought onto the page (or
 * given new data) by one store update thus render one after another, each in its own task,
 * instead of all in the task that made the update.
 */
export function useStaggered<T>(value: T, same: (a: T, b: T) => boolean): T | null {
  const [shown, setShown] = useState<{ value: T } | null>(null);
  const latest = useRef(value);
  latest.current = value;
  const pending = useRef<MountTicket | null>(null);
  useEffect(() => {
    if (pending.current || (shown && same(shown.value, value))) return;
    pending.current = requestMount(() => startTransition(() => setShown({ value: latest.current })));
  });
  // Runs after the children's effects: the chart under it has committed, let the next one go.
  useEffect(() => {
    if (!shown) return;
    const ticket = pending.current;
    pending.current = null;
    ticket?.done();
  }, [shown]);
  useEffect(() => () => pending.current?.cancel(), []);
  return shown?.value ?? null;
}
