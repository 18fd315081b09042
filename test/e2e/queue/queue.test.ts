/**
 * The package in n8n's queue mode (see cluster.ts): production webhooks on main, executions on two
 * workers, execution and binary data in Postgres (`database` mode; at the end `filesystem` mode on
 * a shared folder), against the fake providers. The tests share one cluster and run in order.
 */
import sharp from 'sharp';

import { failedNodes } from '../examples';
import { PROVIDERS, type Provider } from '../fixtures';
import type { FakeServer } from '../../fakes';
import { outputItems, type RunItem } from '../n8n';
import { ideogramNode, OPERATIONS, PACKAGE, runViaWebhook, startCluster, webhookWorkflow, type BinaryMode, type QueueCluster, type StoredExecution } from './cluster';

let cluster: QueueCluster;
let png: string;

beforeAll(async () => {
	png = (await sharp({ create: { width: 256, height: 192, channels: 3, background: '#3366cc' } }).png().toBuffer()).toString('base64');
	cluster = await startCluster('database');
}, 10 * 60_000);

afterAll(async () => {
	await cluster?.stop();
}, 120_000);

const OPERATION_NAMES = Object.keys(OPERATIONS) as Array<keyof typeof OPERATIONS>;
const replaceBackground = (provider: Provider, extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	ideogramNode('Replace Background', OPERATIONS['Replace Background'][0], provider, { ...OPERATIONS['Replace Background'][1], options }, extra);
const items = (...prompts: string[]) => ({ items: prompts.map((prompt) => ({ png, prompt })) });
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Submissions the fake received for a prompt (accepted or not). */
const submissionsOf = (fake: FakeServer, prompt: string) => fake.requests.filter((r) => r.kind === 'submit' && (r.json as { prompt?: string } | undefined)?.prompt === prompt);
/** The line a worker logs for each job a provider accepted (docs/n8n.md "Logging"). */
const SUBMITTED_JOB = /Ideogram job submitted: executionId=(?<executionId>\S+) node=(?<node>"(?:[^"\\]|\\.)*"|\S+) itemIndex=(?<itemIndex>\d+) provider=(?<provider>\S+) operation=(?<operation>\S+) numImages=(?<numImages>\d+) requestId=(?<requestId>\S+)/g;
const statusChecks = (fake: FakeServer, since = 0) => fake.requests.filter((r) => r.kind === 'status' && r.at >= since);

/** RunComfy's fake with other job timings for one test. */
async function withRunComfyJobs<T>(timing: { jobDurationMs: number; queueMs?: number }, body: (fake: FakeServer) => Promise<T>): Promise<T> {
	const fake = cluster.fakes.runComfy;
	fake.setOptions({ queueMs: 0, ...timing });
	try {
		return await body(fake);
	} finally {
		fake.setOptions({ jobDurationMs: 10, queueMs: 0 });
	}
}

async function expectStoredImages(images: RunItem[], mode: BinaryMode): Promise<void> {
	expect(images.length).toBeGreaterThan(0);
	for (const item of images) {
		const binary = item.binary?.data;
		expect(binary?.mimeType).toMatch(/^image\/(png|jpeg|webp)$/);
		// the item carries a reference to where n8n stored the bytes, not the bytes
		expect(binary?.id).toMatch(mode === 'database' ? /^database:/ : /^filesystem-v2:/);
		// main serves what a worker stored
		const download = await cluster.main.request('GET', `/rest/binary-data?id=${encodeURIComponent(binary!.id as string)}&action=download`);
		expect(download.status).toBe(200);
		expect((await sharp(download.bytes).metadata()).width).toBeGreaterThan(0);
	}
}

/** Edit → Reframe → Replace Background on every provider, each on the image the previous one made. */
function eachOperationOnEachProvider(mode: BinaryMode) {
	it.each(PROVIDERS)(`%s: each operation runs on a worker and returns its images, stored in ${mode} mode`, async (provider) => {
		const paidBefore = cluster.fakes[provider].paidJobs();
		const steps = OPERATION_NAMES.map((name) => ideogramNode(name, OPERATIONS[name][0], provider, OPERATIONS[name][1]));
		await cluster.activate(webhookWorkflow(`pipeline-${provider}-${mode}`, steps));
		const run = await runViaWebhook(cluster, `pipeline-${provider}-${mode}`, items('a beach'));
		expect(failedNodes(run)).toEqual([]);
		expect(run.status).toBe('success');
		expect(cluster.workerOf(run.id)).toBeDefined();
		for (const name of OPERATION_NAMES) {
			const output = outputItems(run, name);
			expect(output.map((i) => i.json)).toEqual([expect.objectContaining({ provider, status: 'completed' })]);
			await expectStoredImages(output, mode);
		}
		expect(cluster.fakes[provider].paidJobs() - paidBefore).toBe(OPERATION_NAMES.length);
	});
}

