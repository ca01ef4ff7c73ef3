import { act } from "@testing-library/preact";
import { vi } from "vitest";

/**
 * A burst test's clock. From `hold()` on, the page's timers (its burst window among them)
 * stand still until the test moves them, so a loaded machine can neither split a burst nor
 * make the test look too early. `apart(hear)` delivers events in a render of their own (its
 * effects run) with no time passing; `elapse()` runs the page's timers until none is left
 * (every window closed, what closing started done), so a read that would come has come.
 * The real clock is back after each test (test-setup.ts).
 */
export const burstClock = {
  hold(): void {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  },
  async apart(hear: () => void): Promise<void> {
    await act(hear);
  },
  async elapse(): Promise<void> {
    await act(async () => {
      await vi.runAllTimersAsync();
    });
  },
};
