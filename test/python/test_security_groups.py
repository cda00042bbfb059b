"""Security groups and their rules through boto3 against the real server: CreateSecurityGroup,
DeleteSecurityGroup, DescribeSecurityGroups, each VPC's default group, Authorize/Revoke ingress and
egress, DescribeSecurityGroupRules, ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions*,
the groups of network interfaces and the tags of groups and rules: what Terraform's
aws_security_group, aws_security_group_rule and aws_vpc_security_group_*_rule call. EC2's error
codes and messages, and a refused call changes nothing."""
import re

import boto3
import pytest
from botocore.config import Config

from helpers import assert_error, paginate_all

GROUP_ID = re.compile(r"^sg-[0-9a-f]{17}$")
RULE_ID = re.compile(r"^sgr-[0-9a-f]{17}$")
UNKNOWN_GROUP = "sg-0123456789abcdef0"
UNKNOWN_RULE = "sgr-0123456789abcdef0"
GROUP_TEXT_SET = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"
NO_PEER = ("missing mandatory parameter: exactly one of remote-security-group, remote-ip-range, "
           "remote-ipv6-range, or prefix-list-id must be present.")
ALL_OUT = {"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": []}


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


@pytest.fixture
def sg(ec2, vpc):
    return new_group(ec2, vpc)


@pytest.fixture
def raw(server, account):
    """A client of the same account that leaves parameter checks to the server."""
    return boto3.client("ec2", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=account,
                        aws_secret_access_key="secret", config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def new_group(ec2, vpc_id, name="web", description="web servers", **kwargs):
    return ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc_id, **kwargs)["GroupId"]


def group(ec2, group_id):
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]


def rules_of(ec2, group_id):
    return ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]


def tcp(port, *cidrs, to_port=None, **peers):
    """A TCP permission on one port (or a range) from these IPv4 blocks and other peers."""
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to_port if to_port is not None else port,
            **({"IpRanges": [{"CidrIp": c} for c in cidrs]} if cidrs else {}), **peers}


def ingress(ec2, group_id, *permissions, **kwargs):
    return ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions), **kwargs)["SecurityGroupRules"]


def default_group_of(ec2, vpc_id):
    [found] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    return found


# --- CreateSecurityGroup ---


def test_create_answers_an_id_and_arn_and_tags_only_when_asked(ec2, vpc, account):
    answer = ec2.create_security_group(GroupName="web", Description="web servers", VpcId=vpc)
    assert GROUP_ID.match(answer["GroupId"])
    assert answer["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:{account}:security-group/{answer['GroupId']}"
    assert "Tags" not in answer
    tagged = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc,
                                       TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "db"}]}])
    assert tagged["Tags"] == [{"Key": "Name", "Value": "db"}]
    assert group(ec2, tagged["GroupId"])["Tags"] == [{"Key": "Name", "Value": "db"}]


def test_a_new_group_has_no_inbound_rules_and_one_outbound_rule_to_everywhere(ec2, vpc, account):
    described = group(ec2, new_group(ec2, vpc))
    assert (described["GroupName"], described["Description"], described["VpcId"], described["OwnerId"]) == ("web", "web servers", vpc, account)
    assert described["IpPermissions"] == []
    assert described["IpPermissionsEgress"] == [ALL_OUT]
    [rule] = rules_of(ec2, described["GroupId"])
    assert (rule["IsEgress"], rule["IpProtocol"], rule["FromPort"], rule["ToPort"], rule["CidrIpv4"]) == (True, "-1", -1, -1, "0.0.0.0/0")


def test_create_needs_an_existing_vpc(ec2):
    message = assert_error("VPCIdNotSpecified", ec2.create_security_group, GroupName="web", Description="d")
    assert message == "No default VPC for this user"
    assert_error("InvalidVpcID.NotFound", ec2.create_security_group, GroupName="web", Description="d", VpcId="vpc-0123456789abcdef0",
                 message="'vpc-0123456789abcdef0' does not exist")


def test_names_are_unique_within_a_vpc_only(ec2, vpc):
    new_group(ec2, vpc)
    assert_error("InvalidGroup.Duplicate", new_group, ec2, vpc, description="other",
                 message=f"The security group 'web' already exists for VPC '{vpc}'")
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    assert GROUP_ID.match(new_group(ec2, other_vpc))
    assert len(ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["web"]}])["SecurityGroups"]) == 2


def test_reserved_and_id_like_names_are_refused(ec2, vpc):
    assert_error("InvalidParameterValue", new_group, ec2, vpc, name="default", message="Cannot use reserved security group name: default")
    assert_error("InvalidParameterValue", new_group, ec2, vpc, name="sg-x",
                 message="Value (sg-x) for parameter GroupName is invalid. Group names may not be in the format sg-*.")
    assert [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]] == ["default"]


