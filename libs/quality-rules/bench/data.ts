/**
 * The benchmark's records: orders with ~10 fields, generated in memory from a fixed seed, with a few
 * per cent seeded defects. Each defective record has exactly one defect, chosen so that it fails
 * exactly one of the benchmark's rules: the expected failure count of every rule is known.
 */
import { seededRandom } from '@tributary/testing';
export interface Order {
  orderId: string;
  status: string;
  amount: number | null;
  discount: number | null;
  email: string;
  sku: string;
  country: string;
  quantity: number;
  createdAt: number;
  shippedAt: number | null;
  eventTime: number;
}

export const DEFECTS = [
  'amount-present',
  'amount-range',
  'status-known',
  'email-format',
  'sku-length',
  'quantity-type',
  'dates-ordered',
  'discount-sane',
  'country-known',
  'fresh',
] as const;
export type Defect = (typeof DEFECTS)[number];

export const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'BE', 'PL', 'SE', 'NO', 'DK', 'FI', 'AT', 'CH', 'PT', 'IE', 'CA', 'JP', 'BR'];
export const STATUSES = ['new', 'paid', 'shipped', 'cancelled'];
const DOMAINS = ['example.com', 'mail.example.org', 'shop.example.net', 'example.co.uk'];
const HOUR = 3_600_000;

const random = seededRandom;

export interface Dataset {
  readonly records: Order[];
  /** Seeded defects per rule id. */
  readonly seeded: Record<Defect, number>;
}

/** `count` orders evaluated at `now`; `defectRate` of them (0–1) carry one defect each. */
export function generateOrders(count: number, now: number, defectRate: number, seed = 7): Dataset {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  // A pool of addresses and SKUs: realistic repetition, and a million distinct strings would
  // measure the allocator rather than the rules.
  const emails = Array.from({ length: 5000 }, (_, i) => `customer.${i}@${DOMAINS[i % DOMAINS.length]}`);
  const skus = Array.from({ length: 2000 }, (_, i) => `SKU-${(i * 7919).toString(36).toUpperCase()}`);
  const seeded = Object.fromEntries(DEFECTS.map((d) => [d, 0])) as Record<Defect, number>;
  const records: Order[] = [];
  for (let i = 0; i < count; i++) {
    const amount = Math.round(next() * 900_000) / 100 + 1; // 1.00 … 9001.00
    const createdAt = now - Math.floor(next() * 50 * 60_000);
    const order: Order = {
      orderId: `o-${i.toString(36).padStart(8, '0')}`,
      status: pick(STATUSES),
      amount,
      discount: next() < 0.3 ? null : Math.round(amount * next() * 40) / 100, // at most 40% of amount
      email: pick(emails),
      sku: pick(skus),
      country: pick(COUNTRIES),
      quantity: 1 + Math.floor(next() * 20),
      createdAt,
      shippedAt: next() < 0.4 ? null : createdAt + Math.floor(next() * 5 * 60_000),
      eventTime: createdAt + 1000,
    };
    if (next() < defectRate) {
      const defect = pick(DEFECTS);
      seeded[defect]++;
      seedDefect(order, defect, next);
    }
    records.push(order);
  }
  return { records, seeded };
}

function seedDefect(order: Order, defect: Defect, next: () => number): void {
  switch (defect) {
    case 'amount-present':
      order.amount = null;
      break;
    case 'amount-range':
      order.amount = 10_000.01 + Math.round(next() * 1000); // above max: discount stays sane
      break;
    case 'status-known':
      order.status = next() < 0.5 ? 'refunded' : 'PAID';
      break;
    case 'email-format':
      order.email = next() < 0.5 ? 'no-at-sign.example.com' : 'two words@example.com';
      break;
    case 'sku-length':
      order.sku = next() < 0.5 ? 'S1' : 'SKU-0000000000000';
      break;
    case 'quantity-type':
      order.quantity = 2.5;
      break;
    case 'dates-ordered':
      order.shippedAt = order.createdAt - 60_000;
      break;
    case 'discount-sane':
      order.discount = order.amount! * 0.75;
      break;
    case 'country-known':
      order.country = next() < 0.5 ? 'XX' : 'fr';
      break;
    case 'fresh':
      order.eventTime = order.createdAt - 2 * HOUR;
      break;
  }
}
