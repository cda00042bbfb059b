#!/usr/bin/env node
// Cuts, from the official service models, the operations mirrorlite serves and the closure of their
// shapes (documentation removed), and generates TypeScript types for their inputs and outputs: EC2
// (model/ec2-model.json, model/ec2-types.ts) and STS, of which mirrorlite serves GetCallerIdentity
// only (model/sts-model.json, model/sts-types.ts).
//
//   node model/cut-model.mjs            write both models and their types
//   node model/cut-model.mjs --check    exit 1 when the committed files differ from a fresh cut
//   node model/cut-model.mjs --source path/to/service-2.json[.gz]       cut EC2 from that file instead
//   node model/cut-model.mjs --source sts=path/to/service-2.json[.gz]   cut STS from that file instead
//
// The default sources are botocore's `ec2/2016-11-15/service-2.json` and
// `sts/2011-06-15/service-2.json`, loaded through the machine's python3 (the same files boto3 and the
// AWS CLI v1 use). Plain JavaScript on purpose: the generated types must exist before TypeScript can
// compile anything.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

/** The operations mirrorlite serves. Everything else in EC2 answers InvalidAction. */
export const OPERATIONS = [
  // Traffic Mirroring: all 15 operations of the model.
  'CreateTrafficMirrorFilter',
  'CreateTrafficMirrorFilterRule',
  'CreateTrafficMirrorSession',
  'CreateTrafficMirrorTarget',
  'DeleteTrafficMirrorFilter',
  'DeleteTrafficMirrorFilterRule',
  'DeleteTrafficMirrorSession',
  'DeleteTrafficMirrorTarget',
  'DescribeTrafficMirrorFilterRules',
  'DescribeTrafficMirrorFilters',
  'DescribeTrafficMirrorSessions',
  'DescribeTrafficMirrorTargets',
  'ModifyTrafficMirrorFilterNetworkServices',
  'ModifyTrafficMirrorFilterRule',
  'ModifyTrafficMirrorSession',
  // The resources they stand on.
  'CreateVpc',
  'DescribeVpcs',
  'DeleteVpc',
  'DescribeVpcAttribute',
  'ModifyVpcAttribute',
  // A VPC's further blocks (a secondary IPv4 block, the Amazon-provided IPv6 /56) and a subnet's IPv6
  // /64, added and removed after creation: Terraform's aws_vpc assign_generated_ipv6_cidr_block and
  // aws_subnet ipv6_cidr_block changed in place, aws_vpc_ipv4_cidr_block_association and
  // aws_vpc_ipv6_cidr_block_association.
  'AssociateVpcCidrBlock',
  'DisassociateVpcCidrBlock',
  'AssociateSubnetCidrBlock',
  'DisassociateSubnetCidrBlock',
  // What Terraform's aws_vpc reads of every VPC: its main route table and default network ACL
  // (read-only views, see src/service/vpc-defaults.ts), and its security groups.
  'DescribeRouteTables',
  'DescribeNetworkAcls',
  'DescribeSecurityGroups',
  // Security groups, which network interfaces are members of: Terraform's aws_security_group,
  // aws_security_group_rule and aws_vpc_security_group_{ingress,egress}_rule.
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'DescribeSecurityGroupRules',
  'ModifySecurityGroupRules',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'CreateSubnet',
  'DescribeSubnets',
  'DeleteSubnet',
  'ModifySubnetAttribute',
  // The region's zones, from the same table CreateSubnet checks (Terraform's aws_availability_zones).
  'DescribeAvailabilityZones',
  'CreateNetworkInterface',
  'DescribeNetworkInterfaces',
  'DeleteNetworkInterface',
  'ModifyNetworkInterfaceAttribute',
  'DescribeNetworkInterfaceAttribute',
  'ResetNetworkInterfaceAttribute',
  // What Terraform's aws_network_interface calls when private_ips, private_ips_count,
  // ipv6_addresses or ipv6_address_count change in place.
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'AssignIpv6Addresses',
  'UnassignIpv6Addresses',
  // Tags.
  'CreateTags',
  'DeleteTags',
  'DescribeTags',
];

/**
 * The STS operations mirrorlite serves: Terraform's AWS provider (and any SDK user) asks for the
 * caller's account ID this way. Every other STS action answers InvalidAction.
 */
export const STS_OPERATIONS = ['GetCallerIdentity'];

/** Each cut: the botocore service, its operations, the files it writes. */
const SERVICES = {
  ec2: { operations: OPERATIONS, modelFile: 'ec2-model.json', typesFile: 'ec2-types.ts' },
  sts: { operations: STS_OPERATIONS, modelFile: 'sts-model.json', typesFile: 'sts-types.ts' },
};

function parseArgs(argv) {
  const args = { check: false, sources: {} };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--source') {
      const value = argv[++i] ?? '';
      const named = /^([a-z0-9]+)=(.+)$/.exec(value);
      const [service, path] = named ? [named[1], named[2]] : ['ec2', value];
      if (!SERVICES[service]) throw new Error(`unknown service ${service} in --source`);
      args.sources[service] = path;
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function loadSource(service, sourcePath) {
  if (sourcePath) {
    let bytes = readFileSync(sourcePath);
    if (sourcePath.endsWith('.gz')) bytes = gunzipSync(bytes);
    return { text: bytes.toString('utf8'), origin: { file: sourcePath.split('/').pop() } };
  }
  const script = [
    'import botocore, botocore.loaders, json, sys',
    `path = botocore.loaders.Loader().load_service_model('${service}', 'service-2')`,
    "sys.stdout.write(json.dumps({'version': botocore.__version__}) + '\\n')",
    "sys.stdout.write(json.dumps(path))",
  ].join('\n');
  const out = execFileSync('python3', ['-c', script], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const newline = out.indexOf('\n');
  const { version } = JSON.parse(out.slice(0, newline));
  return { text: out.slice(newline + 1), origin: { botocore: version } };
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function withoutDocumentation(value) {
  if (Array.isArray(value)) return value.map(withoutDocumentation);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'documentation' || key === 'documentationUrl') continue;
      out[key] = withoutDocumentation(inner);
    }
    return out;
  }
  return value;
}