def test_descriptions_are_limited_in_characters_and_length(ec2, vpc):
    expected = f"Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  {GROUP_TEXT_SET}"
    assert assert_error("InvalidParameterValue", new_group, ec2, vpc, description="it's mine") == expected
    assert assert_error("InvalidParameterValue", new_group, ec2, vpc, description="d" * 256) == expected
    assert group(ec2, new_group(ec2, vpc, description="d" * 255))["Description"] == "d" * 255


def test_the_group_quota_leaves_out_default_groups(make_server):
    ec2 = make_server("--quota", "security-groups-per-region=2").client()
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc(CidrBlock="10.1.0.0/16")  # its default group does not count
    first = new_group(ec2, vpc, name="a")
    new_group(ec2, vpc, name="b")
    assert_error("SecurityGroupLimitExceeded", new_group, ec2, vpc, name="c",
                 message=f"The maximum number of security groups for VPC '{vpc}' has been reached.")
    assert len(ec2.describe_security_groups()["SecurityGroups"]) == 4
    ec2.delete_security_group(GroupId=first)
    new_group(ec2, vpc, name="c")


# --- Each VPC's default group ---


def test_the_default_group_admits_its_members_and_allows_everything_out(ec2, account):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    default = default_group_of(ec2, vpc)
    assert default["Description"] == "default VPC security group"
    assert default["IpPermissions"] == [{
        "IpProtocol": "-1", "UserIdGroupPairs": [{"UserId": account, "GroupId": default["GroupId"]}],
        "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
    }]
    assert default["IpPermissionsEgress"] == [{**ALL_OUT, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
    plain = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    assert default_group_of(ec2, plain)["IpPermissionsEgress"] == [ALL_OUT]


def test_the_default_group_cannot_be_deleted(ec2, vpc):
    default = default_group_of(ec2, vpc)["GroupId"]
    assert_error("CannotDelete", ec2.delete_security_group, GroupId=default,
                 message=f'the specified group: "{default}" name: "default" cannot be deleted by a user')
    assert group(ec2, default)["GroupName"] == "default"


def test_delete_vpc_takes_its_default_group_and_its_rules(ec2, vpc):
    default = default_group_of(ec2, vpc)["GroupId"]
    ec2.delete_vpc(VpcId=vpc)
    assert_error("InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=[default],
                 message=f"The security group '{default}' does not exist")
    assert ec2.describe_security_group_rules()["SecurityGroupRules"] == []


def test_a_vpc_with_a_group_of_its_own_cannot_be_deleted(ec2, vpc, sg):
    assert_error("DependencyViolation", ec2.delete_vpc, VpcId=vpc, message=f"The vpc '{vpc}' has dependencies and cannot be deleted.")
    assert len(ec2.describe_security_groups()["SecurityGroups"]) == 2
    ec2.delete_security_group(GroupId=sg)
    ec2.delete_vpc(VpcId=vpc)
    assert ec2.describe_security_groups()["SecurityGroups"] == []


# --- AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress ---


def test_authorize_makes_one_rule_per_peer(ec2, vpc, sg, account):
    other = new_group(ec2, vpc, name="other")
    answer = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 23,
        "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
        "PrefixListIds": [{"PrefixListId": "pl-0123456789abcdef0", "Description": "list"}],
        "UserIdGroupPairs": [{"GroupId": other}],
    }])
    assert answer["Return"] is True
    rules = answer["SecurityGroupRules"]
    assert all(RULE_ID.match(r["SecurityGroupRuleId"]) for r in rules) and len({r["SecurityGroupRuleId"] for r in rules}) == 4
    assert {(r["GroupId"], r["GroupOwnerId"], r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules} == {(sg, account, False, "tcp", 22, 23)}
    assert [(r.get("CidrIpv4"), r.get("CidrIpv6"), r.get("PrefixListId"), r.get("ReferencedGroupInfo"), r.get("Description")) for r in rules] == [
        ("10.0.0.0/8", None, None, None, "office"),
        (None, "2001:db8::/32", None, None, None),
        (None, None, "pl-0123456789abcdef0", None, "list"),
        (None, None, None, {"GroupId": other, "UserId": account}, None),
    ]
    assert rules[0]["SecurityGroupRuleArn"] == f"arn:aws:ec2:us-east-1:{account}:security-group-rule/{rules[0]['SecurityGroupRuleId']}"
    assert [r["SecurityGroupRuleId"] for r in rules_of(ec2, sg) if not r["IsEgress"]] == [r["SecurityGroupRuleId"] for r in rules]


def test_authorize_egress_adds_outbound_rules(ec2, sg):
    [rule] = ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[tcp(443, "10.0.0.0/8")])["SecurityGroupRules"]
    assert rule["IsEgress"] is True
    described = group(ec2, sg)
    assert described["IpPermissions"] == []
    assert described["IpPermissionsEgress"] == [ALL_OUT, {**ALL_OUT, **tcp(443, "10.0.0.0/8"), "IpProtocol": "tcp"}]


