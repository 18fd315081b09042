/**
 * What bounds a run of a node: how many images it may request in one execution, and how many
 * items and jobs are in flight at once.
 *
 * Max Images Per Execution counts over every run of the node in the execution (a loop runs a node
 * many times in one execution): a workflow that loops by mistake otherwise submits paid jobs
 * without end. The count is kept in the execution's own data, in n8n's context of the node
 * (`getContext('node')`, docs/n8n.md), not in the process: it ends with the execution and follows
 * it wherever it runs (a worker in queue mode, another one after a Wait), and needs no bound.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import { OPERATION_OPTIONS } from '../parameters/options';

const LABEL = OPERATION_OPTIONS.maxImagesPerExecution.property.displayName;
/** The count's name in the node's context (saved with the execution). */
const COUNT = 'imagesRequested';

interface ImageBudget {
	/** Whether `images` more (on top of `reserved` planned ones) stay within the limit. */
	fits(images: number, reserved?: number): boolean;
	/** The error for asking `images` more (on top of `reserved` planned ones). */
	refusal(images: number, reserved?: number): InputError;
	/** Counts images about to be requested; throws the refusal, sending nothing, when over. */
	take(images: number): void;
}

export function imageBudget(ctx: IExecuteFunctions, limit: number): ImageBudget {
	const context = ctx.getContext('node');
	/** Images this node already requested in this execution. */
	const used = (): number => (typeof context[COUNT] === 'number' ? context[COUNT] : 0);
	const fits = (images: number, reserved = 0) => limit === 0 || used() + reserved + images <= limit;
	const refusal = (images: number, reserved = 0) => {
		const already = used() + reserved;
		return new InputError(
			`${LABEL} reached: this asks for ${images} image${images === 1 ? '' : 's'}, ${already} ${already === 1 ? 'was' : 'were'} already requested by this node in this execution, and the limit is ${limit}`,
			`Nothing more was submitted. If the workflow is meant to make that many, raise ${LABEL} (in Options) to at least ${already + images}, or set it to 0 for no limit.`,
			'maxImagesPerExecution',
		);
	};
	return {
		fits,
		refusal,
		take(images) {
			if (!fits(images)) throw refusal(images);
			context[COUNT] = used() + images;
		},
	};
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
	await Promise.all(workers);
	return results;
}

/** At most `limit` calls of `run` in flight at once, the others wait their turn (first come, first served). */
export function createLimiter(limit: number) {
	let active = 0;
	const waiting: Array<() => void> = [];
	return async function run<R>(fn: () => Promise<R>): Promise<R> {
		if (active >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
		else active++;
		try {
			return await fn();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else active--;
		}
	};
}

/** What bounds the jobs of all items of one run of the node. */
export interface JobLimits {
	/** Images requested in this execution (Max Images Per Execution). */
	budget: ImageBudget;
	/** Size jobs in flight across all items, within the node's concurrency. */
	slot: ReturnType<typeof createLimiter>;
}
