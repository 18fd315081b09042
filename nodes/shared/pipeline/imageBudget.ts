/**
 * Max Images Per Execution: how many images one node may request in one execution, counted over
 * every run of the node in it (a loop runs a node many times in one execution). A workflow that
 * loops by mistake otherwise submits paid jobs without end.
 *
 * The count lives in this process: an execution runs in one process (in queue mode, in one
 * worker), so every run of the node in it sees the same table. An execution's count goes when it
 * ends (`onExecutionFinish`, docs/n8n.md); where n8n does not offer that, the table is bounded
 * anyway: entries idle for a day go, and past MAX_TRACKED the least recently used go first (an
 * execution still looping is never the oldest).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import { OPERATION_OPTIONS } from '../parameters/options';
import { executionNodeKey } from './execution';

const LABEL = OPERATION_OPTIONS.maxImagesPerExecution.property.displayName;
const MAX_TRACKED = 10_000;
const IDLE_MS = 24 * 60 * 60 * 1000;

/** `<execution id>|<node id>` → images requested so far; Map order = least recently used first. */
const requested = new Map<string, { count: number; at: number }>();

function prune(now: number) {
	for (const [key, entry] of requested) {
		if (requested.size <= MAX_TRACKED && now - entry.at <= IDLE_MS) break;
		requested.delete(key);
	}
}

export interface ImageBudget {
	/** Images this node already requested in this execution. */
	used(): number;
	/** Whether `images` more (on top of `reserved` planned ones) stay within the limit. */
	fits(images: number, reserved?: number): boolean;
	/** The error for asking `images` more (on top of `reserved` planned ones). */
	refusal(images: number, reserved?: number): InputError;
	/** Counts images about to be requested; throws the refusal, sending nothing, when over. */
	take(images: number): void;
}

/** Executions counted now (for the bound's test). */
export function trackedExecutions(): number {
	return requested.size;
}

export function imageBudget(ctx: IExecuteFunctions, limit: number): ImageBudget {
	const key = executionNodeKey(ctx);
	// Every run of the node in the execution is over once it ends: nothing counts against it any more.
	ctx.onExecutionFinish?.(() => requested.delete(key));
	const used = () => requested.get(key)?.count ?? 0;
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
		used,
		fits,
		refusal,
		take(images) {
			if (!fits(images)) throw refusal(images);
			const now = Date.now();
			const count = used() + images;
			requested.delete(key);
			requested.set(key, { count, at: now });
			prune(now);
		},
	};
}
