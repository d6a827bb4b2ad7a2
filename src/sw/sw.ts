/// <reference lib="webworker" />
/**
 * Featherweight's service worker. It precaches the whole build (app shell, worker chunks,
 * onnxruntime-web's .mjs/.wasm, the sample model), so after one visit the studio runs offline,
 * and it adds the isolation and CSP headers to every response it serves, so the page stays
 * cross-origin isolated offline and on static hosts that cannot set headers.
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { SERVED_HEADERS } from './security-headers';
import { SKIP_WAITING } from './messages';
import { withHeaders } from './with-headers';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const addServedHeaders = {
  handlerWillRespond: async ({ response }: { response: Response }) => withHeaders(response, SERVED_HEADERS),
};

addPlugins([addServedHeaders]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Any page URL (the studio routes in the fragment) is the app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
// Same-origin files outside the precache still get the headers; other origins are never handled.
registerRoute(({ url }) => url.origin === self.location.origin, new NetworkOnly({ plugins: [addServedHeaders] }));

// The first install takes the open page at once (it has no worker to displace). An update waits
// until the page says the user accepted it, so a running job is never cut off.
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === SKIP_WAITING) void self.skipWaiting();
});
