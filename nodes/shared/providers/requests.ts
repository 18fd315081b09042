/**
 * What adapters put into a request besides their provider's field names: the URL of a route,
 * and how an image is referred to in a JSON body (its public URL or a data URI).
 */
import { Base64Text } from '../engine';
import type { ImageInput, LinkedImage } from './types';

/** `https://host/` + `/v1/x` → `https://host/v1/x`, whatever slashes either side has. */
export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The image as a base64 data URI. A Base64Text, not a string: JSON.stringify renders it as the
 * data URI, and the transport writes its base64 straight into the request body, so no full-size
 * string of the image is ever built.
 */
function dataUri(image: ImageInput): Base64Text {
	return new Base64Text(`data:${image.mimeType};base64,`, image.data);
}

/**
 * How a JSON provider receives an image: its public URL when the user gave one and the bytes are
 * still the original (ImageInput.url is dropped when the image was converted), else a data URI.
 */
export function imageRef(image: ImageInput | LinkedImage): string | Base64Text {
	if (!image.data) return image.url;
	return image.url && /^https?:\/\//i.test(image.url) ? image.url : dataUri(image);
}

/** The image with its bytes: the pipeline links images (LinkedImage) only for providers that fetch URLs. */
export function withBytes(image: ImageInput | LinkedImage): ImageInput {
	if (image.data) return image;
	throw new Error(`The image at ${image.url} was not read, but this provider needs its bytes`);
}

export function isDataUri(ref: string | Base64Text): boolean {
	return (ref instanceof Base64Text ? ref.prefix : ref).startsWith('data:');
}
