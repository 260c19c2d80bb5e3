import { createHash } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient } from './prisma';

// Reference data is generated deterministically, so every installation has the
// same catalog and customers and re-running the seed writes nothing new.

const CURRENCY = 'EUR';
export const SEED_PRODUCT_COUNT = 60;
export const SEED_CUSTOMER_COUNT = 250;

const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Heavy-duty', 'Mini', 'Pro', 'Smart', 'Travel', 'Ultra'];
const NOUNS = [
  'Backpack',
  'Desk Lamp',
  'Espresso Cup',
  'Headphones',
  'Kettle',
  'Notebook',
  'Office Chair',
  'Water Bottle',
  'Wireless Mouse',
  'Yoga Mat',
  'Bike Light',
  'Chef Knife',
];
const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elif',
  'Femi',
  'Grace',
  'Hiro',
  'Inés',
  'Jonas',
  'Kavya',
  'Liam',
  'Maja',
  'Noah',
  'Olga',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tariq',
];
const LAST = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Huang',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Müller',
  'Nakamura',
  'Okafor',
];

export function seedProducts() {
  return Array.from({ length: SEED_PRODUCT_COUNT }, (_, i) => {
    const adjective = ADJECTIVES[i % ADJECTIVES.length]!;
    const noun = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]!;
    return {
      sku: `SKU-${String(i + 1).padStart(4, '0')}`,
      name: `${adjective} ${noun}`,
      // 4.99 … 199.99, spread so that totals are not all alike.
      unitPrice: 499 + ((i * 3_733) % 19_500),
      currency: CURRENCY,
    };
  });
}

export function seedCustomers() {
  return Array.from({ length: SEED_CUSTOMER_COUNT }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    return {
      id: uuidFromSeed(`customer-${i + 1}`),
      name: `${first} ${last}${i >= FIRST.length * LAST.length ? ` ${i + 1}` : ''}`,
      email: `customer${i + 1}@example.com`,
    };
  });
}

/** A stable, valid v4-shaped UUID derived from a string. */
function uuidFromSeed(seed: string) {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function seedReferenceData(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const prisma = createPrismaClient(pool);
  try {
    await prisma.product.createMany({ data: seedProducts(), skipDuplicates: true });
    await prisma.customer.createMany({ data: seedCustomers(), skipDuplicates: true });
    return { products: await prisma.product.count(), customers: await prisma.customer.count() };
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}
