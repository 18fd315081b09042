/**
 * The engine is imported one way: outside `nodes/shared/engine/`, through its index
 * (`…/engine`), never file by file, so what the engine offers is what its index exports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const ENGINE = path.join(ROOT, 'nodes/shared/engine');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return full === ENGINE ? [] : sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

const files = [...sourceFiles(path.join(ROOT, 'nodes')), ...sourceFiles(path.join(ROOT, 'credentials'))];
const ENGINE_IMPORT = /from '((?:\.\.?\/)+(?:shared\/)?engine(?:\/[\w.]+)?)'/g;

it('code outside the engine imports it through its index only', () => {
	const found = files.flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(ENGINE_IMPORT)].map((m) => ({ file: path.relative(ROOT, file), spec: m[1] })),
	);
	expect(found.length).toBeGreaterThan(5); // the pattern finds the imports at all
	expect(found.filter((f) => !/\/engine$/.test(f.spec))).toEqual([]);
});
