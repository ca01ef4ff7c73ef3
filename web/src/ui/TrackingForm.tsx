import { useState } from "preact/hooks";

/** Carrier and tracking number of a parcel shipped by hand. */
export function TrackingForm({ onSubmit }: { onSubmit: (carrier: string, tracking: string) => void }) {
  const [carrier, setCarrier] = useState("");
  const [tracking, setTracking] = useState("");
  return (
    <form
      class="inline"
      aria-label="Ship"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(carrier.trim(), tracking.trim());
      }}
    >
      <input
        aria-label="Carrier"
        placeholder="Carrier"
        required
        value={carrier}
        onInput={(e) => setCarrier(e.currentTarget.value)}
      />
      <input
        aria-label="Tracking number"
        placeholder="Tracking number"
        required
        value={tracking}
        onInput={(e) => setTracking(e.currentTarget.value)}
      />
      <button type="submit">Mark shipped</button>
    </form>
  );
}
