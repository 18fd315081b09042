import {
	createHttpClient,
	isAbortError,
	type HttpRequest,
	TransportError,
	type RequestKind,
} from '../../../nodes/shared/engine';
import { FakeClock } from './fakeClock';
import { scriptedTransport, type Answer } from './fakeTransport';

/** What the client reports of each retry it makes. */
type RetryInfo = Parameters<NonNullable<Parameters<typeof createHttpClient>[1]['onRetry']>>[0];

const URL = 'https://api.example.test/v1/jobs';
const POST = { method: 'POST' as const, url: URL, body: { prompt: 'x' } };

function setup(answers: Answer[] | ((call: { at: number }, i: number) => Answer), opts: { deadlineMs?: number; maxAttempts?: number } = {}) {
	const clock = new FakeClock(undefined, () => 0.5);
	const transport = scriptedTransport(clock, answers);
	const controller = new AbortController();
	const retries: RetryInfo[] = [];
	const client = createHttpClient(transport, {
		clock,
		signal: controller.signal,
		deadline: opts.deadlineMs === undefined ? undefined : clock.now() + opts.deadlineMs,
		maxAttempts: opts.maxAttempts ?? 4,
		onRetry: (info) => retries.push(info),
	});
	return { clock, transport, controller, client, retries, t0: clock.now() };
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
	try {
		return await p;
	} catch (error) {
		return error;
	}
}

describe('createHttpClient: which answers are retried, per request kind', () => {
	// status → [read, submit, submitIdempotent]: true = retried
	const table: Array<[number, boolean, boolean, boolean]> = [
		[200, false, false, false],
		[400, false, false, false],
		[401, false, false, false],
		[402, false, false, false],
		[403, false, false, false],
		[404, false, false, false],
		[413, false, false, false],
		[422, false, false, false],
		[408, true, true, true],
		[429, true, true, true],
		[500, true, true, true],
		[502, true, true, true],
		[503, true, true, true],
		[501, true, false, true],
		[599, true, false, true],
	];
	const kinds: RequestKind[] = ['read', 'submit', 'submitIdempotent'];
	for (const [status, ...expected] of table) {
		kinds.forEach((kind, k) => {
			it(`HTTP ${status} on ${kind}: ${expected[k] ? 'retried' : 'returned'}`, async () => {
				const { clock, transport, client } = setup([{ status }, { status: 200, body: 'ok' }]);
				const res = await clock.run(client.send(POST, kind));
				expect(transport.calls).toHaveLength(expected[k] ? 2 : 1);
				expect(res.status).toBe(expected[k] ? 200 : status);
			});
		});
	}

	it.each(['read', 'submitIdempotent'] as const)('a 504 on %s is retried', async (kind) => {
		const { clock, transport, client } = setup([{ status: 504 }, { status: 200 }]);
		expect((await clock.run(client.send(POST, kind))).status).toBe(200);
		expect(transport.calls).toHaveLength(2);
	});

	it('a 504 on submit is not retried: TransportError with mayHaveRun', async () => {
		const { clock, transport, client } = setup([{ status: 504 }, { status: 200 }]);
		const error = await outcome(clock.run(client.send(POST, 'submit')));
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ code: 'HTTP_504', mayHaveRun: true, httpStatus: 504 });
		expect(transport.calls).toHaveLength(1);
	});

	it('retryableResponse overrides the status rules', async () => {
		const clock = new FakeClock(undefined, () => 0.5);
		const transport = scriptedTransport(clock, [{ status: 500, body: { error: { code: 'invalid_request' } } }, { status: 200 }]);
		const client = createHttpClient(transport, {
			clock,
			signal: new AbortController().signal,
			retryableResponse: (res) => (res.body.toString().includes('invalid_request') ? false : undefined),
		});
		expect((await clock.run(client.send(POST, 'read'))).status).toBe(500);
		expect(transport.calls).toHaveLength(1);
	});
});

