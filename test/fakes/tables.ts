/**
 * The providers' value tables, written out again for the fakes (docs/providers/ appendices and the
 * seed pages). Deliberately NOT imported from nodes/: an adapter's table mistake must not be
 * able to hide behind a shared table.
 */

/** Ideogram 3.0 `ResolutionV3`, 69 values (docs/providers/ideogram.md). */
export const RESOLUTIONS_WXH: readonly string[] = `512x1536, 576x1408, 576x1472, 576x1536, 640x1344,
640x1408, 640x1472, 640x1536, 704x1152, 704x1216, 704x1280, 704x1344, 704x1408, 704x1472, 736x1312,
768x1088, 768x1216, 768x1280, 768x1344, 800x1280, 832x960, 832x1024, 832x1088, 832x1152, 832x1216,
832x1248, 864x1152, 896x960, 896x1024, 896x1088, 896x1120, 896x1152, 960x832, 960x896, 960x1024,
960x1088, 1024x832, 1024x896, 1024x960, 1024x1024, 1088x768, 1088x832, 1088x896, 1088x960, 1120x896,
1152x704, 1152x832, 1152x864, 1152x896, 1216x704, 1216x768, 1216x832, 1248x832, 1280x704, 1280x768,
1280x800, 1312x736, 1344x640, 1344x704, 1344x768, 1408x576, 1408x640, 1408x704, 1472x576, 1472x640,
1472x704, 1536x512, 1536x576, 1536x640`
	.split(',')
	.map((s) => s.trim());

/** RunComfy reframe `resolution` enum, verbatim and in the order of RunComfy's model page (default `1152:864 (4:3)`). */
export const RUNCOMFY_RESOLUTION_LABELS: readonly string[] = [
	'1536:640 (12:5)', '1536:576 (8:3)', '1536:512 (3:1)', '1472:704 (23:11)', '1472:640 (23:10)',
	'1472:576 (23:9)', '1408:704 (2:1)', '1408:640 (11:5)', '1408:576 (22:9)', '1344:768 (7:4)',
	'1344:704 (21:11)', '1344:640 (21:10)', '1312:736 (41:23)', '1280:800 (8:5)', '1280:768 (5:3)',
	'1280:704 (20:11)', '1248:832 (3:2)', '1216:832 (19:13)', '1216:768 (19:12)', '1216:704 (19:11)',
	'1152:896 (9:7)', '1152:864 (4:3)', '1152:832 (18:13)', '1152:704 (18:11)', '1120:896 (5:4)',
	'1088:960 (17:15)', '1088:896 (17:14)', '1088:832 (17:13)', '1088:768 (17:12)', '1024:1024 (1:1)',
	'1024:960 (16:15)', '1024:896 (8:7)', '1024:832 (16:13)', '960:1088 (15:17)', '960:1024 (15:16)',
	'960:896 (15:14)', '960:832 (15:13)', '896:1152 (7:9)', '896:1120 (4:5)', '896:1088 (14:17)',
	'896:1024 (7:8)', '896:960 (14:15)', '864:1152 (3:4)', '832:1248 (2:3)', '832:1216 (13:19)',
	'832:1152 (13:18)', '832:1088 (13:17)', '832:1024 (13:16)', '832:960 (13:15)', '800:1280 (5:8)',
	'768:1344 (4:7)', '768:1280 (3:5)', '768:1216 (12:19)', '768:1088 (12:17)', '736:1312 (23:41)',
	'704:1472 (11:23)', '704:1408 (1:2)', '704:1344 (11:21)', '704:1280 (11:20)', '704:1216 (11:19)',
	'704:1152 (11:18)', '640:1536 (5:12)', '640:1472 (10:23)', '640:1408 (5:11)', '640:1344 (10:21)',
	'576:1536 (3:8)', '576:1472 (9:23)', '576:1408 (9:22)', '512:1536 (1:3)',
];

