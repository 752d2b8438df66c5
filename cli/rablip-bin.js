#!/usr/bin/env node
// The `rablip` bin of package.json: registers tsx's loader, then runs the TypeScript entry (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./rablip.ts');