function cut(source, wanted) {
  const model = JSON.parse(source.text);
  const shapes = {};
  const visit = (name) => {
    if (shapes[name]) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`shape ${name} is missing from the source model`);
    shapes[name] = withoutDocumentation(shape);
    for (const ref of [shape.member, shape.key, shape.value]) if (ref) visit(ref.shape);
    for (const member of Object.values(shape.members ?? {})) visit(member.shape);
  };
  const operations = {};
  for (const name of [...wanted].sort()) {
    const operation = model.operations[name];
    if (!operation) throw new Error(`operation ${name} is missing from the source model`);
    operations[name] = withoutDocumentation(operation);
    if (operation.input) visit(operation.input.shape);
    if (operation.output) visit(operation.output.shape);
    for (const error of operation.errors ?? []) visit(error.shape);
  }
  const sortedShapes = {};
  for (const name of Object.keys(shapes).sort()) sortedShapes[name] = shapes[name];
  return {
    metadata: {
      ...withoutDocumentation(model.metadata),
      mirrorlite: {
        cutFrom: { ...source.origin, sha256: sha256(source.text) },
        generator: 'model/cut-model.mjs',
        // The rest of the service, so that a call to one of them is told it is not supported by mirrorlite
        // rather than that it does not exist.
        otherOperations: Object.keys(model.operations)
          .filter((name) => !operations[name])
          .sort(),
      },
    },
    operations,
    shapes: sortedShapes,
  };
}

// --- TypeScript types -------------------------------------------------------------------------

const RESERVED = new Set(['String', 'Boolean', 'Number', 'Date', 'Object', 'Error', 'Array', 'Function', 'Symbol', 'Map', 'Set', 'Record', 'Promise']);
const typeName = (shapeName) => (RESERVED.has(shapeName) ? `${shapeName}Shape` : shapeName);
const isNamed = (shape) => shape.type === 'structure' || (shape.type === 'string' && shape.enum);

function typeOf(shapes, name) {
  const shape = shapes[name];
  switch (shape.type) {
    case 'structure':
      return typeName(name);
    case 'string':
      return shape.enum ? typeName(name) : 'string';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'byte':
    case 'short':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'Date';
    case 'blob':
      return 'Uint8Array';
    case 'list': {
      const inner = typeOf(shapes, shape.member.shape);
      return inner.includes('|') ? `(${inner})[]` : `${inner}[]`;
    }
    case 'map':
      return `Record<string, ${typeOf(shapes, shape.value.shape)}>`;
    default:
      throw new Error(`shape ${name} has unsupported type ${shape.type}`);
  }
}

function generateTypes(cutModel, modelFile) {
  const { shapes, operations } = cutModel;
  const lines = [
    `// Generated by model/cut-model.mjs from model/${modelFile}. Do not edit.`,
    '// Members are keyed by their model names; only the protocol layer knows wire names.',
    '',
  ];
  for (const [name, shape] of Object.entries(shapes)) {
    if (!isNamed(shape)) continue;
    if (shape.type === 'string') {
      lines.push(`export type ${typeName(name)} = ${shape.enum.map((v) => JSON.stringify(v)).join(' | ')};`, '');
      continue;
    }
    const required = new Set(shape.required ?? []);
    lines.push(`export interface ${typeName(name)} {`);
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      lines.push(`  ${member}${required.has(member) ? '' : '?'}: ${typeOf(shapes, ref.shape)};`);
    }
    lines.push('}', '');
  }
  lines.push('/** Every operation mirrorlite serves, with its input and output types. */');
  lines.push('export interface Operations {');
  for (const [name, operation] of Object.entries(operations)) {
    const input = operation.input ? typeName(operation.input.shape) : 'Record<string, never>';
    const output = operation.output ? typeName(operation.output.shape) : 'Record<string, never>';
    lines.push(`  ${name}: { input: ${input}; output: ${output} };`);
  }
  lines.push('}', '', 'export type OperationName = keyof Operations;', '');
  return lines.join('\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const files = [];
  const summary = [];
  for (const [service, { operations, modelFile, typesFile }] of Object.entries(SERVICES)) {
    const cutModel = cut(loadSource(service, args.sources[service]), operations);
    files.push([join(here, modelFile), JSON.stringify(cutModel, null, 2) + '\n'], [join(here, typesFile), generateTypes(cutModel, modelFile)]);
    summary.push(`${service}: ${Object.keys(cutModel.operations).length} operations and ${Object.keys(cutModel.shapes).length} shapes`);
  }
  if (args.check) {
    const stale = files.filter(([file, text]) => {
      try {
        return readFileSync(file, 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const [file] of stale) console.error(`${file} differs from a fresh cut`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [file, text] of files) writeFileSync(file, text);
  console.log(`cut ${summary.join('; ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
