/**
 * What one run of a node in an n8n execution gives the pipeline (its key for the remembered
 * results is `NodeRun` in completedItems.ts): the n8n functions (input
 * items, binary data, logger), the cancel signal, the transport for downloads (no credentials),
 * the providers connected with their credentials, and the API keys to redact.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { createN8nTransport, withDeprecationNotices, type DeprecationWarning, type Transport } from '../engine';
import type { OperationName, ProviderAdapter, ProviderName } from '../providers/types';
import type { ProviderConnection } from './jobs';
import { isNewDeprecationNotice } from './processState';

export interface NodeRunContext {
	ctx: IExecuteFunctions;
	signal: AbortSignal;
	continueOnFail: boolean;
	/** No credentials: used for input URLs and result downloads. */
	download: Transport;
	/** The connection to a provider with this execution's credential (its `connection`), made once per provider. */
	connect(adapter: ProviderAdapter): Promise<ProviderConnection>;
	/** API keys seen so far, to redact from anything shown to the user. */
	secrets(): string[];
	/** Logs a job the provider accepted, once, at info level (see submittedJobLine). */
	logSubmitted(job: SubmittedJob): void;
}

/** A job the provider accepted: where it came from and how to find it again. */
interface SubmittedJob {
	itemIndex: number;
	provider: ProviderName;
	operation: OperationName;
	/** Images the job makes: Poll Result waits for as many (an item without it waits for one). */
	numImages: number;
	requestId: string;
}

/** The start of every submitted job's log line, for operators to search for (docs/n8n.md "Logging"). */
const SUBMITTED_JOB_MESSAGE = 'Ideogram job submitted';

/** A value as one token of the line: quoted (JSON) when it has spaces, quotes or other characters. */
const token = (value: string | number) => (/^[\w.:@/+-]+$/.test(String(value)) ? String(value) : JSON.stringify(String(value)));

/**
 * The line an operator greps for when the process that waited for a job died: everything Ideogram
 * Poll Result needs (provider, operation, images, request id) and where the job came from. Nothing
 * secret: no API key, no URL. The order and names of its fields are kept (docs/n8n.md "Logging").
 */
function submittedJobLine(fields: { executionId: string; node: string } & SubmittedJob): string {
	const { executionId, node, itemIndex, provider, operation, numImages, requestId } = fields;
	const pairs = { executionId, node, itemIndex, provider, operation, numImages, requestId };
	return `${SUBMITTED_JOB_MESSAGE}: ${Object.entries(pairs).map(([key, value]) => `${key}=${token(value)}`).join(' ')}`;
}

export function nodeRunContextOf(ctx: IExecuteFunctions): NodeRunContext {
	// Logged once per process, and never fails a call: a deprecated route keeps working until the provider removes it.
	const warn = ({ key, message }: DeprecationWarning) => {
		if (isNewDeprecationNotice(key)) ctx.logger?.warn(message);
	};
	const signal = ctx.getExecutionCancelSignal() ?? new AbortController().signal;
	const keys = new Set<string>();
	const connections = new Map<string, Promise<ProviderConnection>>();
	return {
		ctx,
		signal,
		continueOnFail: ctx.continueOnFail(),
		download: createN8nTransport(ctx),
		secrets: () => [...keys],
		logSubmitted(job) {
			// The fields again as metadata: n8n's JSON log format (N8N_LOG_FORMAT=json, and its log file) keeps them apart.
			const fields = { executionId: ctx.getExecutionId(), node: ctx.getNode().name, ...job };
			ctx.logger?.info(submittedJobLine(fields), fields);
		},
		connect(adapter) {
			let connection = connections.get(adapter.name);
			if (!connection) {
				connection = (async () => {
					const credentials = await ctx.getCredentials(adapter.credentialType);
					if (credentials.apiKey) keys.add(String(credentials.apiKey));
					const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
					return {
						adapter,
						baseUrl,
						signal,
						transport: withDeprecationNotices(createN8nTransport(ctx, adapter.credentialType), warn),
						// Detached from the execution's cancel signal: the cancel request after a stop must still go out.
						cleanupTransport: createN8nTransport(ctx, adapter.credentialType, { detached: true }),
					};
				})();
				connections.set(adapter.name, connection);
			}
			return connection;
		},
	};
}