def test_protocols_are_named_in_lowercase_and_numbers_of_named_protocols_become_names(ec2, sg):
    permissions = [
        {"IpProtocol": "6", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "10.0.0.1/32"}]},
        {"IpProtocol": "17", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.1/32"}]},
        {"IpProtocol": "1", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.1/32"}]},
        {"IpProtocol": "58", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "TCP", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.1/32"}]},
        {"IpProtocol": "50", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "10.0.0.1/32"}]},
    ]
    rules = ingress(ec2, sg, *permissions)
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules] == [
        ("tcp", 1, 2), ("udp", 53, 53), ("icmp", 8, 0), ("icmpv6", -1, -1), ("tcp", 80, 80), ("50", -1, -1),
    ]
    described = group(ec2, sg)["IpPermissions"]
    assert [(p["IpProtocol"], p.get("FromPort"), p.get("ToPort")) for p in described] == [
        ("tcp", 1, 2), ("udp", 53, 53), ("icmp", 8, 0), ("icmpv6", -1, -1), ("tcp", 80, 80), ("50", None, None),
    ]


def test_all_traffic_ignores_the_ports_given(ec2, sg):
    [rule] = ingress(ec2, sg, {"IpProtocol": "-1", "FromPort": 5, "ToPort": 10, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]})
    assert (rule["FromPort"], rule["ToPort"]) == (-1, -1)
    [described] = rules_of(ec2, sg)[1:]
    assert (described["IpProtocol"], described["FromPort"], described["ToPort"]) == ("-1", -1, -1)
    [permission] = group(ec2, sg)["IpPermissions"]
    assert permission == {**ALL_OUT, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    assert "FromPort" not in permission and "ToPort" not in permission


def test_describe_gathers_rules_into_one_permission_per_protocol_and_port_range(ec2, sg):
    ingress(ec2, sg, tcp(22, "10.0.0.0/8"), tcp(80, "0.0.0.0/0"))
    ingress(ec2, sg, tcp(22, "192.168.0.0/16", Ipv6Ranges=[{"CidrIpv6": "2001:db8::/32", "Description": "v6"}]))
    ingress(ec2, sg, tcp(22, "172.16.0.0/12", to_port=23))
    assert group(ec2, sg)["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [],
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32", "Description": "v6"}], "PrefixListIds": []},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
         "Ipv6Ranges": [], "PrefixListIds": []},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 23, "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "172.16.0.0/12"}],
         "Ipv6Ranges": [], "PrefixListIds": []},
    ]


def test_tag_specifications_tag_every_rule_created(ec2, sg):
    rules = ingress(ec2, sg, tcp(22, "10.0.0.0/8", "10.1.0.0/16"),
                    TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "env", "Value": "dev"}]}])
    assert [r["Tags"] for r in rules] == [[{"Key": "env", "Value": "dev"}]] * 2
    tagged = ec2.describe_security_group_rules(Filters=[{"Name": "tag:env", "Values": ["dev"]}])["SecurityGroupRules"]
    assert [r["SecurityGroupRuleId"] for r in tagged] == [r["SecurityGroupRuleId"] for r in rules]


def test_the_ingress_shorthand_makes_one_rule(ec2, sg):
    answer = ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=8080, ToPort=8081, CidrIp="10.0.0.0/8")
    [rule] = answer["SecurityGroupRules"]
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"], rule["CidrIpv4"], rule["IsEgress"]) == ("tcp", 8080, 8081, "10.0.0.0/8", False)
    assert group(ec2, sg)["IpPermissions"] == [{**tcp(8080, "10.0.0.0/8", to_port=8081), "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": []}]


def test_a_rule_the_group_has_is_a_duplicate(ec2, sg):
    ingress(ec2, sg, tcp(22, "0.0.0.0/0"))
    assert_error("InvalidPermission.Duplicate", ingress, ec2, sg, tcp(22, "0.0.0.0/0"),
                 message='the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists')
    # The description is not part of what makes a rule.
    assert_error("InvalidPermission.Duplicate", ingress, ec2, sg, tcp(22, IpRanges=[{"CidrIp": "0.0.0.0/0", "Description": "new"}]))
    assert_error("InvalidPermission.Duplicate", ec2.authorize_security_group_egress, GroupId=sg,
                 IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                 message='the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists')
    assert len(rules_of(ec2, sg)) == 2


