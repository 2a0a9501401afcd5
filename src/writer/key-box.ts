// What the one scanner of the user's keys reports about Claude's prompt box, as types both sides
// share: the writer (src/writer/writer.ts) feeds the scanner every write of the user's and hands
// its view on; the scanner (src/input/unsent.ts) implements `KeyScanner`; the checkpoint policy
// (src/policy/) reads the view before guard types. Types only: no stage above the writer is needed
// to read them.

export type BoxState =
  /** Nothing typed since the last send (or Ctrl-C). */
  | { kind: 'empty' }
  /** Text the user typed and did not send: exactly `text` (the cursor at its end). */
  | { kind: 'typed'; text: string }
  /** The keys changed the box in a way guard cannot follow (or a view may have put text in it). */
  | { kind: 'unsure'; why: string };

/** A view over the prompt that keys go to instead of the box. */
export type ModalView = 'history-search' | 'transcript' | 'rewind' | 'editor';

/** What the user's keys say about the prompt box, for the checkpoint's "nothing unsent" checks. */
export interface KeyBoxView { box: BoxState; modal: ModalView | null; mayHaveUnsent: boolean }

export interface ScanResult {
  /** The write held keys of the user's (not only mouse or focus reports, or terminal replies). */
  keys: boolean;
  /** An Enter in it sent what was in the box (Claude starts a turn). */
  submitted: boolean;
}

/** The scanner as the writer drives it (src/input/unsent.ts is the one implementation). */
export interface KeyScanner {
  readonly state: BoxState;
  readonly modal: ModalView | null;
  /** Takes one write of the user's bytes; `now` orders Esc presses (ms). */
  feed(data: string, now: number): ScanResult;
  /** Conservative: true unless the keys left the box empty with no view over it. */
  mayHaveUnsent(): boolean;
  /** The screen showed the box empty once the keys were quiet. */
  screenShowsEmpty(): void;
  /** guard itself typed a prompt and sent it. */
  guardSent(): void;
}
