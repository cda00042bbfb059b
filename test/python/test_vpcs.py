"""CreateVpc, DescribeVpcs and DeleteVpc through boto3 against the real server."""
import ipaddress
import re

import pytest

from helpers import assert_error, paginate_all

VPC_ID = re.compile(r"^vpc-[0-9a-f]{17}$")
ASSOCIATION_ID = re.compile(r"^vpc-cidr-assoc-[0-9a-f]{17}$")


def name_tag(value, resource_type="vpc"):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": value}]}]


def ids_of(ec2, **kwargs):
    return [vpc["VpcId"] for vpc in ec2.describe_vpcs(**kwargs)["Vpcs"]]


# --- CreateVpc ---


def test_a_new_vpc_has_every_documented_default(ec2, account):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert VPC_ID.match(vpc["VpcId"])
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert vpc["State"] == "available"
    assert vpc["OwnerId"] == account
    assert vpc["InstanceTenancy"] == "default"
    assert vpc["IsDefault"] is False
    assert re.match(r"^dopt-[0-9a-f]{17}$", vpc["DhcpOptionsId"])
    assert vpc["BlockPublicAccessStates"] == {"InternetGatewayBlockMode": "off"}
    assert vpc["Ipv6CidrBlockAssociationSet"] == []
    [association] = vpc["CidrBlockAssociationSet"]
    assert ASSOCIATION_ID.match(association["AssociationId"])
    assert association["CidrBlock"] == "10.0.0.0/16"
    assert association["CidrBlockState"] == {"State": "associated"}
    assert "Tags" not in vpc  # EC2 leaves tagSet out for an untagged VPC
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"] == [vpc]


def test_a_fresh_account_has_no_default_vpc(ec2):
    assert ec2.describe_vpcs()["Vpcs"] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"] == []


def test_every_vpc_of_an_account_uses_the_same_default_dhcp_options(ec2, server):
    first = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    second = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
    assert first["DhcpOptionsId"] == second["DhcpOptionsId"]
    other = server.client().create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert other["DhcpOptionsId"] != first["DhcpOptionsId"]


def test_vpc_ids_and_association_ids_are_unique(ec2):
    vpcs = [ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"] for _ in range(5)]
    assert len({v["VpcId"] for v in vpcs}) == 5
    assert len({v["CidrBlockAssociationSet"][0]["AssociationId"] for v in vpcs}) == 5


def test_a_cidr_block_with_host_bits_is_stored_in_canonical_form(ec2):
    # API_CreateVpc: "We modify the specified CIDR block to its canonical form".
    vpc = ec2.create_vpc(CidrBlock="100.68.0.18/18")["Vpc"]
    assert vpc["CidrBlock"] == "100.68.0.0/18"
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "100.68.0.0/18"


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "192.168.0.0/20", "172.16.5.0/24", "10.9.9.16/28"])
def test_sizes_from_16_to_28_are_accepted(ec2, cidr):
    assert ec2.create_vpc(CidrBlock=cidr)["Vpc"]["CidrBlock"] == cidr


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29", "10.0.0.0/32"])
def test_sizes_outside_16_to_28_are_invalid_vpc_range(ec2, cidr):
    message = assert_error("InvalidVpc.Range", ec2.create_vpc, CidrBlock=cidr)
    assert cidr in message


@pytest.mark.parametrize("cidr", ["10.0.0.0", "10.0.0.0/33", "10.0.0.256/16", "banana", "2001:db8::/56", "10.0.0.0/016"])
def test_a_malformed_cidr_block_is_invalid_parameter_value_naming_parameter_and_value(ec2, cidr):
    message = assert_error("InvalidParameterValue", ec2.create_vpc, CidrBlock=cidr)
    assert "CidrBlock" in message and cidr in message


def test_cidr_block_is_required_without_ipam(ec2):
    assert_error("MissingParameter", ec2.create_vpc, message="The request must contain the parameter CidrBlock")
    assert_error("MissingParameter", ec2.create_vpc, CidrBlock="", message="The request must contain the parameter CidrBlock")