def test_the_same_permission_twice_in_one_request_is_refused(ec2, sg):
    message = "The same permission must not appear multiple times"
    assert_error("InvalidParameterValue", ingress, ec2, sg, tcp(22, "10.0.0.0/8"), tcp(22, "10.0.0.0/8"), message=message)
    assert_error("InvalidParameterValue", ingress, ec2, sg, tcp(22, "10.0.0.0/8", "10.0.0.0/8"), message=message)
    assert len(rules_of(ec2, sg)) == 1


@pytest.mark.parametrize("permission, message", [
    ({"IpProtocol": "all", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "Invalid value 'all' for IP protocol. Unknown protocol."),
    ({"IpProtocol": "256", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "Invalid value '256' for IP protocol. Unknown protocol."),
    ({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."),
    ({"IpProtocol": "udp", "FromPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."),
    (tcp(22, "10.0.0.0/8", to_port=70000), "TCP/UDP (to) port (70000) out of range"),
    (tcp(-1, "10.0.0.0/8", to_port=22), "TCP/UDP (from) port (-1) out of range"),
    (tcp(30, "10.0.0.0/8", to_port=20), "Invalid TCP/UDP port range (30-20)"),
    ({"IpProtocol": "icmp", "FromPort": 3, "ToPort": 300, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "ICMP code (300) out of range"),
    ({"IpProtocol": "icmp", "FromPort": 256, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "ICMP type (256) out of range"),
    ({"IpProtocol": "icmp", "FromPort": -1, "ToPort": 5, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}, "with all ICMP types (-1), the code must be -1"),
    (tcp(22, "10.0.0.0/33"), "CIDR block 10.0.0.0/33 is malformed"),
    (tcp(22, "2001:db8::/32"), "CIDR block 2001:db8::/32 is malformed"),
    (tcp(22, Ipv6Ranges=[{"CidrIpv6": "10.0.0.0/8"}]), "CIDR block 10.0.0.0/8 is malformed"),
    (tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "it's"}]),
     f"Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  {GROUP_TEXT_SET}"),
    (tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "d" * 256}]), "Invalid rule description."),
])
def test_invalid_permissions_are_refused(ec2, sg, permission, message):
    assert_error("InvalidParameterValue", ingress, ec2, sg, permission, message=message)
    assert_error("InvalidParameterValue", ec2.authorize_security_group_egress, GroupId=sg, IpPermissions=[permission], message=message)
    assert len(rules_of(ec2, sg)) == 1


def test_a_permission_needs_a_peer(ec2, sg):
    assert assert_error("MissingParameter", ingress, ec2, sg, tcp(22)) == NO_PEER
    assert assert_error("MissingParameter", ingress, ec2, sg, tcp(22, "10.0.0.0/8"), tcp(80)) == NO_PEER
    assert len(rules_of(ec2, sg)) == 1


def test_prefix_list_ids_must_be_well_formed(ec2, sg):
    assert_error("InvalidPrefixListId.Malformed", ingress, ec2, sg, tcp(22, PrefixListIds=[{"PrefixListId": "pl-x"}]),
                 message='Invalid id: "pl-x" (expecting "pl-...")')
    [rule] = ingress(ec2, sg, tcp(22, PrefixListIds=[{"PrefixListId": "pl-12345678"}]))
    assert rule["PrefixListId"] == "pl-12345678"


def test_a_referenced_group_must_exist_in_the_same_vpc(ec2, sg):
    assert_error("InvalidGroup.NotFound", ingress, ec2, sg, tcp(22, UserIdGroupPairs=[{"GroupId": UNKNOWN_GROUP}]),
                 message=f"The security group '{UNKNOWN_GROUP}' does not exist")
    elsewhere = new_group(ec2, ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"])
    assert_error("InvalidGroup.NotFound", ingress, ec2, sg, tcp(22, UserIdGroupPairs=[{"GroupId": elsewhere}]),
                 message="You have specified two resources that belong to different networks.")
    assert len(rules_of(ec2, sg)) == 1


def test_groups_are_named_by_a_well_formed_existing_id(ec2, sg):
    permissions = [tcp(22, "10.0.0.0/8")]
    assert_error("VPCIdNotSpecified", ec2.authorize_security_group_ingress, GroupName="web", IpPermissions=permissions,
                 message="No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
    assert_error("InvalidGroupId.Malformed", ec2.authorize_security_group_ingress, GroupId="nope", IpPermissions=permissions,
                 message='Invalid id: "nope" (expecting "sg-...")')
    assert_error("InvalidGroup.NotFound", ec2.authorize_security_group_egress, GroupId=UNKNOWN_GROUP, IpPermissions=permissions,
                 message=f"The security group '{UNKNOWN_GROUP}' does not exist")
    assert len(rules_of(ec2, sg)) == 1


def test_sixty_rules_per_direction_and_address_family(ec2, sg):
    blocks = [f"10.{i}.0.0/16" for i in range(61)]
    ingress(ec2, sg, tcp(22, *blocks[:60]))
    assert_error("RulesPerSecurityGroupLimitExceeded", ingress, ec2, sg, tcp(22, blocks[60]),
                 message="The maximum number of rules per security group has been reached.")
    # A group peer counts as IPv4 and IPv6 both.
    assert_error("RulesPerSecurityGroupLimitExceeded", ingress, ec2, sg, tcp(22, UserIdGroupPairs=[{"GroupId": sg}]))
    # IPv6 rules are counted on their own, and so are the outbound rules.
    ingress(ec2, sg, tcp(22, Ipv6Ranges=[{"CidrIpv6": f"2001:db8:{i}::/48"} for i in range(5)]))
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[tcp(443, *blocks[:59])])
    assert_error("RulesPerSecurityGroupLimitExceeded", ec2.authorize_security_group_egress, GroupId=sg, IpPermissions=[tcp(443, blocks[60])])
    rules = rules_of(ec2, sg)
    assert (sum(not r["IsEgress"] for r in rules), sum(r["IsEgress"] for r in rules)) == (65, 60)


def test_a_refused_authorize_adds_nothing(ec2, sg):
    ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    before = group(ec2, sg)
    assert_error("InvalidPermission.Duplicate", ingress, ec2, sg, tcp(80, "0.0.0.0/0"), tcp(22, "10.0.0.0/8"))
    assert_error("InvalidParameterValue", ingress, ec2, sg, tcp(80, "0.0.0.0/0"), tcp(443, "10.0.0.0/33"))
    assert_error("InvalidGroup.NotFound", ingress, ec2, sg, tcp(80, "0.0.0.0/0", UserIdGroupPairs=[{"GroupId": UNKNOWN_GROUP}]))
    assert group(ec2, sg) == before
    assert len(rules_of(ec2, sg)) == 2


# --- RevokeSecurityGroupIngress / RevokeSecurityGroupEgress ---


def test_revoke_by_permission_needs_no_matching_description(ec2, sg):
    [rule] = ingress(ec2, sg, tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "ssh"}]))
    ingress(ec2, sg, tcp(80, "10.0.0.0/8"))
    answer = ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "10.0.0.0/8")])
    assert answer["Return"] is True
    assert answer["RevokedSecurityGroupRules"] == [{
        "SecurityGroupRuleId": rule["SecurityGroupRuleId"], "GroupId": sg, "IsEgress": False, "IpProtocol": "tcp",
        "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8", "Description": "ssh",
    }]
    assert [(p["FromPort"], p["IpRanges"]) for p in group(ec2, sg)["IpPermissions"]] == [(80, [{"CidrIp": "10.0.0.0/8"}])]