describe("createHttpClient: a request's own reading of its answers", () => {
	const coded = (code: string) => (res: { body: Buffer }) => (res.body.toString().includes(code) ? ('retry' as const) : undefined);

	it('an error code in a 200 body is sent again when the request says so, with the usual backoff', async () => {
		const { clock, transport, client, retries } = setup([{ status: 200, body: { errors: [{ code: 'busy' }] } }, { status: 200 }]);
		const response = await clock.run(client.send({ ...POST, retryRule: coded('busy') }, 'submitIdempotent'));
		expect(response.status).toBe(200);
		expect(transport.calls).toHaveLength(2);
		expect(retries).toEqual([expect.objectContaining({ attempt: 1, status: 200 })]);
	});

	it('stop keeps a retryable status from being sent again; undefined leaves the status rules', async () => {
		const refused = setup([{ status: 503 }, { status: 200 }]);
		expect((await refused.clock.run(refused.client.send({ ...POST, retryRule: () => 'stop' }, 'read'))).status).toBe(503);
		expect(refused.transport.calls).toHaveLength(1);
		const plain = setup([{ status: 503 }, { status: 200 }]);
		expect((await plain.clock.run(plain.client.send({ ...POST, retryRule: () => undefined }, 'read'))).status).toBe(200);
		expect(plain.transport.calls).toHaveLength(2);
	});
});

describe('createHttpClient: network errors, per request kind', () => {
	const notSent = new TransportError('connect ECONNREFUSED', 'ECONNREFUSED', false);
	const maybeSent = new TransportError('socket hang up', 'ECONNRESET', true);
	// error → [read, submit, submitIdempotent]
	const table: Array<[TransportError, boolean, boolean, boolean]> = [
		[notSent, true, true, true],
		[maybeSent, true, false, true],
	];
	const kinds: RequestKind[] = ['read', 'submit', 'submitIdempotent'];
	for (const [error, ...expected] of table) {
		kinds.forEach((kind, k) => {
			it(`${error.code} (sent: ${error.mayHaveRun}) on ${kind}: ${expected[k] ? 'retried' : 'thrown'}`, async () => {
				const { clock, transport, client } = setup([{ error }, { status: 200 }]);
				const result = await outcome(clock.run(client.send(POST, kind)));
				expect(transport.calls).toHaveLength(expected[k] ? 2 : 1);
				if (expected[k]) expect(result).toMatchObject({ status: 200 });
				else expect(result).toMatchObject({ name: 'TransportError', code: error.code, mayHaveRun: true });
			});
		});
	}

	it('a submit whose connection never opened is retried, and its final error says it did not run', async () => {
		const { clock, transport, client } = setup([{ error: notSent }], { maxAttempts: 3 });
		const error = await outcome(clock.run(client.send(POST, 'submit')));
		expect(transport.calls).toHaveLength(3);
		expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveRun: false });
	});

	it('submitIdempotent: after a possibly-sent attempt the final error keeps mayHaveRun', async () => {
		const { clock, client } = setup([{ error: maybeSent }, { error: notSent }], { maxAttempts: 2 });
		const error = await outcome(clock.run(client.send(POST, 'submitIdempotent')));
		expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveRun: true });
	});

	it('an error that is not a TransportError (e.g. a missing credential) propagates untouched', async () => {
		const odd = new Error('Node does not have credentials');
		const { clock, transport, client } = setup([{ error: odd }]);
		expect(await outcome(clock.run(client.send(POST, 'read')))).toBe(odd);
		expect(transport.calls).toHaveLength(1);
	});

	it('a certificate error is not retried', async () => {
		const { clock, transport, client } = setup([{ error: new TransportError('bad cert', 'CERT_HAS_EXPIRED', false) }]);
		await outcome(clock.run(client.send(POST, 'read')));
		expect(transport.calls).toHaveLength(1);
	});
});

