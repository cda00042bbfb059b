import type { ExtraRules } from '../protocol/input-validator.js';

/** The rules the model lacks (ranges, formats, combinations), keyed `Shape.Member` or by shape. */
export const validationRules: ExtraRules = {
  members: {},
  structures: {},
};
