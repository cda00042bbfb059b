import { invalidValueFor, maxResultsOutOfRange, missingParameter } from './api-error.js';
import type { ServiceModel, Shape } from './service-model.js';
import { inputWireName } from './wire-names.js';

/**
 * One validation pass over a parsed input, driven by the model (required members, enums, numeric
 * bounds) plus a table of the rules the model lacks, supplied by the service layer. Errors name
 * parameters by their wire names (`TagSpecification.1.ResourceType`), as EC2 does.
 */

/** A check on one member's value; throws an ApiError. `input` is the structure holding it. */
export type MemberRule = (value: unknown, wirePath: string, input: Record<string, unknown>) => void;
/** A check on a whole structure after its members passed. */
export type StructureRule = (input: Record<string, unknown>, wirePath: string) => void;

export interface ExtraRules {
  /** Keyed `ShapeName.MemberName`. */
  members?: Record<string, MemberRule>;
  /** Keyed by shape name. */
  structures?: Record<string, StructureRule>;
}

export class InputValidator {
  constructor(
    private readonly model: ServiceModel,
    private readonly rules: ExtraRules = {},
  ) {}

  validate(shapeName: string | undefined, input: Record<string, unknown>): void {
    if (shapeName) this.structure(shapeName, input, '');
  }

  private structure(shapeName: string, input: Record<string, unknown>, path: string): void {
    const shape = this.model.shape(shapeName);
    const members = shape.members ?? {};
    for (const name of shape.required ?? []) {
      const value = input[name];
      if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
        throw missingParameter(join(path, inputWireName(name, members[name]!)));
      }
    }
    for (const [memberName, ref] of Object.entries(members)) {
      const value = input[memberName];
      if (value === undefined) continue;
      const memberPath = join(path, inputWireName(memberName, ref));
      this.value(ref.shape, value, memberPath);
      this.rules.members?.[`${shapeName}.${memberName}`]?.(value, memberPath, input);
    }
    this.rules.structures?.[shapeName]?.(input, path);
  }

  private value(shapeName: string, value: unknown, path: string): void {
    const shape = this.model.shape(shapeName);
    switch (shape.type) {
      case 'structure':
        this.structure(shapeName, value as Record<string, unknown>, path);
        return;
      case 'list':
        (value as unknown[]).forEach((item, i) => this.value(shape.member!.shape, item, `${path}.${i + 1}`));
        return;
      case 'string':
        if (shape.enum && !shape.enum.includes(value as string)) {
          throw invalidValueFor(path, value, `Valid values: ${shape.enum.join(', ')}.`);
        }
        return;
      case 'integer':
      case 'long':
      case 'short':
      case 'byte':
      case 'float':
      case 'double':
        checkBounds(shape, value as number, path);
        return;
      default:
        return;
    }
  }
}

/** A Describe's page size: EC2 words its range error apart from every other parameter's. */
const PAGE_SIZE_PATH = 'MaxResults';

function checkBounds(shape: Shape, value: number, path: string): void {
  const tooSmall = shape.min !== undefined && value < shape.min;
  const tooLarge = shape.max !== undefined && value > shape.max;
  if (!tooSmall && !tooLarge) return;
  if (shape.min !== undefined && shape.max !== undefined) {
    if (path === PAGE_SIZE_PATH) throw maxResultsOutOfRange(value, shape.min, shape.max);
    throw invalidValueFor(path, value, `Expecting a value between ${shape.min} and ${shape.max}.`);
  }
  throw invalidValueFor(path, value, tooSmall ? `Expecting a value of at least ${shape.min}.` : `Expecting a value of at most ${shape.max}.`);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