describe('createHttpClient: backoff, attempts, Retry-After', () => {
	it('stops after maxAttempts and returns the last answer', async () => {
		const { clock, transport, client, retries } = setup([{ status: 503, body: 'busy' }], { maxAttempts: 3 });
		const res = await clock.run(client.send(POST, 'read'));
		expect(res.status).toBe(503);
		expect(res.body.toString()).toBe('busy');
		expect(transport.calls).toHaveLength(3);
		expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
	});

	it('backs off exponentially (random 0.5 → 75% of base·2^n)', async () => {
		const { clock, transport, client, t0 } = setup([{ status: 500 }], { maxAttempts: 4 });
		await clock.run(client.send(POST, 'read'));
		expect(transport.calls.map((c) => c.at - t0)).toEqual([0, 750, 750 + 1500, 750 + 1500 + 3000]);
	});

	it('honours Retry-After in seconds', async () => {
		const { clock, transport, client, t0, retries } = setup([{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
		await clock.run(client.send(POST, 'submit'));
		expect(transport.calls[1].at - t0).toBe(7000);
		expect(retries[0]).toMatchObject({ status: 429, delayMs: 7000, retryAfter: true });
	});

	it('honours Retry-After as an HTTP date', async () => {
		const clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0), () => 0.5);
		const transport = scriptedTransport(clock, [{ status: 503, headers: { 'retry-after': 'Wed, 01 Jan 2025 12:00:12 GMT' } }, { status: 200 }]);
		const client = createHttpClient(transport, { clock, signal: new AbortController().signal });
		await clock.run(client.send(POST, 'read'));
		expect(transport.calls[1].at - transport.calls[0].at).toBe(12_000);
	});

	it.each([
		[{ 'retry-after': '3' }, 3000, true],
		[{ 'retry-after': '1.5' }, 1500, true],
		[{ 'retry-after': 'Wed, 01 Jan 2025 12:00:05 GMT' }, 5000, true],
		[{ 'retry-after': 'Wed, 01 Jan 2025 11:00:00 GMT' }, 0, true],
		[{ 'retry-after-ms': '250' }, 250, true],
		// Junk and no header: the usual backoff (750 ms for the first retry here).
		[{ 'retry-after': 'soon' }, 750, false],
		[{}, 750, false],
	])('reads Retry-After seconds, fractions, dates and retry-after-ms; ignores junk (%j)', async (headers: Record<string, string>, delayMs, retryAfter) => {
		const clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0), () => 0.5);
		const transport = scriptedTransport(clock, [{ status: 503, headers }, { status: 200 }]);
		const retries: RetryInfo[] = [];
		const client = createHttpClient(transport, { clock, signal: new AbortController().signal, onRetry: (info) => retries.push(info) });
		await clock.run(client.send(POST, 'read'));
		expect(retries).toMatchObject([{ delayMs, retryAfter }]);
		expect(transport.calls[1].at - transport.calls[0].at).toBe(delayMs);
	});

	it('a Retry-After beyond the deadline: no wait, the answer is returned at once', async () => {
		const { clock, transport, client, t0 } = setup([{ status: 429, headers: { 'retry-after': '30' } }, { status: 200 }], { deadlineMs: 10_000 });
		const res = await clock.run(client.send(POST, 'read'));
		expect(res.status).toBe(429);
		expect(transport.calls).toHaveLength(1);
		expect(clock.now() - t0).toBe(0);
	});

	it('a very long Retry-After (over maxRetryAfterMs) is not waited for', async () => {
		const { clock, transport, client } = setup([{ status: 503, headers: { 'retry-after': '3600' } }, { status: 200 }]);
		expect((await clock.run(client.send(POST, 'read'))).status).toBe(503);
		expect(transport.calls).toHaveLength(1);
	});
});

describe("createHttpClient: a request's retry rule", () => {
	const waitOn429: HttpRequest['retryRule'] = (res) => (res.status === 429 ? 'wait' : res.status === 402 ? 'wait' : undefined);

	it('wait: retried past maxAttempts until the deadline, Retry-After honoured, then the last answer', async () => {
		const { clock, transport, client, t0 } = setup([{ status: 429, headers: { 'retry-after': '2' } }], { deadlineMs: 9_000, maxAttempts: 4 });
		const res = await clock.run(client.send({ ...POST, retryRule: waitOn429 }, 'submit'));
		expect(res.status).toBe(429);
		// Every 2 s while the 9 s last: 5 attempts, one more than maxAttempts; the next would start at the deadline.
		expect(transport.calls.map((c) => c.at - t0)).toEqual([0, 2000, 4000, 6000, 8000]);
	});

	it('wait: a status the kind never retries (a 402 on a submit) is sent again, and the answer that clears is returned', async () => {
		const { clock, transport, client } = setup([{ status: 402 }, { status: 402 }, { status: 200 }], { deadlineMs: 60_000 });
		expect((await clock.run(client.send({ ...POST, retryRule: waitOn429 }, 'submit'))).status).toBe(200);
		expect(transport.calls).toHaveLength(3);
	});

	it('wait without a deadline: bounded by maxAttempts as usual', async () => {
		const { clock, transport, client } = setup([{ status: 429 }], { maxAttempts: 3 });
		expect((await clock.run(client.send({ ...POST, retryRule: waitOn429 }, 'submit'))).status).toBe(429);
		expect(transport.calls).toHaveLength(3);
	});

	it('stop: a status the kind would retry is returned at once', async () => {
		const { clock, transport, client } = setup([{ status: 429 }, { status: 200 }], { deadlineMs: 60_000 });
		expect((await clock.run(client.send({ ...POST, retryRule: () => 'stop' }, 'read'))).status).toBe(429);
		expect(transport.calls).toHaveLength(1);
	});
});