def test_revoke_the_default_egress_rule_as_terraform_sends_it(ec2, sg):
    answer = ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    [revoked] = answer["RevokedSecurityGroupRules"]
    assert (revoked["IsEgress"], revoked["IpProtocol"], revoked["CidrIpv4"]) == (True, "-1", "0.0.0.0/0")
    assert group(ec2, sg)["IpPermissionsEgress"] == []
    assert rules_of(ec2, sg) == []


def test_revoke_by_rule_ids(ec2, sg):
    rules = ingress(ec2, sg, tcp(22, "10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16"))
    ids = [rules[0]["SecurityGroupRuleId"], rules[2]["SecurityGroupRuleId"]]
    answer = ec2.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=ids)
    assert answer["Return"] is True
    assert [r["SecurityGroupRuleId"] for r in answer["RevokedSecurityGroupRules"]] == ids
    assert group(ec2, sg)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.1.0.0/16"}]


def test_a_permission_matching_nothing_revokes_nothing(ec2, sg):
    ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    before = rules_of(ec2, sg)
    assert_error("InvalidPermission.NotFound", ec2.revoke_security_group_ingress, GroupId=sg,
                 IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8")],
                 message="The specified rule does not exist in this security group.")
    # The egress rule to everywhere is not an ingress rule.
    assert_error("InvalidPermission.NotFound", ec2.revoke_security_group_ingress, GroupId=sg,
                 IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert rules_of(ec2, sg) == before


def test_revoke_of_unknown_malformed_or_other_direction_rule_ids(ec2, sg):
    [ingress_rule] = ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    [egress_rule] = [r for r in rules_of(ec2, sg) if r["IsEgress"]]
    egress_id = egress_rule["SecurityGroupRuleId"]
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.revoke_security_group_ingress, GroupId=sg, SecurityGroupRuleIds=[UNKNOWN_RULE],
                 message=f"The security group rule ID '{UNKNOWN_RULE}' does not exist")
    assert_error("InvalidSecurityGroupRuleId.Malformed", ec2.revoke_security_group_ingress, GroupId=sg, SecurityGroupRuleIds=["nope"],
                 message='Invalid id: "nope" (expecting "sgr-...")')
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.revoke_security_group_ingress, GroupId=sg,
                 SecurityGroupRuleIds=[ingress_rule["SecurityGroupRuleId"], egress_id],
                 message=f"The security group rule ID '{egress_id}' does not exist")
    assert len(rules_of(ec2, sg)) == 2


