"""ModifySubnetAttribute and ModifyNetworkInterfaceAttribute through boto3 against the real server:
what Terraform's aws_subnet and aws_network_interface change after create and in place."""
import pytest

from helpers import assert_error


@pytest.fixture
def subnet(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"].replace("/56", "/64")
    return ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=block)["Subnet"]


def described(ec2, subnet_id):
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


# --- ModifySubnetAttribute ---


def test_each_subnet_attribute_changes_alone(ec2, subnet):
    subnet_id = subnet["SubnetId"]
    before = described(ec2, subnet_id)
    changes = [
        ({"MapPublicIpOnLaunch": {"Value": True}}, {"MapPublicIpOnLaunch": True}),
        ({"AssignIpv6AddressOnCreation": {"Value": True}}, {"AssignIpv6AddressOnCreation": True}),
        ({"EnableDns64": {"Value": True}}, {"EnableDns64": True}),
        ({"PrivateDnsHostnameTypeOnLaunch": "resource-name"}, {"PrivateDnsNameOptionsOnLaunch": {**before["PrivateDnsNameOptionsOnLaunch"], "HostnameType": "resource-name"}}),
        ({"EnableResourceNameDnsARecordOnLaunch": {"Value": True}}, {"PrivateDnsNameOptionsOnLaunch": {"HostnameType": "resource-name", "EnableResourceNameDnsARecord": True, "EnableResourceNameDnsAAAARecord": False}}),
        ({"EnableResourceNameDnsAAAARecordOnLaunch": {"Value": True}}, {"PrivateDnsNameOptionsOnLaunch": {"HostnameType": "resource-name", "EnableResourceNameDnsARecord": True, "EnableResourceNameDnsAAAARecord": True}}),
        ({"MapPublicIpOnLaunch": {"Value": False}}, {"MapPublicIpOnLaunch": False}),
    ]
    expected = dict(before)
    for parameters, effect in changes:
        ec2.modify_subnet_attribute(SubnetId=subnet_id, **parameters)
        expected.update(effect)
        assert described(ec2, subnet_id) == expected, parameters


def test_one_subnet_attribute_per_call(ec2, subnet):
    subnet_id = subnet["SubnetId"]
    assert_error("InvalidParameterCombination", ec2.modify_subnet_attribute, SubnetId=subnet_id,
                 MapPublicIpOnLaunch={"Value": True}, EnableDns64={"Value": True},
                 message="Fields for multiple attribute types specified: mapPublicIpOnLaunch, enableDns64")
    assert_error("MissingParameter", ec2.modify_subnet_attribute, SubnetId=subnet_id)
    assert described(ec2, subnet_id) == subnet | {"AvailableIpAddressCount": 251}


def test_subnet_attribute_errors(ec2, subnet):
    assert_error("InvalidSubnetID.NotFound", ec2.modify_subnet_attribute, SubnetId="subnet-0123456789abcdef0", MapPublicIpOnLaunch={"Value": True})
    assert_error("InvalidSubnetID.Malformed", ec2.modify_subnet_attribute, SubnetId="nope", MapPublicIpOnLaunch={"Value": True})
    assert_error("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=subnet["SubnetId"], PrivateDnsHostnameTypeOnLaunch="fqdn")
    assert_error("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=subnet["SubnetId"], MapCustomerOwnedIpOnLaunch={"Value": True},
                 message="not supported by mirrorlite")
    assert_error("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=subnet["SubnetId"], EnableLniAtDeviceIndex=1)


# --- ModifyNetworkInterfaceAttribute ---


@pytest.fixture
def eni(ec2, subnet):
    return ec2.create_network_interface(SubnetId=subnet["SubnetId"], Description="before")["NetworkInterface"]


def interface(ec2, eni_id):
    return ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]


def test_description_source_dest_check_groups_and_tracking_change_in_place(ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    default_group = eni["Groups"][0]
    ids = ec2.create_security_group(GroupName="ids", Description="ids", VpcId=eni["VpcId"])["GroupId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Description={"Value": "ids appliance"})
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck={"Value": False})
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[default_group["GroupId"], ids])
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, ConnectionTrackingSpecification={"UdpTimeout": 45})
    after = interface(ec2, eni_id)
    assert after["Description"] == "ids appliance"
    assert after["SourceDestCheck"] is False
    assert after["Groups"] == [default_group, {"GroupId": ids, "GroupName": "ids"}]
    assert after["ConnectionTrackingConfiguration"] == {"UdpTimeout": 45}
    assert {k: v for k, v in after.items() if k not in ("Description", "SourceDestCheck", "Groups", "ConnectionTrackingConfiguration")} == \
        {k: v for k, v in eni.items() if k not in ("Description", "SourceDestCheck", "Groups", "ConnectionTrackingConfiguration")}
    # The filters see the change.
    found = ec2.describe_network_interfaces(Filters=[{"Name": "source-dest-check", "Values": ["false"]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni_id]


def test_one_interface_attribute_per_call(ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    assert_error("InvalidParameterCombination", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id,
                 Description={"Value": "x"}, SourceDestCheck={"Value": False},
                 message="Fields for multiple attribute types specified: description, sourceDestCheck")
    assert_error("MissingParameter", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id)
    assert interface(ec2, eni_id) == eni


def test_interface_attribute_errors(server, ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.modify_network_interface_attribute, NetworkInterfaceId="eni-0123456789abcdef0", SourceDestCheck={"Value": False})
    assert_error("InvalidNetworkInterfaceId.Malformed", ec2.modify_network_interface_attribute, NetworkInterfaceId="nic", SourceDestCheck={"Value": False})
    assert_error("InvalidGroupId.Malformed", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, Groups=["default"])
    assert_error("InvalidParameterValue", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, Description={"Value": "x" * 256})
    assert_error("InvalidParameterValue", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, ConnectionTrackingSpecification={"UdpTimeout": 10})
    assert_error("InvalidParameterValue", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id,
                 Attachment={"AttachmentId": "eni-attach-0123456789abcdef0", "DeleteOnTermination": True}, message="not supported by mirrorlite")
    # Another VPC's default group belongs to another network.
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    [other_group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [other_vpc]}])["SecurityGroups"]
    assert_error("InvalidParameter", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, Groups=[other_group["GroupId"]])
    assert_error("DryRunOperation", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, SourceDestCheck={"Value": False}, DryRun=True, status=412)
    assert interface(ec2, eni_id) == eni
