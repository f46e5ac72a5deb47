/**
 * The characters a character language model knows: id 0 pads, id 1 stands for every character outside the
 * vocabulary (out-of-vocabulary, counted when encoding), ids 2.. the known characters.
 */
import { ConfigError, SerializationError } from '@tensorfold/core';

/** Id of padding (masked by the model's embedding). */
export const PAD_ID = 0;
/** Id of every character the vocabulary lacks. */
export const OOV_ID = 1;

/** A text as ids, and how many characters were outside the vocabulary. */
export interface EncodedText {
  /** One id per character (per Unicode code point). */
  ids: Int32Array;
  /** Characters mapped to {@link OOV_ID}. */
  unknown: number;
}

/** Saved form of a {@link CharVocabulary}. */
export interface CharVocabularyState {
  /** The known characters, in id order from id 2. */
  characters: string[];
}

/** A character vocabulary. */
export class CharVocabulary {
  /** The known characters, in id order from id 2. */
  readonly characters: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(characters: readonly string[]) {
    const seen = new Set<string>();
    for (const c of characters) {
      if ([...c].length !== 1) throw new ConfigError(`A vocabulary entry must be one character, got '${c}'.`);
      if (seen.has(c)) throw new ConfigError(`The character '${c}' is twice in the vocabulary.`);
      seen.add(c);
    }
    this.characters = [...characters];
    this.ids = new Map(this.characters.map((c, i) => [c, i + 2]));
  }

  /** Ids in all: padding, OOV and the characters. The model's output size. */
  get size(): number {
    return this.characters.length + 2;
  }

  /** The id of one character ({@link OOV_ID} when unknown). */
  id(character: string): number {
    return this.ids.get(character) ?? OOV_ID;
  }

  /** Encodes a text, mapping unknown characters to {@link OOV_ID} and counting them. */
  encode(text: string): EncodedText {
    const chars = [...text];
    const ids = new Int32Array(chars.length);
    let unknown = 0;
    chars.forEach((c, i) => {
      const id = this.ids.get(c);
      if (id === undefined) unknown++;
      ids[i] = id ?? OOV_ID;
    });
    return { ids, unknown };
  }

  /** Decodes ids; padding is dropped and OOV written as `oov` (default `'\uFFFD'`). */
  decode(ids: ArrayLike<number>, oov = '\uFFFD'): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id === PAD_ID) continue;
      text += id === OOV_ID ? oov : (this.characters[id - 2] ?? oov);
    }
    return text;
  }

  toJSON(): CharVocabularyState {
    return { characters: [...this.characters] };
  }

  /** Reads a saved vocabulary. @throws SerializationError when the state is not one. */
  static fromJSON(state: unknown): CharVocabulary {
    const chars = (state as CharVocabularyState | null)?.characters;
    if (!Array.isArray(chars) || chars.some((c) => typeof c !== 'string'))
      throw new SerializationError(
        'A character vocabulary is saved as {"characters": [one string per character]}.',
      );
    return new CharVocabulary(chars);
  }
}

/** Options of {@link charVocabulary}. */
export interface CharVocabularyOptions {
  /** Keep only the most frequent characters, at most this many. Default: all. */
  maxCharacters?: number;
  /** Characters seen fewer times than this are left out (they will be OOV). Default 1. */
  minCount?: number;
}

/**
 * The vocabulary of a text: its characters by falling frequency (ties by code point, so the same text
 * gives the same ids).
 *
 * @example
 * const vocabulary = charVocabulary(trainText, { minCount: 5 });
 * const { ids, unknown } = vocabulary.encode(testText);
 */
export function charVocabulary(text: string, options: CharVocabularyOptions = {}): CharVocabulary {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  const minCount = options.minCount ?? 1;
  const order = [...counts.entries()]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([c]) => c);
  if (
    options.maxCharacters !== undefined &&
    !(Number.isInteger(options.maxCharacters) && options.maxCharacters >= 1)
  )
    throw new ConfigError(`maxCharacters must be a positive integer, got ${options.maxCharacters}.`);
  if (order.length === 0) throw new ConfigError('The text has no character to build a vocabulary from.');
  return new CharVocabulary(order.slice(0, options.maxCharacters ?? order.length));
}
