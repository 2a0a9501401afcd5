// The padding convention every stand-in shares (pure): `PAD:N` typed by the user stands for N
// tokens of conversation, `FILE:N` in a tool's output for a file of N tokens that the tool read.
// A stand-in counts the markers still in the conversation it is sent, so the context grows turn
// by turn and shrinks when the agent compacts or clears. Input: the texts a request still
// carries, already split into what the user typed and what tools returned (each API has its own
// shape: src/demo/standin-script.ts for Messages, src/demo/responses-script.ts for Responses).
// Output: a token count.
import { FILE_RE, PAD_RE } from './standin-script.js';

/** The sum of N over every `PAD:N` in `typed` and every `FILE:N` in `toolOutputs`. */
export function paddingOf(typed: readonly string[], toolOutputs: readonly string[]): number {
  let pad = 0;
  for (const text of typed) for (const m of text.matchAll(PAD_RE)) pad += Number(m[1]);
  for (const text of toolOutputs) for (const m of text.matchAll(FILE_RE)) pad += Number(m[1]);
  return pad;
}
