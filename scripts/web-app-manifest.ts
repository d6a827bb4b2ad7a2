import type { ManifestOptions } from 'vite-plugin-pwa';
import { APP_ICONS, ICON_ACCENT } from './app-icons';

/**
 * The web app manifest: an installed studio opens in its own window and is offered for `.onnx`
 * files by the desktop (src/ui/pwa/launch-files.ts opens them like a drop).
 */
export const webAppManifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Featherweight · ONNX model compression studio',
  short_name: 'Featherweight',
  description: 'Compress ONNX models on your own machine: inspect, quantize, benchmark and compare, offline.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: ICON_ACCENT,
  background_color: '#f6f7fb',
  icons: APP_ICONS.map((i) => ({
    src: `/${i.fileName}`,
    sizes: `${i.size}x${i.size}`,
    type: 'image/png',
    purpose: i.purpose,
  })),
  file_handlers: [{ action: '/', accept: { 'application/x-onnx': ['.onnx'] } }],
  // Each opened file gets its own window: a launch never replaces a model (and its variants) that
  // another window is working on.
  launch_handler: { client_mode: 'navigate-new' },
};
