/**
 * The first step of an item: its image, mask and reference sources turned into provider-ready
 * `ImageInput`s (bytes read from n8n binary data or downloaded without credentials, checked,
 * turned upright where their EXIF orientation says, fitted to the provider's limit, the mask
 * converted to the provider's convention), and those
 * made into the item's job requests.
 */
import type { IDataObject } from 'n8n-workflow';

import { downloadImage, downloadImageHead } from '../engine';
import { InputError } from '../inputError';
import { fitToLimit, prepareMask, readImageInfo, uprightImage, withinLimit } from '../image';
import type { FittedImage, ImageInfo } from '../image';
import type { EditRegion, ImageInput, JobRequest, LinkedImage } from '../providers/types';
import { resolveEditRegion, type ItemPlan, type SourceSpec } from '../parameters/plan';
import { withBytes } from '../providers/requests';
import type { NodeRunContext } from './nodeRunContext';

/** Largest input file the node reads or downloads, whatever the provider (its own limit applies after). */
const MAX_INPUT_BYTES = 100 * 1024 * 1024;
const INPUT_DOWNLOAD_TIMEOUT_MS = 60_000;
/** Enough of a file for its header: PNG's and WebP's come first, JPEG's after its EXIF and ICC segments. */
const HEAD_BYTES = 256 * 1024;

/** The item's image as it goes to the provider, what its header said, and how it was turned upright and scaled down. */
interface LoadedImage extends Pick<FittedImage, 'scaledTo' | 'downscaledFrom' | 'orientationApplied'> {
	image: ImageInput | LinkedImage;
	info: ImageInfo;
}

interface LoadedInputs {
	image: ImageInput | LinkedImage;
	mask?: ImageInput;
	maskEditShare?: number;
	downscaledFrom?: { width: number; height: number };
	orientationApplied?: number;
	styleReferenceImages?: ImageInput[];
	characterReferenceImages?: ImageInput[];
	characterReferenceMasks?: ImageInput[];
	referenceImages?: ImageInput[];
	editRegion?: EditRegion;
}

async function readSource(
	runContext: NodeRunContext,
	itemIndex: number,
	source: SourceSpec,
	what: string,
	parameter: string,
): Promise<{ data: Buffer; fileName: string; url?: string }> {
	if (source.kind === 'url') {
		const downloaded = await downloadImage(runContext.download, source.url, downloadOptions(runContext)).catch(downloadFailed(what, source.url, parameter));
		return { data: downloaded.data, fileName: fileNameOf(source.url, what), url: source.url };
	}
	const items = runContext.ctx.getInputData();
	const binary = items[itemIndex]?.binary?.[source.property];
	if (!binary) {
		const available = Object.keys(items[itemIndex]?.binary ?? {});
		throw new InputError(
			`The input item has no binary field "${source.property}" for the ${what}`,
			available.length
				? `Its binary fields are: ${available.join(', ')}. Set the field name to one of them.`
				: 'The input item has no binary data: add a node before this one that reads or downloads the file, or use a URL.',
			parameter,
		);
	}
	const data = await runContext.ctx.helpers.getBinaryDataBuffer(itemIndex, source.property);
	return { data, fileName: binary.fileName ?? what };
}

const downloadOptions = (runContext: NodeRunContext) => ({ maxBytes: MAX_INPUT_BYTES, timeoutMs: INPUT_DOWNLOAD_TIMEOUT_MS, signal: runContext.signal });

const downloadFailed = (what: string, url: string, parameter: string) => (error: Error) => {
	throw new InputError(`Could not download the ${what} from ${url}: ${error.message}`, 'Check that the URL is public and points at a PNG, JPEG or WebP image.', parameter);
};

const fileNameOf = (url: string, what: string) => decodeURIComponent(new URL(url).pathname.split('/').pop() || what);

/**
 * The image given by URL to a provider that fetches it itself, checked from its first bytes and
 * its announced size: when it needs no downscale the node never holds it. Otherwise it must be
 * read whole: a provider that takes bytes, a size not announced, a header past the first bytes
 * (the whole file then says what is wrong with it), a downscale, or an EXIF orientation (a phone
 * photo stored sideways: the provider would work on the stored pixels, not the picture as seen
 * and as the mask was drawn, so the node sends it upright as bytes instead). Then undefined, or
 * `wholeFile` when the first bytes were all of the file, so it is not downloaded again.
 */
