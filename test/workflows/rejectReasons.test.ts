/**
 * Why Ideogram refused a request (`reject_reason` on a 402 or 429), through n8n's engine with the
 * built package, on Ideogram's v2 fake and on CometAPI's fake (which relays Ideogram's bodies or
 * wraps the reason in its own envelope): the message and hint per reason, how many requests
 * reached the fake, `inflight_limit` waited out (Retry-After honoured, bounded by the Timeout),
 * and CometAPI answering with a relay's task envelope instead of images.
 */
import type { IDataObject } from 'n8n-workflow';

import { imageItem, makeImage, makeMask } from '../harness/workflows';
import { captureLogsForFile } from './faults.kit';
import { NODE_OF, nodeError, oneNode, run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

type Provider = 'ideogram' | 'cometApi';
const PROVIDERS: readonly Provider[] = ['ideogram', 'cometApi'];
const W = 256;
const H = 192;

captureLogsForFile();
const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 50, maxInflightImages: 10, taskEnvelope: false });
let image: Buffer;
let mask: Buffer;

jest.setTimeout(60_000);

beforeAll(async () => {
	image = await makeImage({ width: W, height: H });
	mask = await makeMask(W, H, { left: 64, top: 48, width: 96, height: 64 }, 'black');
});

function edit(provider: Provider, options: IDataObject = {}, items = 1) {
	const parameters: IDataObject = {
		provider,
		imageSource: 'binary',
		imageBinaryProperty: 'data',
		prompt: 'a red balloon',
		maskSource: 'binary',
		maskBinaryProperty: 'mask',
		options,
	};
	const inputs = Array.from({ length: items }, () => imageItem(image, { mask }));
	return run(oneNode(NODE_OF.edit, parameters, inputs), [fakes[provider]]);
}

function said(result: Awaited<ReturnType<typeof edit>>): string {
	const error = nodeError(result);
	return `${error.message} ${error.description ?? ''}`;
}

/** The bodies a refusal arrives in: Ideogram's own (also relayed as is by CometAPI), and CometAPI's envelope carrying the reason as its code. */
const BODIES: Record<Provider, Array<[string, (reason: string, extra?: IDataObject) => IDataObject]>> = {
	ideogram: [['Ideogram body', (reason, extra = {}) => ({ error: `Rejected: ${reason}`, reject_reason: reason, ...extra })]],
	cometApi: [
		['Ideogram body relayed', (reason, extra = {}) => ({ error: `Rejected: ${reason}`, reject_reason: reason, ...extra })],
		['CometAPI envelope', (reason) => ({ error: { code: reason, message: `Rejected: ${reason} (request id: 0123abcd)`, type: 'comet_api_error', param: '' } })],
	],
};

const CASES = PROVIDERS.flatMap((provider) => BODIES[provider].map(([form, body]) => [provider, form, body] as const));

