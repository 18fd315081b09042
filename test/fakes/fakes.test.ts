/** The fakes themselves: they validate like their providers, keep state, serve images and inject faults. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import FormDataPkg from 'form-data';
import sharp from 'sharp';
import { FakeServer, startAllFakes, startFake, tables } from './index';

const png = (w: number, h: number, r = 200) =>
	sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 120, b: 40 } } }).png().toBuffer();
/** White mask with a black top-left quarter: black share 0.25, white share 0.75. */
const quarterMask = (w: number, h: number) =>
	sharp({ create: { width: w, height: h, channels: 3, background: '#fff' } })
		.composite([{ input: { create: { width: w / 2, height: h / 2, channels: 3, background: '#000' } }, left: 0, top: 0 }])
		.png()
		.toBuffer();
const dataUri = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uuid = () => crypto.randomUUID();

async function json(res: Response): Promise<any> {
	return JSON.parse(await res.text());
}
async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (ok(v) || Date.now() > end) return v;
		await sleep(20);
	}
}

let IMG: Buffer;
let MASK: Buffer;
beforeAll(async () => {
	IMG = await png(64, 48);
	MASK = await quarterMask(64, 48);
});

test('tables: 69 resolutions in both forms describe the same sizes, 62 presets', () => {
	expect(tables.RESOLUTIONS_WXH).toHaveLength(69);
	expect(tables.RUNCOMFY_RESOLUTION_LABELS).toHaveLength(69);
	expect(tables.STYLE_PRESETS).toHaveLength(62);
	const fromLabels = tables.RUNCOMFY_RESOLUTION_LABELS.map((l) => l.split(' ')[0].replace(':', 'x')).sort();
	expect(fromLabels).toEqual([...tables.RESOLUTIONS_WXH].sort());
	for (const l of tables.RUNCOMFY_RESOLUTION_LABELS) {
		const [w, h] = l.split(' ')[0].split(':').map(Number);
		const [a, b] = /\((\d+):(\d+)\)/.exec(l)!.slice(1).map(Number);
		expect(Math.abs(w / h - a / b)).toBeLessThan(0.01);
	}
});

