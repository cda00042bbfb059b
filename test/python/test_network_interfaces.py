"""CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface through boto3."""
import ipaddress
import re

import pytest

from helpers import assert_error, paginate_all

ENI_ID = re.compile(r"^eni-[0-9a-f]{17}$")
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]


@pytest.fixture
def subnet(ec2, vpc):
    return ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1c")["Subnet"]["SubnetId"]


@pytest.fixture
def dual_subnet(ec2):
    """A subnet with an IPv6 /64, and that /64."""
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = next(ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]).subnets(new_prefix=64))
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.1.1.0/24", Ipv6CidrBlock=str(block))["Subnet"]["SubnetId"]
    return subnet, block


def create(ec2, subnet, **kwargs):
    return ec2.create_network_interface(SubnetId=subnet, **kwargs)["NetworkInterface"]


def ids_of(ec2, **kwargs):
    return [e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces(**kwargs)["NetworkInterfaces"]]


def addresses(eni):
    return [(a["PrivateIpAddress"], a["Primary"]) for a in eni["PrivateIpAddresses"]]


def free_count(ec2, subnet):
    return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]


# --- CreateNetworkInterface ---


def test_a_new_interface_has_every_documented_default(ec2, vpc, subnet, account):
    response = ec2.create_network_interface(SubnetId=subnet, ClientToken="first-eni")
    eni = response["NetworkInterface"]
    assert response["ClientToken"] == "first-eni"
    assert ENI_ID.match(eni["NetworkInterfaceId"])
    assert eni["SubnetId"] == subnet
    assert eni["VpcId"] == vpc["VpcId"]
    assert eni["AvailabilityZone"] == "us-east-1c"
    assert eni["AvailabilityZoneId"] == "use1-az3"
    assert eni["OwnerId"] == account
    assert eni["Description"] == ""
    assert eni["InterfaceType"] == "interface"
    assert eni["Status"] == "available"
    assert eni["RequesterManaged"] is False
    assert eni["SourceDestCheck"] is True
    assert eni["Ipv6Native"] is False
    assert eni["Ipv6Addresses"] == []
    assert eni["TagSet"] == []
    assert "Ipv4Prefixes" not in eni and "Ipv6Prefixes" not in eni and "Attachment" not in eni
    # The lowest address after the four reserved at the start of 10.0.1.0/24.
    assert eni["PrivateIpAddress"] == "10.0.1.4"
    assert eni["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    assert eni["PrivateIpAddresses"] == [{"Primary": True, "PrivateIpAddress": "10.0.1.4", "PrivateDnsName": "ip-10-0-1-4.ec2.internal"}]
    # Without Groups, the VPC's default security group.
    [group] = eni["Groups"]
    assert group["GroupName"] == "default" and re.match(r"^sg-[0-9a-f]{17}$", group["GroupId"])
    assert MAC.match(eni["MacAddress"])
    first_octet = int(eni["MacAddress"][:2], 16)
    assert first_octet & 0b11 == 0b10  # locally administered, unicast
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])["NetworkInterfaces"] == [eni]


def test_the_default_security_group_is_one_per_vpc(ec2, vpc, subnet):
    a, b = create(ec2, subnet), create(ec2, subnet)
    assert a["Groups"] == b["Groups"]
    other_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    c = create(ec2, other_subnet)
    assert c["Groups"][0]["GroupName"] == "default" and c["Groups"][0]["GroupId"] != a["Groups"][0]["GroupId"]
    # Its own VPC's default group may be named; another VPC's is of another network.
    assert create(ec2, subnet, Groups=[a["Groups"][0]["GroupId"]])["Groups"] == a["Groups"]
    message = assert_error("InvalidParameter", ec2.create_network_interface, SubnetId=subnet, Groups=[c["Groups"][0]["GroupId"]])
    assert "belong to different networks" in message


def test_explicit_security_groups(ec2, vpc, subnet):
    web, ids = (ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc["VpcId"])["GroupId"] for name in ("web", "ids"))
    eni = create(ec2, subnet, Groups=[web, ids, ids])
    assert eni["Groups"] == [{"GroupId": web, "GroupName": "web"}, {"GroupId": ids, "GroupName": "ids"}]
    assert_error("InvalidGroup.NotFound", ec2.create_network_interface, SubnetId=subnet, Groups=[web, "sg-0123456789abcdef0"],
                 message="The security group 'sg-0123456789abcdef0' does not exist")
    assert_error("InvalidGroupId.Malformed", ec2.create_network_interface, SubnetId=subnet, Groups=["web-servers"],
                 message='Invalid id: "web-servers" (expecting "sg-...")')
    six = [f"sg-{i:017x}" for i in range(6)]
    assert_error("SecurityGroupsPerInterfaceLimitExceeded", ec2.create_network_interface, SubnetId=subnet, Groups=six)
    assert len(ids_of(ec2)) == 1