# --- DescribeSecurityGroupRules ---


def test_describe_rules_filters(ec2, vpc, sg):
    other = new_group(ec2, vpc, name="other")
    [tagged] = ingress(ec2, sg, tcp(22, "10.0.0.0/8"), TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "role", "Value": "ssh"}]}])
    ingress(ec2, other, tcp(22, "10.0.0.0/8"))
    rule_id = tagged["SecurityGroupRuleId"]

    def ids(*filters):
        return [r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(Filters=list(filters))["SecurityGroupRules"]]

    assert len(ids({"Name": "group-id", "Values": [sg]})) == 2
    assert len(ids({"Name": "group-id", "Values": [sg, other]})) == 4
    assert ids({"Name": "security-group-rule-id", "Values": [rule_id]}) == [rule_id]
    assert ids({"Name": "tag:role", "Values": ["ssh"]}) == [rule_id]
    assert ids({"Name": "tag:role", "Values": ["web"]}) == []


def test_describe_rules_by_id(ec2, sg):
    rules = ingress(ec2, sg, tcp(22, "10.0.0.0/8", "10.1.0.0/16"))
    wanted = [rules[1]["SecurityGroupRuleId"]]
    found = ec2.describe_security_group_rules(SecurityGroupRuleIds=wanted)["SecurityGroupRules"]
    assert [(r["SecurityGroupRuleId"], r["CidrIpv4"]) for r in found] == [(wanted[0], "10.1.0.0/16")]
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.describe_security_group_rules, SecurityGroupRuleIds=[UNKNOWN_RULE],
                 message=f"The security group rule ID '{UNKNOWN_RULE}' does not exist")


def test_describe_rules_pages_walk_every_rule_once(ec2, sg):
    ingress(ec2, sg, tcp(22, *[f"10.{i}.0.0/16" for i in range(11)]))
    everything = [r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules()["SecurityGroupRules"]]
    assert len(everything) == 14  # the default group's two rules, sg's egress rule and 11 more
    found, sizes = paginate_all(ec2.describe_security_group_rules, "SecurityGroupRules", MaxResults=5)
    assert [r["SecurityGroupRuleId"] for r in found] == everything
    assert sizes == [5, 5, 4]


def test_describe_rules_max_results_is_at_least_five(raw):
    assert_error("InvalidParameterValue", raw.describe_security_group_rules, MaxResults=4,
                 message="Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.")


# --- ModifySecurityGroupRules ---


def test_modify_changes_a_rule_in_place(ec2, sg):
    [rule] = ingress(ec2, sg, tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "old"}]),
                     TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "k", "Value": "v"}]}])
    rule_id = rule["SecurityGroupRuleId"]
    answer = ec2.modify_security_group_rules(GroupId=sg, SecurityGroupRules=[{"SecurityGroupRuleId": rule_id, "SecurityGroupRule": {
        "IpProtocol": "udp", "FromPort": 53, "ToPort": 54, "CidrIpv4": "192.168.0.0/16", "Description": "dns"}}])
    assert answer["Return"] is True
    [now] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    assert (now["IpProtocol"], now["FromPort"], now["ToPort"], now["CidrIpv4"], now["Description"], now["IsEgress"]) == ("udp", 53, 54, "192.168.0.0/16", "dns", False)
    assert now["Tags"] == [{"Key": "k", "Value": "v"}]
    assert group(ec2, sg)["IpPermissions"] == [{"IpProtocol": "udp", "FromPort": 53, "ToPort": 54, "UserIdGroupPairs": [],
                                               "IpRanges": [{"CidrIp": "192.168.0.0/16", "Description": "dns"}], "Ipv6Ranges": [], "PrefixListIds": []}]


