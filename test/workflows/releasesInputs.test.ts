/**
 * An item's input image and mask are let go once the submission is sent: while the job runs (the
 * node polling), a garbage collection frees them. Measured in a child process with --expose-gc
 * (support/releaseChild.ts), as the Buffer memory held then against the baseline before the run.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { startFake, type FakeServer } from '../fakes';

const SIDE = 2048; // a noisy 2048² PNG: about 12 MB

let fake: FakeServer;
beforeAll(async () => {
	fake = await startFake('runComfy', { jobDurationMs: 10, recordBodies: false });
});
afterAll(async () => {
	await fake.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('while its job runs, an item holds neither its image nor its mask', async () => {
	const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'support/releaseChild.ts'), JSON.stringify({ url: fake.url, apiKey: fake.apiKey, side: SIDE })], {
		cwd: path.resolve(__dirname, '../..'),
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	try {
		await measureWhileRunning(child);
	} finally {
		child.kill();
	}
}, 120_000);

async function measureWhileRunning(child: ChildProcessByStdio<Writable, Readable, null>): Promise<void> {
	const lines = createInterface({ input: child.stdout });
	const messages: Array<Record<string, unknown>> = [];
	const next = () =>
		new Promise<Record<string, unknown>>((resolve, reject) => {
			lines.once('line', (line) => {
				const message = JSON.parse(line) as Record<string, unknown>;
				messages.push(message);
				if (message.error) reject(new Error(String(message.error)));
				else resolve(message);
			});
		});

	const { baseline, imageBytes } = (await next()) as { baseline: number; imageBytes: number };
	expect(imageBytes).toBeGreaterThan(8 * 1024 * 1024);
	// The measured run's job takes long enough to look at the node while it polls.
	fake.setOptions({ jobDurationMs: 6000 });
	const warmUpJobs = fake.jobs().length;
	child.stdin.write('run\n');
	while (fake.jobs().length === warmUpJobs) await sleep(20);
	await sleep(300);
	const running = fake.jobs().at(-1)!;
	child.stdin.write('measure\n');
	const { during } = (await next()) as { during: number };
	expect(fake.jobs().at(-1)!.status).not.toBe('completed');
	expect(running.id).toBe(fake.jobs().at(-1)!.id);
	const done = await next();
	expect(done).toEqual({ done: true, ok: true });

	// Held: Buffers of the sockets and the node's bookkeeping, far less than one image (12 MB);
	// the image still held by the waiting job's frame gave its whole size.
	expect(during - baseline).toBeLessThan(imageBytes / 4);
}
