/**
 * Through n8n's engine: each node with each provider takes binary and URL input; multiple
 * images; submit-only jobs collected, checked and cancelled by Ideogram Poll Result in the same
 * workflow; Continue On Fail (regular and error output) and the error without it; item order and
 * pairing under concurrency; images withheld by the safety check.
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { testBinary, type TestItem } from '../harness/engine';
import { chain, imageItem, makeImage, makeMask, packageNode } from '../harness/workflows';
import { PROVIDERS, type ProviderName, type RecordedRequest } from '../fakes';
import {
	NODE_OF,
	checkImageBinary,
	decodeDataUri,
	downloads,
	keysOf,
	maskMismatches,
	multipartFields,
	multipartFile,
	nodeError,
	oneNode,
	run,
	startFileServer,
	submits,
	type FileServer,
} from './support/engineTest';
import { fakesForFile } from './support/fakes';

type Operation = 'edit' | 'reframe' | 'replaceBackground';
const OPERATIONS: Operation[] = ['edit', 'reframe', 'replaceBackground'];
const QUEUED: ProviderName[] = ['runComfy', 'runware', 'ideogram'];

// Item 0's image comes as binary (256×192 PNG), item 1's by URL (320×240 JPEG): different sizes tell them apart.
const BIN = { width: 256, height: 192, rect: { left: 64, top: 48, width: 96, height: 64 } };
const URL_IMG = { width: 320, height: 240, rect: { left: 80, top: 60, width: 120, height: 80 } };

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10, queueMs: 0 });
let files: FileServer;
let image: Buffer;
let mask: Buffer;
let urlImage: Buffer;

beforeAll(async () => {
	image = await makeImage(BIN);
	mask = await makeMask(BIN.width, BIN.height, BIN.rect, 'black');
	urlImage = await makeImage({ ...URL_IMG, format: 'jpeg', color: '#cc6633' });
	files = await startFileServer({
		'/in/photo.jpg': { body: urlImage, type: 'image/jpeg' },
		'/in/mask.png': { body: await makeMask(URL_IMG.width, URL_IMG.height, URL_IMG.rect, 'black'), type: 'image/png' },
	});
});
beforeEach(() => {
	files.requests.length = 0;
});
afterAll(async () => {
	await files?.close();
});

function parameters(operation: Operation, provider: ProviderName, extra: IDataObject = {}, options: IDataObject = {}): IDataObject {
	const base: IDataObject = { provider, imageSource: 'binary', options, ...extra };
	if (operation === 'edit') return { prompt: 'a red balloon', maskSource: 'binary', ...base };
	if (operation === 'reframe') return { resolution: '1024x1024', ...base };
	return { prompt: 'a beach at sunset', ...base };
}

/** The image a submit request carried, as bytes, and whether it went as a URL. */
async function sentImage(provider: ProviderName, req: RecordedRequest): Promise<{ url?: string; bytes?: Buffer; mask?: Buffer }> {
	if (provider === 'runComfy' || provider === 'runware') {
		const body = (provider === 'runware' ? (req.json as IDataObject[])[0].inputs : req.json) as IDataObject;
		const img = String(provider === 'runware' ? body.seedImage : body.image);
		const maskRef = provider === 'runware' ? body.maskImage : body.mask;
		const maskBytes = maskRef ? decodeDataUri(maskRef).bytes : undefined;
		return img.startsWith('data:') ? { bytes: decodeDataUri(img).bytes, mask: maskBytes } : { url: img, mask: maskBytes };
	}
	const maskFile = req.multipart?.files.mask?.[0];
	return { bytes: multipartFile(req, 'image').data, mask: maskFile?.data };
}

const providerEditColor = (p: ProviderName) => (p === 'runComfy' || p === 'runware' ? 'white' : 'black');