def test_modify_cannot_change_the_kind_of_peer(ec2, sg):
    [rule] = ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    rule_id = rule["SecurityGroupRuleId"]
    assert_error("InvalidParameterValue", ec2.modify_security_group_rules, GroupId=sg, SecurityGroupRules=[{
        "SecurityGroupRuleId": rule_id, "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "ReferencedGroupId": sg}}],
        message=f"Invalid rule type for security group rule '{rule_id}'")
    [now] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"]
    assert now["CidrIpv4"] == "10.0.0.0/8" and "ReferencedGroupInfo" not in now


def test_modify_into_a_rule_the_group_has_is_a_duplicate(ec2, sg):
    first, second = ingress(ec2, sg, tcp(22, "10.0.0.0/8", "10.1.0.0/16"))
    assert_error("InvalidPermission.Duplicate", ec2.modify_security_group_rules, GroupId=sg, SecurityGroupRules=[{
        "SecurityGroupRuleId": second["SecurityGroupRuleId"], "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "10.0.0.0/8"}}],
        message='the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists')
    assert [r.get("CidrIpv4") for r in rules_of(ec2, sg) if not r["IsEgress"]] == ["10.0.0.0/8", "10.1.0.0/16"]


def test_modify_a_rule_of_another_group_is_not_found(ec2, vpc, sg):
    other = new_group(ec2, vpc, name="other")
    [rule] = ingress(ec2, other, tcp(22, "10.0.0.0/8"))
    rule_id = rule["SecurityGroupRuleId"]
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.modify_security_group_rules, GroupId=sg, SecurityGroupRules=[{
        "SecurityGroupRuleId": rule_id, "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "CidrIpv4": "10.0.0.0/8"}}],
        message=f"The security group rule ID '{rule_id}' does not exist")
    assert ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0]["FromPort"] == 22


# --- UpdateSecurityGroupRuleDescriptionsIngress / Egress ---


def test_update_descriptions_by_permission(ec2, sg):
    ingress(ec2, sg, tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "old"}, {"CidrIp": "10.1.0.0/16", "Description": "keep"}]))
    answer = ec2.update_security_group_rule_descriptions_ingress(GroupId=sg, IpPermissions=[tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "new"}])])
    assert answer["Return"] is True
    assert group(ec2, sg)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "new"}, {"CidrIp": "10.1.0.0/16", "Description": "keep"}]
    # A rule named without a description loses its description.
    ec2.update_security_group_rule_descriptions_ingress(GroupId=sg, IpPermissions=[tcp(22, "10.1.0.0/16")])
    assert group(ec2, sg)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "new"}, {"CidrIp": "10.1.0.0/16"}]


def test_update_descriptions_by_rule_id(ec2, sg):
    [egress_rule] = rules_of(ec2, sg)
    rule_id = egress_rule["SecurityGroupRuleId"]
    ec2.update_security_group_rule_descriptions_egress(GroupId=sg, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": rule_id, "Description": "out"}])
    assert group(ec2, sg)["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "out"}]
    ec2.update_security_group_rule_descriptions_egress(GroupId=sg, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": rule_id}])
    assert "Description" not in ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0]
    # An egress rule is not found by the ingress call.
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.update_security_group_rule_descriptions_ingress, GroupId=sg,
                 SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": rule_id, "Description": "x"}])


def test_update_descriptions_of_a_rule_the_group_lacks(ec2, sg):
    ingress(ec2, sg, tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "old"}]))
    assert_error("InvalidPermission.NotFound", ec2.update_security_group_rule_descriptions_ingress, GroupId=sg,
                 IpPermissions=[tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "new"}]), tcp(23, "10.0.0.0/8")],
                 message="The specified rule does not exist in this security group.")
    assert group(ec2, sg)["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "old"}]
    assert_error("InvalidParameterValue", ec2.update_security_group_rule_descriptions_ingress, GroupId=sg,
                 IpPermissions=[tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "it's"}])], message="Invalid rule description.")


# --- DeleteSecurityGroup ---


def test_delete_answers_the_group_and_takes_its_rules(ec2, sg):
    [rule] = ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    answer = ec2.delete_security_group(GroupId=sg)
    assert (answer["Return"], answer["GroupId"]) == (True, sg)
    assert_error("InvalidGroup.NotFound", ec2.describe_security_groups, GroupIds=[sg], message=f"The security group '{sg}' does not exist")
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.describe_security_group_rules, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    assert rules_of(ec2, sg) == []
    assert_error("InvalidGroup.NotFound", ec2.delete_security_group, GroupId=sg)


def test_a_group_an_interface_uses_cannot_be_deleted(ec2, vpc, sg):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[sg])["NetworkInterface"]["NetworkInterfaceId"]
    assert_error("DependencyViolation", ec2.delete_security_group, GroupId=sg, message=f"resource {sg} has a dependent object")
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[default_group_of(ec2, vpc)["GroupId"]])
    ec2.delete_security_group(GroupId=sg)


def test_a_group_another_groups_rule_references_cannot_be_deleted(ec2, vpc, sg):
    user = new_group(ec2, vpc, name="user")
    [rule] = ingress(ec2, user, tcp(5432, UserIdGroupPairs=[{"GroupId": sg}]))
    assert_error("DependencyViolation", ec2.delete_security_group, GroupId=sg, message=f"resource {sg} has a dependent object")
    assert len(rules_of(ec2, sg)) == 1
    ec2.revoke_security_group_ingress(GroupId=user, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    ec2.delete_security_group(GroupId=sg)


def test_a_group_referencing_only_itself_can_be_deleted(ec2, sg):
    ingress(ec2, sg, {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg}]})
    assert ec2.delete_security_group(GroupId=sg)["Return"] is True
    assert rules_of(ec2, sg) == []