describe('queue mode, binary data in database mode', () => {
	eachOperationOnEachProvider('database');

	it('20 concurrent executions spread over both workers all complete, one paid submission each', async () => {
		await withRunComfyJobs({ jobDurationMs: 3000 }, async (fake) => {
			await cluster.activate(webhookWorkflow('concurrent', [replaceBackground('runComfy')]));
			const paidBefore = fake.paidJobs();
			const prompts = Array.from({ length: 20 }, (_, i) => `concurrent ${i}`);
			const runs = await Promise.all(prompts.map(async (prompt) => await runViaWebhook(cluster, 'concurrent', items(prompt))));
			for (const [i, run] of runs.entries()) {
				expect({ execution: run.id, status: run.status }).toEqual({ execution: run.id, status: 'success' });
				const output = outputItems(run, 'Replace Background');
				// each execution got the images of its own job
				const job = fake.jobs().find((j) => j.id === output[0]?.json.requestId);
				expect(output).toHaveLength(1);
				expect((job?.params as { prompt?: string } | undefined)?.prompt).toBe(prompts[i]);
				expect(output[0].binary?.data.id).toMatch(/^database:/);
			}
			expect(new Set(runs.map((r) => cluster.workerOf(r.id)))).toEqual(new Set([0, 1]));
			expect(prompts.map((prompt) => submissionsOf(fake, prompt).length)).toEqual(prompts.map(() => 1));
			expect(fake.paidJobs() - paidBefore).toBe(20);
		});
	});

	it('Submit (Wait for Completion off) in one execution, Ideogram Poll Result in another on the other worker', async () => {
		await withRunComfyJobs({ jobDurationMs: 3000 }, async (fake) => {
			await cluster.activate(
				webhookWorkflow('submit', [ideogramNode('Submit', 'ideogramReframe', 'runComfy', { ...OPERATIONS.Reframe[1], waitForCompletion: false })]),
			);
			await cluster.activate(webhookWorkflow('poll', [ideogramNode('Poll', 'ideogramPollResult', 'runComfy', { operation: 'waitForResult', options: {} })], { noImage: true }));
			const paidBefore = fake.paidJobs();
			const submit = await runViaWebhook(cluster, 'submit', items('submit'));
			const [submitted] = outputItems(submit, 'Submit');
			expect(submitted.json).toEqual(expect.objectContaining({ provider: 'runComfy', operation: 'reframe', status: 'submitted' }));
			// Which worker takes a job is Redis's choice: poll again (it costs nothing) until the other one did.
			const polls: StoredExecution[] = [];
			for (let attempt = 0; attempt < 8 && !polls.some((p) => cluster.workerOf(p.id) !== cluster.workerOf(submit.id)); attempt++) {
				polls.push(await runViaWebhook(cluster, 'poll', { items: [submitted.json] }));
			}
			const crossed = polls.find((p) => cluster.workerOf(p.id) !== cluster.workerOf(submit.id));
			expect(crossed).toBeDefined();
			const images = outputItems(crossed!, 'Poll');
			expect(images.map((i) => i.json)).toEqual([expect.objectContaining({ requestId: submitted.json.requestId, status: 'completed' })]);
			await expectStoredImages(images, 'database');
			expect(fake.paidJobs() - paidBefore).toBe(1);
		});
	});

	it('stopping an execution that polls on a worker (REST, as the owner) stops polling and cancels the queued RunComfy job', async () => {
		await withRunComfyJobs({ jobDurationMs: 120_000, queueMs: 120_000 }, async (fake) => {
			await cluster.activate(webhookWorkflow('stop', [replaceBackground('runComfy')], { respond: 'onReceived' }));
			const since = cluster.logLengths();
			expect((await cluster.trigger('stop', items('to stop'))).status).toBe(200);
			const { id } = await cluster.nextStartedExecution(since);
			const [submission] = await waitFor(() => submissionsOf(fake, 'to stop'));
			await waitFor(() => statusChecks(fake, submission.at));
			const job = fake.jobs().at(-1)!;
			expect(job.status).toBe('queued');

			const stoppedAt = Date.now();
			const stop = await cluster.main.request('POST', `/rest/executions/${id}/stop`);
			expect(stop.status).toBe(200);
			const [cancel] = await waitFor(() => fake.requests.filter((r) => r.kind === 'cancel' && r.path.includes(job.id)), 5_000);
			expect(cancel.at - stoppedAt).toBeLessThan(2_000);
			expect(fake.jobs().find((j) => j.id === job.id)?.status).toBe('cancelled');
			expect((await cluster.waitForExecution(id)).status).toBe('canceled');
			await sleep(4_000);
			expect(statusChecks(fake, stoppedAt + 2_000)).toEqual([]);
		});
	});

	it('stopping an execution while an Ideogram generation polls on a worker stops the polling within a second', async () => {
		const fake = cluster.fakes.ideogram;
		fake.setOptions({ jobDurationMs: 120_000 });
		try {
			await cluster.activate(webhookWorkflow('stop-ideogram', [replaceBackground('ideogram')], { respond: 'onReceived' }));
			const since = cluster.logLengths();
			const submittedBefore = fake.requests.filter((r) => r.kind === 'submit').length;
			expect((await cluster.trigger('stop-ideogram', items('to stop on ideogram'))).status).toBe(200);
			const { id } = await cluster.nextStartedExecution(since);
			await waitFor(() => fake.requests.filter((r) => r.kind === 'submit').slice(submittedBefore));
			const polled = await waitFor(() => statusChecks(fake, Date.now() - 60_000));
			expect(polled.length).toBeGreaterThan(0);

			const stoppedAt = Date.now();
			expect((await cluster.main.request('POST', `/rest/executions/${id}/stop`)).status).toBe(200);
			expect((await cluster.waitForExecution(id)).status).toBe('canceled');
			await sleep(4_000);
			// Ideogram v2 has no cancel: the generation runs on, but nobody polls it any more.
			expect(statusChecks(fake, stoppedAt + 1_000)).toEqual([]);
		} finally {
			fake.setOptions({ jobDurationMs: 10 });
		}
	});

	it('node-level Retry On Fail inside a worker does not submit completed items again', async () => {
		await withRunComfyJobs({ jobDurationMs: 300 }, async (fake) => {
			const retry = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
			await cluster.activate(webhookWorkflow('retry', [replaceBackground('runComfy', retry, { concurrency: 1 })]));
			const prompts = Array.from({ length: 5 }, (_, i) => `retry ${i}`);
			const paidBefore = fake.paidJobs();
			// The last item's submission is refused once (HTTP 400, which the node does not retry): the
			// node fails after four items completed, and n8n runs it again on the same worker.
			const arm = setInterval(() => {
				if (prompts.flatMap((p) => submissionsOf(fake, p)).length < 4) return;
				clearInterval(arm);
				fake.inject({ on: 'submit', kind: 'status', status: 400 });
			}, 2);
			const run = await runViaWebhook(cluster, 'retry', items(...prompts)).finally(() => clearInterval(arm));
			expect(run.status).toBe('success');
			expect(outputItems(run, 'Replace Background')).toHaveLength(5);
			expect(prompts.map((p) => submissionsOf(fake, p).length)).toEqual([1, 1, 1, 1, 2]);
			expect(fake.paidJobs() - paidBefore).toBe(5);
			expect(cluster.startsOf(run.id)).toBe(1);
		});
	});

	it('a worker killed (SIGKILL) while its job polls: n8n runs nothing again, the execution ends as an error; the request id in that worker\'s log gets the images with Poll Result, paid once', async () => {
		await withRunComfyJobs({ jobDurationMs: 6000 }, async (fake) => {
			await cluster.activate(webhookWorkflow('kill', [replaceBackground('runComfy')], { respond: 'onReceived' }));
			await cluster.activate(webhookWorkflow('collect', [ideogramNode('Poll', 'ideogramPollResult', 'runComfy', { operation: 'waitForResult', options: {} })], { noImage: true }));
			const paidBefore = fake.paidJobs();
			const since = cluster.logLengths();
			expect((await cluster.trigger('kill', items('killed'))).status).toBe(200);
			const { id, job: jobId, worker } = await cluster.nextStartedExecution(since);
			const killed = cluster.workers[worker];
			const [submission] = await waitFor(() => submissionsOf(fake, 'killed'));
			await waitFor(() => statusChecks(fake, submission.at));
			await cluster.killWorker(worker);

			// What the worker printed before it died (n8n's console log, N8N_LOG_LEVEL=info) names the job, as README says to grep for it.
			const logged = [...killed.logs().slice(since[worker]).matchAll(SUBMITTED_JOB)].map((m) => ({ ...m.groups }));
			const [job] = fake.jobs().filter((j) => (j.params as { prompt?: string }).prompt === 'killed');
			expect(logged).toEqual([{ executionId: id, node: '"Replace Background"', itemIndex: '0', provider: 'runComfy', operation: 'replaceBackground', numImages: '1', requestId: job.id }]);
			expect(killed.logs()).not.toContain(fake.apiKey);

			// The other worker finds the job stalled once the dead worker's lock has expired. n8n 2.41
			// lets no stalled job run again (maxStalledCount 0): Bull fails it, and n8n's queue drops it.
			const restarted = cluster.startWorker(worker);
			await waitFor(() => (cluster.services.redisCli('EXISTS', `bull:jobs:${jobId}`) === '0' ? [true] : []), 60_000);
			expect(cluster.services.redisCli('LRANGE', 'bull:jobs:wait', '0', '-1')).toBe('');
			await restarted;
			await sleep(2_000);
			expect(cluster.startsOf(id)).toBe(0); // no worker started it again (the killed one's log is gone with it)
			expect(submissionsOf(fake, 'killed')).toHaveLength(1);
			// the job the dead worker submitted runs to its end at the provider: it is paid, its images are not delivered
			await waitFor(() => fake.jobs().filter((j) => j.status === 'completed' && (j.params as { prompt?: string }).prompt === 'killed'));
			expect(fake.paidJobs() - paidBefore).toBe(1);
			// main records the execution as failed, with n8n's own message
			const lost = await cluster.waitForExecution(id, 30_000);
			expect(lost.status).toBe('error');
			expect(lost.output?.data.resultData.error?.message).toMatch(/failed to be processed too many times and will no longer retry/);
			expect(submissionsOf(fake, 'killed')).toHaveLength(1);

			// An operator feeds the logged fields to Ideogram Poll Result in a new execution: the images, no new job.
			const { provider, operation, numImages, requestId } = logged[0];
			const collected = await runViaWebhook(cluster, 'collect', { items: [{ provider, operation, numImages: Number(numImages), requestId }] });
			expect(failedNodes(collected)).toEqual([]);
			const images = outputItems(collected, 'Poll');
			expect(images.map((i) => i.json)).toEqual([expect.objectContaining({ provider: 'runComfy', requestId, status: 'completed' })]);
			await expectStoredImages(images, 'database');
			expect(submissionsOf(fake, 'killed')).toHaveLength(1);
			expect(fake.paidJobs() - paidBefore).toBe(1);
		});
	});

	it('a worker without the package fails the executions it takes, saying which node type it lacks', async () => {
		await cluster.activate(webhookWorkflow('lacking', [replaceBackground('runComfy')], { respond: 'onReceived' }));
		const paidBefore = cluster.fakes.runComfy.paidJobs();
		const failed = await cluster.withWorkerLackingPackage(async () => {
			const since = cluster.logLengths();
			expect((await cluster.trigger('lacking', items('lacking'))).status).toBe(200);
			const { id } = await cluster.nextStartedExecution(since);
			return await cluster.waitForExecution(id);
		});
		expect(failed.status).toBe('error');
		expect(failed.output?.data.resultData.error?.message).toBe(`Unrecognized node type: ${PACKAGE}.ideogramReplaceBackground`);
		expect(cluster.fakes.runComfy.paidJobs() - paidBefore).toBe(0);
	});
});

describe('queue mode, binary data in filesystem mode (a folder shared by main and workers)', () => {
	beforeAll(async () => {
		await cluster.restart('filesystem');
	}, 5 * 60_000);

	eachOperationOnEachProvider('filesystem');
});

/** Polls `get` until it returns a non-empty list. */
async function waitFor<T>(get: () => T[], timeoutMs = 30_000): Promise<T[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = get();
		if (found.length) return found;
		if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
		await sleep(50);
	}
}
