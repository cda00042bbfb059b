import { createHash, randomBytes } from 'node:crypto';

/** The ID prefixes mirrorlite issues, as EC2 does: `<prefix>-` and 17 lowercase hex digits. */
export const ID_PREFIXES = {
  vpc: 'vpc',
  subnet: 'subnet',
  'network-interface': 'eni',
  'traffic-mirror-session': 'tms',
  'traffic-mirror-target': 'tmt',
  'traffic-mirror-filter': 'tmf',
  'traffic-mirror-filter-rule': 'tmfr',
  'security-group': 'sg',
  'security-group-rule': 'sgr',
  'route-table': 'rtb',
  'route-table-association': 'rtbassoc',
  'network-acl': 'acl',
  'network-acl-association': 'aclassoc',
  'dhcp-options': 'dopt',
  'vpc-cidr-assoc': 'vpc-cidr-assoc',
  'subnet-cidr-assoc': 'subnet-cidr-assoc',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** The single way an ID is made. `taken` lets the caller rule out the (astronomically rare) clash. */
export function newId(kind: IdKind, taken: (id: string) => boolean = () => false): string {
  for (;;) {
    const id = `${ID_PREFIXES[kind]}-${randomBytes(9).toString('hex').slice(0, 17)}`;
    if (!taken(id)) return id;
  }
}

/**
 * The ID of a resource mirrorlite does not store but derives from one it does (a VPC's main route
 * table from the VPC, say): the same seed always gives the same ID, so nothing needs keeping.
 */
export function derivedId(kind: IdKind, seed: string): string {
  const digest = createHash('sha256').update(`${kind}/${seed}`).digest('hex');
  return `${ID_PREFIXES[kind]}-${digest.slice(0, 17)}`;
}

const ID_SHAPE = /^([a-z]+(?:-[a-z]+)*)-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** The kind an ID names by its prefix (`tms-…` → traffic-mirror-session), if it has a known shape. */
export function kindOfId(id: string): IdKind | undefined {
  const match = ID_SHAPE.exec(id);
  if (!match) return undefined;
  const prefix = match[1];
  return (Object.keys(ID_PREFIXES) as IdKind[]).find((kind) => ID_PREFIXES[kind] === prefix);
}

/** Whether `id` has the shape of an ID of this kind (8 or 17 hex digits, as EC2 accepts). */
export function isIdOf(kind: IdKind, id: string): boolean {
  return kindOfId(id) === kind;
}
