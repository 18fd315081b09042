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

/** The light and dark icon files a built node or credential names, as package paths. */
function iconFiles(file: string): string[] {
	const exports = require(path.join(root, file)) as Record<string, new () => { icon?: unknown; description?: { icon?: unknown } }>;
	const instance = new (Object.values(exports)[0])();
	const icon = instance.description?.icon ?? instance.icon;
	const names = typeof icon === 'string' ? [icon] : icon && typeof icon === 'object' ? Object.values(icon) : [];
	return names.filter((n): n is string => typeof n === 'string' && n.startsWith('file:')).map((n) => path.posix.join(path.posix.dirname(file), n.slice('file:'.length)));
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

	it('ships every node and credential the n8n section names, with the icon files each one names', () => {
		expect(files).toEqual(expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			const icons = iconFiles(file);
			expect({ file, icons: icons.length }).toEqual({ file, icons: 2 });
			// n8n resolves a `file:` icon relative to the file that names it (docs/n8n.md, "Icons").
			for (const icon of icons) expect({ file, icon, shipped: files.includes(icon) }).toEqual({ file, icon, shipped: true });
		}
	});

	it('ships no sources, tests, maps or tarballs', () => {
		const junk = files.filter((f) => /(\.ts$(?<!\.d\.ts)|\.map$|\.test\.|\/test\/|\/fakes\/|\.tgz$)/.test(f));
		expect(junk).toEqual([]);
	});
});
