// Turns a mount function (that returns its own teardown) into a LivePart the deck can enter and leave any number of times.
import type { LiveContext, LivePart } from './index.ts';

export type MountPart = (host: HTMLElement, ctx: LiveContext) => () => void;

export function livePartFrom(mount: MountPart): LivePart {
  let teardown: (() => void) | undefined;
  return {
    mount(host, ctx) {
      // A second mount without an unmount in between must not leave a stream or timer behind.
      teardown?.();
      teardown = mount(host, ctx);
    },
    unmount() {
      teardown?.();
      teardown = undefined;
    },
  };
}