async function linkedImage(runContext: NodeRunContext, plan: ItemPlan): Promise<LoadedImage | { wholeFile?: Buffer } | undefined> {
	if (plan.image.kind !== 'url' || !plan.adapter.fetchesImageUrls) return undefined;
	const { url } = plan.image;
	const head = await downloadImageHead(runContext.download, url, { ...downloadOptions(runContext), headBytes: HEAD_BYTES }).catch(downloadFailed('image', url, 'imageUrl'));
	if (!head) return undefined;
	const header = await readImageInfo(head.head, 'image').catch(() => undefined);
	if (!header) return undefined;
	const info = { ...header, bytes: head.bytes };
	if (info.orientation !== undefined || !withinLimit(info, imageLimit(plan))) {
		return { wholeFile: head.head.length === head.bytes ? head.head : undefined };
	}
	return { image: { url, mimeType: info.mimeType, fileName: fileNameOf(url, 'image'), width: info.width, height: info.height }, info };
}

function toImageInput(data: Buffer, info: ImageInfo, fileName: string, url?: string): ImageInput {
	return { data, mimeType: info.mimeType, fileName, width: info.width, height: info.height, url };
}

async function loadReference(runContext: NodeRunContext, itemIndex: number, property: string, what: string, parameter: string): Promise<ImageInput> {
	const source = await readSource(runContext, itemIndex, { kind: 'binary', property }, what, parameter);
	const upright = await uprightImage({ data: source.data, info: await readImageInfo(source.data, what) });
	return toImageInput(upright.data, upright.info, source.fileName);
}

const imageLimit = ({ imageLimits: l }: ItemPlan) => ({ maxBytes: l.maxImageBytes, maxSide: l.maxImageSide, maxPixels: l.maxImagePixels });

/** Which image to read, and the names its errors use; `wholeFile` when the first bytes read were the whole file. */
interface ImageToRead {
	spec: SourceSpec;
	what: string;
	parameter: string;
	wholeFile?: Buffer;
}

const itemImage = (plan: ItemPlan, wholeFile?: Buffer): ImageToRead => ({
	spec: plan.image,
	what: 'image',
	parameter: plan.image.kind === 'url' ? 'imageUrl' : 'imageBinaryProperty',
	wholeFile,
});

/** An image read whole, turned upright and fitted to the provider's limit: the item's image, or (Precise Edit) a reference image. */
async function readImage(runContext: NodeRunContext, itemIndex: number, plan: ItemPlan, { spec, what, parameter, wholeFile }: ImageToRead): Promise<LoadedImage> {
	const source =
		wholeFile && spec.kind === 'url'
			? { data: wholeFile, fileName: fileNameOf(spec.url, what), url: spec.url }
			: await readSource(runContext, itemIndex, spec, what, parameter);
	const info = await readImageInfo(source.data, what);
	const fitted = await fitToLimit({ data: source.data, info }, imageLimit(plan), plan.allowDownscale, plan.adapter.displayName);
	// A turned or downscaled image is no longer the one at the user's URL: send its bytes instead.
	const url = fitted.data === source.data ? source.url : undefined;
	const { scaledTo, downscaledFrom, orientationApplied } = fitted;
	return { image: toImageInput(fitted.data, fitted.info, source.fileName, url), info, scaledTo, downscaledFrom, orientationApplied };
}

