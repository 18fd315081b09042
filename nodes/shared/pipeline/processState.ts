/**
 * Everything the package keeps in the memory of the n8n process from one call of `execute()` to
 * the next, in one place, with one lifetime rule and one bound (docs/architecture.md,
 * "Process-wide state"):
 *
 * - per node in an execution (`nodeStateOf`): the results n8n's Retry On Fail is answered from
 *   (completedItems.ts). Dropped when the execution ends (`onExecutionFinish`, docs/n8n.md).
 * - per process: how long jobs of each kind took (`learnedDurations`, the poll schedule of
 *   engine/poll.ts) and the deprecation notices already logged (`isNewDeprecationNotice`). They are
 *   about the providers, not about an execution, so they live as long as the process.
 *
 * The bound, the same for every table: past MAX_ENTRIES keys the least recently used go first;
 * an execution's entry or a route's notice not used for IDLE_MS goes too (where n8n does not report
 * an execution's end, or a provider marks ever new routes), while the durations of a kind stay
 * true however old. The Max Images Per Execution count is not here: it lives in the execution's
 * own data (limits.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { DurationTracker } from '../engine';
import type { CompletedRun } from './completedItems';

const MAX_ENTRIES = 1_000;
const IDLE_MS = 24 * 60 * 60 * 1000;

/** A map bounded as above; Map order = least recently used first. */
class BoundedTable<V> {
	private readonly entries = new Map<string, { value: V; at: number }>();

	get(key: string): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		this.entries.delete(key);
		if (Date.now() - entry.at > IDLE_MS) return undefined;
		this.entries.set(key, { value: entry.value, at: Date.now() });
		return entry.value;
	}

	set(key: string, value: V): void {
		const now = Date.now();
		this.entries.delete(key);
		this.entries.set(key, { value, at: now });
		for (const [oldest, { at }] of this.entries) {
			if (this.entries.size <= MAX_ENTRIES && now - at <= IDLE_MS) break;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}
}

/** What is kept for one node in one execution. */
export interface NodeState {
	/** The results of the node's latest run in the execution, for Retry On Fail. */
	completed?: CompletedRun;
}

const nodeStates = new BoundedTable<NodeState>();

/** The state of this node in this execution: the same object for every run of the node in it, until the execution ends. */
export function nodeStateOf(ctx: IExecuteFunctions): NodeState {
	const key = `${ctx.getExecutionId() ?? ''}|${ctx.getNode().id ?? ctx.getNode().name}`;
	// Once the execution ends nothing of it can be asked for again (n8n may call this more than once).
	ctx.onExecutionFinish?.(() => nodeStates.delete(key));
	let state = nodeStates.get(key);
	if (!state) {
		state = {};
		nodeStates.set(key, state);
	}
	return state;
}

/** How long jobs of each kind took: at most MAX_ENTRIES kinds, the least recently learned going first. */
export const learnedDurations = new DurationTracker(undefined, MAX_ENTRIES);

const deprecationNoticesLogged = new BoundedTable<true>();

/** Whether this deprecation notice (its successor or route) is new to the process; from now on it is not. */
export function isNewDeprecationNotice(key: string): boolean {
	if (deprecationNoticesLogged.get(key)) return false;
	deprecationNoticesLogged.set(key, true);
	return true;
}