describe('binary input and URL input, per node and provider', () => {
	const cases = OPERATIONS.flatMap((operation) => PROVIDERS.map((provider) => ({ operation, provider })));
	test.each(cases)('$operation on $provider: item 0 binary, item 1 URL (per-item expressions)', async ({ operation, provider }) => {
		const fake = fakes[provider];
		const items: TestItem[] = [
			{ ...imageItem(image, { mask }), json: { src: 'binary' } },
			{ json: { src: 'url', url: `${files.url}/in/photo.jpg`, maskUrl: `${files.url}/in/mask.png` } },
		];
		const extra: IDataObject = { imageSource: '={{ $json.src }}', imageUrl: '={{ $json.url }}' };
		if (operation === 'edit') Object.assign(extra, { maskSource: '={{ $json.src }}', maskUrl: '={{ $json.maskUrl }}' });
		const result = await run(oneNode(NODE_OF[operation], parameters(operation, provider, extra, { concurrency: 2 }), items), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();

		const requests = submits(fake);
		const sent = await Promise.all(requests.map((r) => sentImage(provider, r)));
		expect(sent).toHaveLength(2);
		const binaryAt = sent.findIndex((x) => x.bytes?.equals(image));
		expect(binaryAt).toBeGreaterThanOrEqual(0);
		const fromBinary = sent[binaryAt];
		const fromUrl = sent[1 - binaryAt];
		if (provider === 'runComfy' || provider === 'runware') {
			// JSON providers fetch a URL themselves: the node passes it on unchanged.
			expect(fromUrl.url).toBe(`${files.url}/in/photo.jpg`);
		} else {
			// Multipart providers need the file: the node downloaded it and sent the same bytes.
			expect(fromUrl.bytes?.equals(urlImage)).toBe(true);
			expect(multipartFile(requests[1 - binaryAt], 'image').contentType).toBe('image/jpeg');
		}
		if (operation === 'edit') {
			for (const [s, geo] of [
				[fromBinary, BIN],
				[fromUrl, URL_IMG],
			] as const) {
				const check = await maskMismatches(s.mask!, geo.rect, providerEditColor(provider));
				expect([check.width, check.height, check.first]).toEqual([geo.width, geo.height, undefined]);
			}
		}
		// No credential ever goes to the input host.
		expect(files.requests.length).toBeGreaterThanOrEqual(1);
		for (const r of files.requests) expect([r.headers.authorization, r.headers['api-key']]).toEqual([undefined, undefined]);

		const out = result.output('Ideogram');
		expect(out).toHaveLength(2);
		for (const [n, geo] of [BIN, URL_IMG].entries()) {
			expect(out[n].pairedItem).toEqual({ item: n });
			expect(out[n].json).toMatchObject({ provider, operation, status: 'completed', imageIndex: 0 });
			const size = operation === 'reframe' ? { width: 1024, height: 1024 } : { width: geo.width, height: geo.height };
			await checkImageBinary(out[n], { operation, imageIndex: 0, ...size });
		}
	});
});

describe('multiple images (numImages: 3)', () => {
	test('RunComfy: three jobs with distinct seeds, three items with imageIndex 0..2', async () => {
		const fake = fakes.runComfy;
		const result = await run(oneNode('ideogramReplaceBackground', parameters('replaceBackground', 'runComfy', {}, { numImages: 3, seed: 100 }), [imageItem(image)]), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		const seeds = submits(fake).map((r) => (r.json as IDataObject).seed);
		expect(seeds.sort()).toEqual([100, 101, 102]);
		const out = result.output('Ideogram');
		expect(out.map((o) => o.json.imageIndex)).toEqual([0, 1, 2]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		const ids = out.map((o) => o.json.requestId);
		expect(new Set(ids)).toEqual(new Set(fake.jobs().map((j) => j.id)));
		for (const [n, o] of out.entries()) await checkImageBinary(o, { operation: 'replaceBackground', imageIndex: n, width: 256, height: 192 });
	});

	test.each(['runware', 'cometApi', 'ideogram'] as const)('%s: one request for three images, three items', async (provider) => {
		const fake = fakes[provider];
		// Runware and Ideogram's v2 Replace Background take no seed.
		const options = provider === 'cometApi' ? { numImages: 3, seed: 100 } : { numImages: 3 };
		const result = await run(oneNode('ideogramReplaceBackground', parameters('replaceBackground', provider, {}, options), [imageItem(image)]), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		expect(submits(fake)).toHaveLength(1);
		const [submit] = submits(fake);
		if (provider === 'runware') expect((submit.json as IDataObject[])[0].numberResults).toBe(3);
		else expect(multipartFields(submit).num_images).toEqual(['3']);
		const out = result.output('Ideogram');
		expect(out.map((o) => o.json.imageIndex)).toEqual([0, 1, 2]);
		expect(new Set(out.map((o) => o.json.requestId)).size).toBe(1);
		expect(new Set(out.map((o) => o.json.imageUrl)).size).toBe(3);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		if (provider === 'cometApi') expect(out.map((o) => o.json.seed)).toEqual([100, 101, 102]);
		expect(downloads(fake)).toHaveLength(3);
		for (const [n, o] of out.entries()) await checkImageBinary(o, { operation: 'replaceBackground', imageIndex: n, width: 256, height: 192 });
	});
});

function pollNode(provider: ProviderName, operation: string, options: IDataObject = {}): INode {
	return { ...packageNode('Poll', 'ideogramPollResult', { provider, operation, requestId: '={{ $json.requestId }}', options } as INodeParameters), position: [400, 0] };
}

function submitOnly(provider: ProviderName, options: IDataObject = {}) {
	return packageNode('Ideogram', 'ideogramReframe', parameters('reframe', provider, { waitForCompletion: false }, options) as INodeParameters);
}

describe('submit only, then Ideogram Poll Result in the same workflow', () => {
	test.each(QUEUED)('%s: submitted items as docs/interface.md says, collected as they are by Wait for Result', async (provider) => {
		const fake = fakes[provider];
		const result = await run(chain([imageItem(image)], submitOnly(provider, { numImages: 2 }), pollNode(provider, 'waitForResult')), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		expect(result.error('Poll')).toBeUndefined();
		const submitted = result.output('Ideogram');
		const jobs = fake.jobs();
		// RunComfy makes one image per job: one submitted item per image. Runware: one task for both.
		expect(submitted).toHaveLength(provider === 'runComfy' ? 2 : 1);
		for (const s of submitted) {
			expect(keysOf(s)).toEqual(['numImages', 'operation', 'provider', 'requestId', 'status']);
			expect(s.json).toMatchObject({ provider, operation: 'reframe', status: 'submitted', numImages: provider === 'runComfy' ? 1 : 2 });
			expect(s.pairedItem).toEqual({ item: 0 });
		}
		expect(new Set(submitted.map((s) => s.json.requestId))).toEqual(new Set(jobs.map((j) => j.id)));
		// The submitting node itself never polled.
		const firstPoll = fake.requests.findIndex((r) => r.kind !== 'submit');
		expect(fake.requests.slice(0, firstPoll).every((r) => r.kind === 'submit')).toBe(true);

		const collected = result.output('Poll');
		expect(collected).toHaveLength(2);
		for (const [n, item] of collected.entries()) {
			expect(item.json).toMatchObject({ provider, operation: 'reframe', status: 'completed' });
			expect(item.json.requestId).toBe(provider === 'runComfy' ? submitted[n].json.requestId : submitted[0].json.requestId);
			expect(item.pairedItem).toEqual({ item: provider === 'runComfy' ? n : 0 });
			await checkImageBinary(item, { operation: 'reframe', imageIndex: Number(item.json.imageIndex), width: 1024, height: 1024 });
		}
		if (provider === 'runware') expect(collected.map((c) => c.json.imageIndex)).toEqual([0, 1]);
		for (const d of downloads(fake)) expect(d.authSent).toBe(false);
	});

	test.each(QUEUED)('%s: Wait for Result reads the job again when its result link expired before the download', async (provider) => {
		const fake = fakes[provider];
		const expiredStatus = provider === 'runware' ? 404 : 403;
		fake.inject({ on: 'download', kind: 'status', status: expiredStatus });
		const result = await run(chain([imageItem(image)], submitOnly(provider), pollNode(provider, 'waitForResult')), [fake]);
		expect(result.error('Poll')).toBeUndefined();
		const [collected] = result.output('Poll');
		await checkImageBinary(collected, { operation: 'reframe', imageIndex: 0, width: 1024, height: 1024 });
		expect(downloads(fake)).toHaveLength(2);
		expect(fake.requests.filter((r) => r.kind === 'submit')).toHaveLength(1);
	});

	test('RunComfy: Get Status of a queued job gives its queue position', async () => {
		const fake = fakes.runComfy;
		fake.setOptions({ queueMs: 10_000, jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runComfy'), pollNode('runComfy', 'getStatus')), [fake]);
		const [status] = result.output('Poll');
		const requestId = result.output('Ideogram')[0].json.requestId;
		expect(status.json).toMatchObject({ provider: 'runComfy', operation: 'reframe', requestId, status: 'queued', queuePosition: 1 });
		expect(status.pairedItem).toEqual({ item: 0 });
		expect(fake.requests.filter((r) => r.kind === 'status')).toHaveLength(1);
	});

	test('Runware: Get Status of a running task', async () => {
		const fake = fakes.runware;
		fake.setOptions({ jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runware'), pollNode('runware', 'getStatus')), [fake]);
		const [status] = result.output('Poll');
		expect(status.json).toMatchObject({ provider: 'runware', operation: 'reframe', requestId: result.output('Ideogram')[0].json.requestId, status: 'running' });
		expect(fake.requests.filter((r) => r.kind === 'getResponse')).toHaveLength(1);
	});

	test('RunComfy: Cancel of a queued job cancels it (cancelled: true), nothing billed', async () => {
		const fake = fakes.runComfy;
		fake.setOptions({ queueMs: 10_000, jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runComfy'), pollNode('runComfy', 'cancel')), [fake]);
		const requestId = result.output('Ideogram')[0].json.requestId;
		const [cancel] = result.output('Poll');
		expect(cancel.json).toEqual({ provider: 'runComfy', requestId, status: 'cancelled', cancelled: true });
		const cancels = fake.requests.filter((r) => r.kind === 'cancel');
		expect(cancels.map((r) => [r.method, r.path])).toEqual([['POST', `/v1/requests/${requestId}/cancel`]]);
		expect(fake.jobs()[0].status).toBe('cancelled');
		expect(fake.paidJobs()).toBe(0);
	});

	test('RunComfy: Cancel of a running job answers cancelled: false with the reason', async () => {
		const fake = fakes.runComfy;
		fake.setOptions({ queueMs: 0, jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runComfy'), pollNode('runComfy', 'cancel')), [fake]);
		const [cancel] = result.output('Poll');
		expect(cancel.json).toMatchObject({ provider: 'runComfy', status: 'running', cancelled: false });
		expect(String(cancel.json.reason)).toMatch(/queued|running/i);
		expect(fake.jobs()[0].status).toBe('running');
	});

	test('Runware: Cancel answers cancelled: false with the reason, and sends nothing', async () => {
		const fake = fakes.runware;
		fake.setOptions({ jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runware'), pollNode('runware', 'cancel')), [fake]);
		const requestId = result.output('Ideogram')[0].json.requestId;
		const [cancel] = result.output('Poll');
		expect(cancel.json.cancelled).toBe(false);
		expect(cancel.json).toEqual({ provider: 'runware', requestId, cancelled: false, reason: expect.stringMatching(/Runware/) });
		expect(fake.requests.map((r) => r.kind)).toEqual(['submit']);
	});

	test("RunComfy: Wait for Result with onTimeout 'returnStatus' returns the status item and leaves the job alone", async () => {
		const fake = fakes.runComfy;
		fake.setOptions({ queueMs: 10_000, jobDurationMs: 10_000 });
		const result = await run(
			chain([imageItem(image)], submitOnly('runComfy'), pollNode('runComfy', 'waitForResult', { timeout: 1, onTimeout: 'returnStatus' })),
			[fake],
		);
		expect(result.error('Poll')).toBeUndefined();
		const requestId = result.output('Ideogram')[0].json.requestId;
		const [status] = result.output('Poll');
		expect(status.json).toMatchObject({ provider: 'runComfy', operation: 'reframe', requestId, status: 'queued' });
		expect(status.binary).toBeUndefined();
		expect(fake.requests.filter((r) => r.kind === 'cancel')).toHaveLength(0);
		expect(fake.jobs()[0].status).toBe('queued');
	});

	test('RunComfy: Wait for Result timing out (default) fails naming the request id', async () => {
		const fake = fakes.runComfy;
		fake.setOptions({ queueMs: 10_000, jobDurationMs: 10_000 });
		const result = await run(chain([imageItem(image)], submitOnly('runComfy'), pollNode('runComfy', 'waitForResult', { timeout: 1 })), [fake]);
		const requestId = String(result.output('Ideogram')[0].json.requestId);
		const error = nodeError(result, 'Poll');
		expect(error.message).toContain(requestId);
		expect(error.message).toMatch(/timeout/i);
	});
});

describe('Continue On Fail', () => {
	/**
	 * RunComfy, one item at a time. `failJob`: the n-th job the fake creates fails at the provider
	 * (after it got its request id). Items: `ok` has an image, `none` has none (fails before any request).
	 */
	function runItems(kinds: Array<'ok' | 'none'>, failJob: number, settings: { onError?: 'continueRegularOutput' | 'continueErrorOutput' } = {}) {
		const fake = fakes.runComfy;
		let created = 0;
		fake.setOptions({
			jobDurationMs: () => {
				if (++created === failJob) fake.inject({ on: 'any', kind: 'jobFailed' });
				return 10;
			},
		});
		const items: TestItem[] = kinds.map((k) => (k === 'ok' ? imageItem(image) : { json: { note: 'no image' } }));
		const node = packageNode('Ideogram', 'ideogramReplaceBackground', parameters('replaceBackground', 'runComfy', {}, { concurrency: 1 }) as INodeParameters, settings);
		return run(chain(items, node), [fake]);
	}
	const failedJobId = () => fakes.runComfy.jobs().find((j) => j.status === 'failed')!.id;

	function expectErrorItem(item: INodeExecutionData, itemIndex: number, details: IDataObject, message: RegExp) {
		expect(keysOf(item)).toEqual(['details', 'error']);
		expect(item.pairedItem).toEqual({ item: itemIndex });
		expect(item.json.details).toMatchObject(details);
		expect(String(item.json.error)).toMatch(message);
	}

	test("onError 'continueRegularOutput': error items in the main output, paired to their input, the others go on", async () => {
		// Item 0's job fails at RunComfy, item 1 has no image, item 2 is fine.
		const result = await runItems(['ok', 'none', 'ok'], 1, { onError: 'continueRegularOutput' });
		expect(result.error('Ideogram')).toBeUndefined();
		const out = result.output('Ideogram');
		expect(out).toHaveLength(3);
		expectErrorItem(out[0], 0, { provider: 'runComfy', operation: 'replaceBackground', requestId: failedJobId() }, /could not generate/i);
		expectErrorItem(out[1], 1, { provider: 'runComfy', operation: 'replaceBackground', parameter: 'imageBinaryProperty' }, /binary field "data"/);
		expect(out[2].json).toMatchObject({ provider: 'runComfy', status: 'completed' });
		expect(out[2].pairedItem).toEqual({ item: 2 });
		expect(out[2].binary?.data).toBeDefined();
		expect(fakes.runComfy.jobs()).toHaveLength(2);
	});

	test("onError 'continueErrorOutput': n8n routes error items to output 1, good items stay on output 0", async () => {
		const result = await runItems(['ok', 'none', 'ok'], 1, { onError: 'continueErrorOutput' });
		expect(result.error('Ideogram')).toBeUndefined();
		const good = result.output('Ideogram', 0);
		expect(good.map((i) => i.pairedItem)).toEqual([{ item: 2 }]);
		expect(good[0].json.status).toBe('completed');
		const bad = result.output('Ideogram', 1);
		expect(bad).toHaveLength(2);
		expectErrorItem(bad[0], 0, { provider: 'runComfy', requestId: failedJobId() }, /could not generate/i);
		// n8n puts the input item's fields beside `error` and `details` on the error output.
		const { note, ...rest } = bad[1].json;
		expect(note).toBe('no image');
		expectErrorItem({ ...bad[1], json: rest }, 1, { provider: 'runComfy', parameter: 'imageBinaryProperty' }, /binary/);
	});

	test('without it, the error names the item, the provider and the request id, and lists what already completed', async () => {
		const result = await runItems(['ok', 'ok'], 2);
		const error = nodeError(result);
		const completed = fakes.runComfy.jobs().find((j) => j.status === 'completed')!;
		expect(error.message).toContain('[item 1]');
		expect(error.message).toContain('RunComfy');
		expect(error.message).toContain(failedJobId());
		// Item 0 was paid for: its request id is in the error so it can be collected.
		expect(error.description).toContain(completed.id);
		expect(result.output('Ideogram')).toHaveLength(0);
	});
});

describe('order and pairing under concurrency', () => {
	test('8 items finishing out of order: output in input order, paired, at most `concurrency` in flight', async () => {
		const fake = fakes.ideogram;
		const durations = [400, 60, 250, 60, 300, 60, 200, 60];
		let n = 0;
		fake.setOptions({ jobDurationMs: () => durations[n++ % durations.length] });
		const items: TestItem[] = durations.map((_, i) => ({ json: { n: i }, binary: { data: testBinary(image, `p${i}.png`, 'image/png') } }));
		const params = parameters('replaceBackground', 'ideogram', { prompt: '={{ "item " + $json.n }}' }, { concurrency: 3 });
		const result = await run(oneNode('ideogramReplaceBackground', params, items), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		const out = result.output('Ideogram');
		expect(out.map((o) => o.json.prompt)).toEqual(durations.map((_, i) => `item ${i}`));
		expect(out.map((o) => o.pairedItem)).toEqual(durations.map((_, i) => ({ item: i })));

		const jobs = fake.jobs();
		expect(jobs).toHaveLength(8);
		// They did finish out of input order…
		const byCompletion = [...jobs].sort((a, b) => a.completedAt! - b.completedAt!).map((j) => Number(String((j.params as IDataObject).prompt).split(' ')[1]));
		expect(byCompletion).not.toEqual([...byCompletion].sort((a, b) => a - b));
		// …and never more than 3 were in flight at once (and the limit was used).
		const events = jobs.flatMap((j) => [
			{ t: j.createdAt, d: 1 },
			{ t: j.completedAt!, d: -1 },
		]);
		events.sort((a, b) => a.t - b.t || a.d - b.d);
		let inFlight = 0;
		let most = 0;
		for (const e of events) most = Math.max(most, (inFlight += e.d));
		expect(most).toBeLessThanOrEqual(3);
		expect(most).toBeGreaterThanOrEqual(2);
	});
});

describe('safety check', () => {
	test('Ideogram withholds the images: items with isImageSafe false, no imageUrl, no binary, nothing downloaded', async () => {
		const fake = fakes.ideogram;
		fake.inject({ on: 'submit', kind: 'unsafe' });
		const result = await run(oneNode('ideogramReplaceBackground', parameters('replaceBackground', 'ideogram', {}, { numImages: 2 }), [imageItem(image)]), [fake]);
		expect(result.error('Ideogram')).toBeUndefined();
		const out = result.output('Ideogram');
		expect(out).toHaveLength(2);
		for (const [i, item] of out.entries()) {
			expect(item.json).toMatchObject({ provider: 'ideogram', operation: 'replaceBackground', status: 'completed', imageIndex: i, isImageSafe: false, seed: expect.any(Number) });
			expect(item.json).not.toHaveProperty('imageUrl');
			expect(item.binary).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
		}
		expect(downloads(fake)).toHaveLength(0);
		expect(fake.paidJobs()).toBe(1); // billed: the user sees it
	});
});
