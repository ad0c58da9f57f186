// The coffee bar's drinks and the order each request kind places; shared by storefront and the tests.
export const drinks = ['latte', 'cappuccino', 'flat-white', 'mocha', 'espresso', 'chai', 'cortado'] as const;
export type Drink = (typeof drinks)[number];

export const prices: Record<Drink, number> = {
  latte: 3.6,
  cappuccino: 3.4,
  'flat-white': 3.5,
  mocha: 3.9,
  espresso: 2.4,
  chai: 3.2,
  cortado: 3.0,
};

export function isDrink(x: unknown): x is Drink {
  return typeof x === 'string' && (drinks as readonly string[]).includes(x);
}

export const normalOrderSize = 3;
/** A `slow` order is a team order: twice as many drinks, with repeats, and the payments stall on purpose. */
export const slowOrderSize = 6;
