/**
 * Runware's error codes, one class at a time, through n8n's engine and the built package against
 * the fake Runware: the message and hint a user sees, and how many requests reached the fake (a
 * class that may pass is sent again under the same taskUUID; a failed task is never started
 * again). The fake only answers with the codes; which class a code is in, and what follows from
 * it, is the adapter's (docs/providers/runware.md, "Errors").
 */
import type { FakeServer, FaultSpec } from '../fakes';
import { shutdownEngine } from '../harness/engine';
import { closeFakes, errorText, fake, runCase, submits, taskUuids, type Timed } from './faults.kit';

jest.setTimeout(60_000);

afterAll(async () => {
	await closeFakes();
	await shutdownEngine();
});

type Where = 'submit' | 'poll item' | 'poll';

interface Row {
	code: string;
	/** Where the code comes: the submit's answer, a getResponse item with status `error`, or getResponse's own `errors`. */
	where: Where;
	status: number;
	/** How many answers in a row carry it (default 1). */
	times?: number;
	parameter?: string;
	/** success: the run ends with the image; otherwise the user's error says all of these. */
	outcome: 'success' | RegExp[];
	/** imageInference requests that reached the fake (re-sends carry the same taskUUID). */
	submits: number;
	/** getResponse requests: exactly this many, or at least `min`. */
	reads?: number | { min: number };
}

const KEY = /Check the API key in the Runware API credential/;
const TOP_UP = /top it up at my\.runware\.ai/;
const BUSY = /lower Concurrency/;
const SAFETY = /A safety check refused the prompt or an image/;
const PROVIDER = /The model provider behind Runware failed on this task/;
const TIMEOUT = /timed out at Runware or its model provider/;
const NOT_FOUND = /Runware has no such task or file/;
const SERVER = /Runware had a temporary problem/;
const REQUEST_ID = /Request ID: [0-9a-f-]{36}/;

const ROWS: Row[] = [
	// ── on submit: classes that may pass are sent again (same taskUUID), the others once ──
	{ code: 'invalidApiKey', where: 'submit', status: 401, outcome: [KEY, /HTTP 401, invalidApiKey/], submits: 1 },
	{ code: 'insufficientCredits', where: 'submit', status: 402, outcome: [TOP_UP], submits: 1 },
	{ code: 'rateLimitExceeded', where: 'submit', status: 200, outcome: 'success', submits: 2 },
	{ code: 'rateLimitExceeded', where: 'submit', status: 429, times: 10, outcome: [BUSY, /rateLimitExceeded/], submits: 4 },
	{ code: 'sensitiveContentDetected', where: 'submit', status: 400, outcome: [SAFETY, /sensitiveContentDetected/], submits: 1 },
	{ code: 'unsafeContentDetected', where: 'submit', status: 200, outcome: [SAFETY], submits: 1 },
	{ code: 'inferenceError', where: 'submit', status: 400, outcome: 'success', submits: 2 },
	{ code: 'modelNotReady', where: 'submit', status: 400, outcome: 'success', submits: 2 },
	{ code: 'processingFailed', where: 'submit', status: 400, times: 10, outcome: [PROVIDER, REQUEST_ID], submits: 4 },
	{ code: 'timeoutProvider', where: 'submit', status: 400, outcome: 'success', submits: 2 },
	{ code: 'internalServerError', where: 'submit', status: 200, outcome: 'success', submits: 2 },
	{ code: 'seedImageExpired', where: 'submit', status: 400, outcome: [NOT_FOUND], submits: 1 },
	{
		code: 'invalidPositivePrompt',
		where: 'submit',
		status: 400,
		parameter: 'positivePrompt',
		outcome: [/Check the option “Prompt” \(Runware parameter `positivePrompt`\)/],
		submits: 1,
	},
	// A code nobody knows: its message and code are shown, and the HTTP status decides.
	{ code: 'somethingBrandNew', where: 'submit', status: 400, outcome: [/somethingBrandNew/, /refused the request as invalid/], submits: 1 },
	{ code: 'somethingBrandNew', where: 'submit', status: 503, outcome: 'success', submits: 2 },

	// ── while polling: a failed generation ends the job (never submitted again); a busy read is read again ──
	{ code: 'sensitiveContentDetected', where: 'poll item', status: 200, outcome: [SAFETY, REQUEST_ID], submits: 1, reads: 1 },
	{ code: 'unsafeContentDetected', where: 'poll', status: 200, outcome: [SAFETY], submits: 1, reads: 1 },
	{ code: 'inferenceError', where: 'poll item', status: 200, outcome: [PROVIDER, REQUEST_ID, /inferenceError/], submits: 1, reads: 1 },
	{ code: 'providerUnavailable', where: 'poll item', status: 200, outcome: [PROVIDER], submits: 1, reads: 1 },
	{ code: 'timeoutProvider', where: 'poll item', status: 200, outcome: [TIMEOUT], submits: 1, reads: 1 },
	{ code: 'taskCancelled', where: 'poll item', status: 200, outcome: [/The job was cancelled/], submits: 1, reads: 1 },
	{ code: 'somethingBrandNew', where: 'poll item', status: 200, outcome: [/somethingBrandNew/], submits: 1, reads: 1 },
	{ code: 'rateLimitExceeded', where: 'poll', status: 200, outcome: 'success', submits: 1, reads: { min: 2 } },
	{ code: 'internalServerError', where: 'poll', status: 200, times: 2, outcome: 'success', submits: 1, reads: { min: 3 } },
	{ code: 'taskFailedOrNotFound', where: 'poll', status: 400, outcome: [NOT_FOUND, REQUEST_ID], submits: 1, reads: 1 },
	{ code: 'invalidApiKey', where: 'poll', status: 401, outcome: [KEY], submits: 1, reads: 1 },
	{ code: 'insufficientCredits', where: 'poll', status: 402, outcome: [TOP_UP], submits: 1, reads: 1 },
];

