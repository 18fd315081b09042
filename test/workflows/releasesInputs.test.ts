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
	const messages = messagesOf(child, Date.now() + 110_000);
	try {
		await measureWhileRunning(child, messages);
	} finally {
		child.kill();
	}
}, 120_000);

type Message = Record<string, unknown>;

/**
 * The child's lines as a queue: none is lost when two arrive in one chunk, and a wait ends with an
 * error when the child reports one, exits, or the deadline passes (before jest's own timeout, so
 * the test kills the child and nothing keeps jest alive).
 */
function messagesOf(child: ChildProcessByStdio<Writable, Readable, null>, deadline: number) {
	const queue: Message[] = [];
	let ended: string | undefined;
	// The child's n8n logger writes to the same stdout (the submitted-job line): only JSON lines are messages.
	createInterface({ input: child.stdout }).on('line', (line) => {
		if (line.startsWith('{')) queue.push(JSON.parse(line) as Message);
	});
	child.once('exit', (code, signal) => (ended ??= `the child exited (${signal ?? code})`));
	const check = () => {
		if (queue[0]?.error) throw new Error(String(queue[0].error));
		if (queue.length === 0 && ended) throw new Error(ended);
		if (Date.now() > deadline) throw new Error(`no answer from the child in time; its messages not read yet: ${JSON.stringify(queue)}`);
	};
	return {
		/** Waits, polling every 20 ms, until `ready()` holds. */
		async until(ready: () => boolean): Promise<void> {
			while (!ready()) {
				check();
				await sleep(20);
			}
		},
		async next(): Promise<Message> {
			await this.until(() => queue.length > 0);
			check();
			return queue.shift()!;
		},
		pending: () => queue.length,
	};
}

async function measureWhileRunning(child: ChildProcessByStdio<Writable, Readable, null>, messages: ReturnType<typeof messagesOf>): Promise<void> {
	const { baseline, imageBytes } = (await messages.next()) as { baseline: number; imageBytes: number };
	expect(imageBytes).toBeGreaterThan(8 * 1024 * 1024);
	// The measured run's job takes long enough to look at the node while it polls.
	fake.setOptions({ jobDurationMs: 6000 });
	const warmUpJobs = fake.jobs().length;
	child.stdin.write('run\n');
	// Submitted, or the run ended before submitting (its outcome is then the next message).
	await messages.until(() => fake.jobs().length > warmUpJobs || messages.pending() > 0);
	if (fake.jobs().length === warmUpJobs) throw new Error(`the run ended before submitting: ${JSON.stringify(await messages.next())}`);
	await sleep(300);
	const running = fake.jobs().at(-1)!;
	child.stdin.write('measure\n');
	const { during } = (await messages.next()) as { during: number };
	expect(fake.jobs().at(-1)!.status).not.toBe('completed');
	expect(running.id).toBe(fake.jobs().at(-1)!.id);
	expect(await messages.next()).toEqual({ done: true, ok: true });

	// Held: Buffers of the sockets and the node's bookkeeping, far less than one image (12 MB);
	// the image still held by the waiting job's frame gave its whole size.
	expect(during - baseline).toBeLessThan(imageBytes / 4);
}
