"""AssociateVpcCidrBlock, DisassociateVpcCidrBlock, AssociateSubnetCidrBlock and
DisassociateSubnetCidrBlock through boto3 against the real server."""
import ipaddress
import re

import pytest

from helpers import assert_error

ASSOC_ID = re.compile(r"^vpc-cidr-assoc-[0-9a-f]{17}$")
SUBNET_ASSOC_ID = re.compile(r"^subnet-cidr-assoc-[0-9a-f]{17}$")


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def described(ec2, vpc):
    return ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]


def subnet_described(ec2, subnet):
    return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]


def local_routes(ec2, vpc):
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    return [r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") for r in table["Routes"]]


def add_ipv6(ec2, vpc):
    return ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)["Ipv6CidrBlockAssociation"]


# --- AssociateVpcCidrBlock: IPv6 ---


def test_an_amazon_provided_ipv6_block_is_associated_at_once(ec2, vpc):
    answer = ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    assert answer["VpcId"] == vpc
    association = answer["Ipv6CidrBlockAssociation"]
    assert "CidrBlockAssociation" not in answer
    assert ASSOC_ID.match(association["AssociationId"])
    block = ipaddress.ip_network(association["Ipv6CidrBlock"])
    assert block.prefixlen == 56 and block.subnet_of(ipaddress.ip_network("2001:db8::/32"))
    assert association["Ipv6CidrBlockState"] == {"State": "associated"}
    assert association["NetworkBorderGroup"] == "us-east-1"
    assert association["Ipv6Pool"] == "Amazon"
    assert described(ec2, vpc)["Ipv6CidrBlockAssociationSet"] == [association]
    assert association["Ipv6CidrBlock"] in local_routes(ec2, vpc)
    by_filter = ec2.describe_vpcs(Filters=[{"Name": "ipv6-cidr-block-association.association-id", "Values": [association["AssociationId"]]}])
    assert [v["VpcId"] for v in by_filter["Vpcs"]] == [vpc]


def test_the_network_border_group_may_name_the_region(ec2, vpc):
    association = ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-east-1")
    assert association["Ipv6CidrBlockAssociation"]["NetworkBorderGroup"] == "us-east-1"


def test_a_second_ipv6_block_is_refused(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    assert_error("CidrLimitExceeded", ec2.associate_vpc_cidr_block, VpcId=vpc["VpcId"], AmazonProvidedIpv6CidrBlock=True,
                 message=f"This network '{vpc['VpcId']}' has met its maximum number of allowed IPv6 CIDRs: 1")
    assert described(ec2, vpc["VpcId"])["Ipv6CidrBlockAssociationSet"] == vpc["Ipv6CidrBlockAssociationSet"]


@pytest.mark.parametrize("extra, message", [
    ({"Ipv6Pool": "ipv6pool-ec2-0123456789abcdef0"}, "The parameter Ipv6Pool is not supported by mirrorlite."),
    ({"Ipv6CidrBlock": "2600:1f18::/56"}, "The parameter Ipv6CidrBlock is not supported by mirrorlite."),
    ({"Ipv6IpamPoolId": "ipam-pool-0123456789abcdef0"}, "The parameter Ipv6IpamPoolId is not supported by mirrorlite."),
    ({"Ipv6NetmaskLength": 56}, "The parameter Ipv6NetmaskLength is not supported by mirrorlite."),
    ({"Ipv6CidrBlockNetworkBorderGroup": "us-east-1-bos-1"}, "The only network border group here is us-east-1."),
])
def test_unmodelled_ipv6_options_are_refused(ec2, vpc, extra, message):
    assert_error("InvalidParameterValue", ec2.associate_vpc_cidr_block, VpcId=vpc, AmazonProvidedIpv6CidrBlock=True, message=message, **extra)
    assert described(ec2, vpc)["Ipv6CidrBlockAssociationSet"] == []


# --- AssociateVpcCidrBlock: IPv4 ---


def test_a_secondary_ipv4_block_is_associated_and_subnets_can_use_it(ec2, vpc):
    answer = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.5/16")
    association = answer["CidrBlockAssociation"]
    assert answer["VpcId"] == vpc and "Ipv6CidrBlockAssociation" not in answer
    assert ASSOC_ID.match(association["AssociationId"])
    assert association["CidrBlock"] == "10.1.0.0/16"  # canonical form
    assert association["CidrBlockState"] == {"State": "associated"}
    v = described(ec2, vpc)
    assert v["CidrBlock"] == "10.0.0.0/16"  # the primary block stays the VPC's CidrBlock
    assert [a["CidrBlock"] for a in v["CidrBlockAssociationSet"]] == ["10.0.0.0/16", "10.1.0.0/16"]
    assert v["CidrBlockAssociationSet"][1] == association
    assert local_routes(ec2, vpc) == ["10.0.0.0/16", "10.1.0.0/16"]
    for name, value in [("cidr-block-association.cidr-block", "10.1.0.0/16"),
                        ("cidr-block-association.association-id", association["AssociationId"]),
                        ("cidr-block-association.state", "associated")]:
        assert vpc in [x["VpcId"] for x in ec2.describe_vpcs(Filters=[{"Name": name, "Values": [value]}])["Vpcs"]]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]
    assert subnet["CidrBlock"] == "10.1.2.0/24" and subnet["AvailableIpAddressCount"] == 251
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.1.2.4"


