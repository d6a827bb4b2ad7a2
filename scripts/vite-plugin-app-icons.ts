import type { Plugin } from 'vite';
import { APP_ICONS, renderAppIcon } from './app-icons';

/** Serves the install icons in development and emits them into the build (drawn by app-icons.ts). */
export function appIconsPlugin(): Plugin {
  const cache = new Map<string, Uint8Array>();
  const bytes = (icon: (typeof APP_ICONS)[number]): Uint8Array => {
    let png = cache.get(icon.fileName);
    if (!png) cache.set(icon.fileName, (png = renderAppIcon(icon)));
    return png;
  };
  return {
    name: 'featherweight-app-icons',
    configureServer(server) {
      for (const icon of APP_ICONS) {
        server.middlewares.use(`/${icon.fileName}`, (_req, res) => {
          const png = bytes(icon);
          res.setHeader('Content-Type', 'image/png');
          res.setHeader('Content-Length', String(png.byteLength));
          res.end(png);
        });
      }
    },
    generateBundle() {
      for (const icon of APP_ICONS) this.emitFile({ type: 'asset', fileName: icon.fileName, source: bytes(icon) });
    },
  };
}
