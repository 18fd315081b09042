/**
 * The Ideogram provider on Ideogram's v2 API, through n8n's engine with the built package and the
 * strict v2 fake: each operation's route and fields, the asynchronous submit then polls then
 * download, Wait for Completion off with Ideogram Poll Result in a later execution, a failed
 * generation, a rate-limited poll, Price Quote Only, the reported cost and deprecation notices.
 * (Stopping during a poll and the other faults: faults.test.ts.)
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { chain, imageItem, makeImage, makeMask, packageNode } from '../harness/workflows';
import { captureLogsForFile, seen } from './faults.kit';
import { NODE_OF, checkImageBinary, downloads, maskMismatches, multipartFields, nodeError, oneNode, run, submits } from './support/engineTest';
import { fakeForFile } from './support/fakes';

type Operation = 'edit' | 'reframe' | 'replaceBackground';
const W = 256;
const H = 192;
const RECT = { left: 64, top: 48, width: 96, height: 64 };
const ROUTE: Record<Operation, string> = {
	edit: '/v2/image/inpaint/ideogram-3',
	reframe: '/v2/image/reframe/ideogram-3',
	replaceBackground: '/v2/image/replace-background/ideogram-3',
};

captureLogsForFile();
const fake = fakeForFile('ideogram', { jobDurationMs: 300, deprecationNotice: false });
let image: Buffer;
let mask: Buffer;

jest.setTimeout(30_000);

beforeAll(async () => {
	image = await makeImage({ width: W, height: H });
	mask = await makeMask(W, H, RECT, 'black');
});

function parameters(operation: Operation, options: IDataObject = {}, extra: IDataObject = {}): IDataObject {
	const base: IDataObject = { provider: 'ideogram', imageSource: 'binary', imageBinaryProperty: 'data', options, ...extra };
	if (operation === 'edit') return { ...base, prompt: 'a red balloon', maskSource: 'binary', maskBinaryProperty: 'mask' };
	if (operation === 'reframe') return { ...base, resolution: '1280x800' };
	return { ...base, prompt: 'a beach at sunset' };
}

const runNode = (operation: Operation, options: IDataObject = {}, extra: IDataObject = {}) =>
	run(oneNode(NODE_OF[operation], parameters(operation, options, extra), [imageItem(image, { mask })]), [fake]);

const polls = () => fake.requests.filter((r) => r.kind === 'status');

describe.each(['edit', 'reframe', 'replaceBackground'] as const)('%s on v2', (operation) => {
	test('the documented route and fields; submitted asynchronously, polled, downloaded; cost in the item', async () => {
		const options: IDataObject = { renderingSpeed: 'QUALITY', numImages: 2, ...(operation === 'replaceBackground' ? {} : { seed: 77 }) };
		const result = await runNode(operation, options);
		expect(result.error('Ideogram')).toBeUndefined();

		const [submit, ...more] = submits(fake);
		expect(more).toHaveLength(0);
		expect(submit.path).toBe(ROUTE[operation]);
		expect(submit.query).toEqual({});
		expect(submit.headers['api-key']).toBe(fake.apiKey);
		// form-data's body, whole: its announced length is the bytes that came, not chunked.
		expect(submit.headers['content-length']).toBe(String(submit.body.length));
		expect(submit.headers['transfer-encoding']).toBeUndefined();
		expect(submit.multipart!.files.image[0].data.equals(image)).toBe(true);
		const fields = multipartFields(submit);
		const expected: Record<string, string[]> = { num_images: ['2'], rendering_speed: ['quality'] };
		if (operation !== 'replaceBackground') Object.assign(expected, { seed: ['77'], async: ['true'] });
		if (operation === 'reframe') expected.resolution = ['1280x800'];
		else expected.prompt = [operation === 'edit' ? 'a red balloon' : 'a beach at sunset'];
		expect(fields).toEqual(expected);
		expect(Object.keys(submit.multipart!.files).sort()).toEqual(operation === 'edit' ? ['image', 'mask'] : ['image']);
		if (operation === 'edit') {
			const check = await maskMismatches(submit.multipart!.files.mask[0].data, RECT, 'black');
			expect(check.first).toBeUndefined();
		}

		// The submit answered at once; the generation was polled until it completed (300 ms).
		const [job] = fake.jobs();
		expect(polls().length).toBeGreaterThanOrEqual(1);
		expect(polls().every((p) => p.path === `/v2/generations/${job.id}` && p.at >= submit.at)).toBe(true);
		expect(polls().at(-1)!.at).toBeGreaterThanOrEqual(job.completedAt! - 5);

		const out = result.output('Ideogram');
		expect(out).toHaveLength(2);
		for (const [i, item] of out.entries()) {
			expect(item.json).toMatchObject({ provider: 'ideogram', operation, requestId: job.id, status: 'completed', imageIndex: i, isImageSafe: true });
			// The fake bills 0.09 USD per QUALITY image; the generation's total is split over its images.
			expect(item.json.cost).toBeCloseTo(0.09, 9);
			expect(item.json.imageUrl).toBe(job.images[i]);
			const size = operation === 'reframe' ? { width: 1280, height: 800 } : { width: W, height: H };
			await checkImageBinary(item, { operation, imageIndex: i, ...size });
		}
		if (operation !== 'replaceBackground') expect(out.map((o) => o.json.seed)).toEqual([77, 78]);
		expect(downloads(fake).every((d) => !d.authSent)).toBe(true);
	});
});

function pollNode(operation: string, options: IDataObject = {}): INode {
	return packageNode('Poll', 'ideogramPollResult', { provider: 'ideogram', operation, requestId: '={{ $json.requestId }}', options } as INodeParameters);
}

describe('Wait for Completion off, then Ideogram Poll Result in another execution', () => {
	test('the submitted item carries the generation id; a later run waits for it and outputs its images', async () => {
		fake.setOptions({ jobDurationMs: 800 });
		const first = await runNode('reframe', { numImages: 2 }, { waitForCompletion: false });
		expect(first.error('Ideogram')).toBeUndefined();
		const [submitted] = first.output('Ideogram');
		const [job] = fake.jobs();
		expect(submitted.json).toEqual({ provider: 'ideogram', operation: 'reframe', requestId: job.id, status: 'submitted', numImages: 2 });
		expect(polls()).toHaveLength(0);

		const status = await run(chain([{ json: submitted.json }], pollNode('getStatus')), [fake]);
		expect(status.output('Poll')[0].json).toMatchObject({ provider: 'ideogram', requestId: job.id, status: 'running' });

		// Ideogram has no cancel: the answer says so without a request, and with no status it did not read.
		const before = fake.requests.length;
		const cancel = await run(chain([{ json: submitted.json }], pollNode('cancel')), [fake]);
		expect(cancel.output('Poll')[0].json).toEqual({ provider: 'ideogram', requestId: job.id, cancelled: false, reason: expect.stringMatching(/no cancel/) });
		expect(fake.requests).toHaveLength(before);

		const later = await run(chain([{ json: submitted.json }], pollNode('waitForResult')), [fake]);
		expect(later.error('Poll')).toBeUndefined();
		const images = later.output('Poll');
		expect(images).toHaveLength(2);
		for (const [i, item] of images.entries()) {
			expect(item.json).toMatchObject({ provider: 'ideogram', operation: 'reframe', requestId: job.id, status: 'completed', imageIndex: i });
			await checkImageBinary(item, { operation: 'reframe', imageIndex: i, width: 1280, height: 800 });
		}
		expect(submits(fake)).toHaveLength(1);
		expect(fake.paidJobs()).toBe(1);
	});
});

describe('failures and limits', () => {
	test('a failed generation: its failure_reason and the generation id in the error', async () => {
		fake.inject({ on: 'any', kind: 'jobFailed' });
		const result = await runNode('edit');
		const error = nodeError(result);
		const [job] = fake.jobs();
		const text = `${error.message} ${error.description ?? ''}`;
		expect(text).toMatch(/Ideogram reported the generation as failed: generation_error/);
		expect(text).toContain(job.id);
		expect(submits(fake)).toHaveLength(1);
		expect(fake.paidJobs()).toBe(0);
	});

	test('a poll answered 429 with Retry-After: 2 is asked again only after 2 s', async () => {
		fake.setOptions({ jobDurationMs: 100 });
		fake.inject({ on: 'status', kind: 'status', status: 429, retryAfter: '2' });
		const result = await runNode('replaceBackground');
		expect(result.error('Ideogram')).toBeUndefined();
		const [limited, next] = polls();
		expect(next.at - limited.at).toBeGreaterThanOrEqual(1980);
		expect(result.output('Ideogram')).toHaveLength(1);
	});

	test('an unsafe image: completed and billed, no URL, no binary', async () => {
		fake.inject({ on: 'submit', kind: 'unsafe' });
		const result = await runNode('replaceBackground');
		const [item] = result.output('Ideogram');
		expect(item.json).toMatchObject({ status: 'completed', isImageSafe: false });
		expect(item.json.imageUrl).toBeUndefined();
		expect(item.binary).toBeUndefined();
		expect(downloads(fake)).toHaveLength(0);
	});
});

describe('Price Quote Only', () => {
	test('the exact request with dry_run=true, one quote item per input item, nothing generated', async () => {
		const items = [imageItem(image, { mask, json: { n: 0 } }), imageItem(image, { mask, json: { n: 1 } })];
		const params = parameters('edit', { dryRun: true, numImages: 3, renderingSpeed: 'TURBO', seed: 5 });
		const result = await run(oneNode('ideogramEdit', params, items), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		expect(fake.jobs()).toHaveLength(0);
		expect(fake.paidJobs()).toBe(0);
		expect(polls()).toHaveLength(0);
		const sent = submits(fake);
		expect(sent).toHaveLength(2);
		for (const s of sent) {
			expect(s.path).toBe(ROUTE.edit);
			expect(s.query).toEqual({ dry_run: 'true' });
			expect(multipartFields(s)).toMatchObject({ num_images: ['3'], rendering_speed: ['turbo'], seed: ['5'], async: ['true'] });
			expect(Object.keys(s.multipart!.files).sort()).toEqual(['image', 'mask']);
		}
		const out = result.output('Ideogram');
		expect(out.map((o) => o.json)).toEqual(
			[0, 1].map(() => ({
				provider: 'ideogram',
				operation: 'edit',
				dryRun: true,
				costUsd: 0.09, // the fake's 0.03 USD per TURBO image × 3
				qualifier: 'exact',
				billingIdentifier: 'ideogram_v3_inpaint',
				quantity: 3,
			})),
		);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out.every((o) => o.binary === undefined)).toBe(true);
	});

	test('an estimate carries its upper bound', async () => {
		fake.inject({
			on: 'submit',
			kind: 'status',
			status: 200,
			body: { object: 'price_quote', billing_identifier: 'ideogram_v3_replace_background', qualifier: 'estimate', quantity: 1, usd_micros: 50000, upper_bound_usd_micros: 80000, credit_millis: 2500 },
		});
		const result = await runNode('replaceBackground', { dryRun: true });
		expect(result.output('Ideogram')[0].json).toMatchObject({ dryRun: true, costUsd: 0.05, costUpperBoundUsd: 0.08, qualifier: 'estimate' });
	});
});

describe('deprecation notices', () => {
	test('one warning per process naming the successor; the run still succeeds', async () => {
		fake.setOptions({ deprecationNotice: true, jobDurationMs: 50 });
		const before = seen.logs.length;
		for (let n = 0; n < 2; n++) {
			const result = await runNode('edit');
			expect(result.error('Ideogram')).toBeUndefined();
			expect(result.output('Ideogram')).toHaveLength(1);
		}
		const warnings = seen.logs.slice(before).filter((l) => /deprecated/.test(l));
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/warn/);
		expect(warnings[0]).toContain('successor: https://api.ideogram.ai/v2/image/inpaint/ideogram-3');
		expect(warnings[0]).toContain('since 2026-04-29');
	});
});
