/** A scripted stand-in for the network: answers, failures and latency on the fake clock. */
import type { HttpRequest, HttpResponse, Transport, TransportOptions } from '../../../nodes/shared/engine';
import { abortErrorFrom } from '../../../nodes/shared/engine';
import type { FakeClock } from './fakeClock';

export interface Answer {
	status?: number;
	headers?: Record<string, string>;
	body?: Buffer | string | object;
	/** Virtual time the answer takes. */
	latencyMs?: number;
	/** Throw this instead of answering (after the latency). */
	error?: Error;
	/** Never answer (until the signal aborts). */
	hang?: boolean;
}

export interface Call {
	at: number;
	request: HttpRequest;
	signal: AbortSignal;
	options?: TransportOptions;
}

export function response(status: number, body: Buffer | string | object = '', headers: Record<string, string> = {}): HttpResponse {
	const buffer = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return { status, headers, body: buffer };
}

/** Answers in order; the last answer repeats. */
export function scriptedTransport(clock: FakeClock, answers: Answer[] | ((call: Call, index: number) => Answer)): Transport & { calls: Call[] } {
	const calls: Call[] = [];
	const transport = async (request: HttpRequest, signal: AbortSignal, options?: TransportOptions): Promise<HttpResponse> => {
		const call = { at: clock.now(), request, signal, options };
		calls.push(call);
		const index = calls.length - 1;
		const answer = typeof answers === 'function' ? answers(call, index) : answers[Math.min(index, answers.length - 1)];
		if (answer.hang) {
			await new Promise<never>((_, reject) => {
				if (signal.aborted) reject(abortErrorFrom(signal));
				signal.addEventListener('abort', () => reject(abortErrorFrom(signal)), { once: true });
			});
		}
		if (answer.latencyMs) await clock.sleep(answer.latencyMs, signal);
		if (answer.error) throw answer.error;
		return response(answer.status ?? 200, answer.body ?? '', answer.headers ?? {});
	};
	return Object.assign(transport, { calls });
}
