/* Terminal-safe text: UTF-8 decoding, display widths and the sanitiser that
 * every string passes through on its way to the screen.
 *
 * Widths come from tables compiled in here rather than from wcwidth(3), so
 * the result does not depend on the locale or the C library: a golden screen
 * recorded on one machine matches on another, and columns computed by the
 * exporter match what the desk draws.  The tables were derived from the
 * Unicode 14 character database (general categories Mn, Me and Cf for zero
 * width, East Asian Width W and F for double width) and agree with glibc
 * 2.36's wcwidth on every printable code point; neighbouring ranges are
 * merged across short runs of unassigned code points, so that later
 * additions to those blocks most likely get the right width. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "caredesk/text.h"

#define TEXT_REPLACEMENT	0xFFFDu
#define TEXT_MAX_CODEPOINT	0x10FFFFu

struct text_range {
	uint32_t first;
	uint32_t last;
};

/* Combining marks (Mn, Me), invisible format characters (Cf, except the soft
 * hyphen and the visible prepended concatenation marks such as U+0600) and
 * the Hangul medial vowels and final consonants, which join the preceding
 * jamo into one syllable cell. */
static const struct text_range text_zero_width[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
	{ 0x05BF, 0x05BF }, { 0x05C1, 0x05C2 }, { 0x05C4, 0x05C5 },
	{ 0x05C7, 0x05C7 }, { 0x0610, 0x061A }, { 0x061C, 0x061C },
	{ 0x064B, 0x065F }, { 0x0670, 0x0670 }, { 0x06D6, 0x06DC },
	{ 0x06DF, 0x06E4 }, { 0x06E7, 0x06E8 }, { 0x06EA, 0x06ED },
	{ 0x0711, 0x0711 }, { 0x0730, 0x074A }, { 0x07A6, 0x07B0 },
	{ 0x07EB, 0x07F3 }, { 0x07FD, 0x07FD }, { 0x0816, 0x0819 },
	{ 0x081B, 0x0823 }, { 0x0825, 0x0827 }, { 0x0829, 0x082D },
	{ 0x0859, 0x085B }, { 0x0898, 0x089F }, { 0x08CA, 0x08E1 },
	{ 0x08E3, 0x0902 }, { 0x093A, 0x093A }, { 0x093C, 0x093C },
	{ 0x0941, 0x0948 }, { 0x094D, 0x094D }, { 0x0951, 0x0957 },
	{ 0x0962, 0x0963 }, { 0x0981, 0x0981 }, { 0x09BC, 0x09BC },
	{ 0x09C1, 0x09C4 }, { 0x09CD, 0x09CD }, { 0x09E2, 0x09E3 },
	{ 0x09FE, 0x0A02 }, { 0x0A3C, 0x0A3C }, { 0x0A41, 0x0A51 },
	{ 0x0A70, 0x0A71 }, { 0x0A75, 0x0A75 }, { 0x0A81, 0x0A82 },
	{ 0x0ABC, 0x0ABC }, { 0x0AC1, 0x0AC8 }, { 0x0ACD, 0x0ACD },
	{ 0x0AE2, 0x0AE3 }, { 0x0AFA, 0x0B01 }, { 0x0B3C, 0x0B3C },
	{ 0x0B3F, 0x0B3F }, { 0x0B41, 0x0B44 }, { 0x0B4D, 0x0B56 },
	{ 0x0B62, 0x0B63 }, { 0x0B82, 0x0B82 }, { 0x0BC0, 0x0BC0 },
	{ 0x0BCD, 0x0BCD }, { 0x0C00, 0x0C00 }, { 0x0C04, 0x0C04 },
	{ 0x0C3C, 0x0C3C }, { 0x0C3E, 0x0C40 }, { 0x0C46, 0x0C56 },
	{ 0x0C62, 0x0C63 }, { 0x0C81, 0x0C81 }, { 0x0CBC, 0x0CBC },
	{ 0x0CBF, 0x0CBF }, { 0x0CC6, 0x0CC6 }, { 0x0CCC, 0x0CCD },
	{ 0x0CE2, 0x0CE3 }, { 0x0D00, 0x0D01 }, { 0x0D3B, 0x0D3C },
	{ 0x0D41, 0x0D44 }, { 0x0D4D, 0x0D4D }, { 0x0D62, 0x0D63 },
	{ 0x0D81, 0x0D81 }, { 0x0DCA, 0x0DCA }, { 0x0DD2, 0x0DD6 },
	{ 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
	{ 0x0EB1, 0x0EB1 }, { 0x0EB4, 0x0EBC }, { 0x0EC8, 0x0ECD },
	{ 0x0F18, 0x0F19 }, { 0x0F35, 0x0F35 }, { 0x0F37, 0x0F37 },
	{ 0x0F39, 0x0F39 }, { 0x0F71, 0x0F7E }, { 0x0F80, 0x0F84 },
	{ 0x0F86, 0x0F87 }, { 0x0F8D, 0x0FBC }, { 0x0FC6, 0x0FC6 },
	{ 0x102D, 0x1030 }, { 0x1032, 0x1037 }, { 0x1039, 0x103A },
	{ 0x103D, 0x103E }, { 0x1058, 0x1059 }, { 0x105E, 0x1060 },
	{ 0x1071, 0x1074 }, { 0x1082, 0x1082 }, { 0x1085, 0x1086 },
	{ 0x108D, 0x108D }, { 0x109D, 0x109D }, { 0x1160, 0x11FF },
	{ 0x135D, 0x135F }, { 0x1712, 0x1714 }, { 0x1732, 0x1733 },
	{ 0x1752, 0x1753 }, { 0x1772, 0x1773 }, { 0x17B4, 0x17B5 },
	{ 0x17B7, 0x17BD }, { 0x17C6, 0x17C6 }, { 0x17C9, 0x17D3 },
	{ 0x17DD, 0x17DD }, { 0x180B, 0x180F }, { 0x1885, 0x1886 },
	{ 0x18A9, 0x18A9 }, { 0x1920, 0x1922 }, { 0x1927, 0x1928 },
	{ 0x1932, 0x1932 }, { 0x1939, 0x193B }, { 0x1A17, 0x1A18 },
	{ 0x1A1B, 0x1A1B }, { 0x1A56, 0x1A56 }, { 0x1A58, 0x1A60 },
	{ 0x1A62, 0x1A62 }, { 0x1A65, 0x1A6C }, { 0x1A73, 0x1A7F },
	{ 0x1AB0, 0x1B03 }, { 0x1B34, 0x1B34 }, { 0x1B36, 0x1B3A },
	{ 0x1B3C, 0x1B3C }, { 0x1B42, 0x1B42 }, { 0x1B6B, 0x1B73 },
	{ 0x1B80, 0x1B81 }, { 0x1BA2, 0x1BA5 }, { 0x1BA8, 0x1BA9 },
	{ 0x1BAB, 0x1BAD }, { 0x1BE6, 0x1BE6 }, { 0x1BE8, 0x1BE9 },
	{ 0x1BED, 0x1BED }, { 0x1BEF, 0x1BF1 }, { 0x1C2C, 0x1C33 },
	{ 0x1C36, 0x1C37 }, { 0x1CD0, 0x1CD2 }, { 0x1CD4, 0x1CE0 },
	{ 0x1CE2, 0x1CE8 }, { 0x1CED, 0x1CED }, { 0x1CF4, 0x1CF4 },
	{ 0x1CF8, 0x1CF9 }, { 0x1DC0, 0x1DFF }, { 0x200B, 0x200F },
	{ 0x202A, 0x202E }, { 0x2060, 0x206F }, { 0x20D0, 0x20F0 },
	{ 0x2CEF, 0x2CF1 }, { 0x2D7F, 0x2D7F }, { 0x2DE0, 0x2DFF },
	{ 0x302A, 0x302D }, { 0x3099, 0x309A }, { 0xA66F, 0xA672 },
	{ 0xA674, 0xA67D }, { 0xA69E, 0xA69F }, { 0xA6F0, 0xA6F1 },
	{ 0xA802, 0xA802 }, { 0xA806, 0xA806 }, { 0xA80B, 0xA80B },
	{ 0xA825, 0xA826 }, { 0xA82C, 0xA82C }, { 0xA8C4, 0xA8C5 },
	{ 0xA8E0, 0xA8F1 }, { 0xA8FF, 0xA8FF }, { 0xA926, 0xA92D },
	{ 0xA947, 0xA951 }, { 0xA980, 0xA982 }, { 0xA9B3, 0xA9B3 },
	{ 0xA9B6, 0xA9B9 }, { 0xA9BC, 0xA9BD }, { 0xA9E5, 0xA9E5 },
	{ 0xAA29, 0xAA2E }, { 0xAA31, 0xAA32 }, { 0xAA35, 0xAA36 },
	{ 0xAA43, 0xAA43 }, { 0xAA4C, 0xAA4C }, { 0xAA7C, 0xAA7C },
	{ 0xAAB0, 0xAAB0 }, { 0xAAB2, 0xAAB4 }, { 0xAAB7, 0xAAB8 },
	{ 0xAABE, 0xAABF }, { 0xAAC1, 0xAAC1 }, { 0xAAEC, 0xAAED },
	{ 0xAAF6, 0xAAF6 }, { 0xABE5, 0xABE5 }, { 0xABE8, 0xABE8 },
	{ 0xABED, 0xABED }, { 0xD7B0, 0xD7FF }, { 0xFB1E, 0xFB1E },
	{ 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
	{ 0xFFF9, 0xFFFB }, { 0x101FD, 0x101FD }, { 0x102E0, 0x102E0 },
	{ 0x10376, 0x1037A }, { 0x10A01, 0x10A0F }, { 0x10A38, 0x10A3F },
	{ 0x10AE5, 0x10AE6 }, { 0x10D24, 0x10D27 }, { 0x10EAB, 0x10EAC },
	{ 0x10F46, 0x10F50 }, { 0x10F82, 0x10F85 }, { 0x11001, 0x11001 },
	{ 0x11038, 0x11046 }, { 0x11070, 0x11070 }, { 0x11073, 0x11074 },
	{ 0x1107F, 0x11081 }, { 0x110B3, 0x110B6 }, { 0x110B9, 0x110BA },
	{ 0x110C2, 0x110C2 }, { 0x11100, 0x11102 }, { 0x11127, 0x1112B },
	{ 0x1112D, 0x11134 }, { 0x11173, 0x11173 }, { 0x11180, 0x11181 },
	{ 0x111B6, 0x111BE }, { 0x111C9, 0x111CC }, { 0x111CF, 0x111CF },
	{ 0x1122F, 0x11231 }, { 0x11234, 0x11234 }, { 0x11236, 0x11237 },
	{ 0x1123E, 0x1123E }, { 0x112DF, 0x112DF }, { 0x112E3, 0x112EA },
	{ 0x11300, 0x11301 }, { 0x1133B, 0x1133C }, { 0x11340, 0x11340 },
	{ 0x11366, 0x11374 }, { 0x11438, 0x1143F }, { 0x11442, 0x11444 },
	{ 0x11446, 0x11446 }, { 0x1145E, 0x1145E }, { 0x114B3, 0x114B8 },
	{ 0x114BA, 0x114BA }, { 0x114BF, 0x114C0 }, { 0x114C2, 0x114C3 },
	{ 0x115B2, 0x115B5 }, { 0x115BC, 0x115BD }, { 0x115BF, 0x115C0 },
	{ 0x115DC, 0x115DD }, { 0x11633, 0x1163A }, { 0x1163D, 0x1163D },
	{ 0x1163F, 0x11640 }, { 0x116AB, 0x116AB }, { 0x116AD, 0x116AD },
	{ 0x116B0, 0x116B5 }, { 0x116B7, 0x116B7 }, { 0x1171D, 0x1171F },
	{ 0x11722, 0x11725 }, { 0x11727, 0x1172B }, { 0x1182F, 0x11837 },
	{ 0x11839, 0x1183A }, { 0x1193B, 0x1193C }, { 0x1193E, 0x1193E },
	{ 0x11943, 0x11943 }, { 0x119D4, 0x119DB }, { 0x119E0, 0x119E0 },
	{ 0x11A01, 0x11A0A }, { 0x11A33, 0x11A38 }, { 0x11A3B, 0x11A3E },
	{ 0x11A47, 0x11A47 }, { 0x11A51, 0x11A56 }, { 0x11A59, 0x11A5B },
	{ 0x11A8A, 0x11A96 }, { 0x11A98, 0x11A99 }, { 0x11C30, 0x11C3D },
	{ 0x11C3F, 0x11C3F }, { 0x11C92, 0x11CA7 }, { 0x11CAA, 0x11CB0 },
	{ 0x11CB2, 0x11CB3 }, { 0x11CB5, 0x11CB6 }, { 0x11D31, 0x11D45 },
	{ 0x11D47, 0x11D47 }, { 0x11D90, 0x11D91 }, { 0x11D95, 0x11D95 },
	{ 0x11D97, 0x11D97 }, { 0x11EF3, 0x11EF4 }, { 0x13430, 0x13438 },
	{ 0x16AF0, 0x16AF4 }, { 0x16B30, 0x16B36 }, { 0x16F4F, 0x16F4F },
	{ 0x16F8F, 0x16F92 }, { 0x16FE4, 0x16FE4 }, { 0x1BC9D, 0x1BC9E },
	{ 0x1BCA0, 0x1BCA3 }, { 0x1CF00, 0x1CF46 }, { 0x1D167, 0x1D169 },
	{ 0x1D173, 0x1D182 }, { 0x1D185, 0x1D18B }, { 0x1D1AA, 0x1D1AD },
	{ 0x1D242, 0x1D244 }, { 0x1DA00, 0x1DA36 }, { 0x1DA3B, 0x1DA6C },
	{ 0x1DA75, 0x1DA75 }, { 0x1DA84, 0x1DA84 }, { 0x1DA9B, 0x1DAAF },
	{ 0x1E000, 0x1E02A }, { 0x1E130, 0x1E136 }, { 0x1E2AE, 0x1E2AE },
	{ 0x1E2EC, 0x1E2EF }, { 0x1E8D0, 0x1E8D6 }, { 0x1E944, 0x1E94A },
	{ 0xE0001, 0xE007F }, { 0xE0100, 0xE01EF },
};

/* East Asian Wide and Fullwidth characters (which include the emoji that
 * default to emoji presentation), plus the unassigned code points of the
 * CJK blocks and of planes 2 and 3, where anything added later will be an
 * ideograph.  As in glibc, the circled numbers at U+3248 and the Yijing
 * hexagrams are wide too, while emoji that default to text presentation,
 * such as the thermometer at U+1F321, stay one column. */
static const struct text_range text_double_width[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
	{ 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 },
	{ 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
	{ 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA },
	{ 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA },
	{ 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C },
	{ 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x3029 },
	{ 0x302E, 0x303E }, { 0x3040, 0x3098 }, { 0x309B, 0xA4CF },
	{ 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
	{ 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 },
	{ 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE3 }, { 0x16FF0, 0x18D08 },
	{ 0x1AFF0, 0x1B2FB }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
	{ 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F320 },
	{ 0x1F32D, 0x1F335 }, { 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 },
	{ 0x1F3A0, 0x1F3CA }, { 0x1F3CF, 0x1F3D3 }, { 0x1F3E0, 0x1F3F0 },
	{ 0x1F3F4, 0x1F3F4 }, { 0x1F3F8, 0x1F43E }, { 0x1F440, 0x1F440 },
	{ 0x1F442, 0x1F4FC }, { 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E },
	{ 0x1F550, 0x1F567 }, { 0x1F57A, 0x1F57A }, { 0x1F595, 0x1F596 },
	{ 0x1F5A4, 0x1F5A4 }, { 0x1F5FB, 0x1F64F }, { 0x1F680, 0x1F6C5 },
	{ 0x1F6CC, 0x1F6CC }, { 0x1F6D0, 0x1F6D2 }, { 0x1F6D5, 0x1F6DF },
	{ 0x1F6EB, 0x1F6EC }, { 0x1F6F4, 0x1F6FC }, { 0x1F7E0, 0x1F7F0 },
	{ 0x1F90C, 0x1F93A }, { 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF },
	{ 0x1FA70, 0x1FAF6 }, { 0x20000, 0x3FFFD },
};

/* Code points that are printable in principle but invisible, and so could
 * hide or disguise text: bidi controls reorder what follows, zero-width
 * characters and fillers let two different strings look the same.  The
 * default ignorables Unicode reserves for more of the same are here too,
 * so a terminal that learns them later still cannot hide text with them. */
static const struct text_range text_unsafe[] = {
	{ 0x0000, 0x001F },	/* C0 controls */
	{ 0x007F, 0x009F },	/* DEL and C1 controls (U+009B is CSI) */
	{ 0x061C, 0x061C },	/* Arabic letter mark */
	{ 0x115F, 0x1160 },	/* Hangul choseong and jungseong fillers */
	{ 0x180E, 0x180E },	/* Mongolian vowel separator */
	{ 0x200B, 0x200F },	/* zero-width space, (non-)joiner, LRM, RLM */
	{ 0x2028, 0x202E },	/* line and paragraph separators, bidi embeddings and overrides */
	{ 0x2060, 0x206F },	/* word joiner, invisible operators, U+2065 (reserved,
				 * default ignorable), bidi isolates, deprecated
				 * format characters */
	{ 0x3164, 0x3164 },	/* Hangul filler */
	{ 0xD800, 0xDFFF },	/* surrogates: never characters on their own */
	{ 0xFDD0, 0xFDEF },	/* noncharacters */
	{ 0xFEFF, 0xFEFF },	/* zero-width no-break space (byte-order mark) */
	{ 0xFFA0, 0xFFA0 },	/* halfwidth Hangul filler */
	{ 0xFFF0, 0xFFFB },	/* reserved default ignorables, interlinear annotation */
	{ 0x1BCA0, 0x1BCA3 },	/* shorthand format controls */
	{ 0x1D173, 0x1D17A },	/* musical beam, tie, slur and phrase controls */
	{ 0xE0000, 0xE00FF },	/* tags (invisible copies of ASCII), then reserved */
	{ 0xE01F0, 0xE0FFF },	/* reserved default ignorables after the variation
				 * selectors */
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static bool text_range_find(const struct text_range *table, size_t n, uint32_t c)
{
	size_t lo = 0;
	size_t hi = n;

	if (n == 0 || c < table[0].first || c > table[n - 1].last)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c > table[mid].last)
			lo = mid + 1;
		else if (c < table[mid].first)
			hi = mid;
		else
			return true;
	}
	return false;
}

bool text_is_safe_codepoint(wchar_t c)
{
	uint32_t u;

	if (c < 0 || (uint32_t)c > TEXT_MAX_CODEPOINT)
		return false;
	u = (uint32_t)c;
	/* U+xxFFFE and U+xxFFFF are noncharacters in every plane */
	if ((u & 0xFFFEu) == 0xFFFEu)
		return false;
	return !text_range_find(text_unsafe, ARRAY_LEN(text_unsafe), u);
}

/* The decoder proper, on unsigned bytes.  An invalid sequence gives U+FFFD
 * and length 1; since a genuine U+FFFD takes three bytes, callers can tell
 * the two apart without another flag. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	uint32_t min;
	size_t need;
	size_t i;

	*cp = TEXT_REPLACEMENT;
	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 1;
		min = 0x80;
		c = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 2;
		min = 0x800;
		c = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 3;
		min = 0x10000;
		c = s[0] & 0x07u;
	} else {
		return 1;	/* stray continuation byte, C0/C1 lead or F5..FF */
	}
	if (len <= need)
		return 1;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xC0u) != 0x80u)
			return 1;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	if (c < min || c > TEXT_MAX_CODEPOINT || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return need + 1;
}

