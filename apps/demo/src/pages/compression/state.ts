/** The state of the Compression page, mirrored in the URL. */
import { numberField, type StateSchema } from '../../lib/url-state';

export interface CompressionState {
  /**
   * Share of each layer's energy (sum of squared singular values) the decompositions keep, in
   * [0.3, 0.99]: lower gives smaller ranks, a smaller model and, sooner or later, a worse one.
   */
  energy: number;
}

export const compressionSchema: StateSchema<CompressionState> = {
  energy: numberField(0.8, 0.3, 0.99),
};
