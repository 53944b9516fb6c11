import { resolve } from 'node:path';

/** Debian's Chromium, as CI installs it (CHROMIUM_PATH points elsewhere). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (CI runs as root), and nothing that reaches the network on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** PORTAL_DOC_SCREENSHOTS=1 also refreshes the README's screenshots in docs/images. */
export const DOC_IMAGES = process.env.PORTAL_DOC_SCREENSHOTS === '1' ? resolve('docs', 'images') : undefined;
