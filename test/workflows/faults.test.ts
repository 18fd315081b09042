/**
 * "Wait/poll engine and fault tolerance: no hang, no lost result, no double charge".
 * Every fault the fake providers can inject, on every provider, run through n8n's own engine
 * (WorkflowExecute) with the built package; then timeouts, stopping an execution, a failing item
 * in a batch (with and without n8n's Retry On Fail), and finally a scan of everything the suite
 * produced for the API keys.
 *
 * Timings are real but short (jobs of ~100 ms, Retry-After of 1 s); the engine's timing logic
 * with a controllable clock is covered in test/unit/engine/.
 */
import type { FakeServer, FaultSpec, ProviderName } from '../fakes';
import { shutdownEngine } from '../harness/engine';
import {
	captureLogsForFile,
	closeFakes,
	DISPLAY,
	errorText,
	fake,
	KEYS,
	PROVIDERS,
	runCase,
	seen,
	serialize,
	submits,
	taskUuids,
	type Case,
	type Timed,
} from './faults.kit';

jest.setTimeout(60_000);

captureLogsForFile();
afterAll(async () => {
	await closeFakes();
	await shutdownEngine();
});

// ───────────────────────────── the fault matrix ─────────────────────────────

const QUEUED: readonly ProviderName[] = ['runComfy', 'runware', 'ideogram'];
const SYNC: readonly ProviderName[] = ['cometApi'];
/** The endpoint that reads a job's state: RunComfy status, Runware getResponse, Ideogram's generation. */
const STATUS_READ: Partial<Record<ProviderName, FaultSpec['on']>> = { runComfy: 'status', runware: 'getResponse', ideogram: 'status' };
/** What each provider answers for a result link that has expired. */
const EXPIRED_STATUS: Record<ProviderName, number> = { runComfy: 403, runware: 404, cometApi: 403, ideogram: 403 };

/** A successful run: `submits` submit requests reached the fake, `jobs` were created, `paid` billed. */
interface Success {
	outcome: 'success';
	submits: number;
	jobs?: number;
	paid?: number;
	/** The image was withheld by the safety check (billed, item without URL or binary). */
	withheld?: boolean;
}
/** A failed run: the error's message + description + context match every pattern. */
interface Failure {
	outcome: 'error';
	submits: number;
	paid: number;
	says: RegExp[];
}
type Expected = Success | Failure;

interface Row {
	name: string;
	/** The fault(s) to inject into the provider's fake (undefined: row does not apply). */
	faults: (p: ProviderName) => FaultSpec[] | undefined;
	expect: Partial<Record<ProviderName, Expected>>;
	/** Extra checks on what the fake saw. */
	check?: (p: ProviderName, f: FakeServer, r: Timed, injectedAt: number) => void;
	options?: Case['options'];
}

const ok = (submits = 1, more: Partial<Success> = {}): Success => ({ outcome: 'success', submits, ...more });
const fails = (submits: number, paid: number, ...says: RegExp[]): Failure => ({ outcome: 'error', submits, paid, says });
const all = (e: Expected) => Object.fromEntries(PROVIDERS.map((p) => [p, e])) as Record<ProviderName, Expected>;
const only = (ps: readonly ProviderName[], e: Expected) => Object.fromEntries(ps.map((p) => [p, e])) as Partial<Record<ProviderName, Expected>>;
const onSubmit = (spec: Omit<FaultSpec, 'on'>) => () => [{ on: 'submit' as const, ...spec }];
const onStatusRead = (spec: Omit<FaultSpec, 'on'>) => (p: ProviderName) => (STATUS_READ[p] ? [{ on: STATUS_READ[p]!, ...spec }] : undefined);
const onDownload = (spec: Omit<FaultSpec, 'on'>) => () => [{ on: 'download' as const, ...spec }];

/** The gap between the first two submit requests. */
const submitGap = (f: FakeServer) => {
	const [a, b] = submits(f);
	return b.at - a.at;
};

/** A permanent HTTP error on submit: one attempt, an error naming provider, status and what to do. */
const permanent = (status: number, advice: RegExp): Row => ({
	name: `HTTP ${status} on submit (permanent)`,
	faults: onSubmit({ kind: 'status', status }),
	expect: Object.fromEntries(
		PROVIDERS.map((p) => [p, fails(1, 0, new RegExp(DISPLAY[p]), new RegExp(`HTTP ${status}`), advice)]),
	) as Record<ProviderName, Expected>,
});

