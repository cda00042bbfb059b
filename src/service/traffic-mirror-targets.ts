import type { TrafficMirrorTargetType } from '../../model/ec2-types.js';
import { ApiError } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { NetworkInterfaceRecord, TrafficMirrorTargetRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { idempotent } from './client-token.js';
import { describe, describeQuery, tableSource, type FilterTable } from './describe-engine.js';
import {
  interfaceInUseBySession,
  interfaceInUseByTarget,
  interfaceTypeNotMirrorable,
  invalidParameterCombination,
  limitExceeded,
  loadBalancerNotFound,
  malformedLoadBalancerArn,
  malformedVpcEndpointId,
  targetInUse,
} from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { maxLength } from './rule-helpers.js';
import { tagsFromSpecifications } from './tagging.js';

/**
 * Traffic mirror targets: where mirrored packets go. A target is exactly one of a network interface,
 * a Network Load Balancer or a Gateway Load Balancer endpoint.
 */

export const MAX_DESCRIPTION_LENGTH = 255;

/** `arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>` */
const NLB_ARN = /^arn:aws(?:-[a-z]+)*:elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):loadbalancer\/net\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const VPC_ENDPOINT_ID = /^vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const SELECTORS = ['NetworkInterfaceId', 'NetworkLoadBalancerArn', 'GatewayLoadBalancerEndpointId'] as const;

/** The Describe filters, by name. */
export const TRAFFIC_MIRROR_TARGET_FILTERS: FilterTable<TrafficMirrorTargetRecord> = {
  description: (t) => t.Description,
  'network-interface-id': (t) => t.NetworkInterfaceId,
  'network-load-balancer-arn': (t) => t.NetworkLoadBalancerArn,
  'owner-id': (t) => t.OwnerId,
  'traffic-mirror-target-id': (t) => t.TrafficMirrorTargetId,
};


/**
 * "Target ENI: must be a network interface of type interface"; "Source ENI: must be type
 * interface". Not efa, efa-only, trunk nor branch.
 */
export function checkMirrorableType(eni: NetworkInterfaceRecord, role: 'source' | 'target'): void {
  const type = eni.InterfaceType ?? 'interface';
  if (type !== 'interface') throw interfaceTypeNotMirrorable(eni.NetworkInterfaceId, type, role);
}

const createTrafficMirrorTarget: Handler<'CreateTrafficMirrorTarget'> = (input, context) =>
  idempotent(context, input, () => {
    const { partition, config } = context;
    let type: TrafficMirrorTargetType;
    if (input.NetworkInterfaceId) {
      const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
      checkMirrorableType(eni, 'target');
      if (partition.sessionsByNetworkInterface.has(eni.NetworkInterfaceId)) throw interfaceInUseBySession(eni.NetworkInterfaceId);
      if (partition.targetsByNetworkInterface.has(eni.NetworkInterfaceId)) throw interfaceInUseByTarget(eni.NetworkInterfaceId);
      type = 'network-interface';
    } else if (input.NetworkLoadBalancerArn) {
      // mirrorlite has no load balancers to look up; one in another region cannot exist here.
      const [, region] = NLB_ARN.exec(input.NetworkLoadBalancerArn)!;
      if (region !== context.region) throw loadBalancerNotFound(input.NetworkLoadBalancerArn);
      type = 'network-load-balancer';
    } else {
      type = 'gateway-load-balancer-endpoint';
    }
    if (partition.trafficMirrorTargets.size >= config.quotas.targetsPerAccount) {
      throw limitExceeded('TrafficMirrorTargetLimitExceeded', `The maximum number of Traffic Mirror targets (${config.quotas.targetsPerAccount}) has been reached.`);
    }
    const id = newId('traffic-mirror-target', (candidate) => partition.trafficMirrorTargets.has(candidate));
    const target = partition.trafficMirrorTargets.put({
      TrafficMirrorTargetId: id,
      ...(input.NetworkInterfaceId ? { NetworkInterfaceId: input.NetworkInterfaceId } : {}),
      ...(input.NetworkLoadBalancerArn ? { NetworkLoadBalancerArn: input.NetworkLoadBalancerArn } : {}),
      ...(input.GatewayLoadBalancerEndpointId ? { GatewayLoadBalancerEndpointId: input.GatewayLoadBalancerEndpointId } : {}),
      Type: type,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      OwnerId: context.account,
      Tags: tagsFromSpecifications(input.TagSpecifications, 'traffic-mirror-target', config.quotas.tagsPerResource),
      seq: partition.nextSeq(),
    });
    return { TrafficMirrorTarget: target };
  });

const describeTrafficMirrorTargets: Handler<'DescribeTrafficMirrorTargets'> = (input, context) => {
  const page = describe(context, tableSource(context.partition.trafficMirrorTargets, 'traffic-mirror-target', TRAFFIC_MIRROR_TARGET_FILTERS, (t) => t.Tags), describeQuery(input, 'TrafficMirrorTargetIds'));
  return { TrafficMirrorTargets: page.items, NextToken: page.nextToken };
};

const deleteTrafficMirrorTarget: Handler<'DeleteTrafficMirrorTarget'> = (input, context) => {
  const { partition } = context;
  const target = existing(partition.trafficMirrorTargets, 'traffic-mirror-target', input.TrafficMirrorTargetId);
  if (partition.sessionsByTarget.has(target.TrafficMirrorTargetId)) throw targetInUse(target.TrafficMirrorTargetId);
  partition.trafficMirrorTargets.delete(target.TrafficMirrorTargetId);
  return { TrafficMirrorTargetId: target.TrafficMirrorTargetId };
};

export const trafficMirrorTargetHandlers: HandlerTable = {
  CreateTrafficMirrorTarget: createTrafficMirrorTarget,
  DescribeTrafficMirrorTargets: describeTrafficMirrorTargets,
  DeleteTrafficMirrorTarget: deleteTrafficMirrorTarget,
};

export const trafficMirrorTargetRules: ExtraRules = {
  members: {
    'CreateTrafficMirrorTargetRequest.Description': maxLength(MAX_DESCRIPTION_LENGTH),
    'CreateTrafficMirrorTargetRequest.NetworkLoadBalancerArn': (value) => {
      if (!NLB_ARN.test(value as string)) throw malformedLoadBalancerArn(value as string);
    },
    'CreateTrafficMirrorTargetRequest.GatewayLoadBalancerEndpointId': (value) => {
      if (!VPC_ENDPOINT_ID.test(value as string)) throw malformedVpcEndpointId(value as string);
    },
  },
  structures: {
    // Exactly one kind of target (decisions.md: none is MissingParameter, several a combination error).
    CreateTrafficMirrorTargetRequest: (input) => {
      const given = SELECTORS.filter((name) => input[name] !== undefined && input[name] !== '');
      if (given.length === 0) {
        throw new ApiError('MissingParameter', `The request must contain one of the parameters ${SELECTORS.join(', ')}`);
      }
      if (given.length > 1) {
        throw invalidParameterCombination(`Only one of ${SELECTORS.join(', ')} can be specified; got ${given.join(' and ')}.`);
      }
    },
  },
};
