/**
 * Ideogram 3.0 style presets (official `StylePresetV3`, docs/providers/ideogram.md). Runware lists
 * the same 62; RunComfy's `style` object takes them as `style_preset` (docs/providers/runcomfy.md).
 */
const STYLE_PRESETS = [
	'80S_ILLUSTRATION',
	'90S_NOSTALGIA',
	'ABSTRACT_ORGANIC',
	'ANALOG_NOSTALGIA',
	'ART_BRUT',
	'ART_DECO',
	'ART_POSTER',
	'AURA',
	'AVANT_GARDE',
	'BAUHAUS',
	'BLUEPRINT',
	'BLURRY_MOTION',
	'BRIGHT_ART',
	'C4D_CARTOON',
	'CHILDRENS_BOOK',
	'COLLAGE',
	'COLORING_BOOK_I',
	'COLORING_BOOK_II',
	'CUBISM',
	'DARK_AURA',
	'DOODLE',
	'DOUBLE_EXPOSURE',
	'DRAMATIC_CINEMA',
	'EDITORIAL',
	'EMOTIONAL_MINIMAL',
	'ETHEREAL_PARTY',
	'EXPIRED_FILM',
	'FLAT_ART',
	'FLAT_VECTOR',
	'FOREST_REVERIE',
	'GEO_MINIMALIST',
	'GLASS_PRISM',
	'GOLDEN_HOUR',
	'GRAFFITI_I',
	'GRAFFITI_II',
	'HALFTONE_PRINT',
	'HIGH_CONTRAST',
	'HIPPIE_ERA',
	'ICONIC',
	'JAPANDI_FUSION',
	'JAZZY',
	'LONG_EXPOSURE',
	'MAGAZINE_EDITORIAL',
	'MINIMAL_ILLUSTRATION',
	'MIXED_MEDIA',
	'MONOCHROME',
	'NIGHTLIFE',
	'OIL_PAINTING',
	'OLD_CARTOONS',
	'PAINT_GESTURE',
	'POP_ART',
	'RETRO_ETCHING',
	'RIVIERA_POP',
	'SPOTLIGHT_80S',
	'STYLIZED_RED',
	'SURREAL_COLLAGE',
	'TRAVEL_POSTER',
	'VINTAGE_GEO',
	'VINTAGE_POSTER',
	'WATERCOLOR',
	'WEIRD',
	'WOODBLOCK_PRINT',
] as const;

type StylePreset = (typeof STYLE_PRESETS)[number];

/** `80S_ILLUSTRATION` → `80s Illustration`, `GRAFFITI_II` → `Graffiti II`, `C4D_CARTOON` → `C4D Cartoon`. */
function stylePresetLabel(preset: string): string {
	return preset
		.split('_')
		.map((word) => {
			if (/^I+$/.test(word) || /^[A-Z]\d[A-Z]$/.test(word)) return word; // roman numerals, C4D
			if (/^\d+S$/.test(word)) return word.toLowerCase(); // 80S → 80s
			return word.charAt(0) + word.slice(1).toLowerCase();
		})
		.join(' ');
}

/** Options for an n8n `options` parameter, alphabetical by label. */
export function stylePresetOptions(): Array<{ name: string; value: StylePreset }> {
	return STYLE_PRESETS.map((value) => ({ name: stylePresetLabel(value), value })).sort((a, b) =>
		a.name.localeCompare(b.name),
	);
}
