"""CreateTrafficMirrorTarget, DescribeTrafficMirrorTargets, DeleteTrafficMirrorTarget with boto3."""
import pytest

from helpers import GWLBE_ID, NLB_ARN, Topology, assert_error, paginate_all


@pytest.fixture
def topo(ec2):
    return Topology(ec2)


def test_network_interface_target_has_the_documented_members(ec2, topo, account):
    eni = topo.eni()
    out = ec2.create_traffic_mirror_target(NetworkInterfaceId=eni, Description="appliance", ClientToken="tok-1")
    target = out["TrafficMirrorTarget"]
    assert target["TrafficMirrorTargetId"].startswith("tmt-") and len(target["TrafficMirrorTargetId"]) == 21
    assert target == {
        "TrafficMirrorTargetId": target["TrafficMirrorTargetId"],
        "NetworkInterfaceId": eni,
        "Type": "network-interface",
        "Description": "appliance",
        "OwnerId": account,
        "Tags": [],
    }
    assert out["ClientToken"] == "tok-1"


def test_load_balancer_and_endpoint_targets(ec2):
    nlb = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN)["TrafficMirrorTarget"]
    assert (nlb["Type"], nlb["NetworkLoadBalancerArn"]) == ("network-load-balancer", NLB_ARN)
    assert "NetworkInterfaceId" not in nlb and "Description" not in nlb
    gwlbe = ec2.create_traffic_mirror_target(GatewayLoadBalancerEndpointId=GWLBE_ID)["TrafficMirrorTarget"]
    assert (gwlbe["Type"], gwlbe["GatewayLoadBalancerEndpointId"]) == ("gateway-load-balancer-endpoint", GWLBE_ID)


def test_exactly_one_kind_of_target(ec2, topo):
    assert_error("MissingParameter", ec2.create_traffic_mirror_target, Description="nothing")
    assert_error("InvalidParameterCombination", ec2.create_traffic_mirror_target,
                 NetworkInterfaceId=topo.eni(), NetworkLoadBalancerArn=NLB_ARN)
    assert ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []


@pytest.mark.parametrize("arn", [
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef",
    "not-an-arn",
    "arn:aws:elasticloadbalancing:us-east-1:1234:loadbalancer/net/x/0123456789abcdef",
])
def test_malformed_load_balancer_arn(ec2, arn):
    assert_error("InvalidNetworkLoadBalancerArn.Malformed", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=arn)


def test_load_balancer_in_another_region_is_not_found(ec2):
    arn = NLB_ARN.replace("us-east-1", "eu-west-1")
    assert_error("InvalidNetworkLoadBalancerArn.NotFound", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=arn)


def test_malformed_endpoint_id(ec2):
    assert_error("InvalidVpcEndpointId.Malformed", ec2.create_traffic_mirror_target, GatewayLoadBalancerEndpointId="vpce-xyz")


def test_network_interface_must_exist(ec2):
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.create_traffic_mirror_target, NetworkInterfaceId="eni-0123456789abcdef0")
    assert_error("InvalidNetworkInterfaceId.Malformed", ec2.create_traffic_mirror_target, NetworkInterfaceId="eni-zz")


def test_an_interface_is_a_source_or_a_target_never_both(ec2, topo):
    eni = topo.eni()
    topo.eni_target(eni)
    assert_error("InterfaceInUseByTrafficMirrorTarget", ec2.create_traffic_mirror_target, NetworkInterfaceId=eni)
    source = topo.eni()
    topo.session(eni=source)
    assert_error("InterfaceInUseByTrafficMirrorSession", ec2.create_traffic_mirror_target, NetworkInterfaceId=source)


@pytest.mark.parametrize("interface_type", ["efa", "efa-only", "trunk", "branch"])
def test_only_an_interface_of_type_interface_can_be_a_target(ec2, topo, interface_type):
    eni = topo.eni(InterfaceType=interface_type)
    message = assert_error("InvalidParameterValue", ec2.create_traffic_mirror_target, NetworkInterfaceId=eni)
    assert eni in message and f"'{interface_type}'" in message and "type 'interface'" in message, message
    assert ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []


def test_description_and_tag_specification_checks(ec2, topo):
    assert_error("InvalidParameterValue", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN, Description="d" * 256)
    assert_error("InvalidParameterValue", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN,
                 TagSpecifications=[{"ResourceType": "traffic-mirror-session", "Tags": [{"Key": "a", "Value": "b"}]}],
                 message="'traffic-mirror-session' is not a valid taggable resource type")
    assert ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []


def test_tags_on_create_are_described(ec2):
    target = ec2.create_traffic_mirror_target(
        NetworkLoadBalancerArn=NLB_ARN,
        TagSpecifications=[{"ResourceType": "traffic-mirror-target", "Tags": [{"Key": "Name", "Value": "lb"}, {"Key": "env", "Value": ""}]}],
    )["TrafficMirrorTarget"]
    assert target["Tags"] == [{"Key": "Name", "Value": "lb"}, {"Key": "env", "Value": ""}]
    described = ec2.describe_traffic_mirror_targets(TrafficMirrorTargetIds=[target["TrafficMirrorTargetId"]])["TrafficMirrorTargets"]
    assert described == [target]


