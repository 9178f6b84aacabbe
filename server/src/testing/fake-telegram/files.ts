import { randomBytes } from 'node:crypto';
import type { StoredFile } from './types.js';

export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Files users sent and files bots uploaded, addressable by file_id and, per token, by file_path. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private count = 0;

  add(token: string, bytes: Buffer, folder: string, extension: string, size = bytes.length): StoredFile {
    this.count += 1;
    const file: StoredFile = {
      fileId: `${folder.toUpperCase()}_${randomBytes(12).toString('base64url')}`,
      fileUniqueId: `U${randomBytes(6).toString('base64url')}`,
      filePath: `${folder}/file_${this.count}.${extension}`,
      bytes,
      size,
      token,
    };
    this.byId.set(file.fileId, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  byPath(token: string, filePath: string): StoredFile | undefined {
    for (const file of this.byId.values()) if (file.token === token && file.filePath === filePath) return file;
    return undefined;
  }
}
