import { implement } from "../chat/tools/tool";
import { formatPricePerKwh } from "../costs/money-contract";
import { listTariffs } from "./service";

/** Chat tools over imported tariffs: the operations the tariffs routes call. */
export const tariffTools = [
  implement("list_tariffs", {
    async run(context) {
      const { tariffs } = await listTariffs(context);
      return {
        result: tariffs.map((t) => ({
          id: t.id,
          name: t.name,
          currency: t.currency,
          minPrice: t.minPrice,
          maxPrice: t.maxPrice,
          from: t.from,
          to: t.to,
          meters: t.meters,
        })),
        summary: tariffs.length
          ? `${tariffs.length} imported tariff${tariffs.length === 1 ? "" : "s"}: ${tariffs
              .map((t) => `${t.name} (${formatPricePerKwh(t.minPrice, t.currency)} to ${formatPricePerKwh(t.maxPrice, t.currency)})`)
              .join(", ")}`
          : "No imported tariffs yet (import one on the Tariffs page)",
      };
    },
  }),
] as const;