describe('runComfy', () => {
	let fake: FakeServer;
	const auth = () => ({ authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' });
	const submit = (op: string, body: unknown, headers = auth()) =>
		fetch(`${fake.url}/v1/models/ideogram/ideogram-v3/${op}`, { method: 'POST', headers, body: JSON.stringify(body) });
	const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${fake.apiKey}` } });
	beforeAll(async () => (fake = await startFake('runComfy')));
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.setOptions({ jobDurationMs: 10, queueMs: 0, outputKey: 'image', acceptDataUris: true });
	});

	test('validates like the schema: auth, enums, unknown fields, labels, data URIs', async () => {
		let res = await submit('edit', {}, { authorization: 'Bearer nope', 'content-type': 'application/json' });
		expect(res.status).toBe(401);
		expect(await json(res)).toMatchObject({ error_code: 401, error_message: expect.any(String) });

		res = await submit('edit', { image: dataUri(IMG), mask: dataUri(MASK), prompt: 'x', rendering_speed: 'DEFAULT' });
		expect(res.status).toBe(422);
		expect((await json(res)).detail).toEqual([{ loc: ['rendering_speed'], msg: expect.stringContaining('is not one of') }]);

		res = await submit('reframe', { image: dataUri(IMG), resolution: '1280:800 (8:5)', prompt: 'x', magic_prompt: 'ON' });
		expect(res.status).toBe(422);
		expect((await json(res)).detail).toHaveLength(2);

		res = await submit('reframe', { image: dataUri(IMG), resolution: '1280x800' });
		expect(res.status).toBe(422);
		res = await submit('edit', { image: dataUri(IMG), mask: dataUri(MASK), prompt: 'x', style: { style_type: 'AUTO' } });
		expect(res.status).toBe(422);
		res = await submit('edit', { image: dataUri(IMG), mask: dataUri(MASK), prompt: 'x', color_palette: { name: 'EMBER' } });
		expect(res.status).toBe(422);
		res = await submit('edit', { image: dataUri(IMG), prompt: 'x', seed: 2147483648 });
		expect((await json(res)).detail).toHaveLength(2); // mask missing, seed too large
		res = await submit('edit', { image: dataUri(IMG), mask: dataUri(await png(64, 48, 255)), prompt: 'x' });
		expect(res.status).toBe(400); // not a partial mask
		res = await fetch(`${fake.url}/v1/models/ideogram/ideogram-v3/upscale`, { method: 'POST', headers: auth(), body: '{}' });
		expect(res.status).toBe(404);

		fake.setOptions({ acceptDataUris: false });
		res = await submit('replace-background', { image: dataUri(IMG), prompt: 'x' });
		expect(res.status).toBe(400);
		expect((await json(res)).error_message).toMatch(/must be a URL/);
		expect(fake.paidJobs()).toBe(0);
	});

	test('edit job: queue → progress → completed, defaults recorded, image served without auth', async () => {
		fake.setOptions({ queueMs: 200, jobDurationMs: 900 });
		const res = await submit('edit', { image: dataUri(IMG), mask: dataUri(MASK), prompt: 'a hat', style: { style_type: 'Design' } });
		expect(res.status).toBe(200);
		const sub = await json(res);
		expect(sub).toEqual({
			request_id: expect.any(String),
			status_url: `${fake.url}/v1/requests/${sub.request_id}/status`,
			result_url: `${fake.url}/v1/requests/${sub.request_id}/result`,
			cancel_url: `${fake.url}/v1/requests/${sub.request_id}/cancel`,
		});
		expect(await json(await get(sub.status_url))).toMatchObject({ status: 'in_queue', queue_position: 1 });
		expect(await json(await get(sub.result_url))).toMatchObject({ status: 'in_queue' });
		await sleep(300);
		expect(await json(await get(sub.status_url))).toMatchObject({ status: 'in_progress' });
		const done = await waitFor(() => get(sub.result_url).then(json), (b) => b.status === 'completed');
		expect(done).toEqual({
			request_id: sub.request_id,
			status: 'completed',
			output: { image: expect.stringMatching(/\/storage\/.+\/out\.png$/) },
			created_at: expect.any(String),
			finished_at: expect.any(String),
		});
		const img = await fetch(done.output.image);
		expect(img.headers.get('content-type')).toBe('image/png');
		const result = Buffer.from(await img.arrayBuffer());
		expect(await sharp(result).metadata()).toMatchObject({ width: 64, height: 48 });
		// the edit area (white here: all but the top-left quarter) is painted magenta over the input, so a demo shows where the mask reached
		const { data } = await sharp(result).removeAlpha().raw().toBuffer({ resolveWithObject: true });
		const at = (x: number, y: number) => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
		const kept = at(8, 8);
		const alpha = 170 / 255;
		const painted = [230, 0, 160].map((c, i) => c * alpha + kept[i] * (1 - alpha));
		at(48, 36).forEach((c, i) => expect(Math.abs(c - painted[i])).toBeLessThan(4));
		expect(at(20, 8)).toEqual(kept);

		const [job] = fake.jobs();
		expect(job).toMatchObject({ status: 'completed', operation: 'edit', editFraction: 0.75, maskWidth: 64, imageHeight: 48 });
		expect(job.defaulted.sort()).toEqual(['color_palette', 'magic_prompt', 'rendering_speed', 'seed']);
		expect(job.params).toMatchObject({ seed: 99097570, magic_prompt: 'ON', color_palette: { name: 'Ember' } });
		const download = fake.requests.find((r) => r.kind === 'download')!;
		expect(download.authSent).toBe(false);
		expect(fake.paidJobs()).toBe(1);
	});

	test('reframe from a URL, output.images, cancel rules, 404', async () => {
		const files = http.createServer((_req, res) => res.end(IMG));
		await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
		const src = `http://127.0.0.1:${(files.address() as AddressInfo).port}/in.png`;
		try {
			fake.setOptions({ outputKey: 'images', queueMs: 300, jobDurationMs: 1200 });
			const a = await json(await submit('reframe', { image: src, resolution: '1280:800 (8:5)', seed: 1 }));
			const b = await json(await submit('reframe', { image: src, resolution: '512:1536 (1:3)', rendering_speed: 'TURBO' }));
			expect(await json(await get(`${fake.url}/v1/requests/${b.request_id}/status`))).toMatchObject({ queue_position: 2 });
			const cancel = await fetch(b.cancel_url, { method: 'POST', headers: auth() });
			expect(await json(cancel)).toEqual({ request_id: b.request_id, status: 'cancelled', outcome: 'cancelled' });
			await sleep(450);
			expect(await json(await fetch(a.cancel_url, { method: 'POST', headers: auth() }))).toMatchObject({
				status: 'in_progress',
				outcome: 'not_cancellable',
			});
			const done = await waitFor(() => get(a.result_url).then(json), (x) => x.status === 'completed');
			const bytes = Buffer.from(await (await fetch(done.output.images[0])).arrayBuffer());
			expect(await sharp(bytes).metadata()).toMatchObject({ width: 1280, height: 800, format: 'png' });
			expect(fake.paidJobs()).toBe(1);
			expect((await get(`${fake.url}/v1/requests/nope/status`)).status).toBe(404);
		} finally {
			files.close();
		}
	});

	test('faults: status + Retry-After, HTTP 200 error, failed job, expiry, resets', async () => {
		const body = { image: dataUri(IMG), prompt: 'forest' };
		fake.inject({ on: 'submit', kind: 'status', status: 429, retryAfter: '2' });
		let res = await submit('replace-background', body);
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('2');
		fake.inject({ on: 'submit', kind: 'http200Error' });
		res = await submit('replace-background', body);
		expect(res.status).toBe(200);
		expect(await json(res)).toMatchObject({ error_code: expect.any(Number), error_message: expect.any(String) });
		expect(fake.jobs()).toHaveLength(0);

		fake.inject({ on: 'submit', kind: 'jobFailed' });
		const sub = await json(await submit('replace-background', body));
		const failed = await waitFor(() => get(sub.result_url).then(json), (x) => x.status !== 'in_progress');
		expect(failed).toMatchObject({ status: 'failed', error: { error_message: expect.any(String) } });

		const ok = await json(await submit('replace-background', body));
		const done = await waitFor(() => get(ok.result_url).then(json), (x) => x.status === 'completed');
		fake.expireResults();
		res = await fetch(done.output.image);
		expect(res.status).toBe(403);
		expect(await res.text()).toMatch(/expired/);

		fake.inject({ on: 'submit', kind: 'resetBeforeAccept' });
		await expect(submit('replace-background', body)).rejects.toThrow();
		fake.inject({ on: 'submit', kind: 'resetAfterAccept' });
		await expect(submit('replace-background', body)).rejects.toThrow();
		fake.inject({ on: 'status', kind: 'malformed' });
		res = await get(ok.status_url);
		await expect(res.json()).rejects.toThrow();
		expect(fake.paidJobs()).toBe(2); // ok + the reset-after-accept one; the failed one is not billed
	});
});