/** Ideogram `StylePresetV3`, 62 values (docs/providers/ideogram.md; Runware lists the same). */
export const STYLE_PRESETS: readonly string[] = `80S_ILLUSTRATION, 90S_NOSTALGIA, ABSTRACT_ORGANIC,
ANALOG_NOSTALGIA, ART_BRUT, ART_DECO, ART_POSTER, AURA, AVANT_GARDE, BAUHAUS, BLUEPRINT, BLURRY_MOTION,
BRIGHT_ART, C4D_CARTOON, CHILDRENS_BOOK, COLLAGE, COLORING_BOOK_I, COLORING_BOOK_II, CUBISM, DARK_AURA,
DOODLE, DOUBLE_EXPOSURE, DRAMATIC_CINEMA, EDITORIAL, EMOTIONAL_MINIMAL, ETHEREAL_PARTY, EXPIRED_FILM,
FLAT_ART, FLAT_VECTOR, FOREST_REVERIE, GEO_MINIMALIST, GLASS_PRISM, GOLDEN_HOUR, GRAFFITI_I, GRAFFITI_II,
HALFTONE_PRINT, HIGH_CONTRAST, HIPPIE_ERA, ICONIC, JAPANDI_FUSION, JAZZY, LONG_EXPOSURE,
MAGAZINE_EDITORIAL, MINIMAL_ILLUSTRATION, MIXED_MEDIA, MONOCHROME, NIGHTLIFE, OIL_PAINTING,
OLD_CARTOONS, PAINT_GESTURE, POP_ART, RETRO_ETCHING, RIVIERA_POP, SPOTLIGHT_80S, STYLIZED_RED,
SURREAL_COLLAGE, TRAVEL_POSTER, VINTAGE_GEO, VINTAGE_POSTER, WATERCOLOR, WEIRD, WOODBLOCK_PRINT`
	.split(',')
	.map((s) => s.trim());

/** Official API enums (docs/providers/ideogram.md), uppercase. */
export const IDEOGRAM = {
	magicPrompt: ['AUTO', 'ON', 'OFF'],
	/** The spec enum, wider than the prose (TURBO/DEFAULT/QUALITY). */
	renderingSpeed: ['FLASH', 'TURBO', 'BALANCED', 'DEFAULT', 'QUALITY'],
	styleType: ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN', 'CUSTOM', 'FICTION', 'STYLIZED'],
	palettes: ['EMBER', 'FRESH', 'JUNGLE', 'MAGIC', 'MELON', 'MOSAIC', 'PASTEL', 'ULTRAMARINE'],
} as const;

/** RunComfy schema enums (docs/providers/runcomfy.md) and the title-case object contents (docs/providers/runcomfy.md). */
export const RUNCOMFY = {
	renderingSpeed: ['TURBO', 'BALANCED', 'QUALITY'],
	magicPrompt: ['AUTO', 'ON', 'OFF'],
	styleType: ['Auto', 'General', 'Realistic', 'Design', 'Fiction'],
	palettes: ['Ember', 'Fresh', 'Jungle', 'Magic', 'Melon', 'Mosaic', 'Pastel', 'Ultramarine'],
	defaults: {
		editSeed: 99097570,
		replaceBackgroundSeed: 70159819,
		renderingSpeed: 'BALANCED',
		magicPrompt: 'ON',
		colorPalette: { name: 'Ember' },
		style: { style_type: 'Auto' },
	},
} as const;

/** Runware `imageInference` enums and `providerSettings.ideogram` values (docs/providers/runware.md). */
export const RUNWARE = {
	models: { 'ideogram:4@3': 'edit', 'ideogram:4@4': 'reframe', 'ideogram:4@5': 'replaceBackground' } as Record<
		string,
		'edit' | 'reframe' | 'replaceBackground'
	>,
	renderingSpeed: ['TURBO', 'DEFAULT', 'QUALITY'],
	magicPrompt: ['AUTO', 'ON', 'OFF'],
	styleType: ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN', 'RENDER_3D', 'ANIME', 'FICTION'],
	outputType: ['URL', 'dataURI', 'base64Data'],
	outputFormat: ['JPG', 'PNG', 'WEBP'],
	deliveryMethod: ['sync', 'async'],
	safetyMode: ['none', 'fast'],
	/** USD per image, the fake's own price list. */
	costPerImage: { TURBO: 0.03, DEFAULT: 0.06, QUALITY: 0.09 } as Record<string, number>,
};

export const HEX8 = /^[0-9a-fA-F]{8}$/;
export const COLOR_HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** `1280x800` → `{width:1280,height:800}` for a valid 3.0 resolution, else undefined. */
export function parseWxH(value: string): { width: number; height: number } | undefined {
	if (!RESOLUTIONS_WXH.includes(value)) return undefined;
	const [width, height] = value.split('x').map(Number);
	return { width, height };
}

/** `1280:800 (8:5)` → `{width:1280,height:800}` for a verbatim RunComfy label, else undefined. */
export function parseRunComfyLabel(value: string): { width: number; height: number } | undefined {
	if (!RUNCOMFY_RESOLUTION_LABELS.includes(value)) return undefined;
	const [width, height] = value.split(' ')[0].split(':').map(Number);
	return { width, height };
}
