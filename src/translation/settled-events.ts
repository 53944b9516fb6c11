import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../canonical/index.js';
import type { CanonicalEventStore } from './canonical-event.store.js';

/** An event a translation job stored now, or found stored from an earlier translation. */
export interface StoredEventRecord {
  readonly id: string;
  readonly type: string;
  readonly stored: boolean;
}

/** What a translation stream hands over: sets or messages, each with its event when it made one. */
interface Settling {
  readonly event: CanonicalEvent | undefined;
}

/**
 * How much of a file the translation jobs hand their stream at a time (a file stream's read): between
 * two writes they store what settled, so at most about this many bytes' events are held, beyond an
 * open group's.
 */
export const TRANSLATION_CHUNK = 64 * 1024;

/** Items settled, or the end of an interchange (with its items voided, when it was rejected). */
type Settled<T> =
  | { readonly index: number; readonly items: readonly T[] }
  | { readonly index: number; readonly voided: readonly T[] | undefined };

/**
 * The translation jobs' side of a translation stream (X12 sets, EDIFACT messages): the stream's
 * listener queues what settles (`settle`, `end`), which cannot wait for the database; `translate`
 * feeds the stream the payload's chunks and, between two, stores the queued events. An interchange's
 * events are stored under a savepoint, released at its end; when its end voids them the transaction
 * rolls back to the savepoint, so none of them stands (nor what the store's listeners did with them),
 * and the voided items' records replace theirs. The file's other interchanges keep their events.
 */
export class SettledEventWriter<T extends Settling, R> {
  /** One record per item, in file order. */
  readonly records: R[] = [];
  readonly events: StoredEventRecord[] = [];
  private readonly queued: Settled<T>[] = [];
  /** The interchange whose events are being stored, and where its entries begin. */
  private open: { index: number; records: number; events: number; savepoint: boolean } | undefined;

  constructor(
    private readonly tx: EntityManager,
    private readonly store: CanonicalEventStore,
    /** One interchange at a time is open, so one name serves them all. */
    private readonly savepoint: string,
    private readonly record: (item: T, eventId: string | null) => R,
  ) {}

  /** Items whose events stand unless their interchange's end voids them. */
  settle(index: number, items: readonly T[]): void {
    this.queued.push({ index, items });
  }

  /** An interchange ended; `voided` replaces what was settled of it, none of whose events stands. */
  end(index: number, voided: readonly T[] | undefined): void {
    this.queued.push({ index, voided });
  }

  /**
   * Writes the payload into the stream, chunk by chunk as they come, cut to TRANSLATION_CHUNK (the
   * archive's chunks may be larger), and stores what settled after each write and after the end.
   */
  async translate(
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    stream: { write(chunk: Uint8Array): void; end(): unknown },
  ): Promise<void> {
    for await (const chunk of chunks)
      for (let at = 0; at < chunk.length; at += TRANSLATION_CHUNK) {
        stream.write(chunk.subarray(at, at + TRANSLATION_CHUNK));
        await this.flush();
      }
    stream.end();
    await this.flush();
  }

  private async flush(): Promise<void> {
    for (const piece of this.queued.splice(0)) {
      if (this.open?.index !== piece.index)
        this.open = {
          index: piece.index,
          records: this.records.length,
          events: this.events.length,
          savepoint: false,
        };
      const open = this.open;
      if ('items' in piece) {
        for (const item of piece.items) {
          let eventId: string | null = null;
          if (item.event) {
            if (!open.savepoint) await this.tx.query(`SAVEPOINT ${this.savepoint}`);
            open.savepoint = true;
            const stored = await this.store.append(this.tx, item.event);
            this.events.push({ id: stored.id, type: item.event.type, stored: stored.stored });
            eventId = stored.id;
          }
          this.records.push(this.record(item, eventId));
        }
        continue;
      }
      if (piece.voided) {
        if (open.savepoint) await this.tx.query(`ROLLBACK TO SAVEPOINT ${this.savepoint}`);
        this.events.length = open.events;
        this.records.splice(
          open.records,
          this.records.length - open.records,
          ...piece.voided.map((item) => this.record(item, null)),
        );
      }
      if (open.savepoint) await this.tx.query(`RELEASE SAVEPOINT ${this.savepoint}`);
      this.open = undefined;
    }
  }
}
