/**
 * Files users send, as the Bot API serves them: `getFile` turns a `file_id` into a `file_path`,
 * and `GET /file/bot<token>/<file_path>` serves the bytes. Every download is recorded, so a test
 * can assert that a refused file was never fetched.
 */
import type { ServerResponse } from 'node:http';
import type { File } from 'grammy/types';
import { badRequest } from './api-error.js';
import type { Params } from './params.js';

/** Largest file `getFile` hands out (Telegram's limit for bots: 20 MB). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

interface StoredFile {
  readonly fileId: string;
  readonly uniqueId: string;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** A file a user uploaded: the fields a message's photo, document or voice carries. */
export interface UploadedFile {
  readonly file_id: string;
  readonly file_unique_id: string;
  /** The true size; a test may declare another in the message to lie. */
  readonly file_size: number;
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private next = 1;
  /** `file_path`s downloaded, in order. */
  readonly downloads: string[] = [];

  /** Stores `bytes` as a user's upload; `name` gives the path its extension (`photos/file_3.jpg`). */
  add(bytes: Uint8Array, name = 'file.bin'): UploadedFile {
    const n = this.next++;
    const dot = name.lastIndexOf('.');
    const extension = dot < 0 ? '' : name.slice(dot);
    const file: StoredFile = {
      fileId: `AgACAgIAAxkBAAI${n.toString(36).padStart(6, '0')}`,
      uniqueId: `AQAD${n}`,
      path: `documents/file_${n}${extension}`,
      bytes,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.path, file);
    return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: bytes.length };
  }

  /** `getFile`: 400 for an unknown id and for files over 20 MB, as Telegram answers. */
  getFile(params: Params): File {
    const fileId = params.string('file_id');
    if (fileId === undefined) throw badRequest('file_id not specified');
    const file = this.byId.get(fileId);
    if (file === undefined) throw badRequest('invalid file_id');
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return {
      file_id: file.fileId,
      file_unique_id: file.uniqueId,
      file_size: file.bytes.length,
      file_path: file.path,
    };
  }

  /**
   * Answers `GET /file/bot<token>/<path>`: the bytes, or 404 (also for a wrong token, as the Bot
   * API does). False when `pathname` is not a file path at all.
   */
  serve(pathname: string, token: string, res: ServerResponse): boolean {
    const match = /^\/file\/bot([^/]*)\/(.+)$/.exec(pathname);
    if (match === null) return false;
    const file =
      decodeURIComponent(match[1] ?? '') === token
        ? this.byPath.get(decodeURIComponent(match[2] ?? ''))
        : undefined;
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return true;
    }
    this.downloads.push(file.path);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': file.bytes.length,
    });
    res.end(file.bytes);
    return true;
  }
}
