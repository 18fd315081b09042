#!/usr/bin/env node
// Project rules no ESLint rule says, run by `npm run lint` (scripts/node24.js) after ESLint:
// - layers: a file of nodes/ imports only its own folder and the layers below it
//   (docs/architecture.md), and the engine and the image module through their index;
// - casts: every `as` cast in nodes/ and credentials/ says why (`// Cast: …`), and they stay few;
// - no private fields of dependencies (`x._field`): they change in any release without notice;
// - nothing exported for tests alone: what a file of nodes/shared/ exports, another file of nodes/ or
//   credentials/ imports;
// - the repository explains itself: nothing cites notes outside it, and every docs/ page named exists.
// Prints each offence and exits 1 when there is any.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

function walk(dir, keep, skip = new Set(['node_modules', 'dist', '.git'])) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return skip.has(entry.name) ? [] : walk(full, keep, skip);
		return keep(entry.name) ? [full] : [];
	});
}
const product = [...walk(path.join(ROOT, 'nodes'), (n) => n.endsWith('.ts')), ...walk(path.join(ROOT, 'credentials'), (n) => n.endsWith('.ts'))];
const textOf = new Map();
const read = (file) => textOf.get(file) ?? textOf.set(file, fs.readFileSync(file, 'utf8')).get(file);
const offences = [];

// ───────────── layers ─────────────

/** Top to bottom; a layer may import the ones below it, never one above or beside it. */
const LAYERS = [
	['node files', ['nodes/Ideogram', 'nodes/shared/credentialTests.ts']],
	['pipeline', ['nodes/shared/pipeline/']],
	['parameters', ['nodes/shared/parameters/']],
	['providers', ['nodes/shared/providers/']],
	['engine', ['nodes/shared/engine/']],
	['image module', ['nodes/shared/image/']],
	['shared helpers', ['nodes/shared/inputError.ts', 'nodes/shared/unknownValues.ts', 'nodes/shared/n8nCompatibility.ts', 'credentials/']],
];
/** Engine and image module are side by side: neither knows the other. */
const RANK = { 'node files': 5, pipeline: 4, parameters: 3, providers: 2, engine: 1, 'image module': 1, 'shared helpers': 0 };
const layerOf = (file) => LAYERS.find(([, prefixes]) => prefixes.some((p) => rel(file).startsWith(p)))?.[0];
/** Imported through their index only, so what they offer is what the index exports. */
const INDEXED = ['nodes/shared/engine', 'nodes/shared/image'];

for (const file of product) {
	const from = layerOf(file);
	for (const m of read(file).matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']*)'/g)) {
		const target = path.resolve(path.dirname(file), m[1]);
		const to = layerOf(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
		const where = `${rel(file)}: imports '${m[1]}'`;
		if (!from || !to) offences.push(`${where}: a file outside the layers of docs/architecture.md (add it to LAYERS)`);
		else if (from !== to && RANK[to] >= RANK[from]) offences.push(`${where}: the ${from} layer may not import the ${to} layer (docs/architecture.md)`);
		const indexed = INDEXED.find((dir) => rel(target).startsWith(`${dir}/`));
		if (indexed && !rel(file).startsWith(`${indexed}/`)) offences.push(`${where}: import ${indexed}/ through its index`);
	}
}

// ───────────── casts ─────────────