def test_addresses_are_handed_out_lowest_free_first(ec2, subnet):
    a, b, c = (create(ec2, subnet) for _ in range(3))
    assert [a["PrivateIpAddress"], b["PrivateIpAddress"], c["PrivateIpAddress"]] == ["10.0.1.4", "10.0.1.5", "10.0.1.6"]
    ec2.delete_network_interface(NetworkInterfaceId=b["NetworkInterfaceId"])
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.1.5"


def test_private_dns_names_outside_us_east_1(server):
    ec2 = server.client(region="eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="172.31.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.16.0/20")["Subnet"]["SubnetId"]
    eni = create(ec2, subnet, PrivateIpAddress="172.31.20.7")
    assert eni["PrivateDnsName"] == "ip-172-31-20-7.eu-west-1.compute.internal"
    assert eni["AvailabilityZone"] == "eu-west-1a"


def test_an_explicit_primary_address(ec2, subnet):
    eni = create(ec2, subnet, PrivateIpAddress="10.0.1.200", Description="collector")
    assert eni["PrivateIpAddress"] == "10.0.1.200"
    assert addresses(eni) == [("10.0.1.200", True)]
    assert eni["Description"] == "collector"
    assert create(ec2, subnet)["PrivateIpAddress"] == "10.0.1.4"


@pytest.mark.parametrize("address", ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"])
def test_the_five_reserved_addresses_are_refused(ec2, subnet, address):
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress=address,
                 message=f"invalid value for parameter address: {address}")


def test_an_address_outside_the_subnet_is_refused(ec2, subnet):
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.2.10",
                 message="Address 10.0.2.10 does not fall within the subnet's address range")


@pytest.mark.parametrize("address", ["10.0.1", "10.0.1.010", "2001:db8::1", "host"])
def test_a_malformed_address_is_invalid_parameter_value(ec2, subnet, address):
    message = assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress=address)
    assert "PrivateIpAddress" in message and address in message


def test_an_address_in_use_is_refused(ec2, subnet):
    create(ec2, subnet, PrivateIpAddress="10.0.1.10", SecondaryPrivateIpAddressCount=1)
    assert_error("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.10",
                 message="Address 10.0.1.10 is in use.")
    # 10.0.1.4 went to the secondary address.
    assert_error("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.4")


