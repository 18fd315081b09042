import { ProviderError, type HttpRequest } from '../../../nodes/shared/engine';
import { runwareAdapter as adapter } from '../../../nodes/shared/providers/runware';
import type { JobRequest } from '../../../nodes/shared/providers/types';
import seed from './fixtures/runware-doc-examples.json';
import { RecordingHttp, context, image, jobRequest, providerErrorOf, sentJson } from './helpers';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Answers a submit with Runware's async ACK for whatever taskUUID was sent. */
function ack(request: HttpRequest) {
	const [task] = sentJson(request);
	return {
		status: 200,
		headers: { 'content-type': 'application/json' },
		body: Buffer.from(JSON.stringify({ data: [{ taskType: 'imageInference', taskUUID: task.taskUUID }] })),
	};
}

async function submitted(request: JobRequest) {
	const http = new RecordingHttp().respond(ack);
	const state = await adapter.submit(context(http, 'https://api.runware.test'), request);
	const body = sentJson(http.last.request);
	return { http, state, body, task: body[0] };
}

/** The platform options we add to every task on top of what the seed examples show. */
const OUR_PLATFORM_OPTIONS = { numberResults: 1, deliveryMethod: 'async', outputType: 'URL', includeCost: true };

function withoutOurs(task: Record<string, unknown>) {
	const { taskUUID: _uuid, numberResults: _n, deliveryMethod: _d, outputType: _o, includeCost: _c, ...rest } = task;
	return rest;
}

describe("Runware adapter: golden examples from Runware's documentation", () => {
	it.each(seed.examples.map((e) => [e.title, e] as const))('builds “%s” as the seed does', async (_title, example) => {
		const { request: expected } = example;
		const settings = expected.providerSettings.ideogram;
		const { state, task, body, http } = await submitted(
			jobRequest({
				operation: 'edit',
				image: image({ url: expected.inputs.seedImage }),
				mask: image({ url: expected.inputs.maskImage }),
				prompt: expected.positivePrompt,
				options: {
					renderingSpeed: settings.renderingSpeed as 'QUALITY',
					magicPrompt: settings.magicPrompt as 'OFF',
					styleType: settings.styleType as 'DESIGN',
					stylePreset: settings.stylePreset,
				},
			}),
		);
		expect(Array.isArray(body)).toBe(true);
		expect(body).toHaveLength(1);
		expect(task.taskUUID).toMatch(UUID_V4);
		expect(withoutOurs(task)).toEqual(withoutOurs(expected));
		expect(task).toMatchObject(OUR_PLATFORM_OPTIONS);
		expect(task).not.toHaveProperty('seed');
		expect(state).toEqual({ requestId: task.taskUUID, status: 'submitted' });
		expect(http.last.kind).toBe('submitIdempotent');
		expect(http.last.request.url).toBe('https://api.runware.test/v1');
		expect(http.last.request.headers?.authorization).toBeUndefined();
	});

	it.each(seed.examples.map((e) => [e.title, e] as const))('parses the “%s” response', async (_title, example) => {
		const { response } = example;
		const job = { provider: 'runware' as const, operation: 'edit' as const, requestId: response.taskUUID, numImages: 1 };
		const expected = { url: response.imageURL, seed: response.seed, cost: response.cost };

		// as a getResponse item
		const polled = new RecordingHttp().json(200, { data: [{ ...response, status: 'success' }] });
		expect(await adapter.getState!(context(polled), job)).toEqual({
			requestId: response.taskUUID,
			status: 'completed',
			images: [expected],
		});
		// as the seed shows it (sync form, no status field)
		const plain = new RecordingHttp().json(200, { data: [response] });
		expect((await adapter.getState!(context(plain), job)).images).toEqual([expected]);
	});

	it('builds the reframe example of the current docs (docs/providers/runware.md)', async () => {
		const expected = {
			taskType: 'imageInference',
			taskUUID: 'cc4320f7-8382-490c-b47c-c32c016b2666',
			model: 'ideogram:4@4',
			width: 1536,
			height: 640,
			providerSettings: { ideogram: { renderingSpeed: 'QUALITY', magicPrompt: 'ON', stylePreset: 'ART_DECO' } },
			inputs: { seedImage: 'https://assets.runware.ai/assets/inputs/5d37.jpg' },
		};
		const { task } = await submitted(
			jobRequest({
				operation: 'reframe',
				image: image({ url: expected.inputs.seedImage }),
				mask: undefined,
				prompt: undefined,
				resolution: { width: 1536, height: 640 },
				options: { renderingSpeed: 'QUALITY', magicPrompt: 'ON', stylePreset: 'ART_DECO' },
			}),
		);
		expect(withoutOurs(task)).toEqual(withoutOurs(expected));
		expect(task).not.toHaveProperty('positivePrompt');
	});
});

