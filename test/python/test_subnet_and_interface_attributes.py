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


# --- DescribeNetworkInterfaceAttribute and ResetNetworkInterfaceAttribute ---


def test_each_interface_attribute_is_described_alone(ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    ids = ec2.create_security_group(GroupName="ids", Description="ids", VpcId=eni["VpcId"])["GroupId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[eni["Groups"][0]["GroupId"], ids])

    def attribute(name):
        answer = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni_id, Attribute=name)
        answer.pop("ResponseMetadata")
        return answer

    assert attribute("description") == {"NetworkInterfaceId": eni_id, "Description": {"Value": "before"}}
    assert attribute("groupSet") == {"NetworkInterfaceId": eni_id, "Groups": [eni["Groups"][0], {"GroupId": ids, "GroupName": "ids"}]}
    assert attribute("sourceDestCheck") == {"NetworkInterfaceId": eni_id, "SourceDestCheck": {"Value": True}}
    # Never attached to an instance here, never given a public address.
    assert attribute("attachment") == {"NetworkInterfaceId": eni_id}
    assert attribute("associatePublicIpAddress") == {"NetworkInterfaceId": eni_id, "AssociatePublicIpAddress": False}


def test_reset_source_dest_check_and_read_it_back(ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck={"Value": False})
    check = lambda: ec2.describe_network_interface_attribute(NetworkInterfaceId=eni_id, Attribute="sourceDestCheck")["SourceDestCheck"]
    assert check() == {"Value": False}
    # DryRun resets nothing.
    assert_error("DryRunOperation", ec2.reset_network_interface_attribute, NetworkInterfaceId=eni_id, SourceDestCheck="true", DryRun=True, status=412)
    assert check() == {"Value": False}
    # "Resets the value to true", whatever the (string) value given.
    ec2.reset_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck="false")
    assert check() == {"Value": True}
    assert interface(ec2, eni_id) == eni
    ec2.reset_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck="true")
    assert interface(ec2, eni_id) == eni


def test_the_resource_api_describes_and_resets_attributes(server, account, eni):
    import boto3
    resource = boto3.resource("ec2", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=account, aws_secret_access_key="x")
    nic = resource.NetworkInterface(eni["NetworkInterfaceId"])
    nic.modify_attribute(SourceDestCheck={"Value": False})
    assert nic.describe_attribute(Attribute="sourceDestCheck")["SourceDestCheck"] == {"Value": False}
    nic.reset_attribute(SourceDestCheck="true")
    assert nic.describe_attribute(Attribute="sourceDestCheck")["SourceDestCheck"] == {"Value": True}
    assert nic.describe_attribute(Attribute="description")["Description"] == {"Value": "before"}


def test_describe_and_reset_attribute_errors(server, ec2, eni):
    eni_id = eni["NetworkInterfaceId"]
    for call, kwargs in [(ec2.describe_network_interface_attribute, {"Attribute": "description"}),
                         (ec2.reset_network_interface_attribute, {"SourceDestCheck": "true"})]:
        assert_error("InvalidNetworkInterfaceID.NotFound", call, NetworkInterfaceId="eni-0123456789abcdef0", **kwargs)
        assert_error("InvalidNetworkInterfaceId.Malformed", call, NetworkInterfaceId="nic", **kwargs)
        # Another account's interface does not exist for the caller.
        assert_error("InvalidNetworkInterfaceID.NotFound", getattr(server.client(), call.__name__), NetworkInterfaceId=eni_id, **kwargs)
    assert_error("MissingParameter", ec2.describe_network_interface_attribute, NetworkInterfaceId=eni_id, message="Attribute")
    assert_error("MissingParameter", ec2.reset_network_interface_attribute, NetworkInterfaceId=eni_id, message="SourceDestCheck")
    assert_error("MissingParameter", ec2.describe_network_interface_attribute, NetworkInterfaceId="", Attribute="description")
    assert_error("DryRunOperation", ec2.describe_network_interface_attribute, NetworkInterfaceId=eni_id, Attribute="groupSet", DryRun=True, status=412)