def test_secondary_addresses(ec2, subnet):
    counted = create(ec2, subnet, SecondaryPrivateIpAddressCount=2)
    assert addresses(counted) == [("10.0.1.4", True), ("10.0.1.5", False), ("10.0.1.6", False)]
    assert [a["PrivateDnsName"] for a in counted["PrivateIpAddresses"]] == [
        "ip-10-0-1-4.ec2.internal", "ip-10-0-1-5.ec2.internal", "ip-10-0-1-6.ec2.internal"]
    listed = create(ec2, subnet, PrivateIpAddresses=[
        {"PrivateIpAddress": "10.0.1.50", "Primary": False},
        {"PrivateIpAddress": "10.0.1.40", "Primary": True},
    ])
    assert listed["PrivateIpAddress"] == "10.0.1.40"
    assert addresses(listed) == [("10.0.1.40", True), ("10.0.1.50", False)]
    mixed = create(ec2, subnet, PrivateIpAddress="10.0.1.60", PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.61"}])
    assert addresses(mixed) == [("10.0.1.60", True), ("10.0.1.61", False)]
    # Listed addresses without a primary: EC2 picks the primary.
    picked = create(ec2, subnet, PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.70"}])
    assert addresses(picked) == [("10.0.1.7", True), ("10.0.1.70", False)]
    one_listed_plus_count = create(ec2, subnet, PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.80", "Primary": True}],
                                   SecondaryPrivateIpAddressCount=1)
    assert addresses(one_listed_plus_count) == [("10.0.1.80", True), ("10.0.1.8", False)]
    assert ec2.describe_network_interfaces(
        Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.1.50"]}])["NetworkInterfaces"][0]["NetworkInterfaceId"] \
        == listed["NetworkInterfaceId"]


def test_secondary_address_errors(ec2, subnet):
    assert_error("InvalidParameterCombination", ec2.create_network_interface, SubnetId=subnet, SecondaryPrivateIpAddressCount=1,
                 PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.10", "Primary": True}, {"PrivateIpAddress": "10.0.1.11"}])
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet,
                 PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.10", "Primary": True}, {"PrivateIpAddress": "10.0.1.11", "Primary": True}],
                 message="primary")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.9",
                 PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.10", "Primary": True}])
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet,
                 PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.10"}, {"PrivateIpAddress": "10.0.1.10"}], message="more than once")
    assert_error("MissingParameter", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddresses=[{"Primary": True}],
                 message="PrivateIpAddresses.1.PrivateIpAddress")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, SecondaryPrivateIpAddressCount=-1)
    assert_error("PrivateIpAddressLimitExceeded", ec2.create_network_interface, SubnetId=subnet, SecondaryPrivateIpAddressCount=50)
    assert ids_of(ec2) == []
    assert free_count(ec2, subnet) == 251


def test_a_full_subnet_is_insufficient_free_addresses(ec2, vpc):
    small = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/28")["Subnet"]["SubnetId"]
    assert_error("InsufficientFreeAddressesInSubnet", ec2.create_network_interface, SubnetId=small, SecondaryPrivateIpAddressCount=11,
                 message=small)
    enis = [create(ec2, small) for _ in range(11)]
    assert [e["PrivateIpAddress"] for e in enis] == [f"10.0.2.{i}" for i in range(4, 15)]
    assert free_count(ec2, small) == 0
    assert_error("InsufficientFreeAddressesInSubnet", ec2.create_network_interface, SubnetId=small)
    assert len(ids_of(ec2)) == 11


def test_ipv6_addresses_by_count(ec2, dual_subnet):
    subnet, block = dual_subnet
    eni = create(ec2, subnet, Ipv6AddressCount=3)
    got = [a["Ipv6Address"] for a in eni["Ipv6Addresses"]]
    assert len(set(got)) == 3
    assert all(ipaddress.ip_address(a) in block and a == str(ipaddress.ip_address(a)) for a in got)
    assert all(a["IsPrimaryIpv6"] is False for a in eni["Ipv6Addresses"])
    assert "Ipv6Address" not in eni
    assert eni["PrivateIpAddress"] == "10.1.1.4"


def test_explicit_ipv6_addresses(ec2, dual_subnet):
    subnet, block = dual_subnet
    wanted = block.network_address + 0x1234
    eni = create(ec2, subnet, Ipv6Addresses=[{"Ipv6Address": wanted.exploded.upper()}])
    assert eni["Ipv6Addresses"] == [{"Ipv6Address": str(wanted), "IsPrimaryIpv6": False}]
    assert_error("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": str(wanted)}])
    outside = str(ipaddress.ip_address(int(block.network_address) ^ (1 << 64)) + 5)
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": outside}],
                 message="does not fall within the subnet's address range")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet,
                 Ipv6Addresses=[{"Ipv6Address": str(block.network_address + 1)}], message="invalid value for parameter address")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": "10.1.1.9"}],
                 message="Ipv6Address")
    assert_error("InvalidParameterCombination", ec2.create_network_interface, SubnetId=subnet,
                 Ipv6Addresses=[{"Ipv6Address": str(wanted + 1)}], Ipv6AddressCount=1)
    assert ids_of(ec2) == [eni["NetworkInterfaceId"]]


def test_enable_primary_ipv6_makes_the_first_ipv6_address_primary(ec2, dual_subnet):
    subnet, block = dual_subnet
    first = str(block.network_address + 0x100)
    eni = create(ec2, subnet, EnablePrimaryIpv6=True, Ipv6Addresses=[{"Ipv6Address": first}, {"Ipv6Address": str(block.network_address + 0x101)}])
    assert [a["IsPrimaryIpv6"] for a in eni["Ipv6Addresses"]] == [True, False]
    assert eni["Ipv6Address"] == first


def test_ipv6_needs_a_subnet_with_ipv6(ec2, subnet):
    message = assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Ipv6AddressCount=1)
    assert subnet in message
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Ipv6Addresses=[{"Ipv6Address": "2001:db8::10"}])


