// The script-tag build. The snippet defines `linger` as a function that queues its calls in
// `linger.q`; this replaces it with the real one and replays the queue in order.
import { createLinger, type Command } from './api';

type Linger = ((...cmd: Command) => void) & { q?: { push(args: ArrayLike<unknown>): unknown } };

const w = window as unknown as { linger?: Linger };
const queued = w.linger?.q ?? [];
const linger: Linger = createLinger((document.currentScript as HTMLScriptElement | null)?.src);
// Code that kept a reference to the stub still reaches us: the stub pushes onto `linger.q`.
linger.q = { push: (args) => linger(...(Array.from(args) as Command)) };
w.linger = linger;
for (const args of queued as Iterable<unknown>[]) linger(...(args as Command)); // (the stub queues `arguments` objects)