describe('runware', () => {
	let fake: FakeServer;
	const post = (tasks: unknown, headers: Record<string, string> = { authorization: `Bearer ${fake.apiKey}` }) =>
		fetch(`${fake.url}/v1`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(tasks) });
	const edit = (extra: Record<string, unknown> = {}) => ({
		taskType: 'imageInference',
		taskUUID: uuid(),
		model: 'ideogram:4@3',
		positivePrompt: 'a hat',
		inputs: { seedImage: dataUri(IMG), maskImage: MASK.toString('base64') },
		...extra,
	});
	beforeAll(async () => (fake = await startFake('runware')));
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.setOptions({ jobDurationMs: 10 });
	});

	test('envelope, auth and validation errors', async () => {
		const code = async (tasks: unknown, headers?: Record<string, string>) => {
			const res = await post(tasks, headers);
			const body = await json(res);
			return [res.status, body.errors?.[0]?.code, body.errors?.[0]?.parameter];
		};
		expect(await code([edit()])).toEqual([200, undefined, undefined]);
		expect(await code([edit()], {})).toEqual([401, 'missingApiKey', 'apiKey']);
		expect(await code([edit()], { authorization: 'Bearer bad' })).toEqual([401, 'invalidApiKey', 'apiKey']);
		expect((await code([{ taskType: 'authentication', apiKey: fake.apiKey }, edit()], {}))[0]).toBe(200);
		expect(await code(edit())).toEqual([400, 'invalidRequestBody', undefined]);
		expect(await code([edit({ taskUUID: 'abc' })])).toEqual([400, 'invalidTaskUUID', 'taskUUID']);
		expect(await code([edit({ foo: 1 })])).toEqual([400, 'unknownParameter', 'foo']);
		expect(await code([edit({ seed: 1 })])).toEqual([400, 'unsupportedParameter', 'seed']);
		expect(await code([edit({ positivePrompt: '' })])).toEqual([400, 'invalidPositivePrompt', 'positivePrompt']);
		expect((await code([edit({ providerSettings: { ideogram: { renderingSpeed: 'BALANCED' } } })]))[1]).toBe('invalidRenderingSpeed');
		expect((await code([edit({ providerSettings: { ideogram: { colorPalette: { name: 'EMBER' } } } })]))[1]).toBe('unsupportedParameter');
		expect((await code([edit({ providerSettings: { ideogram: { styleCode: 'AABBCCDD', styleType: 'AUTO' } } })]))[1]).toBe(
			'incompatibleParameters',
		);
		expect((await code([edit({ providerSettings: { ideogram: { styleCode: 'AABBCCD' } } })]))[1]).toBe('invalidStyleCode');
		expect((await code([edit({ providerSettings: { ideogram: { stylePreset: 'NOPE' } } })]))[1]).toBe('invalidStylePreset');
		expect((await code([edit({ providerSettings: { ideogram: { characterReferenceImages: [dataUri(IMG), dataUri(IMG)] } } })]))[1]).toBe(
			'invalidCharacterReferenceImages',
		);
		expect((await code([edit({ numberResults: 21 })]))[1]).toBe('invalidNumberResults');
		expect((await code([edit({ inputs: { seedImage: dataUri(IMG), maskImage: dataUri(await png(32, 32)) } })]))[1]).toBe('invalidMaskImage');
		const reframe = { taskType: 'imageInference', taskUUID: uuid(), model: 'ideogram:4@4', inputs: { seedImage: dataUri(IMG) } };
		expect((await code([{ ...reframe, width: 1280 }]))[1]).toBe('missingHeight');
		// Where Runware's pages disagree, both are accepted: the current reframe (size, no prompt), the
		// older one (prompt, size left to Runware); all seven style types on Edit and Replace Background.
		expect((await code([{ ...reframe, taskUUID: uuid(), width: 1280, height: 800 }]))[0]).toBe(200);
		expect((await code([{ ...reframe, taskUUID: uuid(), positivePrompt: 'wider' }]))[0]).toBe(200);
		expect((await code([{ ...reframe, taskUUID: uuid(), positivePrompt: 'x'.repeat(2001) }]))[1]).toBe('invalidPositivePrompt');
		for (const styleType of ['RENDER_3D', 'ANIME', 'FICTION'])
			for (const task of [edit(), edit({ model: 'ideogram:4@5', inputs: { seedImage: dataUri(IMG) } })])
				expect((await code([{ ...task, providerSettings: { ideogram: { styleType } } }]))[0]).toBe(200);
		expect((await code([{ ...reframe, width: 1280, height: 801 }]))[1]).toBe('unsupportedDimensions');
		expect((await code([{ ...reframe, taskUUID: uuid(), width: 1280, height: 800, providerSettings: { ideogram: { styleType: 'AUTO' } } }]))[1]).toBe(
			'unsupportedParameter',
		);
		expect((await code([edit({ model: 'ideogram:4@5', inputs: { seedImage: dataUri(IMG) }, positivePrompt: undefined })]))[1]).toBe(
			'missingPositivePrompt',
		);
		const t = edit();
		await post([t]);
		expect(await code([t])).toEqual([400, 'conflictTaskUUID', 'taskUUID']);
		expect(fake.paidJobs()).toBe(3 + 2 + 6); // the first two accepted tasks, both reframe variants, six style types + t
	});

	test('sync: N results with distinct seeds, format, cost, mask polarity recorded', async () => {
		const t = edit({
			numberResults: 3,
			outputFormat: 'WEBP',
			includeCost: true,
			providerSettings: { ideogram: { renderingSpeed: 'QUALITY', stylePreset: 'BAUHAUS' } },
		});
		const res = await post([t]);
		const { data } = await json(res);
		expect(data).toHaveLength(3);
		expect(new Set(data.map((d: any) => d.seed)).size).toBe(3);
		for (const d of data)
			expect(d).toEqual({
				taskType: 'imageInference',
				taskUUID: t.taskUUID,
				imageUUID: expect.any(String),
				imageURL: `${fake.url}/image/${d.imageUUID}.webp`,
				seed: expect.any(Number),
				cost: 0.09,
			});
		const bytes = Buffer.from(await (await fetch(data[0].imageURL)).arrayBuffer());
		expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 64, height: 48 });
		expect(fake.jobs()[0]).toMatchObject({ editFraction: 0.75, images: data.map((d: any) => d.imageURL) });

		const b64 = await json(await post([edit({ outputType: 'base64Data', outputFormat: 'PNG', safety: { checkContent: true } })]));
		expect(b64.data[0]).toMatchObject({ NSFWContent: false });
		expect((await sharp(Buffer.from(b64.data[0].imageBase64Data, 'base64')).metadata()).format).toBe('png');

		// a generated image's UUID is a valid input; uploads work too
		const up = await json(await post([{ taskType: 'imageUpload', taskUUID: uuid(), image: dataUri(IMG) }]));
		const rbg = await post([
			{ taskType: 'imageInference', taskUUID: uuid(), model: 'ideogram:4@5', positivePrompt: 'forest', inputs: { seedImage: up.data[0].imageUUID } },
		]);
		expect(rbg.status).toBe(200);
	});

	test('async: ACK, getResponse processing → success, not found, failed and unsafe jobs', async () => {
		fake.setOptions({ jobDurationMs: 600 });
		const t = edit({ deliveryMethod: 'async', numberResults: 2 });
		expect(await json(await post([t]))).toEqual({ data: [{ taskType: 'imageInference', taskUUID: t.taskUUID }] });
		const poll = () => post([{ taskType: 'getResponse', taskUUID: t.taskUUID }]).then(json);
		const first = await poll();
		expect(first.data).toHaveLength(2);
		expect(first.data[0]).toMatchObject({ status: 'processing', progress: expect.any(Number), taskUUID: t.taskUUID });
		const done = await waitFor(poll, (b) => b.data.every((d: any) => d.status === 'success'));
		expect(done.data[1]).toMatchObject({ status: 'success', imageURL: expect.any(String), seed: expect.any(Number) });
		expect(fake.requests.filter((r) => r.kind === 'getResponse').length).toBeGreaterThan(1);

		const missing = await post([{ taskType: 'getResponse', taskUUID: uuid() }]);
		expect(missing.status).toBe(400);
		expect((await json(missing)).errors[0].code).toBe('taskFailedOrNotFound');

		fake.setOptions({ jobDurationMs: 10 });
		fake.inject({ on: 'submit', kind: 'jobFailed' });
		const f = edit({ deliveryMethod: 'async' });
		await post([f]);
		const failed = await waitFor(
			() => post([{ taskType: 'getResponse', taskUUID: f.taskUUID }]).then(json),
			(b) => b.data[0].status !== 'processing',
		);
		expect(failed.data[0]).toMatchObject({ status: 'error', error: { code: expect.any(String) } });

		fake.inject({ on: 'submit', kind: 'unsafe' });
		const unsafe = await json(await post([edit()]));
		expect(unsafe.data[0].NSFWContent).toBe(true);

		fake.inject({ on: 'submit', kind: 'http200Error' });
		const e200 = await post([edit()]);
		expect(e200.status).toBe(200);
		expect((await json(e200)).errors).toHaveLength(1);
	});

	test('webhookURL gets flat items, uploadEndpoint gets the bytes; ttl / expireResults', async () => {
		const received: any[] = [];
		const uploads: Buffer[] = [];
		const hook = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				if (req.method === 'PUT') uploads.push(Buffer.concat(chunks));
				else received.push(JSON.parse(Buffer.concat(chunks).toString()));
				res.end('ok');
			});
		});
		await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
		try {
			const base = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
			const t = edit({ webhookURL: `${base}/hook`, uploadEndpoint: `${base}/put/x.jpg`, ttl: 60 });
			const { data } = await json(await post([t]));
			await waitFor(async () => received.length, (n) => n === 1);
			expect(received[0]).toMatchObject({ taskType: 'imageInference', taskUUID: t.taskUUID, imageUUID: data[0].imageUUID });
			expect((await sharp(uploads[0]).metadata()).format).toBe('jpeg');
			expect((await fetch(data[0].imageURL)).status).toBe(200);
			fake.expireResults();
			const res = await fetch(data[0].imageURL);
			expect(res.status).toBe(404);
			expect(await res.text()).toMatch(/expired/);
		} finally {
			hook.close();
		}
	});
});