async function loadInputs(runContext: NodeRunContext, itemIndex: number, plan: ItemPlan): Promise<LoadedInputs> {
	// The image first: its decode is the heaviest step, and the mask is then made at the size sent.
	const linked = await linkedImage(runContext, plan);
	const { image, info, scaledTo, downscaledFrom, orientationApplied } =
		linked && 'image' in linked ? linked : await readImage(runContext, itemIndex, plan, itemImage(plan, linked?.wholeFile));
	const loaded: LoadedInputs = { image, downscaledFrom, orientationApplied, editRegion: resolveEditRegion(plan, info, scaledTo) };
	if (plan.mask) {
		const { source } = plan.mask;
		const maskBytes =
			source.kind === 'regions'
				? undefined
				: (await readSource(runContext, itemIndex, source, 'mask', source.kind === 'url' ? 'maskUrl' : 'maskBinaryProperty')).data;
		const prepared = await prepareMask({
			imageWidth: info.width,
			imageHeight: info.height,
			mask: maskBytes,
			regions: source.kind === 'regions' ? source.regions : undefined,
			editColor: plan.mask.userEditColor,
			providerEditColor: plan.mask.providerEditColor,
			threshold: plan.mask.threshold,
			onSizeMismatch: plan.mask.sizeMismatch,
			maskParameter: source.kind === 'url' ? 'maskUrl' : 'maskBinaryProperty',
			scaledTo,
		});
		loaded.mask = {
			data: prepared.png,
			mimeType: 'image/png',
			fileName: 'mask.png',
			width: prepared.width,
			height: prepared.height,
		};
		loaded.maskEditShare = Math.round(prepared.editFraction * 10000) / 10000;
	}
	if (plan.styleReferenceProperties.length) {
		loaded.styleReferenceImages = await Promise.all(
			plan.styleReferenceProperties.map((p, n) => loadReference(runContext, itemIndex, p, `style reference image ${n + 1}`, 'styleReferenceImages')),
		);
		const bytes = loaded.styleReferenceImages.reduce((sum, image) => sum + image.data.length, 0);
		const max = plan.adapter.accepts.maxStyleReferenceBytes;
		if (max !== undefined && bytes > max) {
			throw new InputError(
				`The style reference images are ${(bytes / 1024 / 1024).toFixed(1)} MB together; ${plan.adapter.displayName} takes ${max / 1024 / 1024} MB in total`,
				'Use fewer or smaller style reference images.',
				'styleReferenceImages',
			);
		}
	}
	if (plan.referenceProperties.length) {
		const references = plan.referenceProperties.map(
			async (property, n) => (await readImage(runContext, itemIndex, plan, { spec: { kind: 'binary', property }, what: `reference image ${n + 1}`, parameter: 'referenceImageFields' })).image,
		);
		loaded.referenceImages = (await Promise.all(references)).map(withBytes);
	}
	if (plan.characterReferenceProperty) {
		loaded.characterReferenceImages = [
			await loadReference(runContext, itemIndex, plan.characterReferenceProperty, 'character reference image', 'characterReferenceImage'),
		];
	}
	if (plan.characterReferenceMaskProperty) {
		loaded.characterReferenceMasks = [
			await loadReference(runContext, itemIndex, plan.characterReferenceMaskProperty, 'character reference mask', 'characterReferenceMask'),
		];
	}
	return loaded;
}

const randomSeed = () => 1 + Math.floor(Math.random() * 2147483646);

/** One job per image on providers that make one image per job, each with its own seed. */
function jobRequests(plan: ItemPlan, base: Omit<JobRequest, 'options'> & { options: Omit<JobRequest['options'], 'seed'> }, seed: number): JobRequest[] {
	const perJob = plan.adapter.limits.maxImagesPerJob;
	const total = plan.generation.numImages;
	if (perJob >= total) return [{ ...base, options: { ...base.options, seed } }];
	return Array.from({ length: total }, (_, n) => ({
		...base,
		options: { ...base.options, numImages: 1, seed: (seed + n) % 2147483648 },
	}));
}

/** An item's job requests, grouped by size, plus what its output items say about the inputs. */
export interface ItemRequests {
	/**
	 * Reframe: one group of jobs per size, in the order of `plan.sizes`; the other operations: one
	 * group. A request is set to undefined once sent, so the loaded inputs, which live only in the
	 * requests, are let go of then.
	 */
	groups: Array<Array<JobRequest | undefined>>;
	/** Metadata for every output item of the item (the mask's edit share, the size before a downscale, the EXIF orientation applied). */
	extra: IDataObject;
}

/** The item's inputs loaded and made into its job requests. */
export async function loadRequests(runContext: NodeRunContext, itemIndex: number, plan: ItemPlan): Promise<ItemRequests> {
	const inputs = await loadInputs(runContext, itemIndex, plan);
	const seed = plan.seed ?? randomSeed();
	const groups = (plan.sizes.length ? plan.sizes : [undefined]).map((resolution) =>
		jobRequests(
			plan,
			{
				operation: plan.operation,
				...(plan.operation === 'edit' ? { model: plan.model } : {}),
				image: inputs.image,
				mask: inputs.mask,
				prompt: plan.prompt,
				resolution,
				options: {
					...plan.generation,
					styleReferenceImages: inputs.styleReferenceImages,
					characterReferenceImages: inputs.characterReferenceImages,
					characterReferenceMasks: inputs.characterReferenceMasks,
					...(inputs.referenceImages ? { referenceImages: inputs.referenceImages } : {}),
					...(inputs.editRegion ? { editRegion: inputs.editRegion } : {}),
				},
			},
			seed,
		),
	);
	const extra: IDataObject = {
		...(inputs.maskEditShare !== undefined ? { maskEditShare: inputs.maskEditShare } : {}),
		...(inputs.downscaledFrom ? { downscaledFrom: `${inputs.downscaledFrom.width}x${inputs.downscaledFrom.height}` } : {}),
		...(inputs.orientationApplied !== undefined ? { exifOrientationApplied: inputs.orientationApplied } : {}),
	};
	return { groups, extra };
}
