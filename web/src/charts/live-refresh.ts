import { useEffect, useState } from "react";
import type { LiveChannel } from "../live-socket";

const REFRESH_THROTTLE_MS = 10_000;

/** A number that goes up when one of `meterIds` got readings (at most every 10 s): the trigger to refetch. */
export function useLiveVersion(live: LiveChannel | null, meterIds: string[]): number {
  const [version, setVersion] = useState(0);
  const meterKey = meterIds.join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: meterKey stands for meterIds: resubscribing for a new array with the same content would restart the throttle.
  useEffect(() => {
    if (!live) return;
    let lastRefresh = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((event) => {
      if (event.type !== "meter.readings") return;
      const { meterId } = event.payload as { meterId: string };
      if (!meterIds.includes(meterId) || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          lastRefresh = Date.now();
          setVersion((v) => v + 1);
        },
        Math.max(0, lastRefresh + REFRESH_THROTTLE_MS - Date.now()),
      );
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [meterKey, live]);
  return version;
}
