/**
 * Fake CometAPI Ideogram routes (docs/providers/cometapi.md): the official fake's handler under
 * /ideogram/v1/ideogram-v3/*, `Authorization: Bearer <key>` or the raw key, errors in
 * CometAPI's `{error:{code,message,type:'comet_api_error',param}}` envelope, `created` with a space;
 * with `taskEnvelope`, an accepted job answered by a relay's task envelope instead of the images.
 */
import crypto from 'node:crypto';
import { ApiError, ProviderSpec, Reply } from './common';
import { IdeogramMeta, ideogramLikeSpec } from './ideogram';

const envelope = (status: number, message: string, code = '', param = ''): Reply => ({
	status,
	json: {
		error: {
			code,
			message: `${message} (request id: ${crypto.randomBytes(10).toString('hex')})`,
			type: 'comet_api_error',
			param,
		},
	},
});

export function cometApiSpec(): ProviderSpec<IdeogramMeta> {
	return ideogramLikeSpec({
		provider: 'cometApi',
		prefix: '/ideogram/v1/ideogram-v3/',
		checkAuth(req, apiKey) {
			const auth = req.headers.authorization;
			if (auth !== `Bearer ${apiKey}` && auth !== apiKey)
				throw new ApiError(401, auth ? 'Invalid token' : 'Missing Authorization header');
		},
		error: (status, message, extra) =>
			envelope(status, message, String(extra.code ?? extra.reject_reason ?? ''), String(extra.param ?? '')),
		created: (d) => `${d.toISOString().slice(0, 19).replace('T', ' ')}+00:00`,
		http200Error: () => envelope(200, 'upstream provider returned an error', 'upstream_error'),
		taskEnvelope: (taskId) => ({
			status: 200,
			json: { code: 'success', message: '', request_id: crypto.randomBytes(10).toString('hex'), data: { task_id: taskId, task_status: 'SUBMITTED' } },
		}),
	});
}
