import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '../event-store';
import type { SignedHead } from './head';
import type { SigningKey } from './keys';
import { headsBefore } from './store';

// Heads leave the database as files, one JSON file per head: the copy an
// auditor keeps where the database's administrators cannot write (another
// machine, write-once storage). Files are written to a temporary name and
// renamed, so a crash never leaves half a head.

/** Sorts in tree order by name. */
export function headFileName(treeSize: number): string {
  return `head-${String(treeSize).padStart(16, '0')}.json`;
}

export function publicKeyFileName(keyId: string): string {
  return `public-key-${keyId.slice(0, 16)}.pem`;
}

async function writeAtomically(file: string, text: string) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o644 });
  await rename(temporary, file);
}

export async function exportPublicKey(dir: string, key: Pick<SigningKey, 'keyId' | 'publicKeyPem'>) {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, publicKeyFileName(key.keyId));
  if (!existsSync(file)) await writeAtomically(file, key.publicKeyPem);
}

/**
 * Writes every stored head that has no file yet, newest first, until it meets
 * one that has: after a crash between a head's commit and its file, the next
 * run exports it. Returns how many it wrote.
 */
export async function exportMissingHeads(db: Queryable, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  let written = 0;
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const heads = await headsBefore(db, before, 100);
    for (const head of heads) {
      const file = path.join(dir, headFileName(head.treeSize));
      if (existsSync(file)) return written;
      await writeAtomically(file, headFileText(head));
      written++;
    }
    if (heads.length < 100) return written;
    before = heads.at(-1)!.treeSize;
  }
}

export function headFileText(head: SignedHead): string {
  return `${JSON.stringify(head, null, 2)}\n`;
}