def test_a_subnet_cannot_straddle_or_leave_the_blocks(ec2, vpc):
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.2.0.0/24", message="The CIDR '10.2.0.0/24' is invalid.")
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.0.0/15", message="The CIDR '10.0.0.0/15' is invalid.")


@pytest.mark.parametrize("primary, secondary", [
    ("10.0.0.0/16", "100.64.0.0/16"),
    ("10.0.0.0/16", "203.0.113.0/24"),
    ("172.16.0.0/16", "172.20.0.0/16"),
    ("192.168.0.0/20", "192.168.16.0/20"),
    ("100.64.0.0/16", "100.65.0.0/16"),
    ("198.19.0.0/24", "198.19.1.0/24"),
])
def test_permitted_secondary_ranges(ec2, primary, secondary):
    vpc = ec2.create_vpc(CidrBlock=primary)["Vpc"]["VpcId"]
    assert ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=secondary)["CidrBlockAssociation"]["CidrBlock"] == secondary


@pytest.mark.parametrize("primary, secondary", [
    ("10.0.0.0/16", "172.16.0.0/16"),
    ("10.0.0.0/16", "192.168.0.0/16"),
    ("172.16.0.0/16", "10.0.0.0/16"),
    ("192.168.0.0/16", "10.0.0.0/16"),
    ("10.0.0.0/16", "198.19.0.0/24"),
    ("100.64.0.0/16", "10.0.0.0/16"),
    ("203.0.113.0/24", "192.168.0.0/24"),
    ("198.19.0.0/24", "10.0.0.0/16"),
])
def test_restricted_secondary_ranges(ec2, primary, secondary):
    vpc = ec2.create_vpc(CidrBlock=primary)["Vpc"]["VpcId"]
    assert_error("InvalidVpc.Range", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock=secondary,
                 message=f"The CIDR '{secondary}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR.\nFor additional restrictions, see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html")
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 1


@pytest.mark.parametrize("secondary, other", [("10.0.0.0/16", "10.0.0.0/16"), ("10.0.4.0/24", "10.0.0.0/16"), ("10.1.0.0/24", "10.1.0.0/16")])
def test_an_overlapping_block_is_refused(ec2, vpc, secondary, other):
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")
    assert_error("InvalidVpc.Range", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock=secondary,
                 message=f"The CIDR '{secondary}' overlaps with the CIDR block {other} already associated with the VPC.")
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 2


@pytest.mark.parametrize("cidr", ["10.1.0.0/15", "10.1.0.0/29"])
def test_the_block_size_rule_is_createvpcs(ec2, vpc, cidr):
    assert_error("InvalidVpc.Range", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock=cidr,
                 message=f"The CIDR '{cidr}' is invalid. The netmask must be between /16 and /28.")


def test_a_malformed_block_is_refused(ec2, vpc):
    assert_error("InvalidParameterValue", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/33",
                 message="This is not a valid CIDR block.")


