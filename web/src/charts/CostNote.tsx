import { NO_TARIFF_NOTE } from "../../../worker/costs/money-contract";
import { openAppPath } from "../navigation";

/** The Meters page with the meter's tariff form open. */
export const tariffPath = (meterId: string) => `/meters?tariff=${meterId}`;

/**
 * Why a cost is missing. Without a tariff no price is invented: the note says so and, for the
 * owner (a public share has no meter ids), links to where it is set.
 */
export function CostNote({ note, meterId }: { note: string; meterId?: string }) {
  if (note !== NO_TARIFF_NOTE) return <>{note}</>;
  return (
    <>
      no tariff set
      {meterId && (
        <>
          {" · "}
          <a
            href={tariffPath(meterId)}
            onClick={(event) => {
              event.preventDefault();
              openAppPath(tariffPath(meterId));
            }}
          >
            Set a tariff
          </a>
        </>
      )}
    </>
  );
}
