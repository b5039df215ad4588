/**
 * How money and energy are worded: one formatter for the chat's answers, the planner's findings
 * and explanations, and the notifications, so a saving reads the same wherever it is stated.
 * Pure (Intl only), so the web app may import it too.
 */

/**
 * Why a cost is missing when the meter has no tariff, neither its own nor (a device) its site's:
 * no price is invented; the web app shows it with a link to set one.
 */
export const NO_TARIFF_NOTE = "no tariff set";

/** The Worker answers in one locale; amounts keep their own currency. */
const LOCALE = "en-GB";

const formats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(currency: string, digits: number, maxDigits = digits): Intl.NumberFormat | null {
  const key = `${currency}/${digits}/${maxDigits}`;
  if (!formats.has(key)) {
    try {
      formats.set(
        key,
        new Intl.NumberFormat(LOCALE, {
          style: "currency",
          currency,
          currencyDisplay: "narrowSymbol",
          minimumFractionDigits: digits,
          maximumFractionDigits: maxDigits,
        }),
      );
    } catch {
      // Not an ISO 4217 code Intl knows: the amount is written with the code instead.
      formats.set(key, null);
    }
  }
  return formats.get(key) ?? null;
}

/** "£12.40", "€3.05", "-£0.20"; whole units from 1,000 on ("£1,240"). */
export function formatMoney(amount: number, currency: string): string {
  const digits = Math.abs(amount) >= 1_000 ? 0 : 2;
  return moneyFormat(currency, digits)?.format(amount) ?? `${amount.toFixed(digits)} ${currency}`;
}

/** A price per kWh as the tariff states it: "£0.050/kWh", "£0.14228/kWh" (at least three decimals, at most five). */
export function formatPricePerKwh(price: number, currency: string): string {
  return `${moneyFormat(currency, 3, 5)?.format(price) ?? `${price.toFixed(3)} ${currency}`}/kWh`;
}

/** "86.2 kWh", "1,240 kWh", "450 Wh": one decimal below 100 kWh, watt-hours below 1 kWh. */
export function formatEnergy(kwh: number): string {
  const abs = Math.abs(kwh);
  if (abs > 0 && abs < 1) return `${Math.round(kwh * 1000)} Wh`;
  return `${kwh.toLocaleString(LOCALE, { maximumFractionDigits: abs < 100 ? 1 : 0 })} kWh`;
}