describe.each(['cometApi'] as const)('%s (the v1 wire form CometAPI copies)', (provider) => {
	let fake: FakeServer;
	const isComet = provider === 'cometApi';
	const prefix = isComet ? '/ideogram/v1/ideogram-v3/' : '/v1/ideogram-v3/';
	const authHeaders = (): Record<string, string> => (isComet ? { authorization: `Bearer ${fake.apiKey}` } : { 'api-key': fake.apiKey });
	const form = (fields: Record<string, string | string[]>, files: Record<string, Buffer> = {}) => {
		const fd = new FormData();
		for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) fd.append(k, x);
		for (const [k, v] of Object.entries(files)) fd.append(k, new Blob([new Uint8Array(v)], { type: 'image/png' }), `${k}.png`);
		return fd;
	};
	const post = (op: string, body: FormData | string, headers: Record<string, string> = authHeaders()) =>
		fetch(fake.url + prefix + op, { method: 'POST', headers, body });
	const errorText = (b: any): string => (isComet ? b.error.message : (b.detail ?? b.error));
	beforeAll(async () => (fake = await startFake(provider)));
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.setOptions({ jobDurationMs: 10, maxInflightImages: 10, maxImageBytes: 10 * 1024 * 1024 });
	});

	test('auth and validation (400 bodies in the provider shape)', async () => {
		const good = () => form({ prompt: 'hat' }, { image: IMG, mask: MASK });
		let res = await post('edit', good(), isComet ? { 'api-key': fake.apiKey } : { authorization: `Bearer ${fake.apiKey}` });
		expect(res.status).toBe(401);
		if (isComet) expect((await json(res)).error).toMatchObject({ type: 'comet_api_error', message: expect.stringMatching(/request id: /) });
		else expect(await json(res)).toMatchObject({ status: 401, title: 'Unauthorized' });
		if (isComet) expect((await post('edit', good(), { authorization: fake.apiKey })).status).toBe(200);

		const expect400 = async (op: string, body: FormData, pattern: RegExp, status = 400) => {
			const r = await post(op, body);
			expect(r.status).toBe(status);
			expect(errorText(await json(r))).toMatch(pattern);
		};
		expect((await post('edit', JSON.stringify({ prompt: 'x' }), { ...authHeaders(), 'content-type': 'application/json' })).status).toBe(415);
		await expect400('reframe', form({ resolution: '1280x800', prompt: 'x' }, { image: IMG }), /Extra formData parameter\(s\) prompt/);
		await expect400('replace-background', form({ prompt: 'x', style_type: 'AUTO' }, { image: IMG }), /style_type/);
		await expect400('reframe', form({ resolution: '1280:800 (8:5)' }, { image: IMG }), /is not one of/);
		await expect400('edit', form({ prompt: 'x', num_images: '9' }, { image: IMG, mask: MASK }), /maximum of 8/);
		await expect400('edit', form({ prompt: 'x', rendering_speed: '' }, { image: IMG, mask: MASK }), /is not one of/);
		await expect400('edit', form({ prompt: 'x', style_codes: 'AABBCCDD,123' }, { image: IMG, mask: MASK }), /style_codes/);
		await expect400('edit', form({ prompt: 'x', style_codes: 'AABBCCDD', style_type: 'AUTO' }, { image: IMG, mask: MASK }), /conjunction/);
		await expect400('edit', form({ prompt: 'x', color_palette: '{"name":"Ember"}' }, { image: IMG, mask: MASK }), /is not one of/);
		await expect400('edit', form({ prompt: 'x' }, { image: IMG }), /Missing formdata parameter 'mask'/);
		await expect400('edit', form({ prompt: 'x' }, { image: Buffer.from('GIF89a....'), mask: MASK }), /unsupported format/);
		await expect400('edit', form({ prompt: 'x' }, { image: IMG, mask: await quarterMask(32, 32) }), /dimensions/);
		await expect400('edit', form({ prompt: 'x' }, { image: IMG, mask: await png(64, 48, 255) }), /partial/);
		fake.setOptions({ maxImageBytes: 100 });
		await expect400('edit', good(), /too large/, 413);
		expect(fake.paidJobs()).toBe(isComet ? 1 : 0);
	});

	test('edit: sync answer with num_images, magic prompt, seeds, signed expiring URLs', async () => {
		fake.setOptions({ jobDurationMs: 120 });
		const t0 = Date.now();
		const res = await post(
			'edit',
			form(
				{ prompt: 'a hat', magic_prompt: 'ON', num_images: '2', seed: '7', style_codes: ['AABBCCDD', '0133FF57'], color_palette: '{"members":[{"color_hex":"#FF0000","color_weight":0.6},{"color_hex":"#00f"}]}' },
				{ image: IMG, mask: MASK },
			),
		);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body.created).toMatch(isComet ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/ : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
		expect(body.data).toHaveLength(2);
		expect(body.data[0]).toEqual({
			url: expect.stringMatching(/\/api\/images\/ephemeral\/.+\.png\?exp=\d+&sig=[0-9a-f]+$/),
			prompt: expect.stringMatching(/.+a hat$/),
			resolution: '64x48',
			is_image_safe: true,
			seed: 7,
			style_type: 'GENERAL',
		});
		expect(body.data[1].seed).toBe(8);
		const [job] = fake.jobs();
		expect(job).toMatchObject({ editFraction: 0.25, params: { style_codes: ['AABBCCDD', '0133FF57'] } });

		const img = await fetch(body.data[0].url);
		expect(img.status).toBe(200);
		expect(fake.requests.at(-1)).toMatchObject({ kind: 'download', authSent: false });
		expect((await fetch(body.data[0].url.replace(/sig=\w+/, 'sig=00'))).status).toBe(403);
		fake.expireResults();
		const expired = await fetch(body.data[0].url);
		expect(expired.status).toBe(403);
		expect(await expired.text()).toMatch(/expired/);
	});

	test('reframe output size; form-data package bodies parse', async () => {
		const fd = new FormDataPkg();
		fd.append('image', IMG, { filename: 'in.png', contentType: 'image/png' });
		fd.append('resolution', '1536x640');
		fd.append('rendering_speed', 'TURBO');
		fd.append('color_palette', JSON.stringify({ name: 'EMBER' }), { contentType: 'application/json' });
		const res = await fetch(fake.url + prefix + 'reframe', {
			method: 'POST',
			headers: { ...fd.getHeaders(), ...authHeaders() },
			body: new Uint8Array(fd.getBuffer()),
		});
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body.data[0]).toMatchObject({ resolution: '1536x640', prompt: '' });
		expect(body.data[0].style_type).toBeUndefined();
		const bytes = Buffer.from(await (await fetch(body.data[0].url)).arrayBuffer());
		expect(await sharp(bytes).metadata()).toMatchObject({ width: 1536, height: 640 });
	});

	test('in-flight limit, unsafe images, 402, resets and slow answers', async () => {
		fake.setOptions({ maxInflightImages: 3, jobDurationMs: 200 });
		const req = () => post('replace-background', form({ prompt: 'forest', num_images: '2' }, { image: IMG }));
		const answers = await Promise.all([req(), sleep(30).then(req)]);
		expect(answers.map((r) => r.status).sort()).toEqual([200, 429]);
		const limited = await json(answers.find((r) => r.status === 429)!);
		if (isComet) expect(limited.error.code).toBe('inflight_limit');
		else expect(limited).toMatchObject({ reject_reason: 'inflight_limit', max_inflight_requests: 3 });

		fake.setOptions({ jobDurationMs: 10 });
		fake.inject({ on: 'submit', kind: 'unsafe' });
		const unsafe = await json(await req());
		expect(unsafe.data.map((d: any) => [d.url, d.is_image_safe])).toEqual([[null, false], [null, false]]);

		fake.inject({ on: 'submit', kind: 'status', status: 402 });
		const broke = await req();
		expect(broke.status).toBe(402);
		if (!isComet) expect(await json(broke)).toMatchObject({ reject_reason: 'insufficient_funds' });

		fake.inject({ on: 'any', kind: 'resetBeforeAccept' });
		await expect(req()).rejects.toThrow();
		fake.inject({ on: 'submit', kind: 'resetAfterAccept' });
		await expect(req()).rejects.toThrow();
		fake.inject({ on: 'submit', kind: 'slow', delayMs: 150 });
		const t0 = Date.now();
		expect((await req()).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		expect(fake.paidJobs()).toBe(4); // a, unsafe, reset-after-accept, slow
	});
});

