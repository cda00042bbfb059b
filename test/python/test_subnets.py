"""CreateSubnet, DescribeSubnets and DeleteSubnet through boto3 against the real server."""
import ipaddress
import re

import pytest

from helpers import assert_error, paginate_all

SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{17}$")


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


@pytest.fixture
def dual_vpc(ec2):
    """A VPC with an Amazon-provided IPv6 /56, and that /56."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    return vpc["VpcId"], ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])


def other_56(block):
    """Another /56 of 2001:db8::/32 than `block`."""
    return ipaddress.ip_network((int(block.network_address) ^ (1 << 72), 56))


def ids_of(ec2, **kwargs):
    return [s["SubnetId"] for s in ec2.describe_subnets(**kwargs)["Subnets"]]


# --- CreateSubnet ---


def test_a_new_subnet_has_every_documented_default(ec2, vpc, account):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    assert SUBNET_ID.match(subnet["SubnetId"])
    assert subnet["VpcId"] == vpc
    assert subnet["CidrBlock"] == "10.0.1.0/24"
    assert subnet["State"] == "available"
    assert subnet["OwnerId"] == account
    assert subnet["SubnetArn"] == f"arn:aws:ec2:us-east-1:{account}:subnet/{subnet['SubnetId']}"
    assert subnet["AvailabilityZone"] == "us-east-1a"
    assert subnet["AvailabilityZoneId"] == "use1-az1"
    assert subnet["AvailableIpAddressCount"] == 251  # 256 minus the 5 reserved
    assert subnet["DefaultForAz"] is False
    assert subnet["MapPublicIpOnLaunch"] is False
    assert subnet["AssignIpv6AddressOnCreation"] is False
    assert subnet["EnableDns64"] is False
    assert subnet["Ipv6Native"] is False
    assert subnet["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False, "EnableResourceNameDnsAAAARecord": False,
    }
    assert subnet["Ipv6CidrBlockAssociationSet"] == []
    assert "Tags" not in subnet
    assert ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"] == [subnet]


@pytest.mark.parametrize("cidr, available", [("10.0.0.0/16", 65531), ("10.0.4.0/22", 1019), ("10.0.1.0/24", 251), ("10.0.1.16/28", 11)])
def test_available_addresses_are_the_block_less_five(ec2, vpc, cidr, available):
    assert ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["AvailableIpAddressCount"] == available


def test_the_available_count_follows_the_interfaces_in_the_subnet(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    count = lambda: ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]
    one = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    assert count() == 250
    three = ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=2)["NetworkInterface"]["NetworkInterfaceId"]
    assert count() == 247
    ec2.delete_network_interface(NetworkInterfaceId=one)
    assert count() == 248
    ec2.delete_network_interface(NetworkInterfaceId=three)
    assert count() == 251


def test_a_cidr_block_with_host_bits_is_stored_in_canonical_form(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.77/24")["Subnet"]
    assert subnet["CidrBlock"] == "10.0.1.0/24"
    assert_error("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24")


@pytest.mark.parametrize("zone, zone_id", [("us-east-1a", "use1-az1"), ("us-east-1c", "use1-az3"), ("us-east-1f", "use1-az6")])
def test_availability_zone_and_its_id(ec2, vpc, zone, zone_id):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=zone)["Subnet"]
    assert (subnet["AvailabilityZone"], subnet["AvailabilityZoneId"]) == (zone, zone_id)
    by_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZoneId=zone_id)["Subnet"]
    assert (by_id["AvailabilityZone"], by_id["AvailabilityZoneId"]) == (zone, zone_id)
    both = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone=zone, AvailabilityZoneId=zone_id)["Subnet"]
    assert both["AvailabilityZone"] == zone


@pytest.mark.parametrize("region, zone, zone_id", [
    ("eu-west-1", "eu-west-1b", "euw1-az2"),
    ("ap-northeast-1", "ap-northeast-1a", "apne1-az1"),
    ("eu-central-1", "eu-central-1c", "euc1-az3"),
])
def test_zones_follow_the_region(server, region, zone, zone_id):
    ec2 = server.client(region=region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    default = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]
    assert default["AvailabilityZone"] == f"{region}a"
    assert default["SubnetArn"].startswith(f"arn:aws:ec2:{region}:")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=zone)["Subnet"]
    assert subnet["AvailabilityZoneId"] == zone_id


def test_zones_outside_the_region_are_refused(ec2, vpc):
    message = assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1z")
    assert message == (
        "Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the "
        "following availability zones: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f."
    )
    assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-1a")
    assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az9",
                 message="availabilityZoneId")
    assert_error("InvalidParameterCombination", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24",
                 AvailabilityZone="us-east-1a", AvailabilityZoneId="use1-az2")
    assert ids_of(ec2) == []


@pytest.mark.parametrize("cidr", ["10.1.0.0/24", "10.0.0.0/15", "10.0.0.0/29", "192.168.0.0/24"])
def test_a_block_outside_the_vpc_or_of_a_bad_size_is_invalid_subnet_range(ec2, vpc, cidr):
    message = assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock=cidr)
    assert cidr in message


def test_a_block_can_be_as_large_as_its_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/24")["Vpc"]["VpcId"]
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["CidrBlock"] == "10.0.0.0/24"
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.0.0/23")


@pytest.mark.parametrize("cidr", ["10.0.1.0/24", "10.0.0.0/20", "10.0.1.128/25", "10.0.1.240/28"])
def test_overlapping_another_subnet_of_the_vpc_is_invalid_subnet_conflict(ec2, vpc, cidr):
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    message = assert_error("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc, CidrBlock=cidr)
    assert cidr in message
    assert len(ids_of(ec2)) == 1


def test_adjacent_blocks_and_blocks_of_other_vpcs_do_not_conflict(ec2, vpc):
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")
    other = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=other, CidrBlock="10.0.1.0/24")
    assert len(ids_of(ec2)) == 4


@pytest.mark.parametrize("cidr", ["10.0.1.0", "10.0.1.0/33", "ten", "2001:db8::/64"])
def test_a_malformed_cidr_block_is_invalid_parameter_value(ec2, vpc, cidr):
    message = assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock=cidr)
    assert "CidrBlock" in message and cidr in message


def test_required_parameters_and_the_vpc(ec2, vpc):
    assert_error("MissingParameter", ec2.create_subnet, VpcId=vpc, message="The request must contain the parameter CidrBlock")
    assert_error("MissingParameter", ec2.create_subnet, VpcId="", CidrBlock="10.0.1.0/24", message="VpcId")
    assert_error("InvalidVpcID.NotFound", ec2.create_subnet, VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.1.0/24")
    assert_error("InvalidVpcID.Malformed", ec2.create_subnet, VpcId="vpc-123", CidrBlock="10.0.1.0/24")


def test_an_ipv6_64_of_the_vpc(ec2, dual_vpc):
    vpc, block = dual_vpc
    wanted = list(block.subnets(new_prefix=64))[3]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=str(wanted))["Subnet"]
    [association] = subnet["Ipv6CidrBlockAssociationSet"]
    assert association["Ipv6CidrBlock"] == str(wanted)
    assert re.match(r"^subnet-cidr-assoc-[0-9a-f]{17}$", association["AssociationId"])
    assert association["Ipv6CidrBlockState"] == {"State": "associated"}
    assert association["Ipv6AddressAttribute"] == "public"
    assert association["IpSource"] == "amazon"
    assert ec2.describe_subnets()["Subnets"][0]["Ipv6CidrBlockAssociationSet"] == [association]


def test_an_ipv6_block_is_stored_in_canonical_text(ec2, dual_vpc):
    vpc, block = dual_vpc
    first = list(block.subnets(new_prefix=64))[1]
    shouted = first.exploded.upper()
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=shouted)["Subnet"]
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(first)


def test_ipv6_block_errors(ec2, dual_vpc, vpc):
    dual, block = dual_vpc
    first = str(list(block.subnets(new_prefix=64))[0])
    ec2.create_subnet(VpcId=dual, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=first)
    assert_error("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=dual, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=first)
    outside = str(next(other_56(block).subnets(new_prefix=64)))
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=dual, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=outside,
                 message=f"The IPv6 CIDR '{outside}' is invalid.")
    wider = str(next(block.subnets(new_prefix=60)))
    assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=dual, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=wider, message="Ipv6CidrBlock")
    assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=dual, CidrBlock="10.0.2.0/24", Ipv6CidrBlock="10.0.2.0/24")
    message = assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=first)
    assert vpc in message
    assert len(ids_of(ec2)) == 1


@pytest.mark.parametrize("parameter, value", [
    ("Ipv6Native", True),
    ("OutpostArn", "arn:aws:outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0"),
    ("Ipv4IpamPoolId", "ipam-pool-0123456789abcdef0"),
    ("Ipv4NetmaskLength", 24),
    ("Ipv6IpamPoolId", "ipam-pool-0123456789abcdef0"),
    ("Ipv6NetmaskLength", 64),
])
def test_features_mirrorlite_does_not_emulate_are_refused_by_name(ec2, vpc, parameter, value):
    message = assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24", **{parameter: value})
    assert parameter in message and "not supported by mirrorlite" in message


def test_ipv6_native_false_is_the_default_and_accepted(ec2, vpc):
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6Native=False)["Subnet"]["Ipv6Native"] is False


def test_tags_from_tag_specifications(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "web"}]},
    ])["Subnet"]
    assert subnet["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.2.0/24",
                 TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "x"}]}])
    assert ids_of(ec2) == [subnet["SubnetId"]]


def test_dry_run_validates_and_creates_nothing(ec2, vpc):
    assert_error("DryRunOperation", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24", DryRun=True, status=412)
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.9.1.0/24", DryRun=True)
    assert ids_of(ec2) == []
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["CidrBlock"] == "10.0.1.0/24"


# --- DescribeSubnets ---


def test_describe_by_ids_and_errors(ec2, vpc):
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(3)]
    assert ids_of(ec2) == subnets
    assert ids_of(ec2, SubnetIds=[subnets[1]]) == [subnets[1]]
    missing = "subnet-0123456789abcdef0"
    assert_error("InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=[missing], message=f"The subnet ID '{missing}' does not exist")
    assert_error("InvalidSubnetID.Malformed", ec2.describe_subnets, SubnetIds=["subnet-1"])


def test_every_documented_filter(ec2, dual_vpc, vpc, account):
    dual, block = dual_vpc
    ipv6_block = str(list(block.subnets(new_prefix=64))[0])
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b",
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "web"}]}])["Subnet"]
    b = ec2.create_subnet(VpcId=dual, CidrBlock="10.0.2.0/28", Ipv6CidrBlock=ipv6_block,
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "tier", "Value": "db"}]}])["Subnet"]
    ec2.create_network_interface(SubnetId=b["SubnetId"])
    both = [a["SubnetId"], b["SubnetId"]]
    association = b["Ipv6CidrBlockAssociationSet"][0]

    def matching(name, *values):
        return ids_of(ec2, Filters=[{"Name": name, "Values": list(values)}])

    for name in ("availability-zone", "availabilityZone"):
        assert matching(name, "us-east-1b") == [a["SubnetId"]]
    for name in ("availability-zone-id", "availabilityZoneId"):
        assert matching(name, "use1-az1") == [b["SubnetId"]]
    assert matching("available-ip-address-count", "251") == [a["SubnetId"]]
    assert matching("available-ip-address-count", "10") == [b["SubnetId"]]  # 16 - 5 reserved - 1 in use
    for name in ("cidr-block", "cidr", "cidrBlock"):
        assert matching(name, "10.0.2.0/28") == [b["SubnetId"]]
    assert matching("cidr-block", "10.0.2.0/24") == []
    for name in ("default-for-az", "defaultForAz"):
        assert matching(name, "false") == both
    assert matching("enable-dns64", "false") == both
    assert matching("ipv6-cidr-block-association.ipv6-cidr-block", ipv6_block) == [b["SubnetId"]]
    assert matching("ipv6-cidr-block-association.association-id", association["AssociationId"]) == [b["SubnetId"]]
    assert matching("ipv6-cidr-block-association.state", "associated") == [b["SubnetId"]]
    assert matching("ipv6-native", "false") == both
    assert matching("map-customer-owned-ip-on-launch", "false") == both
    assert matching("map-public-ip-on-launch", "false") == both
    assert matching("map-public-ip-on-launch", "true") == []
    assert matching("customer-owned-ipv4-pool", "*") == []
    assert matching("outpost-arn", "*") == []
    assert matching("enable-lni-at-device-index", "1") == []
    assert matching("owner-id", account) == both
    assert matching("private-dns-name-options-on-launch.hostname-type", "ip-name") == both
    assert matching("private-dns-name-options-on-launch.enable-resource-name-dns-a-record", "false") == both
    assert matching("private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record", "true") == []
    assert matching("state", "available") == both
    assert matching("subnet-arn", a["SubnetArn"]) == [a["SubnetId"]]
    assert matching("subnet-id", b["SubnetId"]) == [b["SubnetId"]]
    assert matching("vpc-id", dual) == [b["SubnetId"]]
    assert matching("tag:Name", "web") == [a["SubnetId"]]
    assert matching("tag-key", "tier") == [b["SubnetId"]]
    # Wildcards
    assert matching("cidr-block", "10.0.?.0/*") == both
    assert matching("subnet-arn", f"arn:aws:ec2:*:{account}:subnet/*") == both
    assert matching("tag:tier", "d*") == [b["SubnetId"]]
    assert_error("InvalidParameterValue", ec2.describe_subnets, Filters=[{"Name": "zone", "Values": ["x"]}], message="The filter 'zone' is invalid")


def test_pagination_over_twelve_subnets(ec2, vpc):
    created = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(12)]
    items, sizes = paginate_all(ec2.describe_subnets, "Subnets", MaxResults=5)
    assert sizes == [5, 5, 2]
    assert [s["SubnetId"] for s in items] == created
    filtered, sizes = paginate_all(ec2.describe_subnets, "Subnets", MaxResults=5, Filters=[{"Name": "cidr-block", "Values": ["10.0.1*"]}])
    assert [s["CidrBlock"] for s in filtered] == ["10.0.1.0/24", "10.0.10.0/24", "10.0.11.0/24"] and sizes == [3]
    assert_error("InvalidNextToken", ec2.describe_subnets, NextToken="bogus")
    assert_error("InvalidParameterCombination", ec2.describe_subnets, SubnetIds=[created[0]], MaxResults=5)


# --- DeleteSubnet ---


def test_delete_removes_the_subnet(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert ec2.delete_subnet(SubnetId=subnet)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ids_of(ec2) == []
    assert_error("InvalidSubnetID.NotFound", ec2.delete_subnet, SubnetId=subnet, message=f"The subnet ID '{subnet}' does not exist")
    # Its block is free again.
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["CidrBlock"] == "10.0.1.0/24"


def test_delete_errors(ec2):
    assert_error("InvalidSubnetID.NotFound", ec2.delete_subnet, SubnetId="subnet-0123456789abcdef0")
    assert_error("InvalidSubnetID.Malformed", ec2.delete_subnet, SubnetId="sn-0123456789abcdef0")


def test_a_subnet_with_interfaces_cannot_be_deleted(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    assert_error("DependencyViolation", ec2.delete_subnet, SubnetId=subnet,
                 message=f"The subnet '{subnet}' has dependencies and cannot be deleted.")
    assert ids_of(ec2) == [subnet]
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_subnet(SubnetId=subnet)
    assert ids_of(ec2) == []


def test_delete_dry_run_deletes_nothing(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert_error("DryRunOperation", ec2.delete_subnet, SubnetId=subnet, DryRun=True, status=412)
    assert ids_of(ec2) == [subnet]


# --- Isolation ---


def test_another_account_can_neither_see_nor_use_nor_delete(ec2, server, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    other = server.client()
    assert other.describe_subnets()["Subnets"] == []
    assert_error("InvalidSubnetID.NotFound", other.describe_subnets, SubnetIds=[subnet])
    assert_error("InvalidSubnetID.NotFound", other.delete_subnet, SubnetId=subnet)
    assert_error("InvalidSubnetID.NotFound", other.create_network_interface, SubnetId=subnet)
    assert ids_of(ec2) == [subnet]
