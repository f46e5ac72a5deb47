/** The state of the Tensors page, mirrored in the URL. */
import { numberField, type StateSchema } from '../../lib/url-state';

/** Side of the square test image (pixels). */
export const SIZE = 32;

export interface TensorsState {
  /** CP rank R. */
  cpRank: number;
  /** Tucker ranks (r, r, min(r, 3)): r. */
  tuckerRank: number;
  /** Tensor-train rank (both inner ranks). */
  ttRank: number;
}

export const tensorsSchema: StateSchema<TensorsState> = {
  cpRank: numberField(4, 2, 24, true),
  tuckerRank: numberField(6, 1, SIZE, true),
  ttRank: numberField(6, 1, SIZE, true),
};