describe('Runware adapter: request building', () => {
	it('sends binary images as data URIs and uses the replace-background model', async () => {
		const { task } = await submitted(jobRequest({ operation: 'replaceBackground', mask: undefined, options: { numImages: 3 } }));
		expect(task.model).toBe('ideogram:4@5');
		expect(task.positivePrompt).toBe('A cat wearing a hat');
		expect(task.inputs).toEqual({ seedImage: `data:image/png;base64,${image().data.toString('base64')}` });
		expect(task.numberResults).toBe(3);
		expect(task).not.toHaveProperty('providerSettings');
		expect(task).not.toHaveProperty('width');
	});

	it('keeps DEFAULT speed and uppercase style types, and sends one styleCode', async () => {
		const { task } = await submitted(jobRequest({ options: { renderingSpeed: 'DEFAULT', styleType: 'RENDER_3D' } }));
		expect(task.providerSettings.ideogram).toEqual({ renderingSpeed: 'DEFAULT', styleType: 'RENDER_3D' });
		const codes = await submitted(jobRequest({ options: { styleCodes: ['AAFF5733'] } }));
		expect(codes.task.providerSettings.ideogram).toEqual({ styleCode: 'AAFF5733' });
	});

	it('sends reference images, character references on edit only', async () => {
		const ref = image({ url: 'https://cdn.test/style.png' });
		const face = image({ url: 'https://cdn.test/face.png' });
		const faceMask = image({ data: Buffer.from('face mask') });
		const edit = await submitted(
			jobRequest({ options: { styleReferenceImages: [ref], characterReferenceImages: [face], characterReferenceMasks: [faceMask] } }),
		);
		expect(edit.task.providerSettings.ideogram).toEqual({
			styleReferenceImages: ['https://cdn.test/style.png'],
			characterReferenceImages: ['https://cdn.test/face.png'],
			characterReferenceImagesMask: [`data:image/png;base64,${Buffer.from('face mask').toString('base64')}`],
		});
	});

	it('passes the Runware-only options through', async () => {
		const { task } = await submitted(
			jobRequest({
				options: {
					runware: {
						outputFormat: 'PNG',
						outputQuality: 90,
						ttl: 3600,
						includeCost: false,
						webhookURL: 'https://hooks.test/rw',
						uploadEndpoint: 'https://bucket.test/put?sig=1',
						checkContent: true,
					},
				},
			}),
		);
		expect(task).toMatchObject({
			outputFormat: 'PNG',
			outputQuality: 90,
			ttl: 3600,
			includeCost: false,
			webhookURL: 'https://hooks.test/rw',
			uploadEndpoint: 'https://bucket.test/put?sig=1',
			safety: { checkContent: true },
			deliveryMethod: 'async',
			outputType: 'URL',
		});
	});

	it.each([
		// operation, style type, refused?
		['edit', 'RENDER_3D', false],
		['edit', 'ANIME', false],
		['replaceBackground', 'RENDER_3D', true],
		['replaceBackground', 'ANIME', true],
		['replaceBackground', 'FICTION', false],
	] as const)('%s with Style Type %s: refused before any request %s', (operation, styleType, refused) => {
		const choice = { operation, promptLength: 10, styleType, styleCodes: 0, styleReferenceImages: 0, characterReference: false };
		const reason = adapter.accepts.refusesCombination!(choice);
		if (!refused) return expect(reason).toBeUndefined();
		expect(reason).toBe(`Style Type "${styleType}" is available on Runware for Edit only: for Replace Background choose AUTO, GENERAL, REALISTIC, DESIGN, FICTION.`);
	});

	it('declares what Runware takes', () => {
		expect(adapter.accepts).toMatchObject({ maxStyleCodes: 1, maxStyleReferenceImages: 4, maxPromptLength: 2000 });
		expect(adapter.accepts.styleTypes).toContain('ANIME');
		expect(adapter.accepts.options.edit).not.toContain('colorPalette');
		expect(adapter.accepts.options.edit).not.toContain('seed');
		expect(adapter.accepts.options.reframe).not.toContain('characterReferenceImages');
		expect(adapter.accepts.options.edit).toContain('runware');
		expect(adapter.cancel).toBeUndefined();
	});
});

