// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { PwaNotice } from '../../src/ui/pwa/PwaNotice';
import { createUpdateController } from '../../src/ui/pwa/update-controller';
import type { BusySignal } from '../../src/ui/pwa/busy-signal';
import { StoreProvider } from '../../src/ui/store/store-context';
import { fakeStudio, onnxFile } from './fakes';

afterEach(cleanup);

function flag(initial: boolean): BusySignal & { set(v: boolean): void } {
  let busy = initial;
  const listeners = new Set<() => void>();
  return {
    isBusy: () => busy,
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
    set(v) {
      busy = v;
      listeners.forEach((l) => l());
    },
  };
}

function setup(busyAtFirst: boolean) {
  const { store } = fakeStudio();
  const busy = flag(busyAtFirst);
  const checks: (() => void)[] = [];
  const controller = createUpdateController({ busy, later: (c) => void checks.push(c) });
  let reloads = 0;
  render(
    <StoreProvider store={store}>
      <PwaNotice controller={controller} />
    </StoreProvider>,
  );
  const runChecks = () => act(() => checks.splice(0).forEach((c) => c()));
  return { store, busy, controller, runChecks, reloads: () => reloads, offer: () => act(() => controller.offer('update', () => (reloads += 1))) };
}

describe('the reload notice', () => {
  it('shows nothing until the service worker has a new version waiting', () => {
    const { offer } = setup(false);
    expect(screen.queryByRole('status')).toBeNull();
    offer();
    expect(screen.getByRole('status').textContent).toContain('A new version of Featherweight is ready.');
    expect(screen.getByRole('button', { name: 'Reload to update' })).toBeTruthy();
  });

  it('says the reload waits for the running job, waits, then reloads', () => {
    const { busy, offer, runChecks, reloads } = setup(true);
    offer();
    fireEvent.click(screen.getByRole('button', { name: 'Reload to update when the job finishes' }));
    runChecks();
    expect(reloads()).toBe(0);
    expect(screen.getByRole('status').textContent).toContain('Waiting for the running job to finish, then reloading.');
    act(() => busy.set(false));
    runChecks();
    expect(reloads()).toBe(1);
    expect(screen.getByRole('status').textContent).toContain('Reloading…');
  });

  it("can be taken back while it waits, or put off with Later", () => {
    const { busy, offer, runChecks, reloads } = setup(true);
    offer();
    fireEvent.click(screen.getByRole('button', { name: /^Reload to update/ }));
    fireEvent.click(screen.getByRole('button', { name: "Don't reload" }));
    act(() => busy.set(false));
    runChecks();
    expect(reloads()).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('warns that a reload forgets the open model and its variants', async () => {
    const { store, offer } = setup(false);
    await act(() => store.getState().openFiles([onnxFile('net.onnx')]));
    offer();
    expect(screen.getByRole('status').textContent).toMatch(/model and variants in this tab are not kept across a reload/);
  });

  it('offers the one reload that isolation needs after a first visit on a host without headers', () => {
    const { controller } = setup(false);
    act(() => controller.offer('isolation', () => undefined));
    expect(screen.getByRole('status').getAttribute('data-reason')).toBe('isolation');
    expect(screen.getByRole('status').textContent).toContain('Reload once to give WASM its threads');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });
});
