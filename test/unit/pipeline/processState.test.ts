/**
 * The package's memory in the n8n process: per node in an execution until the execution ends,
 * per process for what is learned about providers, and the one bound on both (at most 1,000
 * entries, the least recently used going first; an entry unused for a day goes), as
 * docs/architecture.md ("Process-wide state") states it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { isNewDeprecationNotice, nodeStateOf } from '../../../nodes/shared/pipeline/processState';

const BOUND = 1_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The parts of n8n's IExecuteFunctions that nodeStateOf reads. */
function context(executionId: string, node = 'node-1', finished: Array<() => unknown> = []) {
	const ctx = {
		getExecutionId: () => executionId,
		getNode: () => ({ id: node, name: 'Ideogram' }),
		onExecutionFinish: (handler: () => unknown) => finished.push(handler),
	};
	// Cast: a stand-in for the few functions above.
	return ctx as unknown as IExecuteFunctions;
}

afterEach(() => jest.useRealTimers());

it("is one state per node and execution, for every run of the node in it, until n8n says the execution ended", () => {
	const finished: Array<() => unknown> = [];
	const state = nodeStateOf(context('e1', 'node-1', finished));
	expect(nodeStateOf(context('e1'))).toBe(state);
	expect(nodeStateOf(context('e1', 'node-2'))).not.toBe(state);
	expect(nodeStateOf(context('e2'))).not.toBe(state);
	for (const handler of finished) handler();
	expect(nodeStateOf(context('e1'))).not.toBe(state);
	// n8n may run the handler more than once.
	for (const handler of finished) handler();
});

it(`keeps at most ${BOUND} node states, forgetting the least recently used first`, () => {
	const first = nodeStateOf(context('bound-first'));
	const inUse = nodeStateOf(context('bound-in-use'));
	for (let n = 0; n < BOUND - 1; n++) {
		nodeStateOf(context(`bound-${n}`));
		// An execution still running (a loop going round) uses its state: it is never the oldest.
		if (n % 100 === 0) nodeStateOf(context('bound-in-use'));
	}
	expect(nodeStateOf(context('bound-in-use'))).toBe(inUse);
	expect(nodeStateOf(context('bound-first'))).not.toBe(first);
});

it('forgets a node state unused for a day', () => {
	jest.useFakeTimers({ now: Date.now() });
	const state = nodeStateOf(context('idle'));
	jest.setSystemTime(Date.now() + DAY_MS - 1_000);
	expect(nodeStateOf(context('idle'))).toBe(state);
	jest.setSystemTime(Date.now() + DAY_MS + 1_000);
	expect(nodeStateOf(context('idle'))).not.toBe(state);
});

it('logs a deprecation notice once, and again only after a day without it', () => {
	jest.useFakeTimers({ now: Date.now() });
	expect(isNewDeprecationNotice('https://api.example/v2/edit')).toBe(true);
	expect(isNewDeprecationNotice('https://api.example/v2/edit')).toBe(false);
	expect(isNewDeprecationNotice('https://api.example/v2/reframe')).toBe(true);
	jest.setSystemTime(Date.now() + DAY_MS + 1_000);
	expect(isNewDeprecationNotice('https://api.example/v2/edit')).toBe(true);
});