describe('Runware adapter: submit answers', () => {
	it('treats conflictTaskUUID as “already accepted” and continues with that task', async () => {
		const http = new RecordingHttp().respond((request) => {
			const [task] = sentJson(request);
			return {
				status: 400,
				headers: {},
				body: Buffer.from(
					JSON.stringify({
						errors: [{ code: 'conflictTaskUUID', message: 'Task UUID already in use', parameter: 'taskUUID', taskUUID: task.taskUUID }],
					}),
				),
			};
		});
		const state = await adapter.submit(context(http), jobRequest());
		expect(state).toEqual({ requestId: sentJson(http.last.request)[0].taskUUID, status: 'submitted' });
	});

	it('maps validation errors with the parameter they name', async () => {
		const http = new RecordingHttp().json(400, {
			errors: [
				{
					code: 'invalidStyleCode',
					message: 'Invalid value for styleCode',
					parameter: 'providerSettings.ideogram.styleCode',
					taskType: 'imageInference',
					taskUUID: 'x',
				},
			],
		});
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest({ options: { styleCodes: ['AAFF5733'] } })));
		expect(error.provider).toBe('Runware');
		expect(error.operation).toBe('edit');
		expect(error.httpCode).toBe(400);
		expect(error.providerCode).toBe('invalidStyleCode');
		expect(error.message).toContain('Invalid value for styleCode');
		expect(error.hint).toContain('Style Codes');
		expect(error.retryable).toBe(false);
	});

	it('reads errors[] even on HTTP 200, and the {error:{…}} shape', async () => {
		const ok = new RecordingHttp().json(200, { errors: [{ code: 'invalidApiKey', message: 'Invalid API key.', parameter: 'apiKey' }] });
		const auth = await providerErrorOf(adapter.submit(context(ok), jobRequest()));
		expect(auth.providerCode).toBe('invalidApiKey');
		expect(auth.hint).toBe('Check the API key in the Runware API credential.');

		const flat = new RecordingHttp().json(402, { error: { code: 'insufficientCredits', message: 'Not enough credits' }, taskUUID: 'x' });
		const quota = await providerErrorOf(adapter.submit(context(flat), jobRequest()));
		expect(quota.message).toContain('Not enough credits');
		expect(quota.hint).toMatch(/top it up/);

		const busy = new RecordingHttp().json(429, { errors: [{ code: 'rateLimitExceeded', message: 'Slow down' }] });
		const rate = await providerErrorOf(adapter.submit(context(busy), jobRequest()));
		expect(rate.retryable).toBe(true);
		expect(rate.hint).toMatch(/lower Concurrency/);
	});

	it('gives the taskUUID with a 5xx, so the job can be looked for', async () => {
		const http = new RecordingHttp().text(502, 'Bad Gateway', 'text/plain');
		const error = await providerErrorOf(adapter.submit(context(http), jobRequest()));
		expect(error.requestId).toBe(sentJson(http.last.request)[0].taskUUID);
		expect(error.retryable).toBe(true);
		const ok = new RecordingHttp().json(200, { errors: [{ code: 'internalServerError', message: 'An unexpected error occurred, please retry' }] });
		const e2 = await providerErrorOf(adapter.submit(context(ok), jobRequest()));
		expect(e2.requestId).toBe(sentJson(ok.last.request)[0].taskUUID);
		expect(e2.retryable).toBe(true);
		const invalid = new RecordingHttp().json(400, { errors: [{ code: 'invalidPositivePrompt', message: 'bad', parameter: 'positivePrompt' }] });
		const e3 = await providerErrorOf(adapter.submit(context(invalid), jobRequest()));
		expect(e3.requestId).toBeUndefined();
		expect(e3.hint).toBe('Check the option “Prompt” (Runware parameter `positivePrompt`).');
	});

	it('names the field of an unexpected acknowledgement', async () => {
		const missing = new RecordingHttp().json(200, { ok: true });
		const e1 = await providerErrorOf(adapter.submit(context(missing), jobRequest()));
		expect(e1.message).toContain('Runware returned an unexpected response from POST /v1 (imageInference): field `data` is missing');
		const bad = new RecordingHttp().json(200, { data: [{ taskType: 'imageInference' }] });
		const e2 = await providerErrorOf(adapter.submit(context(bad), jobRequest()));
		expect(e2.message).toContain('field `data[0].taskUUID` is missing');
		const other = new RecordingHttp().json(200, { data: [{ taskType: 'imageInference', taskUUID: 'someone-else' }] });
		const e3 = await providerErrorOf(adapter.submit(context(other), jobRequest()));
		expect(e3.message).toContain('no item in `data` carries the submitted taskUUID');
	});
});

