// Makes sure Debian's Chromium is available for the end-to-end tests. Never downloads a
// browser build: it installs the distribution package when running as root on Debian/Ubuntu,
// and otherwise fails with instructions.
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { findChromium } from './chromium-path.mjs';

if (findChromium()) process.exit(0);

const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
const debianLike = /^(ID|ID_LIKE)=.*(debian|ubuntu)/m.test(osRelease);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (debianLike && isRoot) {
  console.log('Chromium not found: installing Debian\'s chromium package for the end-to-end tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  if (findChromium()) process.exit(0);
}
console.error(
  'The end-to-end tests need Chromium and none was found.\n' +
    '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
    '  Elsewhere: install Chromium or Chrome and set CHROMIUM_PATH=/path/to/chromium',
);
process.exit(1);
