/**
 * The real n8n 2.41 server (`n8n start`) with the packed package installed the way n8n installs
 * community packages: it loads without warnings, lists the four nodes and four credential types,
 * serves their icons, and n8n's own credential test (POST /rest/credentials/test, what the editor's
 * "Test" button calls) passes with a good key and fails clearly with a bad one, against the fakes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { closeAllFakes, CREDENTIAL_OF, credentialFixtures, PROVIDERS, startAllFakes, type Fakes } from './fixtures';
import { startN8nScratch, type N8nScratch, type N8nServer } from './n8n';

const PACKAGE = 'n8n-nodes-ideogram-v3';
const NODE_NAMES = ['ideogramEdit', 'ideogramReframe', 'ideogramReplaceBackground', 'ideogramPollResult'];
const CREDENTIAL_TYPES = ['runComfyApi', 'runwareApi', 'cometApi', 'ideogramApi'];

interface NodeTypeJson {
	name: string;
	displayName: string;
	version: number | number[];
	iconUrl?: string | { light: string; dark: string };
	credentials?: Array<{ name: string }>;
}
interface CredentialTypeJson {
	name: string;
	displayName: string;
	iconUrl?: string | { light: string; dark: string };
	properties: Array<{ name: string }>;
}
interface TestResponse {
	data: { status: 'OK' | 'Error'; message: string };
}

/** Log lines in which n8n reports trouble loading a community package (patterns from n8n 2.41's loaders). */
function loadProblems(logs: string): string[] {
	const names = [PACKAGE, ...NODE_NAMES, ...CREDENTIAL_TYPES];
	const loaderWarnings =
		/Skipping package|failed to load package|Failed to load package|Failed to load Custom API options|Unknown credential name|Unrecognized (node|credential)|is already registered|Icon path .* is not contained|Failed to parse JSON/i;
	return logs
		.split('\n')
		.filter((line) => loaderWarnings.test(line) || (names.some((n) => line.includes(n)) && /warn|error|fail|deprecat|invalid|unknown/i.test(line)));
}