def test_dedicated_tenancy_is_kept_and_host_tenancy_is_refused(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", InstanceTenancy="dedicated")["Vpc"]
    assert vpc["InstanceTenancy"] == "dedicated"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Vpcs"][0]["InstanceTenancy"] == "dedicated"
    message = assert_error("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.1.0.0/16", InstanceTenancy="host")
    assert "host" in message
    assert_error("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.1.0.0/16", InstanceTenancy="shared")
    assert ids_of(ec2) == [vpc["VpcId"]]


def test_amazon_provided_ipv6_gives_a_56_from_the_documentation_range(ec2, server):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    [association] = vpc["Ipv6CidrBlockAssociationSet"]
    block = ipaddress.ip_network(association["Ipv6CidrBlock"])
    assert block.prefixlen == 56
    assert block.subnet_of(ipaddress.ip_network("2001:db8::/32"))
    assert association["Ipv6CidrBlock"] == str(block)  # canonical text
    assert ASSOCIATION_ID.match(association["AssociationId"])
    assert association["AssociationId"] != vpc["CidrBlockAssociationSet"][0]["AssociationId"]
    assert association["Ipv6CidrBlockState"] == {"State": "associated"}
    assert association["NetworkBorderGroup"] == "us-east-1"
    assert association["Ipv6Pool"] == "Amazon"
    assert association["IpSource"] == "amazon"
    assert association["Ipv6AddressAttribute"] == "public"
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"] == [association]
    west = server.client(region="eu-west-1").create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    assert west["Ipv6CidrBlockAssociationSet"][0]["NetworkBorderGroup"] == "eu-west-1"


def test_each_vpc_gets_its_own_ipv6_block(ec2):
    blocks = [
        ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
        for _ in range(8)
    ]
    assert len(set(blocks)) == 8


def test_amazon_provided_ipv6_false_gives_no_ipv6(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=False)["Vpc"]
    assert vpc["Ipv6CidrBlockAssociationSet"] == []


def test_the_network_border_group_must_be_the_region_and_needs_amazon_ipv6(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-east-1")["Vpc"]
    assert vpc["Ipv6CidrBlockAssociationSet"][0]["NetworkBorderGroup"] == "us-east-1"
    message = assert_error(
        "InvalidParameterValue", ec2.create_vpc,
        CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-east-1-bos-1",
    )
    assert "us-east-1-bos-1" in message
    assert_error("InvalidParameterCombination", ec2.create_vpc, CidrBlock="10.0.0.0/16", Ipv6CidrBlockNetworkBorderGroup="us-east-1")
    assert ids_of(ec2) == [vpc["VpcId"]]


@pytest.mark.parametrize("parameter, value", [
    ("Ipv4IpamPoolId", "ipam-pool-0123456789abcdef0"),
    ("Ipv4NetmaskLength", 24),
    ("Ipv6IpamPoolId", "ipam-pool-0123456789abcdef0"),
    ("Ipv6NetmaskLength", 56),
    ("Ipv6Pool", "ipv6pool-ec2-0123456789abcdef0"),
    ("Ipv6CidrBlock", "2600:1f18::/56"),
    ("VpcEncryptionControl", {"Mode": "monitor"}),
])
def test_features_mirrorlite_does_not_emulate_are_refused_by_name(ec2, parameter, value):
    message = assert_error("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.0.0.0/16", **{parameter: value})
    assert parameter in message and "not supported by mirrorlite" in message
    assert ec2.describe_vpcs()["Vpcs"] == []


def test_tags_from_tag_specifications(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}, {"Key": "team", "Value": ""}]},
    ])["Vpc"]
    assert vpc["Tags"] == [{"Key": "Name", "Value": "prod"}, {"Key": "team", "Value": ""}]
    assert ec2.describe_vpcs()["Vpcs"][0]["Tags"] == vpc["Tags"]


def test_tag_specifications_for_another_resource_type_are_refused(ec2):
    message = assert_error("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.0.0.0/16", TagSpecifications=name_tag("x", "subnet"))
    assert "subnet" in message
    assert_error("InvalidTagKey.Malformed", ec2.create_vpc, CidrBlock="10.0.0.0/16",
                 TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "aws:reserved", "Value": "x"}]}])
    assert ec2.describe_vpcs()["Vpcs"] == []


