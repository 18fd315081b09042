/**
 * Max Images Per Execution: how many images one node may request in one execution, counted over
 * every run of the node in it (a loop runs a node many times in one execution). A workflow that
 * loops by mistake otherwise submits paid jobs without end.
 *
 * The count is kept in the execution's own data, in n8n's context of the node
 * (`getContext('node')`, docs/n8n.md), not in the process: it ends with the execution and follows
 * it wherever it runs (a worker in queue mode, another one after a Wait), and needs no bound.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../inputError';
import { OPERATION_OPTIONS } from '../parameters/options';

const LABEL = OPERATION_OPTIONS.maxImagesPerExecution.property.displayName;
/** The count's name in the node's context (saved with the execution). */
const COUNT = 'imagesRequested';

export interface ImageBudget {
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
