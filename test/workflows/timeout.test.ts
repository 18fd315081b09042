/**
 * Timeout is the input item's, as the README says: its clock starts when the item starts, and all
 * its jobs and sizes share it, also the time a size waits for its turn under Concurrency. Six
 * sizes of two-second jobs, one at a time, do not fit in a Timeout of 7 seconds, though each job
 * alone would.
 */
import { imageItem, makeImage } from '../harness/workflows';
import { nodeError, oneNode, run } from './support/engineTest';
import { fakeForFile } from './support/fakes';

const JOB_MS = 2_000;
const TIMEOUT_SECONDS = 7;
const SIZES = ['1280x800', '768x1344', '1024x1024', '1344x768', '800x1280', '1280x768'];

const fake = fakeForFile('runComfy', { jobDurationMs: JOB_MS });

it("counts all of an item's sizes, each waiting for its turn, against one Timeout", async () => {
	const parameters = {
		provider: 'runComfy',
		resolution: SIZES[0],
		additionalResolutions: SIZES.slice(1),
		options: { renderingSpeed: 'TURBO', concurrency: 1, timeout: TIMEOUT_SECONDS },
	};
	const result = await run(oneNode('ideogramReframe', parameters, [imageItem(await makeImage())]), [fake]);

	const error = nodeError(result);
	// A later size ran out of the item's time; the first one finished.
	expect(error.message).toMatch(new RegExp(`: Size (${SIZES.slice(1).join('|')}): The job did not finish within the timeout`));
	const jobs = fake.jobs();
	// The sizes whose turn came after the time ran out were not sent.
	expect(jobs.length).toBeLessThan(SIZES.length);
	const completed = jobs.filter((job) => job.status === 'completed');
	expect(completed.length).toBeGreaterThanOrEqual(1);
	expect(completed.length).toBeLessThan(SIZES.length);
	// Each job alone took a third of Timeout: what ran out is the item's time, not a job's.
	for (const job of completed) expect(job.completedAt! - job.createdAt).toBeLessThan(TIMEOUT_SECONDS * 1000);
});