def test_dry_run_validates_and_creates_nothing(ec2):
    assert_error("DryRunOperation", ec2.create_vpc, CidrBlock="10.0.0.0/16", DryRun=True, status=412,
                 message="Request would have succeeded, but DryRun flag is set.")
    assert_error("InvalidVpc.Range", ec2.create_vpc, CidrBlock="10.0.0.0/8", DryRun=True)
    assert ec2.describe_vpcs()["Vpcs"] == []


# --- DescribeVpcs ---


def test_describe_by_ids_in_creation_order_and_errors(ec2):
    vpcs = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(3)]
    assert ids_of(ec2) == vpcs
    assert ids_of(ec2, VpcIds=[vpcs[2], vpcs[0]]) == [vpcs[0], vpcs[2]]
    missing = "vpc-0123456789abcdef0"
    assert_error("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[vpcs[0], missing],
                 message=f"The vpc ID '{missing}' does not exist")
    assert_error("InvalidVpcID.Malformed", ec2.describe_vpcs, VpcIds=["vpc-xyz"], message="vpc-xyz")
    assert_error("InvalidVpcID.Malformed", ec2.describe_vpcs, VpcIds=["subnet-0123456789abcdef0"])


def test_every_documented_filter(ec2, account):
    plain = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=name_tag("alpha"))["Vpc"]
    dual = ec2.create_vpc(CidrBlock="172.16.0.0/20", AmazonProvidedIpv6CidrBlock=True, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "beta"}, {"Key": "env", "Value": "prod"}]}
    ])["Vpc"]
    ipv4_association = dual["CidrBlockAssociationSet"][0]
    ipv6_association = dual["Ipv6CidrBlockAssociationSet"][0]
    both = [plain["VpcId"], dual["VpcId"]]

    def matching(name, *values):
        return ids_of(ec2, Filters=[{"Name": name, "Values": list(values)}])

    assert matching("vpc-id", dual["VpcId"]) == [dual["VpcId"]]
    assert matching("cidr", "172.16.0.0/20") == [dual["VpcId"]]
    assert matching("cidr", "172.16.0.0/16") == []  # must match exactly
    assert matching("cidr-block-association.cidr-block", "10.0.0.0/16") == [plain["VpcId"]]
    assert matching("cidr-block-association.association-id", ipv4_association["AssociationId"]) == [dual["VpcId"]]
    assert matching("cidr-block-association.state", "associated") == both
    assert matching("cidr-block-association.state", "disassociated") == []
    assert matching("dhcp-options-id", plain["DhcpOptionsId"]) == both
    assert matching("ipv6-cidr-block-association.ipv6-cidr-block", ipv6_association["Ipv6CidrBlock"]) == [dual["VpcId"]]
    assert matching("ipv6-cidr-block-association.ipv6-pool", "Amazon") == [dual["VpcId"]]
    assert matching("ipv6-cidr-block-association.association-id", ipv6_association["AssociationId"]) == [dual["VpcId"]]
    assert matching("ipv6-cidr-block-association.state", "associated") == [dual["VpcId"]]
    assert matching("is-default", "false") == both
    assert matching("is-default", "true") == []
    assert matching("owner-id", account) == both
    assert matching("owner-id", "123456789012") == []
    assert matching("state", "available") == both
    assert matching("state", "pending") == []
    assert matching("tag:Name", "beta") == [dual["VpcId"]]
    assert matching("tag:Name", "alpha", "beta") == both
    assert matching("tag-key", "env") == [dual["VpcId"]]
    # Wildcards: * is any run of characters, ? exactly one.
    assert matching("cidr", "172.*") == [dual["VpcId"]]
    assert matching("tag:Name", "?eta") == [dual["VpcId"]]
    assert matching("tag:Name", "*a") == both
    assert matching("vpc-id", "vpc-*") == both
    # Filters AND together; values of one filter OR.
    assert ids_of(ec2, Filters=[{"Name": "state", "Values": ["available"]}, {"Name": "tag:Name", "Values": ["alpha"]}]) == [plain["VpcId"]]