def test_five_ipv4_blocks_at_most(ec2, vpc):
    for n in range(1, 5):
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=f"10.{n}.0.0/16")
    assert_error("CidrLimitExceeded", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.5.0.0/16",
                 message=f"This network '{vpc}' has met its maximum number of allowed CIDRs: 5")
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 5
    add_ipv6(ec2, vpc)  # the IPv6 block does not count


@pytest.mark.parametrize("extra, message", [
    ({"Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0"}, "The parameter Ipv4IpamPoolId is not supported by mirrorlite."),
    ({"Ipv4NetmaskLength": 24}, "The parameter Ipv4NetmaskLength is not supported by mirrorlite."),
])
def test_unmodelled_ipv4_options_are_refused(ec2, vpc, extra, message):
    assert_error("InvalidParameterValue", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/16", message=message, **extra)
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 1


def test_neither_or_both_blocks(ec2, vpc):
    assert_error("MissingParameter", ec2.associate_vpc_cidr_block, VpcId=vpc)
    assert_error("InvalidParameterCombination", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                 message="Only one of CidrBlock and AmazonProvidedIpv6CidrBlock can be specified.")
    assert_error("InvalidParameterCombination", ec2.associate_vpc_cidr_block, VpcId=vpc, CidrBlock="10.1.0.0/16", Ipv6CidrBlockNetworkBorderGroup="us-east-1",
                 message="The parameter Ipv6CidrBlockNetworkBorderGroup can only be used with AmazonProvidedIpv6CidrBlock.")
    v = described(ec2, vpc)
    assert len(v["CidrBlockAssociationSet"]) == 1 and v["Ipv6CidrBlockAssociationSet"] == []


def test_an_unknown_vpc(ec2):
    assert_error("InvalidVpcID.NotFound", ec2.associate_vpc_cidr_block, VpcId="vpc-0123456789abcdef0", CidrBlock="10.1.0.0/16",
                 message="The vpc ID 'vpc-0123456789abcdef0' does not exist")
    assert_error("InvalidVpcID.Malformed", ec2.associate_vpc_cidr_block, VpcId="vpx-1", AmazonProvidedIpv6CidrBlock=True)


# --- DisassociateVpcCidrBlock ---


def test_a_secondary_ipv4_block_is_disassociated(ec2, vpc):
    association = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")["CidrBlockAssociation"]
    answer = ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])
    assert answer["VpcId"] == vpc
    assert answer["CidrBlockAssociation"] == {**association, "CidrBlockState": {"State": "disassociated"}}
    assert [a["CidrBlock"] for a in described(ec2, vpc)["CidrBlockAssociationSet"]] == ["10.0.0.0/16"]
    assert local_routes(ec2, vpc) == ["10.0.0.0/16"]
    assert_error("InvalidSubnet.Range", ec2.create_subnet, VpcId=vpc, CidrBlock="10.1.0.0/24")
    # and it can be associated again
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")


def test_the_ipv6_block_is_disassociated_and_another_can_follow(ec2, vpc):
    association = add_ipv6(ec2, vpc)
    answer = ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])
    assert answer["VpcId"] == vpc
    assert answer["Ipv6CidrBlockAssociation"] == {**association, "Ipv6CidrBlockState": {"State": "disassociated"}}
    assert described(ec2, vpc)["Ipv6CidrBlockAssociationSet"] == []
    assert local_routes(ec2, vpc) == ["10.0.0.0/16"]
    assert add_ipv6(ec2, vpc)["AssociationId"] != association["AssociationId"]


def test_the_primary_block_cannot_be_disassociated(ec2, vpc):
    primary = described(ec2, vpc)["CidrBlockAssociationSet"][0]["AssociationId"]
    assert_error("OperationNotPermitted", ec2.disassociate_vpc_cidr_block, AssociationId=primary,
                 message=f"The vpc CIDR block with association ID {primary} may not be disassociated. It is the primary IPv4 CIDR block of the VPC")
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 1


def test_an_ipv4_block_with_a_subnet_cannot_be_disassociated(ec2, vpc):
    association = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")["CidrBlockAssociation"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    assert_error("InvalidCidrBlock.InUse", ec2.disassociate_vpc_cidr_block, AssociationId=association["AssociationId"],
                 message=f"The vpc {vpc} currently has a subnet within CIDR block 10.1.0.0/16")
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 2
    ec2.delete_subnet(SubnetId=subnet)
    ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])


