// Imported first by the harness: @n8n/config and n8n-core's InstanceSettings read these when
// their classes are first resolved, so they must be set before n8n-core is loaded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'n8n-ideogram-engine-'));
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