def test_an_unknown_filter_is_invalid_parameter_value(ec2):
    assert_error("InvalidParameterValue", ec2.describe_vpcs, Filters=[{"Name": "colour", "Values": ["blue"]}],
                 message="The filter 'colour' is invalid")


def test_pagination_over_twelve_vpcs(ec2):
    created = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(12)]
    items, sizes = paginate_all(ec2.describe_vpcs, "Vpcs", MaxResults=5)
    assert sizes == [5, 5, 2]
    assert [v["VpcId"] for v in items] == created
    first = ec2.describe_vpcs(MaxResults=5)
    assert "NextToken" in first and len(first["Vpcs"]) == 5
    last = ec2.describe_vpcs(MaxResults=1000)
    assert "NextToken" not in last and len(last["Vpcs"]) == 12
    # The paginator boto3 ships follows the same tokens.
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    assert [v["VpcId"] for page in pages for v in page["Vpcs"]] == created


def test_pagination_errors(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(1, 6):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    assert_error("InvalidNextToken", ec2.describe_vpcs, NextToken="not-a-token")
    token = ec2.describe_vpcs(MaxResults=5)["NextToken"]
    assert_error("InvalidNextToken", ec2.describe_vpcs, NextToken=token, Filters=[{"Name": "state", "Values": ["available"]}])
    assert_error("InvalidParameterCombination", ec2.describe_vpcs, VpcIds=[vpc], MaxResults=5)
    # A token belongs to the Describe that issued it, even one over as many items.
    for i in range(6):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")
    assert_error("InvalidNextToken", ec2.describe_subnets, MaxResults=5, NextToken=token)
    # botocore checks only the minimum on the client; the server checks the maximum too.
    assert_error("InvalidParameterValue", ec2.describe_vpcs, MaxResults=1001,
                 message="Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.")


def test_describe_dry_run(ec2):
    assert_error("DryRunOperation", ec2.describe_vpcs, DryRun=True, status=412)


# --- DeleteVpc ---


def test_delete_removes_the_vpc(ec2):
    keep = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    gone = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    response = ec2.delete_vpc(VpcId=gone)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ids_of(ec2) == [keep]
    assert_error("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[gone])
    assert_error("InvalidVpcID.NotFound", ec2.delete_vpc, VpcId=gone, message=f"The vpc ID '{gone}' does not exist")


def test_delete_errors(ec2):
    assert_error("InvalidVpcID.NotFound", ec2.delete_vpc, VpcId="vpc-0123456789abcdef0")
    assert_error("InvalidVpcID.Malformed", ec2.delete_vpc, VpcId="vpc-nothex")
    assert_error("MissingParameter", ec2.delete_vpc, VpcId="")


def test_a_vpc_with_subnets_cannot_be_deleted(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    assert_error("DependencyViolation", ec2.delete_vpc, VpcId=vpc, message=f"The vpc '{vpc}' has dependencies and cannot be deleted.")
    assert ids_of(ec2) == [vpc]  # the failed call changed nothing
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
    assert ids_of(ec2) == []


def test_delete_dry_run_deletes_nothing(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert_error("DryRunOperation", ec2.delete_vpc, VpcId=vpc, DryRun=True, status=412)
    assert ids_of(ec2) == [vpc]
    assert_error("InvalidVpcID.NotFound", ec2.delete_vpc, VpcId="vpc-0123456789abcdef0", DryRun=True)


# --- Isolation ---


def test_another_account_or_region_can_neither_see_nor_delete(ec2, server, account):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for other in (server.client(), server.client(account, region="eu-west-1")):
        assert other.describe_vpcs()["Vpcs"] == []
        assert_error("InvalidVpcID.NotFound", other.describe_vpcs, VpcIds=[vpc])
        assert_error("InvalidVpcID.NotFound", other.delete_vpc, VpcId=vpc)
        assert_error("InvalidVpcID.NotFound", other.create_subnet, VpcId=vpc, CidrBlock="10.0.1.0/24")
    assert ids_of(ec2) == [vpc]
