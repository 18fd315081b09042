/**
 * The last step of an item: the output items of docs/interface.md built from its finished jobs,
 * one item per image, the image downloaded (without credentials) into binary data with a name
 * that says what it is.
 */
import { fieldOf, messageOf } from '../unknownValues';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DownloadError, downloadImage, ProviderError, settle } from '../engine';
import { readImageInfo } from '../image';
import type { GeneratedImage, JobState, OperationName, PriceQuote, ProviderAdapter } from '../providers/types';
import type { NodeRunContext } from './nodeRunContext';
import { getJobState, type ProviderConnection } from './jobs';

/** Result images are a few MB; a cap stops a wrong URL from filling memory. */
const MAX_RESULT_BYTES = 64 * 1024 * 1024;
const RESULT_DOWNLOAD_TIMEOUT_MS = 60_000;

/** What the output items of one input item say and hold, beyond what its jobs report. */
export interface OutputSettings {
	itemIndex: number;
	adapter: ProviderAdapter;
	/** Absent where nobody knows it (Poll Result given an item without `operation`): the items leave it out. */
	operation?: OperationName;
	downloadImages: boolean;
	outputBinaryProperty: string;
	/** The size asked for (Reframe): the items say it even where the provider does not. */
	resolution?: string;
	/** Extra metadata for every item (e.g. the mask's edit share). */
	extra?: IDataObject;
}

/** How result images are downloaded: within the item's deadline, and from whom a fresh link can be read. */
interface Download {
	runContext: NodeRunContext;
	deadline: number;
	/** The connection to the provider that keeps the jobs, to read one again when its result link expired. */
	rereadFrom?: ProviderConnection;
}

/** The `operation` field of an item, left out where the operation is not known. */
const operationOf = ({ operation }: OutputSettings) => (operation ? { operation } : {});

function imageJson(settings: OutputSettings, job: JobState, image: GeneratedImage, imageIndex: number): IDataObject {
	const json: IDataObject = {
		provider: settings.adapter.name,
		...operationOf(settings),
		requestId: job.requestId,
		status: 'completed',
		imageIndex,
	};
	const fields: IDataObject = {
		imageUrl: image.url,
		seed: image.seed,
		resolution: image.resolution ?? settings.resolution,
		prompt: image.prompt,
		isImageSafe: image.isImageSafe,
		cost: image.cost,
		styleType: image.styleType,
	};
	// Fields the provider did not return are left out, not invented.
	for (const [key, value] of Object.entries({ ...fields, ...settings.extra })) {
		if (value !== undefined) json[key] = value;
	}
	return json;
}

/** A result image's bytes from its URL; a failure says that the job was billed and where its image is. */
export async function downloadResult(
	download: Download,
	url: string,
	job: { adapter: ProviderAdapter; operation?: OperationName; requestId: string },
): Promise<Buffer> {
	const remaining = Math.max(1_000, download.deadline - Date.now());
	const downloaded = await settle(
		downloadImage(download.runContext.download, url, {
			maxBytes: MAX_RESULT_BYTES,
			timeoutMs: Math.min(RESULT_DOWNLOAD_TIMEOUT_MS, remaining),
			signal: download.runContext.signal,
		}),
	);
	if (downloaded.ok) return downloaded.value.data;
	throw new ProviderError({
		cause: downloaded.error,
		provider: job.adapter.displayName,
		operation: job.operation,
		message: `The result image could not be downloaded: ${messageOf(downloaded.error)}`,
		requestId: job.requestId,
		hint: `The job completed and was billed. Its image URL: ${url}. Download it before it expires, or collect the job again with Ideogram Poll Result.`,
	});
}

/**
 * Downloads one result image, with one second chance: a link that expired is fetched afresh from
 * the job (providers that keep jobs), and a body cut short on the way is downloaded again.
 */