/** The casts left (each explained where it stands); lower it when one goes. */
const CAST_BUDGET = 4;
let casts = 0;
for (const file of product) {
	const text = read(file);
	const lines = text.split('\n');
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
	const visit = (node) => {
		if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const')) {
			casts++;
			const line = source.getLineAndCharacterOfPosition(node.getStart()).line;
			if (![lines[line], lines[line - 1] ?? ''].some((l) => /\/\/ Cast: /.test(l))) {
				offences.push(`${rel(file)}:${line + 1}: a cast without a \`// Cast: …\` comment saying why: ${lines[line].trim()}`);
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
}
if (casts > CAST_BUDGET) offences.push(`nodes/, credentials/: ${casts} casts, over the budget of ${CAST_BUDGET} (parse the value instead)`);

// ───────────── private fields of dependencies ─────────────

/** `x._field`, `x?._field`, `x['_field']`, and a cast to a type naming one (`as { _field: … }`). */
const PRIVATE_ACCESS = [/\??\.\s*_[A-Za-z]\w*/, /\[\s*['"`]_[A-Za-z]\w*['"`]\s*\]/, /\{\s*_[A-Za-z]\w*\??\s*:/];
/** n8n-workflow's display conditions are written `{ _cnd: { … } }` (its exported `DisplayCondition` type): public syntax. */
const PUBLIC_FIELDS = /\{\s*_cnd\s*:/g;
for (const file of product) {
	// Comments may talk about such fields; strings and code may not use them.
	const code = read(file)
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/(^|[^:])\/\/.*$/gm, '$1')
		.replace(PUBLIC_FIELDS, '{');
	for (const line of code.split('\n')) {
		if (PRIVATE_ACCESS.some((p) => p.test(line))) offences.push(`${rel(file)}: a private field of a dependency: ${line.trim()}`);
	}
}

// ───────────── nothing exported for tests alone ─────────────

/** Exported for a script of the repository, not for the nodes: the README's support matrix is written from them (scripts/supportMatrix.ts). */
const EXPORTED_FOR_SCRIPTS = new Set(['nodes/shared/parameters/options.ts OPERATION_LABELS', 'nodes/shared/parameters/options.ts providersTaking']);
const resolveImport = (file, spec) => {
	const target = path.resolve(path.dirname(file), spec);
	return rel(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'));
};
/** "file name" for each name a file imports from another; "file name" (or "file *") for what an index forwards. */
const imported = new Set();
const forwarded = new Set();
const exportedBy = [];
for (const file of product) {
	const isIndex = rel(file).startsWith('nodes/shared/') && file.endsWith('index.ts');
	const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
	for (const statement of source.statements) {
		const spec = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
		if (spec?.startsWith('.')) {
			const from = resolveImport(file, spec);
			const clause = ts.isImportDeclaration(statement) ? statement.importClause : statement;
			const bindings = ts.isImportDeclaration(statement) ? clause?.namedBindings : statement.exportClause;
			// Named: those names; `* as x` and `export *`: all of them; `import './x'` (for its effect): none.
			const names = !clause ? [] : bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : ['*'];
			for (const name of names) (isIndex ? forwarded : imported).add(`${from} ${name}`);
		}
		const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
		if (!exported || !rel(file).startsWith('nodes/shared/') || isIndex) continue;
		const names = ts.isVariableStatement(statement) ? statement.declarationList.declarations.map((d) => d.name.getText()) : [statement.name?.getText()];
		for (const name of names) if (name) exportedBy.push([rel(file), name]);
	}
}
for (const [file, name] of exportedBy) {
	const index = `${path.posix.dirname(file)}/index.ts`;
	const throughIndex = (forwarded.has(`${file} ${name}`) || forwarded.has(`${file} *`)) && imported.has(`${index} ${name}`);
	if (imported.has(`${file} ${name}`) || imported.has(`${file} *`) || throughIndex) continue;
	if (EXPORTED_FOR_SCRIPTS.has(`${file} ${name}`)) continue;
	offences.push(`${file}: exports ${name}, which no other file of nodes/ or credentials/ imports (test it through what uses it; keep it local)`);
}

// ───────────── the repository explains itself ─────────────

const TEXT = /\.(ts|js|mjs|cjs|json|md|txt|yml|yaml|sh|svg)$/;
const explained = [
	...['nodes', 'credentials', 'test', 'bench', 'scripts', 'docs'].flatMap((dir) => walk(path.join(ROOT, dir), (n) => TEXT.test(n))),
	...['README.md', 'BENCHMARKS.md'].map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f)),
].filter((file) => file !== __filename);

/** What no file may cite: notes outside the repository, numbered source documents and tracker entries. */
const FORBIDDEN = [
	['a note outside the repository', /\b(PROVIDERS|INTERFACE|ARCHITECTURE)\.md|N8N-RUNTIME|\.\.\/shared\/(seeds|PROVIDERS|INTERFACE|ARCHITECTURE|N8N-RUNTIME)|shared\/seeds/],
	['a numbered source document', /\bseed 00\d\b/i],
	['a numbered tracker reference', /\b[Ii]ssues? #?\d+\b/],
	['a section sign with a number', /\u00a7\s*\d/],
];
for (const file of explained) {
	read(file).split('\n').forEach((line, i) => {
		for (const [what, pattern] of FORBIDDEN) if (pattern.test(line)) offences.push(`${rel(file)}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
	});
	for (const m of read(file).matchAll(/(?<![\w./-])docs\/[\w./-]*?\.md\b/g)) {
		if (!fs.existsSync(path.join(ROOT, m[0]))) offences.push(`${rel(file)}: names ${m[0]}, which does not exist`);
	}
	if (!rel(file).startsWith('docs/') || !file.endsWith('.md')) continue;
	for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
		if (/^[a-z][a-z0-9+.-]*:/i.test(m[1]) || m[1].startsWith('#')) continue;
		if (!fs.existsSync(path.resolve(path.dirname(file), m[1].split('#')[0]))) offences.push(`${rel(file)}: links to ${m[1]}, which does not exist`);
	}
}

for (const o of offences) console.error(o);
console.log(`lint-guards: ${product.length} product files (${casts} casts), ${explained.length} files checked for citations: ${offences.length} offence(s)`);
process.exit(offences.length ? 1 : 0);
