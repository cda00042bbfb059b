import type { ServiceModel, ShapeRef } from './service-model.js';

/**
 * The EC2 rule for the name of an input member on the wire: `queryName`, else `locationName` with a
 * capital first letter, else the member name with a capital first letter (Smithy's ec2Query
 * protocol; botocore leaves the member name as is, which is the same thing for EC2, whose member
 * names all start with a capital).
 */
export function inputWireName(memberName: string, ref: ShapeRef): string {
  if (ref.queryName) return ref.queryName;
  return capitalise(ref.locationName ?? memberName);
}

function capitalise(name: string): string {
  return name ? name[0]!.toUpperCase() + name.slice(1) : name;
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
    // botocore sends a member without queryName or locationName under its own name, uncapitalised;
    // accept that spelling too (EC2's own member names are capitalised, so both agree there).
    for (const [memberName, ref] of Object.entries(model.shape(structureName).members ?? {})) {
      if (!ref.queryName && !ref.locationName && !table.has(memberName)) {
        table.set(memberName, { memberName, wireName: memberName, ref });
      }
    }
    perModel.set(structureName, table);
  }
  return table;
}
