/** Wording shared by the samplers' explanations. */

/** An order as people count: [2, 0, 1] → "3-1-2", where 1 is the earliest. */
export function asText(order: readonly number[]): string {
  return order.map((rank) => rank + 1).join('-');
}
