/** Types of scripts/install-n8n.js (the n8n for the end-to-end tests, installed once into a cache). */
export interface N8nInstall {
	/** The cache directory, e.g. ~/.cache/n8n-ideogram/n8n-2.41.1 */
	dir: string;
	/** node_modules/n8n/bin/n8n inside it */
	bin: string;
	version: string;
}
export function ensureN8n(options?: { log?: (msg: string) => void; timeoutMs?: number }): Promise<N8nInstall>;
export function isComplete(): boolean;
/** N8N_E2E_VERSION, or the first of TESTED_VERSIONS. */
export const N8N_VERSION: string;
export const TESTED_VERSIONS: readonly string[];
export const n8nDir: string;
export const n8nBin: string;
export const cacheRoot: string;
