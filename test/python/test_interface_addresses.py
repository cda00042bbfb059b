"""AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses and UnassignIpv6Addresses
through boto3 against the real server: what Terraform's aws_network_interface calls when its
addresses change in place. A refused call changes nothing."""
import pytest

from helpers import assert_error


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"].replace("/56", "/64")
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=block)["Subnet"]["SubnetId"]
    plain = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]

    def eni(address, subnet_id=subnet):
        return ec2.create_network_interface(SubnetId=subnet_id, PrivateIpAddress=address)["NetworkInterface"]["NetworkInterfaceId"]

    return {"subnet": subnet, "plain": plain, "ipv6": block.replace("::/64", "::"), "eni": eni}


def interface(ec2, eni_id):
    return ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]


def ipv4_of(ec2, eni_id):
    return [(a["PrivateIpAddress"], a["Primary"]) for a in interface(ec2, eni_id)["PrivateIpAddresses"]]


def ipv6_of(ec2, eni_id):
    return [a["Ipv6Address"] for a in interface(ec2, eni_id)["Ipv6Addresses"]]


def free_addresses(ec2, subnet_id):
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailableIpAddressCount"]


# --- AssignPrivateIpAddresses ---


def test_assign_by_count_takes_the_lowest_free_addresses(ec2, net):
    eni = net["eni"]("10.0.1.4")
    before = free_addresses(ec2, net["subnet"])
    answer = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=2)
    assert answer["NetworkInterfaceId"] == eni
    assert answer["AssignedPrivateIpAddresses"] == [{"PrivateIpAddress": "10.0.1.5"}, {"PrivateIpAddress": "10.0.1.6"}]
    assert ipv4_of(ec2, eni) == [("10.0.1.4", True), ("10.0.1.5", False), ("10.0.1.6", False)]
    assert interface(ec2, eni)["PrivateIpAddresses"][1]["PrivateDnsName"] == "ip-10-0-1-5.ec2.internal"
    assert interface(ec2, eni)["PrivateIpAddress"] == "10.0.1.4"
    assert free_addresses(ec2, net["subnet"]) == before - 2
    found = ec2.describe_network_interfaces(Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.1.6"]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni]


def test_assign_listed_addresses_and_an_address_already_held_changes_nothing(ec2, net):
    eni = net["eni"]("10.0.1.4")
    answer = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.50", "10.0.1.51"])
    assert answer["AssignedPrivateIpAddresses"] == [{"PrivateIpAddress": "10.0.1.50"}, {"PrivateIpAddress": "10.0.1.51"}]
    again = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.51", "10.0.1.4"])
    assert again.get("AssignedPrivateIpAddresses", []) == []
    assert ipv4_of(ec2, eni) == [("10.0.1.4", True), ("10.0.1.50", False), ("10.0.1.51", False)]


def test_assign_errors_change_nothing(ec2, net):
    eni = net["eni"]("10.0.1.4")
    other = net["eni"]("10.0.1.20")
    ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.21"])
    state = (ipv4_of(ec2, eni), ipv4_of(ec2, other))
    assign = ec2.assign_private_ip_addresses
    assert_error("MissingParameter", assign, NetworkInterfaceId=eni, message="PrivateIpAddress or SecondaryPrivateIpAddressCount")
    assert_error("InvalidParameterCombination", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.60"], SecondaryPrivateIpAddressCount=1)
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=0,
                 message="Value (0) for parameter SecondaryPrivateIpAddressCount is invalid")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.2.9"],
                 message="Address 10.0.2.9 does not fall within the subnet's address range")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.255"],
                 message="invalid value for parameter address: 10.0.1.255")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.60", "not-an-address"],
                 message="Value (not-an-address) for parameter PrivateIpAddress.2 is invalid")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.60", "10.0.1.60"],
                 message="The address 10.0.1.60 is specified more than once.")
    # Another interface's primary address can never move; its secondary moves only when allowed.
    assert_error("InvalidIPAddress.InUse", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.20"], AllowReassignment=True)
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.60", "10.0.1.21"],
                 message="[10.0.1.21] assigned, but move is not allowed.")
    assert_error("PrivateIpAddressLimitExceeded", assign, NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=50)
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, Ipv4PrefixCount=1, message="not supported by mirrorlite")
    assert_error("InvalidNetworkInterfaceID.NotFound", assign, NetworkInterfaceId="eni-0123456789abcdef0", SecondaryPrivateIpAddressCount=1)
    assert_error("InvalidNetworkInterfaceId.Malformed", assign, NetworkInterfaceId="eni-nope", SecondaryPrivateIpAddressCount=1)
    assert (ipv4_of(ec2, eni), ipv4_of(ec2, other)) == state


