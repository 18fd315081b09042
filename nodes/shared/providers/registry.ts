/**
 * The providers the nodes offer. Adding one is a new adapter file plus a line here.
 */
import { cometApiAdapter } from './cometApi';
import { ideogramAdapter } from './ideogram';
import { runComfyAdapter } from './runComfy';
import { runwareAdapter } from './runware';
import type { ProviderAdapter } from './types';

/** In the order the provider selector shows them. */
export const PROVIDERS: readonly ProviderAdapter[] = [runComfyAdapter, runwareAdapter, cometApiAdapter, ideogramAdapter];
