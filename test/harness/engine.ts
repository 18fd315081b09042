/**
 * Harness 1: runs workflow JSON through n8n's own engine (n8n-core's WorkflowExecute) in-process,
 * with the BUILT package (dist/) loaded through n8n-core's own PackageDirectoryLoader, plain test
 * credentials, and binary data in filesystem mode as production n8n stores it by default.
 */
import './env';

import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
	IBinaryData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-ideogram-v3';
const repoRoot = path.resolve(__dirname, '../..');

/** Test-only trigger node: emits the items given in its `items` parameter, with binaries from base64. */
export const TEST_ITEMS_NODE = 'test.items';
class TestItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: TEST_ITEMS_NODE,
		group: ['trigger'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | TestItem[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TestItem[];
		const out: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: Record<string, IBinaryData> = {};
			for (const [prop, file] of Object.entries(item.binary ?? {})) {
				binary[prop] = await this.helpers.prepareBinaryData(
					Buffer.from(file.base64, 'base64'),
					file.fileName,
					file.mimeType,
				);
			}
			out.push({ json: item.json ?? {}, ...(item.binary ? { binary } : {}) });
		}
		return [out];
	}
}

/**
 * Test-only stand-in for n8n's Loop Over Items (n8n-nodes-base is not installed for the engine
 * tests; the end-to-end tests use the real one): output 0 `done` gets every item once the loop is
 * through, output 1 `loop` one batch per run, kept in the node's execution context as n8n's does.
 */
export const TEST_LOOP_NODE = 'test.loop';
class TestLoopNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Loop',
		name: TEST_LOOP_NODE,
		group: ['transform'],
		version: 1,
		description: 'Loops over its input in batches',
		defaults: { name: 'Loop' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['done', 'loop'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const context = this.getContext('node');
		const size = this.getNodeParameter('batchSize', 0) as number;
		if (context.remaining === undefined) {
			context.remaining = this.getInputData(0).map((item) => ({ json: item.json, binary: item.binary }));
			context.done = [];
		} else {
			(context.done as INodeExecutionData[]).push(...this.getInputData(0).map((item) => ({ json: item.json })));
		}
		const remaining = context.remaining as INodeExecutionData[];
		if (remaining.length === 0) return [context.done as INodeExecutionData[], []];
		return [[], remaining.splice(0, size)];
	}
}

export interface TestItem {
	json?: IDataObject;
	binary?: Record<string, { base64: string; fileName: string; mimeType: string }>;
}

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;
/** Loads dist/ the way n8n loads a community package (package.json `n8n` section, file and class names). */
export function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(repoRoot);
		await loader.loadAll();
		return loader;
	})();
	return loaderPromise;
}

class PackageNodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	private readonly extra: Record<string, INodeType> = { [TEST_ITEMS_NODE]: new TestItemsNode(), [TEST_LOOP_NODE]: new TestLoopNode() };

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		if (this.extra[nodeType]) return this.extra[nodeType];
		const name = nodeType.startsWith(`${PACKAGE_NAME}.`) ? nodeType.slice(PACKAGE_NAME.length + 1) : nodeType;
		const loaded = this.loader.nodeTypes[name];
		if (!loaded) throw new Error(`Unknown node type ${nodeType}`);
		return loaded.type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Plain test credentials by type; `authenticate` applies the credential type's generic auth like n8n does. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly loader: PackageDirectoryLoader,
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.loader.credentialTypes[typeName]?.type;
		const auth = type?.authenticate;
		if (!auth || typeof auth === 'function') {
			return typeof auth === 'function' ? await auth(credentials, requestOptions) : requestOptions;
		}
		const resolve = (value: string) =>
			workflow && node
				? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }))
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [where, entries] of Object.entries(auth.properties)) {
			target[where] = { ...(target[where] ?? {}) };
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[where][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(_h: IHttpRequestHelper, _c: ICredentialDataDecryptedObject): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used by the test harness');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
		_mode?: WorkflowExecuteMode,
		_executeData?: unknown,
		_raw?: boolean,
		_values?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.loader.credentialTypes[type]?.type.properties ?? [];
	}
}

let binaryReady: Promise<BinaryDataService> | undefined;
/** Filesystem binary mode, as production n8n runs by default. */
function binaryDataService(): Promise<BinaryDataService> {
	binaryReady ??= (async () => {
		const service = Container.get(BinaryDataService);
		await service.init();
		return service;
	})();
	return binaryReady;
}

export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IDataObject;
}

export interface RunOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Stops the execution (as the user's Stop button does) this many ms after start. */
	cancelAfterMs?: number;
}