const MAY_HAVE_RUN = /may have run \(and been billed\)/;

/**
 * A connection reset on submit, `paid` jobs billed: the client cannot tell a reset before from one
 * after the provider accepted the job (the body was sent either way), so only Runware, whose
 * taskUUID makes a re-send harmless (a second one is answered conflictTaskUUID and polled),
 * retries; the others say the job may have run.
 */
const resetOnSubmit = (paid: number): Record<ProviderName, Expected> => ({
	runware: ok(2),
	runComfy: fails(1, paid, /RunComfy/, MAY_HAVE_RUN),
	cometApi: fails(1, paid, /CometAPI/, MAY_HAVE_RUN),
	ideogram: fails(1, paid, /Ideogram/, MAY_HAVE_RUN),
});

/** Each fault the fakes can inject × each provider, and what must come of it. */
const MATRIX: Row[] = [
	// ── transient: success, exactly one paid job ──
	{
		name: '429 on submit, no Retry-After (backoff)',
		faults: onSubmit({ kind: 'status', status: 429 }),
		expect: all(ok(2)),
		check: (_p, f) => expect(submitGap(f)).toBeGreaterThanOrEqual(450),
	},
	{
		name: '429 on submit, Retry-After: 1 (seconds)',
		faults: onSubmit({ kind: 'status', status: 429, retryAfter: '1' }),
		expect: all(ok(2)),
		check: (_p, f) => expect(submitGap(f)).toBeGreaterThanOrEqual(980),
	},
	{
		name: '429 on submit, Retry-After: HTTP-date',
		// An HTTP-date has whole seconds: 2 s ahead is 1–2 s after the answer.
		faults: () => [{ on: 'submit', kind: 'status', status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() }],
		expect: all(ok(2)),
		check: (_p, f, _r, injectedAt) => {
			const until = Math.floor((injectedAt + 2000) / 1000) * 1000;
			const [first, second] = submits(f);
			expect(second.at).toBeGreaterThanOrEqual(until - 20);
			expect(second.at - first.at).toBeGreaterThanOrEqual(until - first.at - 20);
		},
	},
	{ name: '500 on submit', faults: onSubmit({ kind: 'status', status: 500 }), expect: all(ok(2)) },
	{ name: '502 on submit', faults: onSubmit({ kind: 'status', status: 502 }), expect: all(ok(2)) },
	{ name: '503 on submit', faults: onSubmit({ kind: 'status', status: 503 }), expect: all(ok(2)) },
	{
		name: '429 on status read, Retry-After: 1 (polls are rate limited)',
		faults: onStatusRead({ kind: 'status', status: 429, retryAfter: '1' }),
		expect: only(QUEUED, ok(1)),
		check: (p, f) => {
			const [first, second] = f.requests.filter((r) => r.kind === STATUS_READ[p]);
			expect(second.at - first.at).toBeGreaterThanOrEqual(980);
		},
	},
	{ name: '500 on status read', faults: onStatusRead({ kind: 'status', status: 500 }), expect: only(QUEUED, ok(1)) },
	{ name: '502 on status read', faults: onStatusRead({ kind: 'status', status: 502 }), expect: only(QUEUED, ok(1)) },
	{
		name: '503 on status read, twice, Retry-After: 1',
		faults: onStatusRead({ kind: 'status', status: 503, retryAfter: '1', times: 2 }),
		expect: only(QUEUED, ok(1)),
	},
	{
		name: '503 on the RunComfy result read',
		faults: (p) => (p === 'runComfy' ? [{ on: 'result', kind: 'status', status: 503 }] : undefined),
		expect: { runComfy: ok(1) },
	},
	{ name: 'connection reset on status read', faults: onStatusRead({ kind: 'resetBeforeAccept' }), expect: only(QUEUED, ok(1)) },
	{
		name: 'connection reset before accept, on submit',
		faults: onSubmit({ kind: 'resetBeforeAccept' }),
		expect: resetOnSubmit(0),
	},
	{
		name: 'slow submit answer (1.5 s), within the timeout',
		faults: onSubmit({ kind: 'slow', delayMs: 1500 }),
		expect: all(ok(1)),
		check: (_p, _f, r) => expect(r.ms).toBeGreaterThanOrEqual(1500),
	},
	{ name: 'slow status read (1.5 s)', faults: onStatusRead({ kind: 'slow', delayMs: 1500 }), expect: only(QUEUED, ok(1)) },
	{ name: 'slow download (1.5 s)', faults: onDownload({ kind: 'slow', delayMs: 1500 }), expect: all(ok(1)) },
	{ name: 'malformed JSON on status read', faults: onStatusRead({ kind: 'malformed' }), expect: only(QUEUED, ok(1)) },
	{ name: 'truncated image on download', faults: onDownload({ kind: 'malformed' }), expect: all(ok(1)) },
	{ name: '503 on download', faults: onDownload({ kind: 'status', status: 503 }), expect: all(ok(1)) },
	{ name: 'connection reset on download', faults: onDownload({ kind: 'resetBeforeAccept' }), expect: all(ok(1)) },
	{
		name: 'expired result link on download',
		faults: (p) => [{ on: 'download', kind: 'status', status: EXPIRED_STATUS[p] }],
		// Queued providers keep the job: its result is read again for a fresh link. The synchronous
		// ones cannot give a link again: a clear error with the billed image's URL.
		expect: {
			...only(QUEUED, ok(1)),
			...only(SYNC, fails(1, 1, /could not be downloaded/, /expired/, /completed and was billed/, /Its image URL: http/)),
		},
	},

	// ── ambiguous: the provider may have accepted the job ──
	{
		name: 'connection reset after accept, on submit (ambiguous)',
		faults: onSubmit({ kind: 'resetAfterAccept' }),
		expect: resetOnSubmit(1),
		check: (p, f) => {
			if (p !== 'runware') return;
			const [first, second] = taskUuids(f);
			expect(second).toBe(first);
			expect(f.jobs().map((j) => j.id)).toEqual([first]);
		},
	},
	{ name: 'connection reset after accept, on status read', faults: onStatusRead({ kind: 'resetAfterAccept' }), expect: only(QUEUED, ok(1)) },

	// ── permanent: a clear error after exactly one attempt ──
	permanent(400, /check|refused|parameter|schema/i),
	permanent(401, /Check the API key in the .* credential/),
	permanent(402, /top it up|balance/i),
	permanent(403, /Check the API key in the .* credential/),
	{
		...permanent(422, /safety/i),
		name: 'HTTP 422 safety refusal on submit (permanent)',
		faults: onSubmit({ kind: 'status', status: 422, body: undefined }),
	},
	{
		name: 'job failed',
		faults: () => [{ on: 'any', kind: 'jobFailed' }],
		expect: {
			runComfy: fails(1, 0, /RunComfy/, /Inference failed/, /error|failed/i),
			runware: fails(1, 0, /Runware/, /inferenceError|failed/),
			// CometAPI reports a failed generation as HTTP 500 "please try again": a failed job is not
			// billed and the answer says no job exists, so the submit is retried once.
			cometApi: ok(2, { jobs: 2 }),
			// Ideogram's generation ends `failed` with its failure_reason, named with the generation id.
			ideogram: fails(1, 0, /Ideogram/, /generation_error/, /Request ID: /),
		},
	},
	{
		name: 'image flagged by the safety check',
		faults: () => [{ on: 'any', kind: 'unsafe' }],
		expect: {
			// RunComfy has no "withheld image" form: its safety hit fails the job (not billed).
			runComfy: fails(1, 0, /RunComfy/, /safety check/),
			runware: ok(1, { withheld: true }),
			cometApi: ok(1, { withheld: true }),
			ideogram: ok(1, { withheld: true }),
		},
	},
	{
		name: 'HTTP 200 carrying an error, on submit',
		faults: onSubmit({ kind: 'http200Error' }),
		expect: {
			runComfy: fails(1, 0, /RunComfy/, /Internal server error, please retry later/, /HTTP 200/),
			// Runware's code says the error may pass, and its taskUUID makes a re-send harmless.
			runware: ok(2),
			cometApi: fails(1, 0, /CometAPI/, /upstream provider returned an error/),
			ideogram: fails(1, 0, /Ideogram/, /Internal error/, /HTTP 500/),
		},
	},
];