describe('createHttpClient: deadline and per-attempt timeout', () => {
	it('lowers each attempt’s timeout to what is left of the deadline', async () => {
		const { clock, transport, client } = setup([{ status: 500, latencyMs: 2_000 }, { status: 200 }], { deadlineMs: 10_000 });
		await clock.run(client.send({ ...POST, timeoutMs: 60_000 }, 'read'));
		expect(transport.calls[0].request.timeoutMs).toBe(10_000);
		// 2 s answer + 0.75 s backoff: 7.25 s left.
		expect(transport.calls[1].request.timeoutMs).toBe(7_250);
	});

	it('an attempt that outlives its timeout becomes ETIMEDOUT (mayHaveRun), even when the transport ignores the signal', async () => {
		const clock = new FakeClock(undefined, () => 0.5);
		const transport = Object.assign(async () => await new Promise<never>(() => undefined), { calls: [] });
		const client = createHttpClient(transport, { clock, signal: new AbortController().signal, deadline: clock.now() + 5_000 });
		const t0 = clock.now();
		const error = await outcome(clock.run(client.send({ ...POST, timeoutMs: 3_000 }, 'submit')));
		expect(error).toMatchObject({ name: 'TransportError', code: 'ETIMEDOUT', mayHaveRun: true });
		expect(clock.now() - t0).toBe(3_000);
	});

	it('never runs past the deadline: hanging attempts are cut off and no retry starts after it', async () => {
		const { clock, transport, client, t0 } = setup([{ hang: true }], { deadlineMs: 8_000, maxAttempts: 10 });
		const error = await outcome(clock.run(client.send({ ...POST, timeoutMs: 3_000 }, 'read')));
		expect(error).toMatchObject({ code: 'ETIMEDOUT' });
		expect(clock.now() - t0).toBeLessThanOrEqual(8_000);
		for (const call of transport.calls) expect(call.at - t0 + (call.request.timeoutMs ?? 0)).toBeLessThanOrEqual(8_000);
	});

	it('a request asked for after the deadline is not sent', async () => {
		const { clock, transport, client } = setup([{ status: 200 }], { deadlineMs: 0 });
		const error = await outcome(clock.run(client.send(POST, 'submit')));
		expect(error).toMatchObject({ code: 'ETIMEDOUT', mayHaveRun: false });
		expect(transport.calls).toHaveLength(0);
	});
});

describe('createHttpClient: abort', () => {
	it('a stop during the backoff rejects at once with an AbortError', async () => {
		const { clock, transport, client, controller, t0 } = setup([{ status: 503 }, { status: 200 }]);
		const pending = outcome(client.send(POST, 'read'));
		await clock.advance(100); // first answer came, backoff (750 ms) running
		expect(transport.calls).toHaveLength(1);
		controller.abort();
		const error = await pending;
		expect(isAbortError(error)).toBe(true);
		expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted because the execution was stopped' });
		expect(clock.now() - t0).toBe(100);
		expect(clock.pending).toBe(0);
		expect(transport.calls).toHaveLength(1);
	});

	it('a stop during a request rejects at once, even when the transport ignores the signal', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		let signalSeen: AbortSignal | undefined;
		const transport = async (_req: unknown, signal: AbortSignal) => {
			signalSeen = signal;
			return await new Promise<never>(() => undefined);
		};
		const client = createHttpClient(transport, { clock, signal: controller.signal });
		const pending = outcome(client.send(POST, 'read'));
		await clock.advance(50);
		controller.abort();
		expect(isAbortError(await pending)).toBe(true);
		expect(signalSeen?.aborted).toBe(true);
	});

	it('an already aborted signal sends nothing', async () => {
		const { clock, transport, client, controller } = setup([{ status: 200 }]);
		controller.abort();
		expect(isAbortError(await outcome(clock.run(client.send(POST, 'read'))))).toBe(true);
		expect(transport.calls).toHaveLength(0);
	});
});
