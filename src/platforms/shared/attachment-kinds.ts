/**
 * What a file people send is, from what the platform declares (MIME type, name) and, once
 * downloaded, from its first bytes. No network, no platform library: mappings use it on raw
 * payloads.
 */

export type AttachmentKind = 'image' | 'audio' | 'text-file' | 'unsupported';

/**
 * What a platform's mapping knows of a file from the message payload, before any download.
 * `L` locates it at the platform's own file endpoint: a Telegram `file_id`, a Discord attachment
 * URL from the payload (never a URL from the message text).
 */
export interface AttachmentDescriptor<L = unknown> {
  readonly kind: AttachmentKind;
  /** The name as sent, or one made up for the kind (`photo.jpg`, `voice.ogg`); untrusted. */
  readonly name: string;
  readonly mime?: string;
  /** Bytes, as the platform declares them: may be absent or wrong. */
  readonly size?: number;
  /** Seconds of audio, as the platform declares them. */
  readonly durationSeconds?: number;
  readonly locator: L;
}

/** Images the vision models of OpenAI-compatible endpoints take (GIF: the first frame). */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/** Types that are text although not `text/*`. */
const TEXT_TYPES = new Set([
  'application/json',
  'application/ld+json',
  'application/xml',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/javascript',
  'application/x-javascript',
  'application/typescript',
  'application/x-sh',
  'application/x-python',
  'application/sql',
  'application/x-ndjson',
  'application/csv',
]);

/** Extensions of text files, for files sent without a useful type (`application/octet-stream`). */
const TEXT_EXTENSIONS = new Set(
  (
    'txt md markdown csv tsv json jsonl ndjson yaml yml toml ini cfg conf env log xml html htm css ' +
    'scss less js mjs cjs jsx ts tsx py rb go rs java kt kts c h cc cpp hpp cs swift php pl lua r ' +
    'sql sh bash zsh fish ps1 bat dockerfile makefile gradle properties vue svelte tex rst adoc ' +
    'srt vtt diff patch gitignore editorconfig'
  ).split(' '),
);

const IMAGE_EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The type without parameters, lower case: `text/plain; charset=utf-8` → `text/plain`. */
export function baseType(mime: string | undefined): string | undefined {
  const type = mime?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

function extensionOf(name: string): string {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? lower : lower.slice(dot + 1);
}

/**
 * The kind of a file from its declared type and name: images the models take, audio, text
 * (`text/*`, JSON, YAML, source code…), or unsupported (PDF, video, archives, other images).
 */
export function kindOf(mime: string | undefined, name: string): AttachmentKind {
  const type = baseType(mime);
  const extension = extensionOf(name);
  if (type?.startsWith('image/')) return IMAGE_TYPES.has(type) ? 'image' : 'unsupported';
  if (type?.startsWith('audio/')) return 'audio';
  if (type?.startsWith('text/') || (type && TEXT_TYPES.has(type))) return 'text-file';
  if (type && type !== 'application/octet-stream') return 'unsupported';
  if (IMAGE_EXTENSIONS[extension]) return 'image';
  return TEXT_EXTENSIONS.has(extension) ? 'text-file' : 'unsupported';
}

/**
 * The image type of downloaded bytes from their signature, or undefined when they are none of
 * the four the models take: a file named `.png` that is not one never reaches the endpoint.
 */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  const riff = starts(0x52, 0x49, 0x46, 0x46);
  const webp = bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50;
  return riff && webp ? 'image/webp' : undefined;
}

/**
 * The text of a file that is UTF-8 text, or undefined for anything else (invalid UTF-8, or a NUL
 * byte, which text never has and binaries nearly always do). A byte order mark is dropped.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}