def test_interface_type_description_and_tags(ec2, subnet):
    eni = create(ec2, subnet, InterfaceType="efa", Description="probe",
                 TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "tap"}]}])
    assert eni["InterfaceType"] == "efa"
    assert eni["Description"] == "probe"
    assert eni["TagSet"] == [{"Key": "Name", "Value": "tap"}]
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, InterfaceType="interface", message="InterfaceType")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Description="d" * 256, message="Description")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet,
                 TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "tap"}]}])
    assert ids_of(ec2) == [eni["NetworkInterfaceId"]]


def test_connection_tracking_is_kept(ec2, subnet):
    eni = create(ec2, subnet, ConnectionTrackingSpecification={"TcpEstablishedTimeout": 3600, "UdpTimeout": 45})
    assert eni["ConnectionTrackingConfiguration"] == {"TcpEstablishedTimeout": 3600, "UdpTimeout": 45}
    for member, value in (("TcpEstablishedTimeout", 59), ("UdpStreamTimeout", 181), ("UdpTimeout", 61)):
        assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet,
                     ConnectionTrackingSpecification={member: value}, message=member)


@pytest.mark.parametrize("parameter, value, wire_name", [
    ("Ipv4PrefixCount", 1, "Ipv4PrefixCount"),
    ("Ipv4Prefixes", [{"Ipv4Prefix": "10.0.1.16/28"}], "Ipv4Prefix"),
    ("Ipv6PrefixCount", 1, "Ipv6PrefixCount"),
    ("Ipv6Prefixes", [{"Ipv6Prefix": "2001:db8::/80"}], "Ipv6Prefix"),
    ("Operator", {"Principal": "eks.amazonaws.com"}, "Operator"),
])
def test_features_mirrorlite_does_not_emulate_are_refused_by_name(ec2, subnet, parameter, value, wire_name):
    # Errors name a parameter as it travels on the wire (Ipv4Prefix.N), as EC2 does.
    message = assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, **{parameter: value})
    assert message == f"The parameter {wire_name} is not supported by mirrorlite."


def test_the_subnet_must_exist(ec2):
    assert_error("InvalidSubnetID.NotFound", ec2.create_network_interface, SubnetId="subnet-0123456789abcdef0")
    assert_error("InvalidSubnetID.Malformed", ec2.create_network_interface, SubnetId="subnet-zz")
    assert_error("MissingParameter", ec2.create_network_interface, SubnetId="", message="SubnetId")


def test_mac_addresses_are_unique(ec2, subnet):
    macs = [create(ec2, subnet)["MacAddress"] for _ in range(20)]
    assert len(set(macs)) == 20


def test_a_client_token_retry_returns_the_same_interface(ec2, subnet):
    first = ec2.create_network_interface(SubnetId=subnet, Description="a", ClientToken="token-1")
    again = ec2.create_network_interface(SubnetId=subnet, Description="a", ClientToken="token-1")
    assert again["NetworkInterface"] == first["NetworkInterface"]
    assert again["ClientToken"] == "token-1"
    assert ids_of(ec2) == [first["NetworkInterface"]["NetworkInterfaceId"]]
    assert_error("IdempotentParameterMismatch", ec2.create_network_interface, SubnetId=subnet, Description="b", ClientToken="token-1")
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, ClientToken="t" * 65)
    other = ec2.create_network_interface(SubnetId=subnet, Description="a", ClientToken="token-2")["NetworkInterface"]
    assert other["NetworkInterfaceId"] != first["NetworkInterface"]["NetworkInterfaceId"]