def test_an_ipv6_block_whose_subnets_have_ipv6_cannot_be_disassociated(ec2, vpc):
    association = add_ipv6(ec2, vpc)
    block = ipaddress.ip_network(association["Ipv6CidrBlock"])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", Ipv6CidrBlock=str(next(block.subnets(new_prefix=64))))["Subnet"]
    assert_error("InvalidCidrBlock.InUse", ec2.disassociate_vpc_cidr_block, AssociationId=association["AssociationId"],
                 message=f"The vpc {vpc} currently has a subnet within CIDR block {association['Ipv6CidrBlock']}")
    assert described(ec2, vpc)["Ipv6CidrBlockAssociationSet"] == [association]
    ec2.disassociate_subnet_cidr_block(AssociationId=subnet["Ipv6CidrBlockAssociationSet"][0]["AssociationId"])
    ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])


def test_an_ipv6_block_with_ipv4_only_subnets_can_be_disassociated(ec2, vpc):
    association = add_ipv6(ec2, vpc)
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])


def test_an_unknown_vpc_association(ec2, vpc):
    assert_error("InvalidVpcCidrBlockAssociationID.NotFound", ec2.disassociate_vpc_cidr_block, AssociationId="vpc-cidr-assoc-0123456789abcdef0",
                 message="The vpc CIDR block association ID 'vpc-cidr-assoc-0123456789abcdef0' does not exist")
    association = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")["CidrBlockAssociation"]["AssociationId"]
    ec2.disassociate_vpc_cidr_block(AssociationId=association)
    assert_error("InvalidVpcCidrBlockAssociationID.NotFound", ec2.disassociate_vpc_cidr_block, AssociationId=association)


def test_associations_are_per_account(ec2, server, vpc):
    association = ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.1.0.0/16")["CidrBlockAssociation"]["AssociationId"]
    other = server.client(account="210987654321")
    assert_error("InvalidVpcCidrBlockAssociationID.NotFound", other.disassociate_vpc_cidr_block, AssociationId=association)
    assert len(described(ec2, vpc)["CidrBlockAssociationSet"]) == 2


# --- AssociateSubnetCidrBlock / DisassociateSubnetCidrBlock ---


@pytest.fixture
def dual(ec2, vpc):
    """The VPC with an IPv6 /56, an IPv4-only subnet in it, and the /56's first two /64s."""
    block = ipaddress.ip_network(add_ipv6(ec2, vpc)["Ipv6CidrBlock"])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    first, second = [str(n) for n, _ in zip(block.subnets(new_prefix=64), range(2))]
    return vpc, subnet, first, second


def test_a_subnet_gains_an_ipv6_block(ec2, dual):
    vpc, subnet, first, _ = dual
    answer = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=first)
    assert answer["SubnetId"] == subnet
    association = answer["Ipv6CidrBlockAssociation"]
    assert SUBNET_ASSOC_ID.match(association["AssociationId"])
    assert association["Ipv6CidrBlock"] == first
    assert association["Ipv6CidrBlockState"] == {"State": "associated"}
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == [association]
    for name, value in [("ipv6-cidr-block-association.ipv6-cidr-block", first),
                        ("ipv6-cidr-block-association.association-id", association["AssociationId"]),
                        ("ipv6-cidr-block-association.state", "associated")]:
        assert [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": name, "Values": [value]}])["Subnets"]] == [subnet]
    eni = ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=1)["NetworkInterface"]
    assert ipaddress.ip_address(eni["Ipv6Addresses"][0]["Ipv6Address"]) in ipaddress.ip_network(first)


