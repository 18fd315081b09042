/**
 * CometAPI (docs/providers/cometapi.md): a copy of the official Ideogram API under `/ideogram/v1/ideogram-v3/*`,
 * with `Authorization: Bearer` (added by the credential) and its own error envelope
 * `{"error": {"code", "message", "type", "param"}}`. The wire form lives in ideogramFamily.ts.
 */
import { isRetryableStatus } from '../engine';
import {
	IDEOGRAM_FIELD_LABELS,
	createIdeogramV1CopyAdapter,
	describeIdeogramError,
	describeRejectReason,
	type ErrorDescription,
} from './ideogramFamily';
import { type Body, snippet, textOf } from './responses';
import { parameterHint, statusHint } from './providerErrors';
import { isRecord } from '../unknownValues';

const CREDENTIAL_NAME = 'CometAPI';

const BASE_URL_HINT =
	'Check the base URL in the CometAPI credential (normally https://api.cometapi.com). CometAPI has at times removed its Ideogram routes.';

/** CometAPI's envelope first; upstream Ideogram bodies may be passed through, so those next. */
function describeCometApiError(status: number, body: Body): ErrorDescription {
	const json = isRecord(body.json) ? body.json : undefined;
	if (json && isRecord(json.error)) {
		const code = textOf(json.error.code) ?? textOf(json.error.type);
		const message = textOf(json.error.message) ?? code ?? `HTTP ${status} without a message`;
		if (status === 500 && code === 'invalid_request') {
			// CometAPI reports some malformed requests as 500: retrying cannot help.
			return {
				message,
				providerCode: code,
				hint: 'CometAPI calls the request malformed: check the options. Retrying does not help.',
				retryable: false,
			};
		}
		if (status === 524) {
			return {
				message,
				providerCode: code,
				hint: 'CometAPI timed out waiting for Ideogram; the images may still have been made and billed. Retry later.',
				retryable: true,
				mayHaveRun: true,
			};
		}
		// Ideogram's reject reason, when CometAPI relays it as the envelope's code.
		const refusal = describeRejectReason(code, message, json.error);
		if (refusal) return refusal;
		const hint =
			(status === 400 ? parameterHint(`${message} ${textOf(json.error.param) ?? ''}`, IDEOGRAM_FIELD_LABELS) : undefined) ??
			statusHint(status, CREDENTIAL_NAME);
		return { message, providerCode: code, hint, retryable: isRetryableStatus(status, 'read') };
	}
	if (json === undefined && body.text.trim()) {
		// A wrong path may answer with a redirect or an HTML page instead of JSON.
		return {
			message: `CometAPI answered HTTP ${status} with a non-JSON body: ${snippet(body.text)}`,
			hint: (status >= 300 && status < 400) || status === 404 ? BASE_URL_HINT : statusHint(status, CREDENTIAL_NAME),
			retryable: isRetryableStatus(status, 'read'),
		};
	}
	const upstream = describeIdeogramError(status, body, CREDENTIAL_NAME);
	return status === 404 ? { ...upstream, hint: BASE_URL_HINT } : upstream;
}

/**
 * The task envelope of relays that copy Ideogram's routes, `{code, message, request_id, data:
 * {task_id, task_status}}`, answered instead of `{created, data: [images]}` (docs/providers/cometapi.md).
 * The call was accepted, so it may have been billed; CometAPI documents no route to fetch such a task.
 */
function describeCometApiTaskEnvelope(status: number, body: Body): ErrorDescription | undefined {
	const json = isRecord(body.json) ? body.json : undefined;
	if (!json || !isRecord(json.data)) return undefined;
	const taskId = textOf(json.data.task_id);
	if (!taskId) return undefined;
	const taskStatus = textOf(json.data.task_status) ?? 'not given';
	const said = [textOf(json.code), textOf(json.message)].filter(Boolean).join(': ');
	return {
		message: `CometAPI answered with a task envelope instead of the images: task ${taskId}, status ${taskStatus}${said ? ` (${said})` : ''}`,
		providerCode: textOf(json.code),
		requestId: textOf(json.request_id),
		hint:
			'The call was accepted and may have been billed, but CometAPI gave no images and documents no way to fetch this task for Ideogram routes. ' +
			'Look the task up in CometAPI\'s dashboard or ask its support with the task id and request id before running again: a new run is billed again.',
		retryable: false,
		mayHaveRun: true,
	};
}

export const cometApiAdapter = createIdeogramV1CopyAdapter({
	name: 'cometApi',
	displayName: 'CometAPI',
	credentialType: 'cometApi',
	credentialName: CREDENTIAL_NAME,
	pathPrefix: '/ideogram/v1/ideogram-v3',
	requestIdPrefix: 'cometapi',
	limits: {
		maxImageBytes: 10 * 1024 * 1024, // as Ideogram's spec: CometAPI passes the file through
		maxImagesPerJob: 8,
		// No maxImagesInFlight: CometAPI runs the calls on its own Ideogram organisation and documents no limit.
	},
	// CometAPI documents no rate limit for these routes (only 429 "saturation"); 5 is a cautious guess.
	defaultConcurrency: 5,
	describeError: describeCometApiError,
	describeOtherAnswer: describeCometApiTaskEnvelope,
});