def test_dry_run_validates_and_creates_nothing(ec2, subnet):
    assert_error("DryRunOperation", ec2.create_network_interface, SubnetId=subnet, DryRun=True, status=412)
    assert_error("DryRunOperation", ec2.create_network_interface, SubnetId=subnet, DryRun=True, ClientToken="dry", status=412)
    assert_error("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.1", DryRun=True)
    assert ids_of(ec2) == []
    # The rehearsal neither used the token nor took the address.
    eni = ec2.create_network_interface(SubnetId=subnet, ClientToken="dry", Description="real")["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.0.1.4"


def test_a_failed_call_changes_nothing(ec2, subnet):
    create(ec2, subnet, PrivateIpAddress="10.0.1.9")
    before = ec2.describe_network_interfaces()["NetworkInterfaces"]
    assert_error("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet,
                 PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.8", "Primary": True}, {"PrivateIpAddress": "10.0.1.9"}])
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == before
    assert free_count(ec2, subnet) == 250
    assert create(ec2, subnet, PrivateIpAddress="10.0.1.8")["PrivateIpAddress"] == "10.0.1.8"


# --- DescribeNetworkInterfaces ---


def test_describe_by_ids_and_errors(ec2, subnet):
    enis = [create(ec2, subnet)["NetworkInterfaceId"] for _ in range(3)]
    assert ids_of(ec2) == enis
    assert ids_of(ec2, NetworkInterfaceIds=[enis[2], enis[1]]) == [enis[1], enis[2]]
    missing = "eni-0123456789abcdef0"
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.describe_network_interfaces, NetworkInterfaceIds=[missing],
                 message=f"The networkInterface ID '{missing}' does not exist")
    assert_error("InvalidNetworkInterfaceId.Malformed", ec2.describe_network_interfaces, NetworkInterfaceIds=["eni-x"])


def test_every_filter(ec2, vpc, subnet, dual_subnet, account):
    subnet6, _ = dual_subnet
    a = create(ec2, subnet, Description="alpha probe", PrivateIpAddress="10.0.1.20", SecondaryPrivateIpAddressCount=1,
               Groups=[ec2.create_security_group(GroupName="probe", Description="probe", VpcId=vpc["VpcId"])["GroupId"]],
               TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "role", "Value": "source"}]}])
    b = create(ec2, subnet6, Ipv6AddressCount=1, InterfaceType="efa")
    both = [a["NetworkInterfaceId"], b["NetworkInterfaceId"]]
    ipv6 = b["Ipv6Addresses"][0]["Ipv6Address"]
    secondary = a["PrivateIpAddresses"][1]["PrivateIpAddress"]

    def matching(name, *values):
        return ids_of(ec2, Filters=[{"Name": name, "Values": list(values)}])

    assert matching("network-interface-id", b["NetworkInterfaceId"]) == [b["NetworkInterfaceId"]]
    assert matching("subnet-id", subnet) == [a["NetworkInterfaceId"]]
    assert matching("vpc-id", vpc["VpcId"]) == [a["NetworkInterfaceId"]]
    assert matching("private-ip-address", "10.0.1.20") == [a["NetworkInterfaceId"]]
    assert matching("private-ip-address", secondary) == [a["NetworkInterfaceId"]]
    assert matching("addresses.private-ip-address", secondary) == [a["NetworkInterfaceId"]]
    assert matching("addresses.primary", "false") == [a["NetworkInterfaceId"]]
    assert matching("addresses.primary", "true") == both
    assert matching("availability-zone", "us-east-1c") == [a["NetworkInterfaceId"]]
    assert matching("description", "alpha probe") == [a["NetworkInterfaceId"]]
    assert matching("description", "") == [b["NetworkInterfaceId"]]
    assert matching("group-id", a["Groups"][0]["GroupId"]) == [a["NetworkInterfaceId"]]
    assert matching("group-name", "probe") == [a["NetworkInterfaceId"]]
    assert matching("group-name", "default") == [b["NetworkInterfaceId"]]
    assert matching("interface-type", "efa") == [b["NetworkInterfaceId"]]
    assert matching("ipv6-addresses.ipv6-address", ipv6) == [b["NetworkInterfaceId"]]
    assert matching("mac-address", a["MacAddress"]) == [a["NetworkInterfaceId"]]
    assert matching("owner-id", account) == both
    assert matching("private-dns-name", "ip-10-0-1-20.ec2.internal") == [a["NetworkInterfaceId"]]
    assert matching("requester-managed", "false") == both
    assert matching("source-dest-check", "true") == both
    assert matching("status", "available") == both
    assert matching("status", "in-use") == []
    assert matching("attachment.instance-id", "i-0123456789abcdef0") == []
    assert matching("association.public-ip", "*") == []
    assert matching("tag:role", "source") == [a["NetworkInterfaceId"]]
    assert matching("tag-key", "role") == [a["NetworkInterfaceId"]]
    # Wildcards
    assert matching("description", "alpha*") == [a["NetworkInterfaceId"]]
    assert matching("private-ip-address", "10.?.1.*") == both
    assert matching("private-dns-name", "*.ec2.internal") == both
    assert_error("InvalidParameterValue", ec2.describe_network_interfaces, Filters=[{"Name": "ip", "Values": ["x"]}],
                 message="The filter 'ip' is invalid")


