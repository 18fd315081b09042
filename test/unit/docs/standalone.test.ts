/**
 * The repository explains itself: no file points at notes that are not part of it, and every
 * docs/ page a comment or a document names exists. The patterns are assembled from pieces so
 * that this file does not match them itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../../..');

const SCANNED_DIRS = ['nodes', 'credentials', 'test', 'bench', 'scripts', 'docs'];
const SCANNED_FILES = ['README.md', 'BENCHMARKS.md'];
const TEXT_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs', '.json', '.md', '.txt', '.yml', '.yaml', '.sh', '.svg']);
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

function walk(dir: string, out: string[]): void {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			if (!SKIPPED_DIRS.has(entry.name)) walk(full, out);
		} else if (entry.isFile() && TEXT_EXTENSIONS.has(path.extname(entry.name))) {
			out.push(full);
		}
	}
}

function scannedFiles(): string[] {
	const out: string[] = [];
	for (const dir of SCANNED_DIRS) {
		const full = path.join(root, dir);
		if (existsSync(full) && statSync(full).isDirectory()) walk(full, out);
	}
	for (const file of SCANNED_FILES) {
		const full = path.join(root, file);
		if (existsSync(full)) out.push(full);
	}
	return out.sort();
}

const files = scannedFiles();
const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));

const NOTE_NAMES = ['PROVIDERS', 'INTERFACE', 'ARCHITECTURE'].map((name) => `${name}\\.md`);
const RUNTIME = ['N8N', 'RUNTIME'].join('-');
const SHARED = ['\\.\\.', 'shared', ''].join('\\/');

/** What must not appear anywhere: [description, pattern]. */
const FORBIDDEN: Array<[string, RegExp]> = [
	...NOTE_NAMES.map((name): [string, RegExp] => [name.replace('\\', ''), new RegExp(`\\b${name}`)]),
	[RUNTIME, new RegExp(RUNTIME)],
	[`${SHARED.replace(/\\/g, '')}…`, new RegExp(`${SHARED}(?:${[...NOTE_NAMES, RUNTIME, 'seeds'].join('|')})`)],
	['shared seeds folder', new RegExp(['shared', 'seeds'].join('\\/'))],
	['numbered source document', new RegExp(`\\b${'se' + 'ed'} 00\\d\\b`, 'i')],
	['numbered tracker reference', new RegExp(`\\b[Ii]${'ss' + 'ue'}s? #?\\d+\\b`)],
	['section sign with a number', new RegExp('\\u00a7\\s*\\d')],
];

function offences(content: string): string[] {
	const found: string[] = [];
	const lines = content.split('\n');
	lines.forEach((line, index) => {
		for (const [what, pattern] of FORBIDDEN) {
			if (pattern.test(line)) found.push(`line ${index + 1} (${what}): ${line.trim().slice(0, 160)}`);
		}
	});
	return found;
}

describe('the repository explains itself', () => {
	it('scans the files it is meant to', () => {
		const names = files.map(relative);
		expect(names).toContain('README.md');
		expect(names).toContain('docs/README.md');
		expect(names).toContain('nodes/shared/providers/runComfy.ts');
		expect(names).toContain('test/unit/docs/standalone.test.ts');
	});

	it('docs/ cites no private notes, numbered source documents, tracker numbers or section signs', () => {
		const bad = files
			.filter((file) => relative(file).startsWith('docs/'))
			.flatMap((file) => offences(text.get(file) ?? '').map((o) => `${relative(file)} ${o}`));
		expect(bad).toEqual([]);
	});

	it('no file in nodes/, credentials/, test/, bench/, scripts/, README.md or BENCHMARKS.md cites them either', () => {
		const bad = files
			.filter((file) => !relative(file).startsWith('docs/'))
			.flatMap((file) => offences(text.get(file) ?? '').map((o) => `${relative(file)} ${o}`));
		expect(bad).toEqual([]);
	});

	it('every docs/….md path named in a comment or a document exists', () => {
		const missing: string[] = [];
		for (const file of files) {
			for (const match of (text.get(file) ?? '').matchAll(/(?<![\w./-])docs\/[\w./-]*?\.md\b/g)) {
				if (!existsSync(path.join(root, match[0]))) missing.push(`${relative(file)}: ${match[0]}`);
			}
		}
		expect(missing).toEqual([]);
	});

	it('every relative link in docs/ points at a file that exists', () => {
		const missing: string[] = [];
		for (const file of files.filter((f) => relative(f).startsWith('docs/') && f.endsWith('.md'))) {
			for (const match of (text.get(file) ?? '').matchAll(/\]\(([^)\s]+)\)/g)) {
				const target = match[1];
				if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
				const withoutAnchor = target.split('#')[0];
				if (!existsSync(path.resolve(path.dirname(file), withoutAnchor))) missing.push(`${relative(file)}: ${target}`);
			}
		}
		expect(missing).toEqual([]);
	});
});
