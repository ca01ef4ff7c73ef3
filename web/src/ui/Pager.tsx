import { useState } from "preact/hooks";

/** Cursor pages: a stack of the cursors that led here, so Previous works without `last`. */
export function useCursorPages() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1];
  return {
    after,
    page: stack.length,
    next: (endCursor: string | null | undefined) => {
      if (endCursor) setStack([...stack, endCursor]);
    },
    previous: () => {
      if (stack.length > 1) setStack(stack.slice(0, -1));
    },
    reset: () => setStack([null]),
  };
}

type Props = {
  page: number;
  hasNext: boolean;
  onNext: () => void;
  onPrevious: () => void;
};

export function Pager({ page, hasNext, onNext, onPrevious }: Props) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" onClick={onPrevious} disabled={page <= 1}>
        Previous
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next
      </button>
    </nav>
  );
}