# --- Groups of network interfaces ---


def test_interfaces_name_their_groups(ec2, vpc, sg):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    db = new_group(ec2, vpc, name="db")
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[sg])["NetworkInterface"]
    assert eni["Groups"] == [{"GroupId": sg, "GroupName": "web"}]
    eni_id = eni["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[db, sg])
    described = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
    assert described["Groups"] == [{"GroupId": db, "GroupName": "db"}, {"GroupId": sg, "GroupName": "web"}]


def test_interface_groups_must_exist_in_the_interfaces_vpc(ec2, vpc, sg):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    elsewhere = new_group(ec2, ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"])
    assert_error("InvalidGroup.NotFound", ec2.create_network_interface, SubnetId=subnet, Groups=[UNKNOWN_GROUP],
                 message=f"The security group '{UNKNOWN_GROUP}' does not exist")
    assert_error("InvalidParameter", ec2.create_network_interface, SubnetId=subnet, Groups=[elsewhere],
                 message=f"Security group {elsewhere} and subnet {subnet} belong to different networks.")
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=[sg])["NetworkInterface"]["NetworkInterfaceId"]
    assert_error("InvalidGroup.NotFound", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni, Groups=[UNKNOWN_GROUP])
    assert_error("InvalidParameter", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni, Groups=[elsewhere],
                 message=f"Security group {elsewhere} and subnet {subnet} belong to different networks.")
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Groups"] == [{"GroupId": sg, "GroupName": "web"}]


# --- DescribeSecurityGroups filters ---


def test_describe_security_groups_filters(ec2, vpc):
    web = new_group(ec2, vpc, TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "front"}]}])
    db = new_group(ec2, vpc, name="db")
    ingress(ec2, web, tcp(443, "0.0.0.0/0"))
    ingress(ec2, db, tcp(5432, UserIdGroupPairs=[{"GroupId": web}]))
    ec2.revoke_security_group_egress(GroupId=db, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=db, IpPermissions=[tcp(443, "10.0.0.0/8")])
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    default = default_group_of(ec2, vpc)["GroupId"]

    def ids(name, *values):
        return sorted(g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": name, "Values": list(values)}])["SecurityGroups"])

    assert ids("group-name", "db") == [db]
    assert ids("vpc-id", vpc) == sorted([web, db, default])
    assert ids("vpc-id", other_vpc) == [default_group_of(ec2, other_vpc)["GroupId"]]
    assert ids("ip-permission.from-port", "443") == [web]
    assert ids("ip-permission.group-id", web) == [db]
    assert ids("egress.ip-permission.cidr", "10.0.0.0/8") == [db]
    assert ids("egress.ip-permission.cidr", "0.0.0.0/0") == sorted([web, default, default_group_of(ec2, other_vpc)["GroupId"]])
    assert ids("tag:Name", "front") == [web]


# --- Tags ---


def test_tags_on_groups_and_rules(ec2, sg):
    [rule] = ingress(ec2, sg, tcp(22, "10.0.0.0/8"))
    rule_id = rule["SecurityGroupRuleId"]
    ec2.create_tags(Resources=[sg, rule_id], Tags=[{"Key": "team", "Value": "net"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["team"]}])["Tags"]
    assert sorted((t["ResourceId"], t["ResourceType"], t["Value"]) for t in tags) == sorted([(sg, "security-group", "net"), (rule_id, "security-group-rule", "net")])
    by_type = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["security-group-rule"]}])["Tags"]
    assert [t["ResourceId"] for t in by_type] == [rule_id]
    assert group(ec2, sg)["Tags"] == [{"Key": "team", "Value": "net"}]
    assert ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0]["Tags"] == [{"Key": "team", "Value": "net"}]
    ec2.delete_tags(Resources=[rule_id], Tags=[{"Key": "team"}])
    assert [t["ResourceId"] for t in ec2.describe_tags(Filters=[{"Name": "key", "Values": ["team"]}])["Tags"]] == [sg]
    assert ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"][0]["Tags"] == []
    assert_error("InvalidSecurityGroupRuleId.NotFound", ec2.create_tags, Resources=[UNKNOWN_RULE], Tags=[{"Key": "k", "Value": "v"}])
    assert_error("InvalidGroup.NotFound", ec2.create_tags, Resources=[UNKNOWN_GROUP], Tags=[{"Key": "k", "Value": "v"}])