size_t text_utf8_decode(const char *s, size_t len, wchar_t *cp)
{
	uint32_t c;
	size_t n = utf8_decode((const unsigned char *)s, len, &c);

	*cp = (wchar_t)c;
	return n;
}

size_t text_utf8_encode(wchar_t cp, char out[4])
{
	uint32_t c = (uint32_t)cp;

	/* whatever cannot be encoded is written as the replacement character,
	 * so the output is always valid UTF-8 */
	if (cp < 0 || c > TEXT_MAX_CODEPOINT || (c >= 0xD800 && c <= 0xDFFF))
		c = TEXT_REPLACEMENT;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int text_codepoint_width(wchar_t c)
{
	uint32_t u = (uint32_t)c;

	/* an unsafe code point is drawn as a one-column placeholder */
	if (!text_is_safe_codepoint(c))
		return 1;
	if (u < 0x300)
		return 1;	/* the common case: skip the searches */
	if (text_range_find(text_zero_width, ARRAY_LEN(text_zero_width), u))
		return 0;
	if (text_range_find(text_double_width, ARRAY_LEN(text_double_width), u))
		return 2;
	return 1;
}

bool text_is_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	while (len > 0) {
		uint32_t c;
		size_t n = utf8_decode(p, len, &c);

		if (c == TEXT_REPLACEMENT && n == 1)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/* What one decoded code point turns into on the screen. */
struct text_piece {
	char bytes[4];
	size_t len;
	int cols;
};

static void piece_set_codepoint(struct text_piece *p, uint32_t c, int cols)
{
	p->len = text_utf8_encode((wchar_t)c, p->bytes);
	p->cols = cols;
}

static void piece_set_ascii(struct text_piece *p, const char *s)
{
	p->len = strlen(s);
	memcpy(p->bytes, s, p->len);
	p->cols = (int)p->len;
}

static void piece_utf8(struct text_piece *p, uint32_t c, bool have_base)
{
	int w;

	if (c < 0x20) {
		piece_set_codepoint(p, 0x2400 + c, 1);	/* U+241B for ESC */
		return;
	}
	if (c == 0x7F) {
		piece_set_codepoint(p, 0x2421, 1);
		return;
	}
	if (!text_is_safe_codepoint((wchar_t)c)) {
		piece_set_codepoint(p, TEXT_REPLACEMENT, 1);
		return;
	}
	w = text_codepoint_width((wchar_t)c);
	/* a combining mark with nothing before it would merge into whatever
	 * the terminal drew to the left of us: another column's text */
	if (w == 0 && !have_base) {
		piece_set_codepoint(p, TEXT_REPLACEMENT, 1);
		return;
	}
	piece_set_codepoint(p, c, w);
}

static void piece_ascii(struct text_piece *p, uint32_t c)
{
	if (c < 0x20 || c == 0x7F) {
		char caret[3] = { '^', 0, 0 };

		caret[1] = (char)(c == 0x7F ? '?' : c + 64);
		piece_set_ascii(p, caret);
	} else if (c >= 0x80) {
		piece_set_ascii(p, "?");
	} else {
		p->bytes[0] = (char)c;
		p->len = 1;
		p->cols = 1;
	}
}

/* Sanitise and clip in one pass; with out NULL it only measures. */
static int text_walk(const char *src, enum text_mode mode, int max_cols,
		     char *out, size_t out_size)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t len = strlen(src);
	size_t used = 0;
	bool have_base = false;
	int cols = 0;

	while (len > 0) {
		struct text_piece p;
		uint32_t c;
		size_t n = utf8_decode(s, len, &c);

		if (mode == TEXT_MODE_ASCII)
			piece_ascii(&p, c);
		else
			piece_utf8(&p, c, have_base);
		if (p.cols > max_cols - cols)
			break;
		if (out) {
			if (p.len >= out_size - used)
				break;	/* keep room for the NUL */
			memcpy(out + used, p.bytes, p.len);
		}
		used += p.len;
		cols += p.cols;
		if (p.cols > 0)
			have_base = true;
		s += n;
		len -= n;
	}
	if (out)
		out[used] = '\0';
	return cols;
}

int text_sanitise(const char *src, enum text_mode mode, int max_cols, char *out, size_t out_size)
{
	if (!out || out_size == 0)
		return 0;
	out[0] = '\0';
	if (!src || max_cols <= 0)
		return 0;
	return text_walk(src, mode, max_cols, out, out_size);
}

int text_display_width(const char *src, enum text_mode mode)
{
	if (!src)
		return 0;
	return text_walk(src, mode, INT_MAX, NULL, 0);
}

int text_cell(const char *src, enum text_mode mode, int cols, char *out, size_t out_size)
{
	size_t used;
	int written;

	if (!out || out_size == 0)
		return 0;
	written = text_sanitise(src, mode, cols, out, out_size);
	used = strlen(out);
	while (written < cols && used + 1 < out_size) {
		out[used++] = ' ';
		written++;
	}
	out[used] = '\0';
	return written;
}

const char *text_plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