describe('ideogram (v2)', () => {
	let fake: FakeServer;
	const form = (fields: Record<string, string | string[]>, files: Record<string, Buffer> = {}) => {
		const fd = new FormData();
		for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) fd.append(k, x);
		for (const [k, v] of Object.entries(files)) fd.append(k, new Blob([new Uint8Array(v)], { type: 'image/png' }), `${k}.png`);
		return fd;
	};
	const post = (path: string, body: FormData, headers: Record<string, string> = { 'api-key': fake.apiKey }) =>
		fetch(fake.url + path, { method: 'POST', headers, body });
	const poll = (id: string) => fetch(`${fake.url}/v2/generations/${id}`, { headers: { 'api-key': fake.apiKey } });
	const INPAINT = '/v2/image/inpaint/ideogram-3';
	beforeAll(async () => (fake = await startFake('ideogram')));
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.setOptions({ jobDurationMs: 10, deprecationNotice: false });
	});

	test('routes and fields as the v2 pages list them; unknown fields and v1 spellings refused', async () => {
		expect((await post(INPAINT, form({ prompt: 'x' }, { image: IMG, mask: MASK }), { authorization: `Bearer ${fake.apiKey}` })).status).toBe(401);
		const refused = async (path: string, body: FormData, pattern: RegExp, status = 400) => {
			const r = await post(path, body);
			expect(r.status).toBe(status);
			expect((await json(r)).detail).toMatch(pattern);
		};
		await refused(INPAINT, form({ prompt: 'x', color_palette: '{"name":"ember"}' }, { image: IMG, mask: MASK }), /Extra formData parameter\(s\) color_palette/);
		await refused(INPAINT, form({ prompt: 'x', rendering_speed: 'TURBO' }, { image: IMG, mask: MASK }), /is not one of/);
		await refused(INPAINT, form({ prompt: 'x', style_preset: 'BAUHAUS' }, { image: IMG, mask: MASK }), /is not one of/);
		await refused(INPAINT, form({ prompt: 'x' }, { image: IMG, mask: MASK, character_reference_images: IMG }), /Extra formData/);
		await refused('/v2/image/inpaint/ideogram-3-character', form({ prompt: 'x', style_type: 'design' }, { image: IMG, mask: MASK, character_reference_images: IMG }), /is not one of/);
		await refused('/v2/image/reframe/ideogram-3', form({ resolution: '1280x800', style_preset: 'bauhaus', style_codes: 'AABBCCDD' }, { image: IMG }), /only one of/);
		await refused('/v2/image/replace-background/ideogram-3', form({ prompt: 'x', seed: '1' }, { image: IMG }), /Extra formData parameter\(s\) seed/);
		await refused('/v2/image/replace-background/ideogram-3', form({ prompt: 'x', async: 'true' }, { image: IMG }), /Extra formData parameter\(s\) async/);
		await refused(INPAINT, form({ prompt: 'x', webhook_url: 'https://127.0.0.1/hook' }, { image: IMG, mask: MASK }), /not allowed/);
		expect((await post('/v1/ideogram-v3/edit', form({ prompt: 'x' }, { image: IMG, mask: MASK }))).status).toBe(404);
		expect(fake.paidJobs()).toBe(0);
	});

	test('async: generation_id at once, then pending → completed with data and usage_cost_usd_micros; failed with failure_reason', async () => {
		fake.setOptions({ jobDurationMs: 150 });
		const res = await post(INPAINT, form({ prompt: 'a hat', async: 'true', num_images: '2', seed: '7', rendering_speed: 'quality' }, { image: IMG, mask: MASK }));
		expect(res.status).toBe(200);
		const ack = await json(res);
		expect(ack).toEqual({ generation_id: expect.any(String), seed: 7, width: 64, height: 48 });
		expect(await json(await poll(ack.generation_id))).toMatchObject({ generation_id: ack.generation_id, status: 'pending' });
		const done = await waitFor(async () => json(await poll(ack.generation_id)), (b) => b.status === 'completed');
		expect(done).toMatchObject({ response_type: 'url', usage_cost_usd_micros: 180000 });
		expect(done.data).toEqual([0, 1].map((i) => ({ object_type: 'image.generation', url: expect.stringMatching(/\/api\/images\/ephemeral\//), prompt: 'a hat', resolution: '64x48', seed: 7 + i, is_image_safe: true })));
		expect((await poll('nope')).status).toBe(404);

		fake.inject({ on: 'any', kind: 'jobFailed' });
		const failed = await json(await post('/v2/image/replace-background/ideogram-3', form({ prompt: 'forest' }, { image: IMG })));
		const end = await waitFor(async () => json(await poll(failed.generation_id)), (b) => b.status !== 'pending');
		expect(end).toEqual({ generation_id: failed.generation_id, created: expect.any(String), status: 'failed', failure_reason: 'generation_error' });
		expect(end.data).toBeUndefined();
	});

	test('dry_run prices and creates nothing; unsafe images have no url; injected poll 429 carries Retry-After', async () => {
		const quote = await post(`${INPAINT}?dry_run=true`, form({ prompt: 'x', num_images: '2', rendering_speed: 'turbo' }, { image: IMG, mask: MASK }));
		expect(await json(quote)).toEqual({ object: 'price_quote', billing_identifier: 'ideogram_v3_inpaint', quantity: 2, usd_micros: 60000, credit_millis: 3000, qualifier: 'exact' });
		expect(fake.jobs()).toHaveLength(0);

		fake.inject({ on: 'submit', kind: 'unsafe' });
		const { generation_id: id } = await json(await post('/v2/image/reframe/ideogram-3', form({ resolution: '1280x800', async: 'true' }, { image: IMG })));
		const done = await waitFor(async () => json(await poll(id)), (b) => b.status === 'completed');
		expect(done.data[0]).toMatchObject({ url: null, is_image_safe: false });

		fake.inject({ on: 'status', kind: 'status', status: 429, retryAfter: '3' });
		const limited = await poll(id);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('3');
	});

	test('deprecationNotice: Deprecation and Link headers and a notice field', async () => {
		fake.setOptions({ deprecationNotice: true });
		const res = await post('/v2/image/replace-background/ideogram-3', form({ prompt: 'forest' }, { image: IMG }));
		expect(res.headers.get('deprecation')).toMatch(/^@\d+$/);
		expect(res.headers.get('link')).toMatch(/rel="successor-version"/);
		expect((await json(res)).notice).toMatch(/deprecated/);
	});
});

test('startAllFakes gives four servers with their own keys', async () => {
	const all = await startAllFakes({ runComfy: { apiKey: 'k1' } });
	try {
		expect(all.runComfy.apiKey).toBe('k1');
		expect(all.ideogram.apiKey).toBe('test-key-ideogram');
		expect(new Set([all.runComfy.url, all.runware.url, all.cometApi.url, all.ideogram.url]).size).toBe(4);
	} finally {
		await all.close();
	}
});

describe.each([
	['cometApi', '/ideogram/v1/ideogram-v3/reframe', 'EMBER'],
	['ideogram', '/v2/image/reframe/ideogram-3', 'ember'],
] as const)('%s: the color_palette part', (provider, path, preset) => {
	let fake: FakeServer;
	beforeAll(async () => (fake = await startFake(provider)));
	afterAll(() => fake.close());
	beforeEach(() => fake.reset());

	const post = async (contentType: string | undefined) => {
		const fd = new FormDataPkg();
		fd.append('image', IMG, { filename: 'in.png', contentType: 'image/png' });
		fd.append('resolution', '1280x800');
		fd.append('color_palette', JSON.stringify({ name: preset }), contentType ? { contentType } : {});
		const auth: Record<string, string> = provider === 'cometApi' ? { authorization: `Bearer ${fake.apiKey}` } : { 'api-key': fake.apiKey };
		return await fetch(fake.url + path, { method: 'POST', headers: { ...fd.getHeaders(), ...auth }, body: new Uint8Array(fd.getBuffer()) });
	};

	// The spec's encoding is application/json; older pages show a plain text part: both are taken.
	it.each([
		['application/json (the OpenAPI encoding)', 'application/json', 200],
		['application/json with a charset', 'application/json; charset=utf-8', 200],
		['no content type (a plain text part, as older pages show)', undefined, 200],
		['text/plain', 'text/plain', 200],
		['another content type', 'image/png', 400],
	])('%s (Content-Type %s) → HTTP %i, the part type recorded', async (_case, contentType, status) => {
		const res = await post(contentType);
		expect(res.status).toBe(status);
		const [submit] = fake.requests.filter((r) => r.kind === 'submit');
		expect(submit.multipart?.fieldTypes.color_palette).toEqual([contentType]);
		if (status === 400) expect(JSON.stringify(await json(res))).toMatch(/content type 'image\/png' for formData parameter 'color_palette'/);
	});
});

describe('cometApi: the task envelope of relays', () => {
	let fake: FakeServer;
	beforeAll(async () => (fake = await startFake('cometApi', { taskEnvelope: true })));
	afterAll(() => fake.close());

	it('answers an accepted submit with {code, message, request_id, data: {task_id, task_status}}; the job is billed', async () => {
		const fd = new FormDataPkg();
		fd.append('image', IMG, { filename: 'in.png', contentType: 'image/png' });
		fd.append('resolution', '1280x800');
		const res = await fetch(`${fake.url}/ideogram/v1/ideogram-v3/reframe`, {
			method: 'POST',
			headers: { ...fd.getHeaders(), authorization: `Bearer ${fake.apiKey}` },
			body: new Uint8Array(fd.getBuffer()),
		});
		expect(res.status).toBe(200);
		const body = await json(res);
		expect(body).toEqual({ code: 'success', message: '', request_id: expect.stringMatching(/^[0-9a-f]{20}$/), data: { task_id: fake.jobs()[0].id, task_status: 'SUBMITTED' } });
		expect(fake.paidJobs()).toBe(1);
	});
});
