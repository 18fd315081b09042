import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Jest global teardown: searches every workflow run of the whole suite (output items, errors with
 * description, context and cause) for the API keys the fake providers accept, and fails the run
 * when one appears. The keys: the fakes' defaults (`test-key-<provider>`) and the distinctive
 * `sk-live-SECRET-…` keys of the fault tests.
 */
const KEY_PATTERN = /test-key-(runComfy|runware|cometApi|ideogram)|sk-live-SECRET/;

export default function teardown(): void {
	const dir = process.env.N8N_IDEOGRAM_LEAK_SCAN_DIR;
	if (!dir) return;
	let runs = 0;
	const leaks: string[] = [];
	for (const file of readdirSync(dir)) {
		for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
			if (!line) continue;
			runs++;
			const match = KEY_PATTERN.exec(line);
			if (match) leaks.push(line.slice(Math.max(0, match.index - 300), match.index + 100));
		}
	}
	rmSync(dir, { recursive: true, force: true });
	if (leaks.length) throw new Error(`An API key appears in ${leaks.length} workflow run(s) of the suite:\n${leaks.slice(0, 3).join('\n---\n')}`);
	console.log(`\nleak scan: no API key in any of the ${runs} workflow runs of the suite`);
}
