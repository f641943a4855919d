/**
 * The demo's sample data set: web-shop orders for `libs/pipelines/examples/orders.yaml`, generated
 * from a seed so every run (and every test) sees the same records, with known defects mixed in.
 */
import { seededRandom } from '@tributary/testing';

export interface Order {
  id: string;
  customer: string;
  country: string;
  price: number | string;
  quantity: number;
  ts: string;
  internal_note: string | null;
}

export interface DemoDataSet {
  readonly records: Order[];
  /** What the orders pipeline must make of them. */
  readonly expected: {
    /** Refused at ingest (a price that is not a number). */
    readonly invalid: number;
    /** Repeats of an order id within the dedupe window (the once-per-order stage drops them). */
    readonly duplicates: number;
    /** Quantity 0 → total 0 (the positive-only filter drops them). */
    readonly zeroTotal: number;
    /** Records that reach `.processed`. */
    readonly processed: number;
  };
}

const COUNTRIES = ['DE', 'FR', 'NL', 'US', 'CA', 'JP', 'BR'];
const CUSTOMERS = ['  Ada Lovelace', 'Grace Hopper ', 'Alan Turing', 'EDSGER DIJKSTRA', 'Barbara Liskov', 'Ken Thompson'];

const prng = seededRandom;

/**
 * `count` orders, 1 s apart from `start`. Every 97th is invalid, every 50th repeats the order 3
 * before it (same id, event time within the 10-minute window), every 41st has quantity 0. The
 * defects never overlap, so the expected counts are exact. `repeats: false` leaves the repeats out.
 */
export function generateOrders(count: number, options: { seed?: number; start?: number; repeats?: boolean } = {}): DemoDataSet {
  const random = prng(options.seed ?? 42);
  const start = options.start ?? Date.UTC(2026, 10, 1, 8, 0, 0);
  const records: Order[] = [];
  let invalid = 0;
  let duplicates = 0;
  let zeroTotal = 0;
  for (let i = 1; i <= count; i++) {
    const ts = new Date(start + i * 1000).toISOString();
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const order: Order = {
      id: `o-${String(i).padStart(7, '0')}`,
      customer: pick(CUSTOMERS),
      country: pick(COUNTRIES),
      price: Math.round((1 + random() * 199) * 100) / 100,
      quantity: 1 + Math.floor(random() * 5),
      ts,
      internal_note: random() < 0.1 ? 'call back' : null,
    };
    if (i % 97 === 0) {
      order.price = 'n/a';
      invalid++;
    } else if (options.repeats !== false && i % 50 === 0 && i > 3 && (i - 3) % 97 !== 0 && (i - 3) % 41 !== 0) {
      order.id = records[i - 4]!.id;
      duplicates++;
    } else if (i % 41 === 0) {
      order.quantity = 0;
      zeroTotal++;
    }
    records.push(order);
  }
  return { records, expected: { invalid, duplicates, zeroTotal, processed: count - invalid - duplicates - zeroTotal } };
}