def test_pagination_over_twelve_interfaces(ec2, subnet):
    created = [create(ec2, subnet)["NetworkInterfaceId"] for _ in range(12)]
    items, sizes = paginate_all(ec2.describe_network_interfaces, "NetworkInterfaces", MaxResults=5)
    assert sizes == [5, 5, 2]
    assert [e["NetworkInterfaceId"] for e in items] == created
    pages = list(ec2.get_paginator("describe_network_interfaces").paginate(PaginationConfig={"PageSize": 5}))
    assert [e["NetworkInterfaceId"] for p in pages for e in p["NetworkInterfaces"]] == created
    assert_error("InvalidNextToken", ec2.describe_network_interfaces, NextToken="eyJ0b2tlbiI6MX0")
    assert_error("InvalidParameterCombination", ec2.describe_network_interfaces, NetworkInterfaceIds=[created[0]], MaxResults=5)


# --- DeleteNetworkInterface ---


def test_delete_removes_the_interface_and_frees_its_addresses(ec2, subnet):
    eni = create(ec2, subnet, SecondaryPrivateIpAddressCount=3)["NetworkInterfaceId"]
    assert free_count(ec2, subnet) == 247
    assert ec2.delete_network_interface(NetworkInterfaceId=eni)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ids_of(ec2) == []
    assert free_count(ec2, subnet) == 251
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.delete_network_interface, NetworkInterfaceId=eni,
                 message=f"The networkInterface ID '{eni}' does not exist")


def test_delete_errors(ec2):
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.delete_network_interface, NetworkInterfaceId="eni-0123456789abcdef0")
    assert_error("InvalidNetworkInterfaceId.Malformed", ec2.delete_network_interface, NetworkInterfaceId="eni-123")


def test_an_interface_a_mirror_target_uses_cannot_be_deleted(ec2, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    target = ec2.create_traffic_mirror_target(NetworkInterfaceId=eni)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    assert_error("InvalidNetworkInterface.InUse", ec2.delete_network_interface, NetworkInterfaceId=eni, message=eni)
    assert ids_of(ec2) == [eni]
    ec2.delete_traffic_mirror_target(TrafficMirrorTargetId=target)
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert ids_of(ec2) == []


def test_deleting_a_source_interface_deletes_its_sessions(ec2, subnet):
    source, other_source, target_eni = (create(ec2, subnet)["NetworkInterfaceId"] for _ in range(3))
    target = ec2.create_traffic_mirror_target(NetworkInterfaceId=target_eni)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    mirror_filter = ec2.create_traffic_mirror_filter()["TrafficMirrorFilter"]["TrafficMirrorFilterId"]

    def session(eni, number):
        return ec2.create_traffic_mirror_session(NetworkInterfaceId=eni, TrafficMirrorTargetId=target,
                                                 TrafficMirrorFilterId=mirror_filter, SessionNumber=number)["TrafficMirrorSession"]["TrafficMirrorSessionId"]

    gone = [session(source, 1), session(source, 2)]
    kept = session(other_source, 1)
    assert_error("DryRunOperation", ec2.delete_network_interface, NetworkInterfaceId=source, DryRun=True, status=412)
    assert len(ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"]) == 3
    ec2.delete_network_interface(NetworkInterfaceId=source)
    remaining = ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"]
    assert [s["TrafficMirrorSessionId"] for s in remaining] == [kept]
    assert_error("InvalidTrafficMirrorSessionId.NotFound", ec2.describe_traffic_mirror_sessions, TrafficMirrorSessionIds=[gone[0]])
    # The target and filter stay; the target is free of the deleted sessions.
    assert ec2.describe_traffic_mirror_targets(TrafficMirrorTargetIds=[target])["TrafficMirrorTargets"][0]["TrafficMirrorTargetId"] == target
    assert ids_of(ec2) == [other_source, target_eni]


def test_delete_dry_run_deletes_nothing(ec2, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    assert_error("DryRunOperation", ec2.delete_network_interface, NetworkInterfaceId=eni, DryRun=True, status=412)
    assert ids_of(ec2) == [eni]


# --- Isolation ---


def test_another_account_can_neither_see_nor_delete(ec2, server, subnet):
    eni = create(ec2, subnet)["NetworkInterfaceId"]
    other = server.client()
    assert other.describe_network_interfaces()["NetworkInterfaces"] == []
    assert_error("InvalidNetworkInterfaceID.NotFound", other.describe_network_interfaces, NetworkInterfaceIds=[eni])
    assert_error("InvalidNetworkInterfaceID.NotFound", other.delete_network_interface, NetworkInterfaceId=eni)
    assert ids_of(ec2) == [eni]