function fault(row: Row): FaultSpec {
	const error = { code: row.code, message: `Runware says: ${row.code}`, ...(row.parameter ? { parameter: row.parameter } : {}) };
	const body =
		row.where === 'poll item'
			? { data: [{ taskType: 'imageInference', status: 'error', error }] }
			: { errors: [{ ...error, taskType: row.where === 'submit' ? 'imageInference' : 'getResponse' }] };
	return { on: row.where === 'submit' ? 'submit' : 'getResponse', kind: 'status', status: row.status, body, times: row.times ?? 1 };
}

const name = (row: Row) => `${row.code} (HTTP ${row.status}${row.times ? ` ×${row.times}` : ''}) on ${row.where}`;
const results = new Map<string, { f: FakeServer; run: Timed }>();

beforeAll(async () => {
	await Promise.all(
		ROWS.map(async (row) => {
			const f = await fake('runware');
			f.inject(fault(row));
			results.set(name(row), { f, run: await runCase(f, { provider: 'runware' }) });
		}),
	);
}, 120_000);

describe('Runware error classes: what the user reads, and what reached Runware', () => {
	test.each(ROWS.map((row) => [name(row), row] as const))('%s', (key, row) => {
		const { f, run } = results.get(key)!;
		expect(submits(f)).toHaveLength(row.submits);
		// Every re-send is the same task: never a second one.
		expect(new Set(taskUuids(f)).size).toBe(1);
		expect(f.jobs().length).toBeLessThanOrEqual(1);
		const reads = f.requests.filter((r) => r.kind === 'getResponse').length;
		if (typeof row.reads === 'number') expect(reads).toBe(row.reads);
		else if (row.reads) expect(reads).toBeGreaterThanOrEqual(row.reads.min);
		const message = errorText(run);
		if (row.outcome === 'success') {
			expect(message).toBe('');
			expect(run.output('Ideogram')).toHaveLength(1);
			expect(f.paidJobs()).toBe(1);
		} else {
			expect(run.output('Ideogram')).toHaveLength(0);
			expect(message).toMatch(/Runware/);
			// A cancelled task is an end, not an error: Runware's words are not repeated for it.
			if (row.code !== 'taskCancelled') expect(message).toContain(`Runware says: ${row.code}`);
			for (const pattern of row.outcome) expect(message).toMatch(pattern);
		}
	});
});
