/**
 * What `npm publish` would ship: only dist/, README.md, LICENSE and package.json, and everything
 * the package.json `n8n` section names.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface PackInfo {
	name: string;
	files: Array<{ path: string; size: number }>;
}

function packDryRun(): PackInfo {
	const result = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`npm pack --dry-run failed:\n${result.stderr}`);
	return (JSON.parse(result.stdout) as PackInfo[])[0];
}

describe('npm pack', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		name: string;
		n8n: { nodes: string[]; credentials: string[] };
	};
	let files: string[];

	beforeAll(() => {
		const info = packDryRun();
		expect(info.name).toBe(pkg.name);
		files = info.files.map((f) => f.path).sort();
	});

	it('ships only dist/, README.md, LICENSE and package.json', () => {
		const unexpected = files.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f));
		expect(unexpected).toEqual([]);
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
	});

	it('ships every node and credential the n8n section names, with their icons', () => {
		expect(files).toEqual(expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		for (const node of pkg.n8n.nodes) {
			const dir = path.posix.dirname(node);
			expect(files.filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.svg')).length).toBeGreaterThan(0);
		}
		expect(files.filter((f) => f.startsWith('dist/credentials/') && f.endsWith('.svg')).length).toBeGreaterThan(0);
	});

	it('ships no sources, tests, maps or tarballs', () => {
		const junk = files.filter((f) => /(\.ts$(?<!\.d\.ts)|\.map$|\.test\.|\/test\/|\/fakes\/|\.tgz$)/.test(f));
		expect(junk).toEqual([]);
	});
});