def test_allow_reassignment_moves_a_secondary_address(ec2, net):
    eni = net["eni"]("10.0.1.4")
    other = net["eni"]("10.0.1.20")
    ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.21", "10.0.1.22"])
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.21"], AllowReassignment=True)
    assert ipv4_of(ec2, eni) == [("10.0.1.4", True), ("10.0.1.21", False)]
    assert ipv4_of(ec2, other) == [("10.0.1.20", True), ("10.0.1.22", False)]


def test_a_full_subnet_has_no_address_to_assign(ec2, net):
    vpc = interface(ec2, net["eni"]("10.0.1.4"))["VpcId"]
    small = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/28")["Subnet"]["SubnetId"]  # 11 usable addresses
    eni = ec2.create_network_interface(SubnetId=small, SecondaryPrivateIpAddressCount=9)["NetworkInterface"]["NetworkInterfaceId"]
    assert_error("InsufficientFreeAddressesInSubnet", ec2.assign_private_ip_addresses, NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=2)
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)
    assert free_addresses(ec2, small) == 0


# --- UnassignPrivateIpAddresses ---


def test_unassign_secondary_addresses(ec2, net):
    eni = net["eni"]("10.0.1.4")
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.50", "10.0.1.51", "10.0.1.52"])
    ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.50", "10.0.1.52"])
    assert ipv4_of(ec2, eni) == [("10.0.1.4", True), ("10.0.1.51", False)]
    # The freed address can be used again, by anyone.
    other = net["eni"]("10.0.1.50")
    assert ipv4_of(ec2, other) == [("10.0.1.50", True)]


def test_unassign_errors_change_nothing(ec2, net):
    eni = net["eni"]("10.0.1.4")
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.50"])
    state = ipv4_of(ec2, eni)
    unassign = ec2.unassign_private_ip_addresses
    assert_error("InvalidParameterValue", unassign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.50", "10.0.1.99"],
                 message=f"Some of the specified addresses are not assigned to interface {eni}")
    assert_error("InvalidParameterValue", unassign, NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.4"],
                 message="The primary IP address of an interface cannot be unassigned.")
    assert_error("MissingParameter", unassign, NetworkInterfaceId=eni, message="PrivateIpAddress")
    assert_error("InvalidParameterValue", unassign, NetworkInterfaceId=eni, Ipv4Prefixes=["10.0.1.64/28"], message="not supported by mirrorlite")
    assert ipv4_of(ec2, eni) == state


# --- AssignIpv6Addresses / UnassignIpv6Addresses ---


def test_ipv6_assign_by_count_and_by_list_then_unassign(ec2, net):
    eni = net["eni"]("10.0.1.4")
    counted = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=2)["AssignedIpv6Addresses"]
    assert len(counted) == 2 and all(a.startswith(net["ipv6"][:-1]) for a in counted), "inside the subnet's /64"
    listed = net["ipv6"] + "10"
    answer = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[listed.replace("::", ":0:0:0:")])
    assert answer["AssignedIpv6Addresses"] == [listed], "stored and answered in canonical form"
    assert ipv6_of(ec2, eni) == counted + [listed]
    assert [a["IsPrimaryIpv6"] for a in interface(ec2, eni)["Ipv6Addresses"]] == [False] * 3
    # Already held: accepted, not listed again.
    assert ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[listed]).get("AssignedIpv6Addresses", []) == []

    answer = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6Addresses=[counted[0], listed])
    assert answer["UnassignedIpv6Addresses"] == [counted[0], listed]
    assert ipv6_of(ec2, eni) == [counted[1]]
    found = ec2.describe_network_interfaces(Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [counted[1]]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni]