interface MatrixResult {
	fake: FakeServer;
	run: Timed;
	injectedAt: number;
}
const results = new Map<string, MatrixResult>();
const cases = MATRIX.flatMap((row) => PROVIDERS.filter((p) => row.expect[p]).map((p) => ({ row, p })));

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
	const out: T[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, tasks.length) }, async () => {
			while (next < tasks.length) {
				const i = next++;
				out[i] = await tasks[i]();
			}
		}),
	);
	return out;
}

describe('fault matrix: each injectable fault × each provider, through n8n', () => {
	beforeAll(async () => {
		await pool(
			cases.map(({ row, p }) => async () => {
				const f = await fake(p);
				const injectedAt = Date.now();
				for (const fault of row.faults(p) ?? []) f.inject(fault);
				const run = await runCase(f, { provider: p, options: row.options });
				results.set(`${row.name}|${p}`, { fake: f, run, injectedAt });
			}),
			12,
		);
	}, 120_000);

	test('every row names an outcome for the providers it applies to', () => {
		for (const row of MATRIX)
			for (const p of PROVIDERS) expect({ row: row.name, p, applies: !!row.faults(p) }).toEqual({ row: row.name, p, applies: !!row.expect[p] });
	});

	test.each(cases.map(({ row, p }) => [row.name, p, row] as const))('%s — %s', (name, p, row) => {
		const { fake: f, run, injectedAt } = results.get(`${name}|${p}`)!;
		const expected = row.expect[p]!;
		const message = errorText(run);
		expect(submits(f)).toHaveLength(expected.submits);
		if (expected.outcome === 'success') {
			expect(message).toBe('');
			const items = run.output('Ideogram');
			expect(items).toHaveLength(1);
			expect(f.jobs()).toHaveLength(expected.jobs ?? 1);
			expect(f.paidJobs()).toBe(expected.paid ?? 1);
			if (expected.withheld) {
				expect(items[0].json).toMatchObject({ status: 'completed', isImageSafe: false });
				expect(items[0].json.imageUrl).toBeUndefined();
				expect(items[0].binary).toBeUndefined();
			} else {
				expect(items[0].json).toMatchObject({ provider: p, status: 'completed' });
				expect(items[0].binary?.data?.mimeType).toMatch(/^image\//);
			}
		} else {
			expect(run.output('Ideogram')).toHaveLength(0);
			for (const pattern of expected.says) expect(message).toMatch(pattern);
			expect(f.paidJobs()).toBe(expected.paid);
		}
		row.check?.(p, f, run, injectedAt);
	});
});

// ───────────────────────────── timeouts and stopping ─────────────────────────────

const TIMEOUT_S = 3;
const STOP_AFTER_MS = 1500;
/** After a run ended: long enough for a forgotten poll loop or retry to show up at the fake. */
const QUIET_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('no run outlives its timeout or a stop', () => {
	const timeouts = new Map<ProviderName, { f: FakeServer; r: Timed }>();
	const stops = new Map<ProviderName, { f: FakeServer; r: Timed }>();

	beforeAll(async () => {
		await Promise.all(
			PROVIDERS.flatMap((p) => [
				(async () => {
					const f = await fake(p, { jobDurationMs: 600_000 });
					timeouts.set(p, { f, r: await runCase(f, { provider: p, options: { timeout: TIMEOUT_S } }) });
				})(),
				(async () => {
					// RunComfy: the job stays queued, so stopping must cancel it.
					const f = await fake(p, { jobDurationMs: 600_000, ...(p === 'runComfy' ? { queueMs: 600_000 } : {}) });
					stops.set(p, { f, r: await runCase(f, { provider: p, cancelAfterMs: STOP_AFTER_MS }) });
				})(),
			]),
		);
		await sleep(QUIET_MS);
	}, 30_000);

	test.each(PROVIDERS)(`%s: a job that never finishes ends at options.timeout (${TIMEOUT_S} s), within a second`, (p) => {
		const { f, r } = timeouts.get(p)!;
		expect(r.ms).toBeLessThan(TIMEOUT_S * 1000 + 1000);
		expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
		const text = errorText(r);
		expect(text).toMatch(new RegExp(DISPLAY[p]));
		if (QUEUED.includes(p)) {
			expect(text).toMatch(/did not finish within the timeout/);
			// The job can still be collected later.
			expect(text).toContain(`Request ID: ${f.jobs()[0].id}`);
			expect(text).toMatch(/Ideogram Poll Result/);
		} else {
			expect(text).toMatch(/No answer from the provider within the time limit/);
			expect(text).toMatch(/raise Timeout/);
			expect(text).toMatch(MAY_HAVE_RUN);
		}
		expect(submits(f)).toHaveLength(1);
		for (const req of f.requests) expect(req.at).toBeLessThanOrEqual(r.startedAt + TIMEOUT_S * 1000 + 1000);
	});

	test.each(PROVIDERS)('%s: stopping the execution stops every request within a second', (p) => {
		const { f, r } = stops.get(p)!;
		const stopAt = r.startedAt + STOP_AFTER_MS;
		expect(r.endedAt - stopAt).toBeLessThan(1000);
		expect(r.output('Ideogram')).toHaveLength(0);
		expect(submits(f)).toHaveLength(1);
		// Nothing reached the fake more than a second after the stop (it was watched QUIET_MS longer).
		for (const req of f.requests) expect({ path: req.path, late: req.at - stopAt > 1000 }).toEqual({ path: req.path, late: false });
		if (p === 'runComfy') {
			const cancel = f.requests.filter((req) => req.kind === 'cancel');
			expect(cancel).toHaveLength(1);
			expect(cancel[0].method).toBe('POST');
			expect(cancel[0].path).toBe(`/v1/requests/${f.jobs()[0].id}/cancel`);
			expect(cancel[0].at).toBeGreaterThanOrEqual(stopAt);
			expect(f.jobs().map((j) => j.status)).toEqual(['cancelled']);
			expect(f.paidJobs()).toBe(0);
		}
	});
});

// ───────────────────────────── a failing item in a batch ─────────────────────────────

/**
 * Five items, four at a time, the last one refused with HTTP 400 (the fault is armed once the first
 * four submits arrived, so it always hits item 4, while items 1–3 are still running).
 */
async function batchWithFailingLastItem(p: ProviderName, settings: Case['settings'], failures: number) {
	const durations = [100, 900, 900, 900];
	let n = 0;
	const f = await fake(p, { jobDurationMs: () => durations[n++] ?? 100 });
	const arm = setInterval(() => {
		if (submits(f).length >= 4) {
			clearInterval(arm);
			f.inject({ on: 'submit', kind: 'status', status: 400, times: failures });
		}
	}, 2);
	try {
		const r = await runCase(f, { provider: p, items: 5, options: { concurrency: 4 }, settings });
		return { f, r };
	} finally {
		clearInterval(arm);
	}
}

type FinishedItems = Array<{ itemIndex: number; results: Array<{ requestId: string; imageUrl: string }> }>;
const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };

