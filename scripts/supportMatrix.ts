/** Writes the README's option × operation support matrix from the options model and the adapters. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { EDIT_MODELS, modelsServedBy } from '../nodes/shared/parameters/model';
import { OPERATION_LABELS, OPERATION_OPTIONS, providersTaking } from '../nodes/shared/parameters/options';
import { PROVIDERS } from '../nodes/shared/providers/registry';
import type { EditModel, OperationName, ProviderAdapter } from '../nodes/shared/providers/types';

/** The columns: Edit once per model, then the other operations. */
const COLUMNS: Array<{ operation: OperationName; model?: EditModel; label: string }> = [
	...EDIT_MODELS.map(({ value, name }) => ({ operation: 'edit' as const, model: value, label: `Edit: ${name}` })),
	{ operation: 'reframe', label: OPERATION_LABELS.reframe },
	{ operation: 'replaceBackground', label: OPERATION_LABELS.replaceBackground },
];

const cell = (providers: readonly ProviderAdapter[]) =>
	providers.length === PROVIDERS.length ? '✓ all' : providers.length ? providers.map((p) => p.displayName).join(', ') : '–';

/**
 * Rows: which providers serve each model, then the options that depend on the provider, operation
 * or model (one row per capability); a cell names the providers that take it.
 */
export function supportMatrix(): string {
	const rows = new Map<string, { labels: string[]; cells: string[] }>();
	const serving = ({ model }: (typeof COLUMNS)[number]) => PROVIDERS.filter((p) => !model || modelsServedBy(p).includes(model));
	rows.set('model', { labels: ['Served by'], cells: COLUMNS.map((c) => cell(serving(c))) });
	for (const spec of Object.values(OPERATION_OPTIONS)) {
		if (!spec.capability && !spec.operations) continue;
		const cells = COLUMNS.map((c) => cell(providersTaking(spec, c.operation, c.model).filter((p) => serving(c).includes(p))));
		const key = spec.capability ?? cells.join('|');
		const row = rows.get(key) ?? { labels: [], cells };
		row.labels.push(spec.property.displayName);
		rows.set(key, row);
	}
	const header = ['Option', ...COLUMNS.map((c) => c.label)];
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