def test_a_subnet_ipv6_block_must_be_free_and_inside_the_vpcs(ec2, dual):
    vpc, subnet, first, second = dual
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", Ipv6CidrBlock=first)["Subnet"]["SubnetId"]
    assert_error("InvalidSubnet.Conflict", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock=first,
                 message=f"The CIDR '{first}' conflicts with another subnet")
    assert_error("InvalidSubnet.Range", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock="2001:db9::/64",
                 message="The IPv6 CIDR '2001:db9::/64' is invalid.")
    assert_error("InvalidParameterValue", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock=second.replace("/64", "/60"),
                 message="The IPv6 CIDR block of a subnet must be a /64.")
    assert_error("InvalidParameterValue", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock="10.0.1.0/24",
                 message="This is not a valid CIDR block.")
    assert_error("MissingParameter", ec2.associate_subnet_cidr_block, SubnetId=subnet)
    assert_error("InvalidParameterValue", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6IpamPoolId="ipam-pool-0123456789abcdef0", Ipv6CidrBlock=second,
                 message="The parameter Ipv6IpamPoolId is not supported by mirrorlite.")
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == []
    assert other


def test_a_subnet_of_a_vpc_without_ipv6(ec2, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert_error("InvalidParameterValue", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock="2001:db8::/64",
                 message=f"The VPC '{vpc}' has no IPv6 CIDR block")
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == []


def test_a_second_subnet_ipv6_block_is_refused(ec2, dual):
    _, subnet, first, second = dual
    association = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=first)["Ipv6CidrBlockAssociation"]
    assert_error("CidrLimitExceeded", ec2.associate_subnet_cidr_block, SubnetId=subnet, Ipv6CidrBlock=second,
                 message=f"This network '{subnet}' has met its maximum number of allowed IPv6 CIDRs: 1")
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == [association]


def test_an_unknown_subnet(ec2):
    assert_error("InvalidSubnetID.NotFound", ec2.associate_subnet_cidr_block, SubnetId="subnet-0123456789abcdef0", Ipv6CidrBlock="2001:db8::/64")


def test_a_subnet_ipv6_block_is_disassociated(ec2, dual):
    _, subnet, first, _ = dual
    association = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=first)["Ipv6CidrBlockAssociation"]
    answer = ec2.disassociate_subnet_cidr_block(AssociationId=association["AssociationId"])
    assert answer["SubnetId"] == subnet
    assert answer["Ipv6CidrBlockAssociation"] == {**association, "Ipv6CidrBlockState": {"State": "disassociated"}}
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == []
    assert_error("InvalidSubnetCidrBlockAssociationID.NotFound", ec2.disassociate_subnet_cidr_block, AssociationId=association["AssociationId"],
                 message=f"The subnet CIDR block with association ID '{association['AssociationId']}' does not exist")
    # the /64 is free again
    ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=first)


def test_a_subnet_block_in_use_cannot_be_disassociated(ec2, dual):
    _, subnet, first, _ = dual
    association = ec2.associate_subnet_cidr_block(SubnetId=subnet, Ipv6CidrBlock=first)["Ipv6CidrBlockAssociation"]
    eni = ec2.create_network_interface(SubnetId=subnet, Ipv6AddressCount=1)["NetworkInterface"]
    assert_error("InvalidCidrBlock.InUse", ec2.disassociate_subnet_cidr_block, AssociationId=association["AssociationId"],
                 message=f"The subnet IPv6 CIDR block with association ID {association['AssociationId']} may not be disassociated, because network interfaces in its subnet have IPv6 addresses from it.")
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == [association]
    ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"], Ipv6Addresses=[eni["Ipv6Addresses"][0]["Ipv6Address"]])
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
    assert_error("InvalidCidrBlock.InUse", ec2.disassociate_subnet_cidr_block, AssociationId=association["AssociationId"],
                 message=f"The subnet IPv6 CIDR block with association ID {association['AssociationId']} may not be disassociated, because its subnet has assign-ipv6-address-on-creation set to true.")
    assert subnet_described(ec2, subnet)["Ipv6CidrBlockAssociationSet"] == [association]
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": False})
    ec2.disassociate_subnet_cidr_block(AssociationId=association["AssociationId"])


def test_an_unknown_subnet_association(ec2):
    assert_error("InvalidSubnetCidrBlockAssociationID.NotFound", ec2.disassociate_subnet_cidr_block, AssociationId="subnet-cidr-assoc-0123456789abcdef0",
                 message="The subnet CIDR block with association ID 'subnet-cidr-assoc-0123456789abcdef0' does not exist")