describe('n8n 2.41 server loads the packed package', () => {
	let fakes: Fakes | undefined;
	let n8n: N8nScratch | undefined;
	let server: N8nServer | undefined;

	beforeAll(async () => {
		fakes = await startAllFakes();
		n8n = await startN8nScratch({ credentials: credentialFixtures(fakes) });
		server = await n8n.startServer();
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await closeAllFakes(fakes);
	}, 60_000);

	it('is installed as n8n installs it: a real directory, package.json stripped, dependencies installed', () => {
		const dir = n8n!.installedPackageDir;
		expect(fs.lstatSync(dir).isSymbolicLink()).toBe(false);
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(pkg.name).toBe(PACKAGE);
		expect(pkg).not.toHaveProperty('devDependencies');
		expect(pkg).not.toHaveProperty('peerDependencies');
		expect(pkg).not.toHaveProperty('optionalDependencies');
		for (const dep of Object.keys((pkg.dependencies as Record<string, string> | undefined) ?? {})) {
			expect(fs.existsSync(path.join(dir, 'node_modules', dep, 'package.json'))).toBe(true);
		}
		// sharp's native binary comes from its own optionalDependencies (@img/sharp-<platform>): n8n's
		// flags keep them. Prove it loads and works from the installed copy.
		if (pkg.dependencies && 'sharp' in (pkg.dependencies as object)) {
			const probe = spawnSync(
				process.execPath,
				['-e', "require('sharp')({create:{width:2,height:2,channels:3,background:'#000'}}).png().toBuffer().then(b=>console.log('png',b.length))"],
				{ cwd: dir, encoding: 'utf8' },
			);
			expect(probe.stderr).toBe('');
			expect(probe.stdout).toMatch(/^png \d+/);
		}
	});

	it('lists the four nodes, at typeVersion 1, each with its icon served', async () => {
		const res = await server!.request<NodeTypeJson[]>('GET', '/types/nodes.json');
		expect(res.status).toBe(200);
		const all = res.body.filter((n) => n.name.startsWith(`${PACKAGE}.`));
		// n8n adds an AI-tool variant `<name>Tool` of every node that sets usableAsTool
		const ours = all.filter((n) => !(n.name.endsWith('Tool') && all.some((m) => `${m.name}Tool` === n.name)));
		expect(ours.map((n) => n.name).sort()).toEqual(NODE_NAMES.map((n) => `${PACKAGE}.${n}`).sort());
		for (const node of ours) {
			expect([node.version].flat()).toContain(1);
			const icons = typeof node.iconUrl === 'string' ? [node.iconUrl] : node.iconUrl ? [node.iconUrl.light, node.iconUrl.dark] : [];
			expect(icons.length).toBeGreaterThan(0);
			for (const icon of icons) {
				const iconRes = await server!.request('GET', `/${icon}`);
				expect({ icon, status: iconRes.status }).toEqual({ icon, status: 200 });
			}
		}
		for (const node of ours) {
			const credentials = (node.credentials ?? []).map((c) => c.name).sort();
			if (node.name.endsWith('.ideogramPollResult')) {
				// jobs exist only on the queued providers; the synchronous ones may be offered too
				expect(credentials).toEqual(expect.arrayContaining(['runComfyApi', 'runwareApi']));
				expect(CREDENTIAL_TYPES).toEqual(expect.arrayContaining(credentials));
			} else {
				expect({ node: node.name, credentials }).toEqual({ node: node.name, credentials: [...CREDENTIAL_TYPES].sort() });
			}
		}
	});

	it('lists the four credential types, each with apiKey and baseUrl and its icon served', async () => {
		const res = await server!.request<CredentialTypeJson[]>('GET', '/types/credentials.json');
		expect(res.status).toBe(200);
		const ours = res.body.filter((c) => CREDENTIAL_TYPES.includes(c.name));
		expect(ours.map((c) => c.name).sort()).toEqual([...CREDENTIAL_TYPES].sort());
		for (const cred of ours) {
			expect(cred.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['apiKey', 'baseUrl']));
			const icons = typeof cred.iconUrl === 'string' ? [cred.iconUrl] : cred.iconUrl ? [cred.iconUrl.light, cred.iconUrl.dark] : [];
			expect({ credential: cred.name, icons: icons.length }).toEqual({ credential: cred.name, icons: 2 });
			for (const icon of icons) {
				const iconRes = await server!.request('GET', `/${icon}`);
				expect({ icon, status: iconRes.status }).toEqual({ icon, status: 200 });
			}
		}
	});

	it('logs no warning or error about the package', () => {
		expect(loadProblems(server!.logs())).toEqual([]);
	});

	describe.each(PROVIDERS)('credential test through n8n (%s)', (provider) => {
		const { type, id, name } = CREDENTIAL_OF[provider];
		const test = async (apiKey: string, baseUrl: string) =>
			await server!.request<TestResponse>('POST', '/rest/credentials/test', { credentials: { id, name, type, data: { apiKey, baseUrl } } });

		it('succeeds with the right key', async () => {
			const res = await test(fakes![provider].apiKey, fakes![provider].url);
			expect(res.status).toBe(200);
			expect(res.body.data).toEqual(expect.objectContaining({ status: 'OK' }));
			expect(fakes![provider].paidJobs()).toBe(0);
		});

		it('fails with a clear message for a wrong key', async () => {
			const res = await test('wrong-key', fakes![provider].url);
			expect(res.status).toBe(200);
			expect(res.body.data.status).toBe('Error');
			expect(res.body.data.message).toMatch(/401|403|unauthori[sz]ed|forbidden|invalid|api key|rejected/i);
			expect(res.body.data.message).not.toContain('wrong-key');
		});

		it('accepts a base URL with a trailing slash', async () => {
			const res = await test(fakes![provider].apiKey, `${fakes![provider].url}/`);
			expect(res.body.data).toEqual(expect.objectContaining({ status: 'OK' }));
		});

		it('fails with a clear message when the server is unreachable', async () => {
			const res = await test(fakes![provider].apiKey, 'http://127.0.0.1:9');
			expect(res.body.data.status).toBe('Error');
			expect(res.body.data.message.length).toBeGreaterThan(0);
		});
	});
});
