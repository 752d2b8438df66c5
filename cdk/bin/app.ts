/**
 * The CDK app entry (`cdk.json` runs it with tsx). All configuration is CDK context: see `cdk/lib/deploy-config.ts`
 * and docs/deploy.md.
 * @module
 */
import { createApp } from '../lib/create-app.js';

createApp().app.synth();
