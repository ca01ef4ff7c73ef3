import { cleanup } from "@testing-library/preact";
import { afterEach, vi } from "vitest";

afterEach(cleanup);
// (a burst test holds the clock: see test-bursts.ts; the next test gets the real one)
afterEach(() => vi.useRealTimers());