describe('Runware adapter: polling', () => {
	const job = { provider: 'runware' as const, operation: 'edit' as const, requestId: 'c34775f2-381c-4c0d-89bc-1d8e9bb0499b', numImages: 3 };
	const item = (status: string, extra: Record<string, unknown> = {}) => ({
		taskType: 'imageInference',
		taskUUID: job.requestId,
		status,
		...extra,
	});

	it('polls with getResponse for the same taskUUID', async () => {
		const http = new RecordingHttp().json(200, { data: [item('processing', { progress: 30 })] });
		await adapter.getState!(context(http, 'https://api.runware.test/'), job);
		expect(http.last.kind).toBe('read');
		expect(http.last.request.url).toBe('https://api.runware.test/v1');
		expect(sentJson(http.last.request)).toEqual([{ taskType: 'getResponse', taskUUID: job.requestId }]);
	});

	it('reports progress until every image succeeded', async () => {
		const http = new RecordingHttp()
			.json(200, { data: [] })
			.json(200, { data: [item('processing', { progress: 30 }), item('pending'), item('processing', { progress: 60 })] })
			.json(200, {
				data: [
					item('success', { imageURL: 'https://im.test/1.jpg', seed: 1, cost: 0.09 }),
					item('success', { imageURL: 'https://im.test/2.jpg', seed: 2, cost: 0.09 }),
					item('processing', { progress: 90 }),
				],
			})
			.json(200, {
				data: [
					item('success', { imageURL: 'https://im.test/1.jpg', seed: 1, cost: 0.09 }),
					item('success', { imageURL: 'https://im.test/2.jpg', seed: 2, cost: 0.09, NSFWContent: true }),
					item('success', { imageUUID: 'u3', imageDataURI: `data:image/jpeg;base64,${Buffer.from('jpg').toString('base64')}`, NSFWContent: false }),
				],
			});
		const ctx = context(http);
		expect(await adapter.getState!(ctx, job)).toEqual({ requestId: job.requestId, status: 'running' });
		expect(await adapter.getState!(ctx, job)).toEqual({ requestId: job.requestId, status: 'running', progress: 30 });
		expect(await adapter.getState!(ctx, job)).toEqual({ requestId: job.requestId, status: 'running', progress: 97 });
		const done = await adapter.getState!(ctx, job);
		expect(done.status).toBe('completed');
		expect(done.images).toEqual([
			{ url: 'https://im.test/1.jpg', seed: 1, cost: 0.09 },
			{ url: 'https://im.test/2.jpg', seed: 2, cost: 0.09, isImageSafe: false },
			{ inline: Buffer.from('jpg'), isImageSafe: true },
		]);
	});

	it('ends the job on a failed generation, with a hint', async () => {
		const http = new RecordingHttp().json(200, {
			data: [item('success', { imageURL: 'https://im.test/1.jpg' }), item('error', { error: { code: 'providerContentPolicyViolation', message: 'Blocked by the provider' } })],
		});
		expect(await adapter.getState!(context(http), job)).toEqual({
			requestId: job.requestId,
			status: 'failed',
			error: {
				message: 'Blocked by the provider',
				code: 'providerContentPolicyViolation',
				hint: 'A safety check refused the prompt or an image: change them. The same request would be refused again, so it was not sent again.',
			},
		});
		const envelope = new RecordingHttp().json(200, { errors: [{ code: 'timeoutProvider', message: 'Provider timed out', taskUUID: job.requestId }] });
		expect(await adapter.getState!(context(envelope), job)).toMatchObject({ status: 'failed', error: { code: 'timeoutProvider' } });
		const cancelled = new RecordingHttp().json(200, { errors: [{ code: 'taskCancelled', message: 'Cancelled' }] });
		expect((await adapter.getState!(context(cancelled), job)).status).toBe('cancelled');
	});

	it('throws for errors about the request itself', async () => {
		const unknown = new RecordingHttp().json(400, { errors: [{ code: 'taskFailedOrNotFound', message: 'Task not found', taskUUID: job.requestId }] });
		const e1 = await providerErrorOf(adapter.getState!(context(unknown), job));
		expect(e1.providerCode).toBe('taskFailedOrNotFound');
		expect(e1.requestId).toBe(job.requestId);
		expect(e1.hint).toMatch(/no such task or file/);
		const key = new RecordingHttp().json(401, { errors: [{ code: 'invalidApiKey', message: 'Invalid API key' }] });
		expect((await providerErrorOf(adapter.getState!(context(key), job))).httpCode).toBe(401);
		const shape = new RecordingHttp().json(200, { data: [{ status: 7 }] });
		expect((await providerErrorOf(adapter.getState!(context(shape), job))).message).toContain(
			'Runware returned an unexpected response from POST /v1 (getResponse): field `data[0].status` should be a string, got number',
		);
	});

	/** The hint each class of Runware error gives the user. */
	const HINTS = {
		auth: /^Check the API key in the Runware API credential\.$/,
		quota: /balance is used up/,
		rateLimit: /^Runware is busy/,
		safety: /^A safety check refused/,
		provider: /^The model provider behind Runware failed/,
		timeout: /^The generation timed out at Runware/,
		notFound: /^Runware has no such task or file/,
		serverError: /^Runware had a temporary problem/,
		validation: /^Runware refused the request as invalid/,
		// A code the package does not know: the HTTP status (400 here) decides.
		unknown: /^The provider refused the request as invalid/,
	};

	/** Codes named by Runware's SDKs (`src/errors.ts`), its errors page and its task-polling page, and where each lands. */
	const CLASSES: Array<[string | undefined, keyof typeof HINTS]> = [
		['invalidApiKey', 'auth'],
		['missingApiKey', 'auth'],
		['authTimeout', 'auth'], // an auth code before it is a timeout
		['tokenExpired', 'auth'], // before it is "expired"
		['accountSuspended', 'auth'],
		['insufficientCredits', 'quota'],
		['paymentRequired', 'quota'],
		['lowBalance', 'quota'],
		['rateLimitExceeded', 'rateLimit'],
		['userRateLimitReached', 'rateLimit'],
		['sensitiveContentDetected', 'safety'],
		['unsafeContentDetected', 'safety'],
		['nsfwContentDetected', 'safety'],
		['providerContentPolicyViolation', 'safety'], // a safety code before it is a provider one
		['promptBlocked', 'safety'],
		['timeoutProvider', 'timeout'], // the example of Runware's errors page
		['inferenceTimeout', 'timeout'],
		['taskFailedOrNotFound', 'notFound'],
		['unknownModel', 'notFound'],
		['imageNotFound', 'notFound'],
		['seedImageExpired', 'notFound'],
		['internalServerError', 'serverError'],
		['serviceUnavailable', 'serverError'],
		['inferenceError', 'provider'],
		['processingFailed', 'provider'],
		['taskFailed', 'provider'],
		['downloadFailed', 'provider'],
		['modelDisabled', 'provider'],
		['modelNotReady', 'provider'],
		['noAvailableServer', 'provider'],
		['providerUnavailable', 'provider'],
		['providerAuthError', 'provider'], // Runware's own key upstream, not the user's
		['invalidPositivePrompt', 'validation'],
		['missingSeedImage', 'validation'],
		['unsupportedDimensions', 'validation'],
		['unknownParameter', 'validation'],
		['incompatibleParameters', 'validation'],
		['conflictTaskUUID', 'validation'],
		['maxNumberResults', 'validation'],
		['somethingBrandNew', 'unknown'],
		[undefined, 'unknown'],
	];

	it.each(CLASSES)('classes %s as %s, in the order of Runware’s SDK (the hint the user sees)', async (code, expected) => {
		// Read while polling: an error about the request is thrown, one about the generation ends the job failed.
		const http = new RecordingHttp().json(400, { errors: [{ ...(code === undefined ? {} : { code }), message: 'm' }] });
		const state = await adapter.getState!(context(http), job).catch((error: unknown) => ({ error: error instanceof ProviderError ? error.details : error }));
		expect(state.error).toMatchObject({ hint: expect.stringMatching(HINTS[expected]) });
	});

	/** Whether each class is sent again on submit (same taskUUID) and read again while polling. */
	type Rule = 'retry' | 'stop' | undefined;
	const RESENDS: Array<[string, number, Rule, Rule]> = [
		// code, HTTP status, on submit, while polling (undefined: the status decides)
		['rateLimitExceeded', 200, 'retry', 'retry'],
		['internalServerError', 200, 'retry', 'retry'],
		['timeoutProvider', 400, 'retry', 'stop'],
		['inferenceError', 400, 'retry', 'stop'],
		['sensitiveContentDetected', 400, 'stop', 'stop'],
		['invalidApiKey', 500, 'stop', 'stop'],
		['insufficientCredits', 402, 'stop', 'stop'],
		['taskFailedOrNotFound', 400, 'stop', 'stop'],
		['invalidPositivePrompt', 400, 'stop', 'stop'],
		['conflictTaskUUID', 400, 'stop', 'stop'],
		['somethingBrandNew', 503, undefined, undefined],
	];

	it.each(RESENDS)('%s (HTTP %s): on submit %s, while polling %s', async (code, status, resend, readAgain) => {
		const answer = { status, headers: {}, body: Buffer.from(JSON.stringify({ errors: [{ code, message: 'm' }] })) };
		const submit = new RecordingHttp().respond(ack);
		await adapter.submit(context(submit), jobRequest());
		expect(submit.last.request.retryRule?.(answer)).toBe(resend);
		const poll = new RecordingHttp().json(200, { data: [] });
		await adapter.getState!(context(poll), job);
		expect(poll.last.request.retryRule?.(answer)).toBe(readAgain);
		// An answer without Runware's envelope is left to the status rules.
		expect(submit.last.request.retryRule?.({ status: 502, headers: {}, body: Buffer.from('Bad Gateway') })).toBeUndefined();
	});

	it('describes its limits', () => {
		expect(adapter).toMatchObject({
			name: 'runware',
			queued: true,
			maskConvention: 'white',
			defaultConcurrency: 4,
			limits: { maxImagesPerJob: 20 },
		});
	});
});
