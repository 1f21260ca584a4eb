import { type RefObject, useEffect, useRef } from 'react';

/**
 * Opens a native <dialog> as modal while the component is mounted (focus trap, Escape, focus
 * returned on close come with it) and closes it on unmount.
 */
export function useModalDialog(): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
