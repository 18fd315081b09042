/**
 * `npm run walk`: one Ideogram Edit item's way through the package, as docs/architecture.md
 * describes it. The item (RunComfy, image and mask from binary data) runs through n8n's engine
 * against the local RunComfy sandbox, once to load every module, then again while V8 counts the
 * calls. Prints the files of the built package whose functions ran for it, and the call stack
 * (the package's frames) at the moment its submit request leaves for the provider.
 */
import http from 'node:http';
import { Session } from 'node:inspector/promises';

import { startFake } from '../test/fakes';
import { runWorkflow, shutdownEngine } from '../test/harness/engine';
import { CREDENTIAL_TYPE, imageItem, makeImage, makeMask, singleNode } from '../test/harness/workflows';

interface ScriptCoverage {
	url: string;
	functions: Array<{ functionName: string; ranges: Array<{ count: number }> }>;
}

const PACKAGE_CODE = '/dist/nodes/';

async function main(): Promise<void> {
	Error.stackTraceLimit = 200;
	const fake = await startFake('runComfy', { jobDurationMs: 10 });
	const image = await makeImage();
	const mask = await makeMask(256, 192, { left: 64, top: 48, width: 64, height: 48 }, 'white');
	const parameters = { provider: 'runComfy', imageSource: 'binary', maskSource: 'binary', prompt: 'a lemon', maskEditColor: 'white', options: {} };
	const workflow = singleNode('ideogramEdit', parameters, [imageItem(image, { mask })]);
	const credentials = { [CREDENTIAL_TYPE.runComfy]: { apiKey: fake.apiKey, baseUrl: fake.url } };
	await runWorkflow(workflow, { credentials });

	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
	await session.post('Profiler.takePreciseCoverage'); // the counts start from here
	let submitStack: string | undefined;
	const request = http.request;
	// The first request of the measured run is the submit (the image and mask are binary data).
	Object.assign(http, { request: (...args: Parameters<typeof http.request>) => ((submitStack ??= new Error().stack), request(...args)) });
	const run = await runWorkflow(workflow, { credentials });
	Object.assign(http, { request });
	const { result } = (await session.post('Profiler.takePreciseCoverage')) as { result: ScriptCoverage[] };
	await fake.close();
	await shutdownEngine();
	if (run.run.data.resultData.error) throw run.run.data.resultData.error;

	const files = result
		.filter((script) => script.url.includes(PACKAGE_CODE) && script.functions.some((f) => f.functionName !== '' && f.ranges[0].count > 0))
		.map((script) => script.url.slice(script.url.indexOf(PACKAGE_CODE) + PACKAGE_CODE.length).replace(/\.js$/, '.ts'))
		.sort();
	const frames = (submitStack ?? '').split('\n').filter((line) => line.includes(PACKAGE_CODE)).map((line) => line.trim().replace(/^at (async )?/, '').replace(/\(?[^\s(]*\/dist\/nodes\/([^)]*)\)?/, '$1'));
	console.log(`Files of nodes/ whose functions ran for the item: ${files.length}\n  ${files.join('\n  ')}`);
	console.log(`\nThe package's frames when the submit request left (innermost first; lines of the built JavaScript in dist/): ${frames.length}\n  ${frames.join('\n  ')}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