export interface RunResult {
	run: IRun;
	/** The id n8n's engine gave the execution (`$execution.id`, `getExecutionId()`). */
	executionId: string;
	/** Items of a node's output `index` (0 = main/success, 1 = error output), first run. */
	output(nodeName: string, index?: number): INodeExecutionData[];
	/** The error the node raised, if any. */
	error(nodeName: string): (Error & { description?: string; context?: IDataObject }) | undefined;
}

let executionCounter = 0;

export async function runWorkflow(workflowJson: WorkflowJson, options: RunOptions = {}): Promise<RunResult> {
	const loader = await loadPackage();
	await binaryDataService();
	const nodeTypes = new PackageNodeTypes(loader);
	const workflow = new Workflow({
		id: 'test-workflow',
		name: workflowJson.name ?? 'test',
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
		active: false,
		nodeTypes,
		settings: workflowJson.settings ?? { executionOrder: 'v1' },
	});
	const executionId = String(++executionCounter);
	const workflowData = { ...workflowJson, id: 'test-workflow', active: false } as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const done = new Promise<IRun>((resolve) => {
		hooks.addHandler('workflowExecuteAfter', (fullRunData: IRun) => resolve(fullRunData));
	});
	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(loader, options.credentials ?? {}),
		executionId,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used in these tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = workflowJson.nodes.find((n) => n.type === TEST_ITEMS_NODE) ?? workflowJson.nodes[0];
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) {
		setTimeout(() => execution.cancel(), options.cancelAfterMs);
	}
	const run = await Promise.race([execution.catch(() => undefined), done]).then(async (r) => r ?? (await done));
	recordForLeakScan(run);
	return {
		run,
		executionId,
		output(nodeName, index = 0) {
			return run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[index] ?? [];
		},
		error(nodeName) {
			return run.data.resultData.runData[nodeName]?.[0]?.error as RunResult['error'] extends (n: string) => infer E ? E : never;
		},
	};
}

/**
 * Every run of the suite (output items, errors with their description, context and cause) is
 * appended to a file that test/leakScan.teardown.ts searches for the test API keys.
 */
function recordForLeakScan(run: IRun): void {
	const dir = process.env.N8N_IDEOGRAM_LEAK_SCAN_DIR;
	if (!dir) return;
	const errors = Object.values(run.data.resultData.runData).flatMap((runs) =>
		runs.map((r) => r.error).filter(Boolean).map((e) => ({ ...e, message: e?.message, description: e?.description, cause: e?.cause, context: e?.context })),
	);
	// Binary data inline as base64 is left out: it is image bytes, and it would make the file huge.
	const skipBlobs = (_key: string, value: unknown) => (typeof value === 'string' && value.length > 20_000 ? '[long string]' : value);
	appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ run, errors }, skipBlobs)}\n`);
}

/** The bytes of a binary property, whether stored inline or in filesystem mode. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	const service = await binaryDataService();
	return await service.getAsBuffer(binary);
}

/** Encodes a buffer as a TestItem binary entry. */
export function testBinary(data: Buffer, fileName: string, mimeType: string) {
	return { base64: data.toString('base64'), fileName, mimeType };
}

export interface LogLine {
	level: string;
	message: string;
	/** What the caller gave besides the message (n8n adds the calling file and function). */
	metadata: Record<string, unknown>;
}

/**
 * Records what n8n's Logger (@n8n/backend-common: the one n8n-core gives nodes as `this.logger`)
 * logs from now on, through one more transport of its own winston logger, beside the console:
 * the lines as the logger emits them at its configured level (info by default).
 */
export function recordLogLines(): { lines: LogLine[]; stop(): void } {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require('@n8n/backend-common') as { Logger: new () => { getInternalLogger(): { add(t: unknown): void; remove(t: unknown): void } } };
	// The winston n8n's Logger is built on, not a copy of our own.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const winston = require(require.resolve('winston', { paths: [require.resolve('@n8n/backend-common')] })) as {
		transports: { Stream: new (options: { stream: Writable }) => unknown };
	};
	const lines: LogLine[] = [];
	const stream = new Writable({
		objectMode: true,
		write(info: Record<string, unknown>, _encoding, done) {
			const { level, message, ...metadata } = info;
			lines.push({ level: String(level), message: String(message), metadata });
			done();
		},
	});
	const transport = new winston.transports.Stream({ stream });
	const internal = Container.get(Logger).getInternalLogger();
	internal.add(transport);
	return { lines, stop: () => internal.remove(transport) };
}

/** Stops n8n-core's background timers so jest can exit. */
export async function shutdownEngine(): Promise<void> {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const core = require('n8n-core') as Record<string, unknown>;
		const SshClientsManager = core.SSHClientsManager as (new () => { onShutdown(): void }) | undefined;
		if (SshClientsManager) Container.get(SshClientsManager).onShutdown();
	} catch {
		// Not present in this n8n-core version: nothing to stop.
	}
}
