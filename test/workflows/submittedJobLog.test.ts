/**
 * Through n8n's engine with n8n's own Logger: every job a provider accepted leaves one info line
 * with the execution id, node name, item index, provider, operation and request id, and no key or
 * URL (docs/n8n.md "Logging"); what the line says is enough for Ideogram Poll Result to fetch the
 * job's images in a new execution.
 */
import { recordLogLines, type LogLine } from '../harness/engine';
import { chain, imageItem, makeImage, packageNode } from '../harness/workflows';
import { PROVIDERS, type ProviderName } from '../fakes';
import { run, submits } from './support/engineTest';
import { fakesForFile } from './support/fakes';

const NODE = 'Replace Background';
/** The documented form of the line; its fields in this order. */
const LINE = /^Ideogram job submitted: executionId=(\S+) node=("(?:[^"\\]|\\.)*"|\S+) itemIndex=(\d+) provider=(\S+) operation=(\S+) numImages=(\d+) requestId=(\S+)$/;

const fakes = fakesForFile(PROVIDERS, { jobDurationMs: 10 });
let log: ReturnType<typeof recordLogLines>;
let image: Buffer;

beforeAll(async () => {
	image = await makeImage();
	log = recordLogLines();
});
afterAll(() => log.stop());

/** The submitted-job lines logged while `body` runs, each read into its fields. */
async function linesDuring<T>(body: () => Promise<T>): Promise<{ result: T; lines: LogLine[]; jobs: Array<Record<string, string>> }> {
	const from = log.lines.length;
	const result = await body();
	const lines = log.lines.slice(from).filter((l) => l.message.startsWith('Ideogram job submitted'));
	const jobs = lines.map((l) => {
		const m = LINE.exec(l.message);
		if (!m) throw new Error(`not the documented form: ${l.message}`);
		const [, executionId, node, itemIndex, provider, operation, numImages, requestId] = m;
		return { executionId, node: node.startsWith('"') ? (JSON.parse(node) as string) : node, itemIndex, provider, operation, numImages, requestId };
	});
	return { result, lines, jobs };
}

const replaceBackground = (provider: ProviderName, options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
	chain([imageItem(image), imageItem(image)], packageNode(NODE, 'ideogramReplaceBackground', { provider, prompt: 'a beach', options: { numImages: 2, ...options }, ...extra }));

it.each(PROVIDERS)('%s: one info line per submitted job, with where it came from and its request id, and no key or URL', async (provider) => {
	const fake = fakes[provider];
	const { result, lines, jobs } = await linesDuring(async () => await run(replaceBackground(provider), [fake]));
	const output = result.output(NODE);
	expect(output.map((i) => i.json.status)).toEqual(['completed', 'completed', 'completed', 'completed']);

	// One line per job the provider accepted (RunComfy makes one job per image: four, the others two).
	expect(lines).toHaveLength(submits(fake).length);
	expect(lines).toHaveLength(provider === 'runComfy' ? 4 : 2);
	expect(lines.every((l) => l.level === 'info')).toBe(true);
	// Each line names the job of the item it belongs to: the request ids of the output, by item.
	const jobOfOutput = output.map((i) => ({ itemIndex: String((i.pairedItem as { item: number }).item), requestId: String(i.json.requestId) }));
	const logged = jobs.map(({ itemIndex, requestId }) => ({ itemIndex, requestId }));
	expect([...logged].sort(byRequestId)).toEqual(unique(jobOfOutput).sort(byRequestId));
	for (const job of jobs) {
		const numImages = provider === 'runComfy' ? '1' : '2';
		expect(job).toEqual(expect.objectContaining({ executionId: result.executionId, node: NODE, provider, operation: 'replaceBackground', numImages }));
	}
	// The same fields, apart, for n8n's JSON log format.
	expect(lines[0].metadata).toEqual(expect.objectContaining({ ...jobs[0], itemIndex: Number(jobs[0].itemIndex), numImages: Number(jobs[0].numImages) }));
	for (const line of lines) {
		const text = `${line.message} ${JSON.stringify(line.metadata)}`;
		expect(text).not.toContain(fake.apiKey);
		expect(text).not.toMatch(/https?:\/\//);
	}
});

it('a submission the provider refused first (429) and then accepted is logged once; a refused one not at all', async () => {
	const fake = fakes.runComfy;
	fake.inject({ on: 'submit', kind: 'status', status: 429, retryAfter: '0' });
	const once = await linesDuring(async () => await run(replaceBackground('runComfy', { numImages: 1 }), [fake]));
	expect(submits(fake)).toHaveLength(3);
	expect(once.jobs.map((j) => j.requestId).sort()).toEqual(fake.jobs().map((j) => j.id).sort());
	expect(once.jobs).toHaveLength(2);

	fake.reset();
	fake.inject({ on: 'submit', kind: 'status', status: 400, times: 2 });
	const refused = await linesDuring(async () => await run(replaceBackground('runComfy', { numImages: 1 }), [fake]));
	expect(refused.result.error(NODE)).toBeDefined();
	expect(fake.jobs()).toEqual([]);
	expect(refused.jobs).toEqual([]);
});

it('the line is all Ideogram Poll Result needs: a new execution fed with its fields gets all the images, and nothing is submitted again', async () => {
	const fake = fakes.runware;
	fake.setOptions({ jobDurationMs: 300 });
	try {
		// Two items of two images each are submitted; the execution ends without the images (as if its process had died).
		const { jobs } = await linesDuring(async () => await run(replaceBackground('runware', {}, { waitForCompletion: false }), [fake]));
		expect(jobs).toHaveLength(2);
		const items = jobs.map((job) => ({ json: { provider: job.provider, operation: job.operation, numImages: Number(job.numImages), requestId: job.requestId } }));
		const poll = await run(chain(items, packageNode('Poll', 'ideogramPollResult', { provider: 'runware', operation: 'waitForResult', options: {} })), [fake]);
		const images = poll.output('Poll');
		expect(images.map((i) => [i.json.requestId, i.json.status])).toEqual(jobs.flatMap((job) => [[job.requestId, 'completed'], [job.requestId, 'completed']]));
		expect(images.every((i) => i.binary?.data)).toBe(true);
		expect(submits(fake)).toHaveLength(2);
		expect(fake.paidJobs()).toBe(2);
	} finally {
		fake.setOptions({ jobDurationMs: 10 });
	}
});

const byRequestId = (a: { requestId: string }, b: { requestId: string }) => a.requestId.localeCompare(b.requestId);
/** One entry per job: a job with several images gives several output items. */
const unique = (jobs: Array<{ itemIndex: string; requestId: string }>) => [...new Map(jobs.map((j) => [j.requestId, j])).values()];
