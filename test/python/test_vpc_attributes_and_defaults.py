"""DescribeVpcAttribute, ModifyVpcAttribute, and each VPC's main route table, default network ACL
and default security group (DescribeRouteTables, DescribeNetworkAcls, DescribeSecurityGroups),
through boto3 against the real server: what Terraform's aws_vpc reads on every refresh."""
import re

import pytest

from helpers import assert_error, paginate_all

ATTRIBUTES = {
    "enableDnsSupport": ("EnableDnsSupport", True),
    "enableDnsHostnames": ("EnableDnsHostnames", False),
    "enableNetworkAddressUsageMetrics": ("EnableNetworkAddressUsageMetrics", False),
}


def attribute(ec2, vpc_id, name):
    answer = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)
    member = ATTRIBUTES[name][0]
    assert answer["VpcId"] == vpc_id
    assert [key for key in answer if key not in ("VpcId", "ResponseMetadata")] == [member]
    return answer[member]["Value"]


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]


# --- DescribeVpcAttribute / ModifyVpcAttribute ---


def test_a_new_vpc_has_ec2s_default_attributes(ec2, vpc):
    for name, (_, initially) in ATTRIBUTES.items():
        assert attribute(ec2, vpc["VpcId"], name) is initially, name


def test_modify_sets_one_attribute_and_leaves_the_others(ec2, vpc):
    vpc_id = vpc["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    assert attribute(ec2, vpc_id, "enableDnsHostnames") is True
    assert attribute(ec2, vpc_id, "enableDnsSupport") is True
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": False})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableNetworkAddressUsageMetrics={"Value": True})
    assert attribute(ec2, vpc_id, "enableDnsSupport") is False
    assert attribute(ec2, vpc_id, "enableNetworkAddressUsageMetrics") is True
    assert attribute(ec2, vpc_id, "enableDnsHostnames") is True


def test_modify_takes_exactly_one_attribute(ec2, vpc):
    vpc_id = vpc["VpcId"]
    assert_error(
        "InvalidParameterCombination", ec2.modify_vpc_attribute, VpcId=vpc_id,
        EnableDnsSupport={"Value": True}, EnableDnsHostnames={"Value": True},
        message="Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport",
    )
    assert_error("MissingParameter", ec2.modify_vpc_attribute, VpcId=vpc_id)
    assert attribute(ec2, vpc_id, "enableDnsHostnames") is False  # nothing changed


def test_attributes_of_an_unknown_vpc_are_not_found(ec2):
    assert_error("InvalidVpcID.NotFound", ec2.describe_vpc_attribute, VpcId="vpc-0123456789abcdef0", Attribute="enableDnsSupport")
    assert_error("InvalidVpcID.NotFound", ec2.modify_vpc_attribute, VpcId="vpc-0123456789abcdef0", EnableDnsSupport={"Value": True})
    assert_error("InvalidVpcID.Malformed", ec2.describe_vpc_attribute, VpcId="nope", Attribute="enableDnsSupport")
    assert_error("InvalidParameterValue", ec2.describe_vpc_attribute, VpcId="vpc-0123456789abcdef0", Attribute="enableDns")


def test_attributes_are_per_account(server, ec2, vpc):
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    other = server.client()
    assert_error("InvalidVpcID.NotFound", other.describe_vpc_attribute, VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")


# --- The main route table ---


def test_every_vpc_has_a_main_route_table_with_its_local_routes(ec2, account):
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    ipv6 = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    [table] = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}, {"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    assert re.match(r"^rtb-[0-9a-f]{17}$", table["RouteTableId"])
    assert table["VpcId"] == vpc["VpcId"] and table["OwnerId"] == account
    [association] = table["Associations"]
    assert association["Main"] is True
    assert re.match(r"^rtbassoc-[0-9a-f]{17}$", association["RouteTableAssociationId"])
    assert association["RouteTableId"] == table["RouteTableId"]
    assert association["AssociationState"] == {"State": "associated"}
    assert table["Routes"] == [
        {"DestinationCidrBlock": "10.2.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
        {"DestinationIpv6CidrBlock": ipv6, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
    ]
    assert table["PropagatingVgws"] == [] and table["Tags"] == []
    # The same table, by ID, and on every Describe: the ID is stable.
    assert ec2.describe_route_tables(RouteTableIds=[table["RouteTableId"]])["RouteTables"] == [table]


def test_route_table_filters(ec2):
    first = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    second = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]

    def vpcs_of(*filters):
        tables = ec2.describe_route_tables(Filters=[{"Name": name, "Values": values} for name, values in filters])["RouteTables"]
        return [table["VpcId"] for table in tables]

    assert vpcs_of() == [first, second]
    assert vpcs_of(("route.destination-cidr-block", ["10.4.0.0/16"])) == [second]
    assert vpcs_of(("route.gateway-id", ["local"]), ("vpc-id", [first])) == [first]
    assert vpcs_of(("association.main", ["false"])) == []
    assert vpcs_of(("route.nat-gateway-id", ["*"])) == []  # documented, never present
    assert_error("InvalidParameterValue", ec2.describe_route_tables, Filters=[{"Name": "route.bogus", "Values": ["x"]}])


def test_unknown_route_tables(ec2):
    assert_error("InvalidRouteTableID.NotFound", ec2.describe_route_tables, RouteTableIds=["rtb-0123456789abcdef0"],
                 message="The routeTable ID 'rtb-0123456789abcdef0' does not exist")
    assert_error("InvalidRouteTableId.Malformed", ec2.describe_route_tables, RouteTableIds=["table"])


# --- The default network ACL ---


def test_the_default_network_acl_allows_everything_and_lists_every_subnet(ec2, account):
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.5.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}, {"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    assert re.match(r"^acl-[0-9a-f]{17}$", acl["NetworkAclId"])
    assert acl["IsDefault"] is True and acl["VpcId"] == vpc and acl["OwnerId"] == account
    assert [a["SubnetId"] for a in acl["Associations"]] == subnets
    assert all(a["NetworkAclId"] == acl["NetworkAclId"] and a["NetworkAclAssociationId"].startswith("aclassoc-") for a in acl["Associations"])
    assert acl["Entries"] == [
        {"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": action, "RuleNumber": number}
        for egress in (True, False)
        for action, number in (("allow", 100), ("deny", 32767))
    ]
    by_subnet = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnets[1]]}])["NetworkAcls"]
    assert [a["NetworkAclId"] for a in by_subnet] == [acl["NetworkAclId"]]
    # A deleted subnet leaves the ACL's associations.
    ec2.delete_subnet(SubnetId=subnets[0])
    [after] = ec2.describe_network_acls(NetworkAclIds=[acl["NetworkAclId"]])["NetworkAcls"]
    assert [a["SubnetId"] for a in after["Associations"]] == [subnets[1]]