def test_describe_filters(ec2, topo, account):
    eni = topo.eni()
    a = topo.eni_target(eni, Description="alpha appliance")
    b = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN, Description="beta lb",
                                         TagSpecifications=[{"ResourceType": "traffic-mirror-target", "Tags": [{"Key": "team", "Value": "net"}]}])["TrafficMirrorTarget"]["TrafficMirrorTargetId"]

    def ids(*filters):
        return [t["TrafficMirrorTargetId"] for t in ec2.describe_traffic_mirror_targets(Filters=[{"Name": n, "Values": v} for n, v in filters])["TrafficMirrorTargets"]]

    assert ids() == [a, b]
    assert ids(("description", ["alpha appliance"])) == [a]
    assert ids(("description", ["*lb"])) == [b]
    assert ids(("description", ["?eta*"])) == [b]
    assert ids(("network-interface-id", [eni])) == [a]
    assert ids(("network-load-balancer-arn", [NLB_ARN])) == [b]
    assert ids(("owner-id", [account])) == [a, b]
    assert ids(("owner-id", ["999999999999"])) == []
    assert ids(("traffic-mirror-target-id", [b, a])) == [a, b]
    assert ids(("tag:team", ["net"])) == [b]
    assert ids(("tag-key", ["team"])) == [b]
    assert ids(("description", ["alpha appliance"]), ("owner-id", [account])) == [a]
    assert_error("InvalidParameterValue", ec2.describe_traffic_mirror_targets, Filters=[{"Name": "type", "Values": ["x"]}],
                 message="The filter 'type' is invalid")


def test_describe_by_ids_and_not_found(ec2, topo):
    a = topo.nlb_target()
    assert [t["TrafficMirrorTargetId"] for t in ec2.describe_traffic_mirror_targets(TrafficMirrorTargetIds=[a])["TrafficMirrorTargets"]] == [a]
    message = assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.describe_traffic_mirror_targets,
                           TrafficMirrorTargetIds=[a, "tmt-0123456789abcdef0"])
    assert "tmt-0123456789abcdef0" in message
    assert_error("InvalidParameterCombination", ec2.describe_traffic_mirror_targets, TrafficMirrorTargetIds=[a], MaxResults=5)


def test_pagination(ec2, topo):
    created = [topo.nlb_target(Description=f"t{i}") for i in range(12)]
    items, sizes = paginate_all(ec2.describe_traffic_mirror_targets, "TrafficMirrorTargets", MaxResults=5)
    assert [t["TrafficMirrorTargetId"] for t in items] == created
    assert sizes == [5, 5, 2]
    paginator = ec2.get_paginator("describe_traffic_mirror_targets")
    assert sum(len(p["TrafficMirrorTargets"]) for p in paginator.paginate(PaginationConfig={"PageSize": 5})) == 12
    assert_error("InvalidNextToken", ec2.describe_traffic_mirror_targets, MaxResults=5, NextToken="bogus")
    token = ec2.describe_traffic_mirror_targets(MaxResults=5)["NextToken"]
    assert_error("InvalidNextToken", ec2.describe_traffic_mirror_targets, MaxResults=5, NextToken=token,
                 Filters=[{"Name": "description", "Values": ["t1"]}])
    assert_error("InvalidParameterValue", ec2.describe_traffic_mirror_targets, MaxResults=1001)


def test_delete(ec2, topo):
    target = topo.nlb_target()
    assert ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=target)["TrafficMirrorTargetId"] == target
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId=target)
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.describe_traffic_mirror_targets, TrafficMirrorTargetIds=[target])
    assert_error("MissingParameter", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId="")


def test_a_target_in_use_cannot_be_deleted(ec2, topo):
    target = topo.eni_target()
    session = topo.session(target=target)
    assert_error("TrafficMirrorTargetInUseException", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId=target)
    ec2.delete_traffic_mirror_session(TrafficMirrorSessionId=session["TrafficMirrorSessionId"])
    ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=target)


def test_dry_run_changes_nothing(ec2, topo):
    assert_error("DryRunOperation", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN, DryRun=True, status=412)
    assert ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []
    target = topo.nlb_target()
    assert_error("DryRunOperation", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId=target, DryRun=True, status=412)
    assert len(ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"]) == 1
    # DryRun validates as the real call does.
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId="tmt-0123456789abcdef0", DryRun=True)


def test_client_token_makes_create_idempotent(ec2):
    first = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN, ClientToken="same")
    again = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN, ClientToken="same")
    assert again["TrafficMirrorTarget"] == first["TrafficMirrorTarget"]
    assert len(ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"]) == 1
    assert_error("IdempotentParameterMismatch", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN,
                 Description="other", ClientToken="same")
    assert_error("InvalidParameterValue", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN, ClientToken="x" * 65)


def test_targets_per_account_quota(make_server):
    ec2 = make_server("--quota", "targets-per-account=2").client()
    ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN)
    ec2.create_traffic_mirror_target(GatewayLoadBalancerEndpointId=GWLBE_ID)
    assert_error("TrafficMirrorTargetLimitExceeded", ec2.create_traffic_mirror_target, NetworkLoadBalancerArn=NLB_ARN)


def test_accounts_and_regions_are_isolated(server, ec2):
    target = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    other = server.client()
    assert other.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []
    assert_error("InvalidTrafficMirrorTargetId.NotFound", other.delete_traffic_mirror_target, TrafficMirrorTargetId=target)
    same_account_other_region = server.client(account=ec2._request_signer._credentials.access_key, region="eu-west-1")
    assert same_account_other_region.describe_traffic_mirror_targets()["TrafficMirrorTargets"] == []
    assert len(ec2.describe_traffic_mirror_targets()["TrafficMirrorTargets"]) == 1
