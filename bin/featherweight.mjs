#!/usr/bin/env node
// The `featherweight` command: registers tsx's loader in this process and starts the CLI's
// TypeScript entry (src/cli/main.ts), which sets the exit code.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