def test_an_ipv6_vpcs_default_acl_also_covers_ipv6(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    ipv6 = [(e["Egress"], e["RuleAction"], e["RuleNumber"]) for e in acl["Entries"] if e.get("Ipv6CidrBlock") == "::/0"]
    assert ipv6 == [(True, "allow", 101), (True, "deny", 32768), (False, "allow", 101), (False, "deny", 32768)]


def test_unknown_network_acls(ec2):
    assert_error("InvalidNetworkAclID.NotFound", ec2.describe_network_acls, NetworkAclIds=["acl-0123456789abcdef0"])


# --- The default security group ---


def test_the_default_security_group_is_the_one_new_interfaces_join(ec2, account):
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}, {"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    assert eni["Groups"] == [{"GroupId": group["GroupId"], "GroupName": "default"}]
    assert group["Description"] == "default VPC security group"
    assert group["OwnerId"] == account and group["VpcId"] == vpc
    assert group["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:{account}:security-group/{group['GroupId']}"
    assert group["IpPermissions"] == [{
        "IpProtocol": "-1", "UserIdGroupPairs": [{"UserId": account, "GroupId": group["GroupId"]}],
        "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
    }]
    assert group["IpPermissionsEgress"] == [{
        "IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [],
    }]
    found = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.group-id", "Values": [group["GroupId"]]}])["SecurityGroups"]
    assert [g["GroupId"] for g in found] == [group["GroupId"]]
    assert ec2.describe_security_groups(Filters=[{"Name": "egress.ip-permission.cidr", "Values": ["10.*"]}])["SecurityGroups"] == []


def test_security_groups_by_id_name_and_page(ec2):
    groups = [ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]]}])["SecurityGroups"][0]["GroupId"] for i in range(8, 13)]
    found, sizes = paginate_all(ec2.describe_security_groups, "SecurityGroups", MaxResults=5)
    assert [g["GroupId"] for g in found] == groups and sizes == [5]
    assert_error("InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"],
                 message="The security group 'sg-0123456789abcdef0' does not exist")
    assert_error("InvalidGroupId.Malformed", ec2.describe_security_groups, GroupIds=["group"])
    # GroupNames are for the default VPC, which a mirrorlite account does not have.
    assert_error("VPCIdNotSpecified", ec2.describe_security_groups, GroupNames=["default"])


# --- Lifetime ---


def test_defaults_go_with_their_vpc_and_only_the_group_can_be_tagged(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    [table] = ec2.describe_route_tables()["RouteTables"]
    [acl] = ec2.describe_network_acls()["NetworkAcls"]
    [group] = ec2.describe_security_groups()["SecurityGroups"]
    for resource in (table["RouteTableId"], acl["NetworkAclId"]):
        assert_error("InvalidParameterValue", ec2.create_tags, Resources=[resource], Tags=[{"Key": "k", "Value": "v"}],
                     message="not supported by mirrorlite")
    # The default group is stored like any other group (Terraform's aws_default_security_group tags it).
    ec2.create_tags(Resources=[group["GroupId"]], Tags=[{"Key": "k", "Value": "v"}])
    assert ec2.describe_security_groups(Filters=[{"Name": "tag:k", "Values": ["v"]}])["SecurityGroups"][0]["GroupId"] == group["GroupId"]
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_route_tables()["RouteTables"] == []
    assert ec2.describe_network_acls()["NetworkAcls"] == []
    assert ec2.describe_security_groups()["SecurityGroups"] == []
    assert_error("InvalidRouteTableID.NotFound", ec2.describe_route_tables, RouteTableIds=[table["RouteTableId"]])