describe('a batch of 5 with one permanent failure, without Continue On Fail', () => {
	const batches = new Map<string, { f: FakeServer; r: Timed }>();
	const VARIANTS = {
		once: [{}, 1],
		retryFailsAgain: [RETRY, 2],
		retryPasses: [RETRY, 1],
	} as const;

	beforeAll(async () => {
		await Promise.all(
			PROVIDERS.flatMap((p) =>
				Object.entries(VARIANTS).map(async ([name, [settings, failures]]) =>
					batches.set(`${name}|${p}`, await batchWithFailingLastItem(p, settings, failures)),
				),
			),
		);
	}, 30_000);

	test.each(PROVIDERS)('%s: the 4 paid results are in the error', (p) => {
		const { f, r } = batches.get(`once|${p}`)!;
		const error = r.error('Ideogram')!;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/\[item 4\]/);
		expect(error.message).toMatch(/HTTP 400/);
		expect(f.paidJobs()).toBe(4);
		expect(submits(f)).toHaveLength(5);
		const finished = (error.context as { finishedItems: FinishedItems }).finishedItems;
		expect(finished.map((i) => i.itemIndex)).toEqual([0, 1, 2, 3]);
		const urls = f.jobs().flatMap((j) => j.images);
		expect(urls).toHaveLength(4);
		for (const url of urls) expect(error.description).toContain(url);
		for (const item of finished) {
			expect(error.description).toContain(`request ${item.results[0].requestId}`);
			expect(urls).toContain(item.results[0].imageUrl);
		}
		// Queued providers: the request ids are the provider's own job ids.
		if (QUEUED.includes(p)) for (const job of f.jobs()) expect(error.description).toContain(job.id);
		expect(error.description).toMatch(/completed and were billed/);
	});

	test.each(PROVIDERS)('%s: with Retry On Fail (2 tries) the 4 paid items are not submitted again', (p) => {
		// The failing item fails on both tries.
		const { f, r } = batches.get(`retryFailsAgain|${p}`)!;
		const error = r.error('Ideogram')!;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/\[item 4\]/);
		expect(f.paidJobs()).toBe(4);
		expect(submits(f)).toHaveLength(4 + 2);
		// The second try's error still lists the results paid in the first.
		expect((error.context as { finishedItems: FinishedItems }).finishedItems.map((i) => i.itemIndex)).toEqual([0, 1, 2, 3]);
		for (const url of f.jobs().flatMap((j) => j.images)) expect(error.description).toContain(url);
	});

	test.each(PROVIDERS)('%s: with Retry On Fail, a failure that passes on the 2nd try gives all 5 results, 5 paid', (p) => {
		const { f, r } = batches.get(`retryPasses|${p}`)!;
		expect(r.error('Ideogram')).toBeUndefined();
		const items = r.output('Ideogram');
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(f.paidJobs()).toBe(5);
		expect(submits(f)).toHaveLength(4 + 1 + 1);
		// The 4 answered from the first try keep n8n's binary data references: nothing is downloaded again.
		expect(f.requests.filter((req) => req.kind === 'download')).toHaveLength(5);
		for (const item of items) expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
	});
});