def test_ipv6_errors_change_nothing(ec2, net):
    eni = net["eni"]("10.0.1.4")
    other = net["eni"]("10.0.1.20")
    held = net["ipv6"] + "20"
    ec2.assign_ipv6_addresses(NetworkInterfaceId=other, Ipv6Addresses=[held])
    state = (ipv6_of(ec2, eni), ipv6_of(ec2, other))
    assign = ec2.assign_ipv6_addresses
    assert_error("MissingParameter", assign, NetworkInterfaceId=eni, message="Ipv6Addresses or Ipv6AddressCount")
    assert_error("InvalidParameterCombination", assign, NetworkInterfaceId=eni, Ipv6Addresses=[net["ipv6"] + "30"], Ipv6AddressCount=1)
    assert_error("InvalidIPAddress.InUse", assign, NetworkInterfaceId=eni, Ipv6Addresses=[held])
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, Ipv6Addresses=["2001:db8:ffff::1"], message="does not fall within the subnet's address range")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, Ipv6Addresses=["10.0.1.9"], message="This is not a valid IP address.")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, Ipv6AddressCount=51, message="at most 50 IPv6 addresses")
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=eni, Ipv6PrefixCount=1, message="not supported by mirrorlite")
    no_ipv6 = net["eni"]("10.0.2.4", net["plain"])
    assert_error("InvalidParameterValue", assign, NetworkInterfaceId=no_ipv6, Ipv6AddressCount=1, message="has no IPv6 CIDR block")
    unassign = ec2.unassign_ipv6_addresses
    assert_error("InvalidParameterValue", unassign, NetworkInterfaceId=eni, Ipv6Addresses=[held],
                 message=f"Some of the specified addresses are not assigned to interface {eni}")
    assert_error("MissingParameter", unassign, NetworkInterfaceId=eni, message="Ipv6Addresses")
    assert (ipv6_of(ec2, eni), ipv6_of(ec2, other)) == state


def test_the_primary_ipv6_address_cannot_be_unassigned(ec2, net):
    eni = ec2.create_network_interface(SubnetId=net["subnet"], Ipv6AddressCount=1, EnablePrimaryIpv6=True)["NetworkInterface"]
    primary = eni["Ipv6Address"]
    assert_error("InvalidParameterValue", ec2.unassign_ipv6_addresses, NetworkInterfaceId=eni["NetworkInterfaceId"], Ipv6Addresses=[primary],
                 message="The primary IPv6 address of an interface cannot be unassigned.")
    assert ipv6_of(ec2, eni["NetworkInterfaceId"]) == [primary]


# --- EnablePrimaryIpv6 after create (ModifyNetworkInterfaceAttribute) ---


def test_enable_primary_ipv6_later_makes_the_first_address_primary_for_good(ec2, net):
    eni = ec2.create_network_interface(SubnetId=net["subnet"], Ipv6AddressCount=2)["NetworkInterface"]["NetworkInterfaceId"]
    modify = ec2.modify_network_interface_attribute
    modify(NetworkInterfaceId=eni, EnablePrimaryIpv6=False)  # not enabled: nothing to do
    assert "Ipv6Address" not in interface(ec2, eni)
    first, second = ipv6_of(ec2, eni)
    modify(NetworkInterfaceId=eni, EnablePrimaryIpv6=True)
    after = interface(ec2, eni)
    assert after["Ipv6Address"] == first
    assert [(a["Ipv6Address"], a["IsPrimaryIpv6"]) for a in after["Ipv6Addresses"]] == [(first, True), (second, False)]
    modify(NetworkInterfaceId=eni, EnablePrimaryIpv6=True)
    assert interface(ec2, eni) == after
    assert_error("InvalidParameterValue", modify, NetworkInterfaceId=eni, EnablePrimaryIpv6=False, message="cannot be disabled")
    assert_error("InvalidParameterValue", ec2.unassign_ipv6_addresses, NetworkInterfaceId=eni, Ipv6Addresses=[first],
                 message="The primary IPv6 address of an interface cannot be unassigned.")
    assert interface(ec2, eni) == after


def test_enable_primary_ipv6_without_addresses_waits_for_the_first(ec2, net):
    eni = ec2.create_network_interface(SubnetId=net["subnet"])["NetworkInterface"]["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, EnablePrimaryIpv6=True)
    assert ipv6_of(ec2, eni) == []
    first, second = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni, Ipv6AddressCount=2)["AssignedIpv6Addresses"]
    after = interface(ec2, eni)
    assert after["Ipv6Address"] == first
    assert [a["IsPrimaryIpv6"] for a in after["Ipv6Addresses"]] == [True, False]
    # Created with it and no addresses: the same.
    later = ec2.create_network_interface(SubnetId=net["subnet"], EnablePrimaryIpv6=True)["NetworkInterface"]["NetworkInterfaceId"]
    [only] = ec2.assign_ipv6_addresses(NetworkInterfaceId=later, Ipv6AddressCount=1)["AssignedIpv6Addresses"]
    assert interface(ec2, later)["Ipv6Address"] == only


def test_enable_primary_ipv6_needs_an_ipv6_subnet(ec2, net):
    eni = net["eni"]("10.0.2.30", net["plain"])
    before = interface(ec2, eni)
    assert_error("InvalidParameterValue", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni, EnablePrimaryIpv6=True,
                 message="has no IPv6 CIDR block")
    assert interface(ec2, eni) == before
