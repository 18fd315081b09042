/**
 * Max Images Per Execution's count in this process: kept per node and execution, and let go of
 * when n8n says the execution ended (the workflows are test/workflows/imageBudget.test.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { imageBudget, trackedExecutions } from '../../../nodes/shared/pipeline/imageBudget';

function context(executionId: string) {
	const finished: Array<() => unknown> = [];
	const ctx = {
		getExecutionId: () => executionId,
		getNode: () => ({ id: 'node-1', name: 'Ideogram' }),
		onExecutionFinish: (handler: () => unknown) => finished.push(handler),
	};
	// Cast: the parts of n8n's IExecuteFunctions that imageBudget reads.
	return { ctx: ctx as unknown as IExecuteFunctions, finish: () => finished.forEach((handler) => handler()) };
}

it('counts what a node requested in an execution, and forgets it when the execution ends', () => {
	const { ctx, finish } = context('e-budget');
	const before = trackedExecutions();
	imageBudget(ctx, 3).take(2);
	expect(imageBudget(ctx, 3).used()).toBe(2);
	expect(() => imageBudget(ctx, 3).take(2)).toThrow('2 were already requested');
	expect(trackedExecutions()).toBe(before + 1);
	finish();
	expect(trackedExecutions()).toBe(before);
	expect(imageBudget(context('e-budget').ctx, 3).used()).toBe(0);
});