/** Reasons that retrying cannot clear: answered at once, whatever the status. */
const FINAL: Array<[number, string, RegExp, RegExp]> = [
	[402, 'insufficient_funds', /the Ideogram balance is used up/, /Add credits or turn on auto recharge in Wallet & Billing/],
	[402, 'subscription_required', /needs an Ideogram API subscription the account does not have/, /Subscribe the organisation to an Ideogram API plan/],
	[402, 'daily_limit', /the daily limit of the account's Ideogram plan is reached/, /after the limit resets the next day/],
	[402, 'priority_credit_required', /needs priority credits the Ideogram account does not have/, /Add priority credits/],
	[402, 'feature_limit', /does not allow this feature/, /Leave out the option that needs it/],
	// The v2 pages allow every reason on a 429 too: a final one is still not retried.
	[429, 'daily_limit', /the daily limit of the account's Ideogram plan is reached/, /after the limit resets the next day/],
	[429, 'subscription_required', /needs an Ideogram API subscription/, /Subscribe the organisation/],
];

describe.each(CASES)('%s, %s', (provider, _form, body) => {
	test.each(FINAL)('HTTP %i %s: its own message and hint after one request, nothing billed', async (status, reason, what, hint) => {
		const fake = fakes[provider];
		fake.inject({ on: 'submit', kind: 'status', status, body: body(reason) });
		const text = said(await edit(provider));
		expect(text).toMatch(/Ideogram refused the request: /);
		expect(text).toMatch(what);
		expect(text).toContain(`Rejected: ${reason}`);
		expect(text).toContain(`(HTTP ${status}, ${reason})`);
		expect(text).toMatch(hint);
		// Not the old catch-all for any 402.
		if (reason !== 'insufficient_funds') expect(text).not.toMatch(/balance is used up|top it up/);
		expect(submits(fake)).toHaveLength(1);
		expect(fake.paidJobs()).toBe(0);
	});

	test.each([
		[429, 6, '0'],
		[402, 2, undefined],
	])('HTTP %i inflight_limit %i times: waited out past the usual four attempts, then one paid job', async (status, times, retryAfter) => {
		const fake = fakes[provider];
		fake.inject({ on: 'submit', kind: 'status', status, body: body('inflight_limit', { max_inflight_requests: 10 }), times, ...(retryAfter ? { retryAfter } : {}) });
		const result = await edit(provider);
		expect(result.error('Ideogram')).toBeUndefined();
		expect(submits(fake)).toHaveLength(times + 1);
		expect(fake.paidJobs()).toBe(1);
		expect(result.output('Ideogram')).toHaveLength(1);
	});

	test('inflight_limit that does not clear: Retry-After honoured, the wait ends at the Timeout with what to change', async () => {
		const fake = fakes[provider];
		fake.inject({ on: 'submit', kind: 'status', status: 429, retryAfter: '1', times: 1000, body: body('inflight_limit', { max_inflight_requests: 4, task_completion_speed: 'fast' }) });
		const started = Date.now();
		const text = said(await edit(provider, { timeout: 3 }));
		const elapsed = Date.now() - started;
		expect(text).toMatch(/too many images are in progress for the organisation/);
		expect(text).toContain('(HTTP 429, inflight_limit)');
		expect(text).toMatch(/Concurrency × Number of Images/);
		expect(text).toMatch(/raise Timeout to wait longer/);
		if (provider === 'ideogram') expect(text).toMatch(/\(4 images on its fast queue\)/);
		const sent = submits(fake);
		// One a second (Retry-After: 1) while the 3 s last, then the error.
		expect(sent.length).toBeGreaterThanOrEqual(2);
		expect(sent.length).toBeLessThanOrEqual(4);
		for (let i = 1; i < sent.length; i++) expect(sent[i].at - sent[i - 1].at).toBeGreaterThanOrEqual(980);
		expect(elapsed).toBeLessThan(8_000);
		expect(fake.paidJobs()).toBe(0);
	});
});

test('Ideogram: items over the organisation\'s in-flight images wait for the earlier ones, then all complete, each paid once', async () => {
	const fake = fakes.ideogram;
	// Room for one item of 2 images: the second item is refused (inflight_limit, no Retry-After) until the first finishes.
	fake.setOptions({ maxInflightImages: 2, jobDurationMs: 1_500 });
	const result = await edit('ideogram', { numImages: 2, concurrency: 2 }, 2);
	expect(result.error('Ideogram')).toBeUndefined();
	expect(result.output('Ideogram')).toHaveLength(4);
	expect(submits(fake).length).toBeGreaterThanOrEqual(3);
	expect(fake.paidJobs()).toBe(2);
});

test('Ideogram with Concurrency 0: Reframe items of 2 sizes × 2 images stay within the 10 images in flight, never refused', async () => {
	const fake = fakes.ideogram;
	fake.setOptions({ maxInflightImages: 10, jobDurationMs: 600 });
	const parameters: IDataObject = {
		provider: 'ideogram',
		imageSource: 'binary',
		imageBinaryProperty: 'data',
		resolution: '1280x800',
		additionalResolutions: ['1024x1024'],
		options: { numImages: 2 },
	};
	const items = Array.from({ length: 5 }, () => imageItem(image));
	const result = await run(oneNode(NODE_OF.reframe, parameters, items), [fakes.ideogram]);
	expect(result.error('Ideogram')).toBeUndefined();
	expect(result.output('Ideogram')).toHaveLength(20);
	// Two items (8 images) at once: every submit was accepted the first time.
	expect(submits(fake)).toHaveLength(10);
	expect(fake.paidJobs()).toBe(10);
});

test('CometAPI answering with a task envelope: said so, with the task, its status and the request id; the call may have been billed', async () => {
	const fake = fakes.cometApi;
	fake.setOptions({ taskEnvelope: true });
	const text = said(await edit('cometApi'));
	const [job] = fake.jobs();
	expect(text).toContain(`CometAPI answered with a task envelope instead of the images: task ${job.id}, status SUBMITTED (success)`);
	expect(text).toMatch(/Request ID: [0-9a-f]{20}\./);
	expect(text).toMatch(/may have been billed/);
	expect(text).not.toMatch(/unexpected response/);
	expect(submits(fake)).toHaveLength(1);
	expect(fake.paidJobs()).toBe(1);
});
