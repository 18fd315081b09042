import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Jest global setup: a folder where every workflow run of the suite is recorded (harness/engine.ts). */
export default function setup(): void {
	process.env.N8N_IDEOGRAM_LEAK_SCAN_DIR = mkdtempSync(path.join(tmpdir(), 'n8n-ideogram-leak-scan-'));
}
