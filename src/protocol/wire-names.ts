import type { ServiceModel, ShapeRef } from './service-model.js';

/**
 * The EC2 rule for the name of an input member on the wire: `queryName`, else `locationName` with a
 * capital first letter, else the member name (botocore `EC2Serializer._get_serialized_name`).
 */
export function inputWireName(memberName: string, ref: ShapeRef): string {
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
  return memberName;
}

/** Output members are named by their `locationName`, else the member name. */
export function outputElementName(memberName: string, ref: ShapeRef): string {
  return ref.locationName ?? memberName;
}

export interface InputMember {
  memberName: string;
  wireName: string;
  ref: ShapeRef;
}

const inputTables = new WeakMap<ServiceModel, Map<string, Map<string, InputMember>>>();

/** Wire name → member for one input structure, computed once per model and shape. */
export function inputMembersByWireName(model: ServiceModel, structureName: string): Map<string, InputMember> {
  let perModel = inputTables.get(model);
  if (!perModel) inputTables.set(model, (perModel = new Map()));
  let table = perModel.get(structureName);
  if (!table) {
    table = new Map();
    for (const [memberName, ref] of Object.entries(model.shape(structureName).members ?? {})) {
      const wireName = inputWireName(memberName, ref);
      table.set(wireName, { memberName, wireName, ref });
    }
    perModel.set(structureName, table);
  }
  return table;
}
