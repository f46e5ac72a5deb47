/**
 * A page's state object, read from its URL hash once and written back whenever it changes.
 */
import { readState, type StateSchema, writeState } from './url-state';

/** What every page component receives from the app shell. */
export interface PageProps {
  /** The query part of the hash (`dataset=xor&seed=2`). */
  query: string;
  /** Writes the page's state back into the hash (without reloading the page). */
  setQuery: (query: string) => void;
}

/**
 * The page's reactive state, from `query`; `notice` says which broken URL values made it reset to the
 * defaults (empty when none). Call during component set-up, with a function giving the props.
 */
export function pageState<S extends object>(
  schema: StateSchema<S>,
  props: () => PageProps,
): { settings: S; notice: string } {
  const read = readState(schema, props().query);
  const settings = $state(read.state);
  $effect(() => props().setQuery(writeState(schema, settings)));
  const notice =
    read.reset.length > 0
      ? `The address held settings this page cannot use (${read.reset.join(', ')}), so every setting was reset to its default.`
      : '';
  return { settings, notice };
}
