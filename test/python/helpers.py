"""Small helpers shared by the boto3 suites."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    """Calls and returns (code, message, HTTP status) of the ClientError it must raise."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def assert_error(code, call, *args, status=400, message=None, **kwargs):
    got_code, got_message, got_status = error_of(call, *args, **kwargs)
    assert (got_code, got_status) == (code, status), got_message
    if message is not None:
        assert message in got_message, got_message
    return got_message


def paginate_all(call, key, **kwargs):
    """Every item across pages, following NextToken by hand; also returns the page sizes."""
    items, sizes, token = [], [], None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        items += page[key]
        sizes.append(len(page[key]))
        token = page.get("NextToken")
        if not token:
            return items, sizes


NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/collector/0123456789abcdef"
GWLBE_ID = "vpce-0123456789abcdef0"


class Topology:
    """A VPC with one subnet, and helpers to add ENIs, filters and targets through the API."""

    def __init__(self, ec2, cidr="10.0.0.0/16"):
        self.ec2 = ec2
        self.vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.subnet = ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]

    def eni(self, **kwargs):
        return self.ec2.create_network_interface(SubnetId=self.subnet, **kwargs)["NetworkInterface"]["NetworkInterfaceId"]

    def filter(self, **kwargs):
        return self.ec2.create_traffic_mirror_filter(**kwargs)["TrafficMirrorFilter"]["TrafficMirrorFilterId"]

    def eni_target(self, eni=None, **kwargs):
        return self.ec2.create_traffic_mirror_target(NetworkInterfaceId=eni or self.eni(), **kwargs)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]

    def nlb_target(self, **kwargs):
        return self.ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=NLB_ARN, **kwargs)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]

    def session(self, eni=None, target=None, filter=None, number=1, **kwargs):
        return self.ec2.create_traffic_mirror_session(
            NetworkInterfaceId=eni or self.eni(), TrafficMirrorTargetId=target or self.eni_target(),
            TrafficMirrorFilterId=filter or self.filter(), SessionNumber=number, **kwargs,
        )["TrafficMirrorSession"]
