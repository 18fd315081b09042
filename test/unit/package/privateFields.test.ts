/**
 * The package reads no private fields of its dependencies (form-data's `_streams`, axios' or
 * sharp's internals …): such fields change in any release without notice. By convention they
 * start with an underscore, and the package's own code has none.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const file = path.join(dir, name);
		if (statSync(file).isDirectory()) return sources(file);
		return file.endsWith('.ts') ? [file] : [];
	});
}

/** `x._field`, `x?._field`, `x['_field']`, and a cast to a type naming one (`as { _field: … }`). */
const PRIVATE_ACCESS = [/\??\.\s*_[A-Za-z]\w*/, /\[\s*['"`]_[A-Za-z]\w*['"`]\s*\]/, /\{\s*_[A-Za-z]\w*\??\s*:/];

/** n8n-workflow's display conditions are written `{ _cnd: { … } }` (its exported `DisplayCondition` type). */
const PUBLIC_FIELDS = /\{\s*_cnd\s*:/g;

function privateAccesses(text: string): string[] {
	// Comments may talk about such fields; strings and code may not use them.
	const code = text
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/(^|[^:])\/\/.*$/gm, '$1')
		.replace(PUBLIC_FIELDS, '{');
	return code.split('\n').filter((line) => PRIVATE_ACCESS.some((pattern) => pattern.test(line)));
}

describe('no private fields of dependencies', () => {
	it('finds the kinds of access it looks for', () => {
		expect(privateAccesses('const parts = (form as unknown as { _streams?: unknown })._streams;')).toHaveLength(1);
		expect(privateAccesses("const s = form['_streams'];")).toHaveLength(1);
		expect(privateAccesses('return socket?._handle;')).toHaveLength(1);
		expect(privateAccesses('// form-data keeps its parts in _streams\nconst a = b.c;')).toEqual([]);
		expect(privateAccesses('const size = image.width_px;')).toEqual([]);
		expect(privateAccesses("show: { '@version': [{ _cnd: { lt: 0 } }] },")).toEqual([]);
	});

	it.each(['nodes', 'credentials'])('none in %s/', (dir) => {
		const found = sources(path.join(ROOT, dir)).flatMap((file) =>
			privateAccesses(readFileSync(file, 'utf8')).map((line) => `${path.relative(ROOT, file)}: ${line.trim()}`),
		);
		expect(found).toEqual([]);
	});

	it('form-data is no dependency any more (the multipart encoder is the package\'s own)', () => {
		const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
		expect(Object.keys(pkg.dependencies)).not.toContain('form-data');
	});
});
