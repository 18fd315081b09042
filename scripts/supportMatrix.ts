/** Writes the README's provider × operation × option support matrix from the adapters themselves. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PROVIDERS } from '../nodes/shared/providers/registry';
import type { OperationName, OptionName } from '../nodes/shared/providers/types';

const OPERATIONS: Array<[OperationName, string]> = [
	['edit', 'Edit'],
	['reframe', 'Reframe'],
	['replaceBackground', 'Replace Background'],
];
const OPTIONS: Array<[OptionName, string]> = [
	['renderingSpeed', 'Rendering speed'],
	['magicPrompt', 'Magic prompt'],
	['styleType', 'Style type'],
	['stylePreset', 'Style preset (62)'],
	['styleCodes', 'Style codes'],
	['colorPalette', 'Color palette'],
	['styleReferenceImages', 'Style reference images'],
	['characterReferenceImages', 'Character reference image'],
	['characterReferenceMasks', 'Character reference mask'],
	['runware', 'Runware-only options'],
];

/** Rows: options; columns: operations; a cell names the providers that support the option there. */
export function supportMatrix(): string {
	const header = ['Option', ...OPERATIONS.map(([, label]) => label)];
	const rows = OPTIONS.map(([option, label]) => [
		label,
		...OPERATIONS.map(([operation]) => {
			const names = PROVIDERS.filter((p) => p.supportedOptions(operation).has(option)).map((p) => p.displayName);
			return names.length === PROVIDERS.length ? '✓ all' : names.length ? names.join(', ') : '–';
		}),
	]);
	return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
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