async function resultImage(download: Download, settings: OutputSettings, job: JobState, image: GeneratedImage) {
	let url = image.url ?? '';
	const { rereadFrom, deadline } = download;
	for (let attempt = 1; ; attempt++) {
		const data = await settle(image.inline ? Promise.resolve(image.inline) : downloadResult(download, url, { ...settings, requestId: job.requestId }));
		if (!data.ok) {
			const cause = fieldOf(data.error, 'cause');
			if (attempt === 1 && rereadFrom?.adapter.getState && cause instanceof DownloadError && cause.expired) {
				const ref = { provider: settings.adapter.name, operation: settings.operation, requestId: job.requestId, numImages: job.images?.length };
				const fresh = await getJobState(rereadFrom, ref, deadline);
				url = fresh.images?.[job.images?.indexOf(image) ?? -1]?.url ?? url;
				continue;
			}
			throw data.error;
		}
		const info = await settle(readImageInfo(data.value, 'result image'));
		if (info.ok) return { data: data.value, info: info.value };
		if (attempt > 1 || image.inline) throw info.error;
	}
}

/** Output items for the images of one or more finished jobs of one input item. */
export async function buildImageItems(download: Download, settings: OutputSettings, jobs: JobState[]): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	let imageIndex = 0;
	for (const job of jobs) {
		for (const image of job.images ?? []) {
			const json = imageJson(settings, job, image, imageIndex);
			const item: INodeExecutionData = { json, pairedItem: { item: settings.itemIndex } };
			// An image withheld for safety was billed: it still gets its item, without URL or binary.
			const withheld = image.isImageSafe === false || (!image.url && !image.inline);
			if (withheld) {
				json.isImageSafe = false;
				delete json.imageUrl;
			} else if (settings.downloadImages) {
				const { data, info } = await resultImage(download, settings, job, image);
				const size = `${info.width}x${info.height}`;
				json.resolution ??= size;
				const fileName = `${settings.operation ?? 'image'}-${size}-${imageIndex}.${info.format === 'jpeg' ? 'jpg' : info.format}`;
				item.binary = {
					[settings.outputBinaryProperty]: await download.runContext.ctx.helpers.prepareBinaryData(data, fileName, info.mimeType),
				};
			}
			items.push(item);
			imageIndex++;
		}
	}
	return items;
}

/** The item of a job that was only submitted (waitForCompletion off): Poll Result takes it as is. */
export function submittedItem(
	settings: OutputSettings,
	job: JobState,
	numImages: number,
	/** With several sizes per item, which one the job makes. */
	withResolution = false,
): INodeExecutionData {
	return {
		json: {
			provider: settings.adapter.name,
			...operationOf(settings),
			requestId: job.requestId,
			status: 'submitted',
			numImages,
			...(withResolution && settings.resolution ? { resolution: settings.resolution } : {}),
		},
		pairedItem: { item: settings.itemIndex },
	};
}

/** Price Quote Only: one item for the input item, the prices of all its requests summed. */
export function quoteItem(settings: OutputSettings, quotes: PriceQuote[]): INodeExecutionData {
	const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
	const bounded = quotes.some((q) => q.costUpperBoundUsd !== undefined);
	const json: IDataObject = {
		provider: settings.adapter.name,
		...operationOf(settings),
		dryRun: true,
		costUsd: sum(quotes.map((q) => q.costUsd)),
		...(bounded ? { costUpperBoundUsd: sum(quotes.map((q) => q.costUpperBoundUsd ?? q.costUsd)) } : {}),
		qualifier: quotes.every((q) => q.qualifier === 'exact') ? 'exact' : (quotes.find((q) => q.qualifier !== 'exact')?.qualifier ?? 'exact'),
		billingIdentifier: [...new Set(quotes.map((q) => q.billingIdentifier))].join(', '),
		quantity: quotes.reduce((a, q) => a + q.quantity, 0),
	};
	return { json, pairedItem: { item: settings.itemIndex } };
}
