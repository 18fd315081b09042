/**
 * Child process of releasesInputs.test.ts, run with --expose-gc: one Edit of a large image with a
 * mask through n8n's engine against the fake at argv[2]. It prints the baseline (Buffer memory
 * after a warm-up run) and starts the measured run when the parent writes `run` (so the parent can
 * slow the fake's jobs first, however busy the machine); when the parent writes `measure` (the job
 * is submitted and still running), it collects garbage and prints the Buffer memory held then; at
 * the end it prints the outcome.
 */
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';

import sharp from 'sharp';

import { runWorkflow } from '../../harness/engine';
import { CREDENTIAL_TYPE, imageItem, singleNode } from '../../harness/workflows';

/** The workflows (files as base64 text in them: heap strings, not Buffers); nothing else keeps the files. */
async function workflows(side: number) {
	const noise = { type: 'gaussian', mean: 128, sigma: 40 } as const;
	const image = await sharp({ create: { width: side, height: side, channels: 3, background: '#808080', noise } }).png().toBuffer();
	const patch = await sharp({ create: { width: side / 2, height: side / 2, channels: 3, background: '#fff' } }).png().toBuffer();
	const mask = await sharp({ create: { width: side, height: side, channels: 3, background: '#000' } }).composite([{ input: patch, left: side / 4, top: side / 4 }]).png().toBuffer();
	const parameters = { provider: 'runComfy', imageSource: 'binary', maskSource: 'binary', prompt: 'a bowl of lemons', maskEditColor: 'white', options: {} };
	const small = (data: Buffer) => sharp(data).resize(64, 64).png().toBuffer();
	return {
		imageBytes: image.length,
		warmUp: singleNode('ideogramEdit', parameters, [imageItem(await small(image), { mask: await small(mask) })]),
		measured: singleNode('ideogramEdit', parameters, [imageItem(image, { mask })]),
	};
}

async function main(): Promise<void> {
	const { url, apiKey, side } = JSON.parse(process.argv[2]) as { url: string; apiKey: string; side: number };
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	const { imageBytes, warmUp, measured } = await workflows(side);
	const credentials = { [CREDENTIAL_TYPE.runComfy]: { apiKey, baseUrl: url } };
	const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
	// A warm-up run (modules, sharp, sockets), then the baseline.
	const warmUpResult = await runWorkflow(warmUp, { credentials });
	const warmUpError = warmUpResult.run.data.resultData.error;
	if (warmUpError) throw new Error(`the warm-up run failed: ${warmUpError.message} ${warmUpError.description ?? ''}`);
	gc();
	gc();
	say({ baseline: process.memoryUsage().arrayBuffers, imageBytes });

	const commands = createInterface({ input: process.stdin });
	let started: () => void;
	const run = new Promise<void>((resolve) => (started = resolve));
	commands.on('line', (command) => {
		if (command === 'run') started();
		if (command !== 'measure') return;
		gc();
		gc();
		say({ during: process.memoryUsage().arrayBuffers });
		// RELEASE_HEAP_SNAPSHOT=file: a heap snapshot at that moment, to find what holds a Buffer when the test fails.
		if (process.env.RELEASE_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.RELEASE_HEAP_SNAPSHOT);
	});
	await run;
	const result = await runWorkflow(measured, { credentials });
	const out = result.output('Ideogram');
	const error = result.run.data.resultData.error;
	const ok = !error && out.length === 1 && out[0].binary !== undefined;
	// A failed run says why (the node's error, or what came out), so a red test names its cause.
	say({ done: true, ok, ...(ok ? {} : { why: error ? `${error.message} ${error.description ?? ''}` : JSON.stringify(out.map((item) => item.json)) }) });
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stdout.write(`${JSON.stringify({ error: String((error as Error).stack ?? error) })}\n`);
	process.exit(1);
});
