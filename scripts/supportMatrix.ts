/** Writes the README's option × operation support matrix from the options model and the adapters. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { OPERATION_LABELS, OPERATION_OPTIONS, providersTaking } from '../nodes/shared/parameters/options';
import { PROVIDERS } from '../nodes/shared/providers/registry';
import type { OperationName } from '../nodes/shared/providers/types';

const OPERATIONS: OperationName[] = ['edit', 'reframe', 'replaceBackground'];

/** Rows: the options that depend on the provider or operation (one row per capability); a cell names the providers that take it. */
export function supportMatrix(): string {
	const rows = new Map<string, { labels: string[]; cells: string[] }>();
	for (const spec of Object.values(OPERATION_OPTIONS)) {
		if (!spec.capability && !spec.operations) continue;
		const cells = OPERATIONS.map((operation) => {
			const names = providersTaking(spec, operation).map((p) => p.displayName);
			return names.length === PROVIDERS.length ? '✓ all' : names.length ? names.join(', ') : '–';
		});
		const key = spec.capability ?? cells.join('|');
		const row = rows.get(key) ?? { labels: [], cells };
		row.labels.push(spec.property.displayName);
		rows.set(key, row);
	}
	const header = ['Option', ...OPERATIONS.map((o) => OPERATION_LABELS[o])];
	const lines = [...rows.values()].map((r) => [r.labels.join(', '), ...r.cells]);
	return [header, header.map(() => '---'), ...lines].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const START = '<!-- support-matrix:start -->';
const END = '<!-- support-matrix:end -->';

/** README.md with the matrix between its markers. */
export function readmeWithMatrix(readme: string): string {
	const before = readme.slice(0, readme.indexOf(START) + START.length);
	const after = readme.slice(readme.indexOf(END));
	return `${before}\n${supportMatrix()}\n${after}`;
}

if (require.main === module) {
	const file = path.join(__dirname, '..', 'README.md');
	writeFileSync(file, readmeWithMatrix(readFileSync(file, 'utf8')));
	console.log(supportMatrix());
}