// ───────────────────────────── no API key anywhere ─────────────────────────────

/** A 401 body that quotes the key back, in each provider's error shape. */
function echoingBody(p: ProviderName): unknown {
	const key = KEYS[p];
	switch (p) {
		case 'runComfy':
			return { error_code: 401, error_message: `Invalid API token ${key}`, detail: { authorization: `Bearer ${key}` } };
		case 'runware':
			return { errors: [{ code: 'invalidApiKey', message: `Invalid API key ${key}`, parameter: 'apiKey', apiKey: key }] };
		case 'cometApi':
			return { error: { code: 'invalid_api_key', message: `Invalid token: ${key} (request id: 1)`, type: 'comet_api_error', param: '' } };
		case 'ideogram':
			return { type: 'about:blank', title: 'Unauthorized', status: 401, detail: `Api-Key ${key} is not valid` };
	}
}

describe('no API key in any output item, error or log line', () => {
	test.each(PROVIDERS)('%s: a 401 that quotes the key back, with and without Continue On Fail', async (p) => {
		for (const onError of ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const) {
			const f = await fake(p);
			f.inject({ on: 'submit', kind: 'status', status: 401, body: echoingBody(p) });
			const r = await runCase(f, { provider: p, settings: { onError } });
			expect(submits(f)).toHaveLength(1);
			if (onError === 'stopWorkflow') expect(errorText(r)).toMatch(/HTTP 401/);
			else {
				const items = r.output('Ideogram', onError === 'continueErrorOutput' ? 1 : 0);
				expect(items).toHaveLength(1);
				expect(items[0].json.error).toMatch(/\[REDACTED\]/);
				expect(items[0].json.details).toMatchObject({ provider: p, httpCode: 401 });
			}
			expect(errorText(r) + serialize(r.run)).not.toContain(KEYS[p]);
		}
	});

	test.each(PROVIDERS)('%s: a wrong key, a key echoed by a status read, a dropped connection', async (p) => {
		const wrong = await fake(p, { apiKey: 'the-right-key-is-another-one' });
		const r1 = await runCase(wrong, { provider: p });
		expect(errorText(r1)).toMatch(/HTTP 401/);
		const f = await fake(p);
		if (STATUS_READ[p]) f.inject({ on: STATUS_READ[p]!, kind: 'status', status: 401, body: echoingBody(p) });
		else f.inject({ on: 'submit', kind: 'resetAfterAccept' });
		const r2 = await runCase(f, { provider: p, settings: { onError: 'continueRegularOutput' } });
		expect(r2.output('Ideogram')[0].json.error).toBeDefined();
	});

	test('the whole suite: run data, errors, n8n logs and console output hold no key', () => {
		expect(seen.runs.length).toBeGreaterThan(cases.length);
		const everything = [...seen.runs.map(serialize), ...seen.logs].join('\n');
		expect(everything.length).toBeGreaterThan(10_000);
		for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
		expect(everything).not.toContain('sk-live-SECRET');
		// The keys were in play (the fakes received them) and n8n's logs were captured, debug level included.
		const anyRun = results.values().next().value!;
		expect(serialize(anyRun.fake.requests[0].headers)).toContain(KEYS[anyRun.fake.provider]);
		expect(seen.logs.some((l) => l.includes('Running node "Ideogram" finished with error'))).toBe(true);
		expect(seen.logs.some((l) => l.startsWith('[n8n error]'))).toBe(true);
		expect(seen.logs.some((l) => l.startsWith('[n8n info] Ideogram job submitted: '))).toBe(true);
	});
});
