"""DescribeAvailabilityZones through boto3 against the real server: each region's zones, the ones
CreateSubnet accepts, as AWS describes them; ZoneNames, ZoneIds, the documented filters, DryRun."""
import pytest

from helpers import assert_error

REGIONS = {
    "us-east-1": (["a", "b", "c", "d", "e", "f"], [1, 2, 3, 4, 5, 6]),
    "us-east-2": (["a", "b", "c"], [1, 2, 3]),
    "us-west-1": (["b", "c"], [1, 3]),
    "us-west-2": (["a", "b", "c", "d"], [1, 2, 3, 4]),
    "eu-west-1": (["a", "b", "c"], [1, 2, 3]),
    "eu-central-1": (["a", "b", "c"], [1, 2, 3]),
    "ap-southeast-1": (["a", "b", "c"], [1, 2, 3]),
    "ap-northeast-1": (["a", "c", "d"], [1, 2, 4]),
    # Not in mirrorlite's table: three zones, a to c.
    "sa-east-1": (["a", "b", "c"], [1, 2, 3]),
}
PREFIX = {"us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2", "eu-west-1": "euw1",
          "eu-central-1": "euc1", "ap-southeast-1": "apse1", "ap-northeast-1": "apne1", "sa-east-1": "sae1"}


def zones(ec2, **kwargs):
    return ec2.describe_availability_zones(**kwargs)["AvailabilityZones"]


def names(ec2, **kwargs):
    return [z["ZoneName"] for z in zones(ec2, **kwargs)]


def test_a_zone_is_described_as_aws_describes_one(ec2):
    first = zones(ec2)[0]
    assert first == {
        "ZoneName": "us-east-1a",
        "ZoneId": "use1-az1",
        "State": "available",
        "RegionName": "us-east-1",
        "ZoneType": "availability-zone",
        "OptInStatus": "opt-in-not-required",
        "GroupName": "us-east-1-zg-1",
        "GroupLongName": "US East (N. Virginia) 1",
        "NetworkBorderGroup": "us-east-1",
        "Messages": [],
    }


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_has_its_zones_and_subnets_go_in_them_only(server, region):
    letters, numbers = REGIONS[region]
    ec2 = server.client(region=region)
    described = zones(ec2)
    assert [(z["ZoneName"], z["ZoneId"]) for z in described] == \
        [(f"{region}{letter}", f"{PREFIX[region]}-az{n}") for letter, n in zip(letters, numbers)]
    assert {z["RegionName"] for z in described} == {region}
    # CreateSubnet takes exactly these, by name or by ID, and no other.
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i, zone in enumerate(described):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZoneId=zone["ZoneId"])["Subnet"]
        assert (subnet["AvailabilityZone"], subnet["AvailabilityZoneId"]) == (zone["ZoneName"], zone["ZoneId"])
    missing = next(f"{region}{letter}" for letter in "abcdefgh" if letter not in letters)
    message = assert_error("InvalidParameterValue", ec2.create_subnet, VpcId=vpc, CidrBlock="10.0.100.0/24", AvailabilityZone=missing)
    assert message.endswith("following availability zones: " + ", ".join(z["ZoneName"] for z in described) + ".")
    # A subnet created without a zone is in the region's first one.
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.101.0/24")["Subnet"]["AvailabilityZone"] == described[0]["ZoneName"]


def test_zone_names_and_ids_pick_zones(ec2):
    assert names(ec2, ZoneNames=["us-east-1c", "us-east-1a"]) == ["us-east-1a", "us-east-1c"]
    assert names(ec2, ZoneIds=["use1-az6"]) == ["us-east-1f"]
    assert names(ec2, ZoneNames=["us-east-1b"], ZoneIds=["use1-az4"]) == ["us-east-1b", "us-east-1d"]
    assert names(ec2, ZoneNames=["us-east-1b"], Filters=[{"Name": "zone-id", "Values": ["use1-az1"]}]) == []


def test_unknown_zones_are_invalid_parameter_value(ec2):
    assert_error("InvalidParameterValue", ec2.describe_availability_zones, ZoneNames=["us-east-1a", "us-east-1z", "us-east-1y"],
                 message="Invalid availability zone: [us-east-1z]")
    # A zone of another region is not one of the caller's region.
    assert_error("InvalidParameterValue", ec2.describe_availability_zones, ZoneNames=["eu-west-1a"], message="[eu-west-1a]")
    assert_error("InvalidParameterValue", ec2.describe_availability_zones, ZoneIds=["use1-az9"], message="[use1-az9]")


@pytest.mark.parametrize("name, values, expected", [
    ("zone-name", ["us-east-1b"], ["us-east-1b"]),
    ("zone-name", ["*[!a]"], []),
    ("zone-name", ["us-east-1?"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("zone-id", ["use1-az2", "use1-az3"], ["us-east-1b", "us-east-1c"]),
    ("state", ["available"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("state", ["impaired"], []),
    ("region-name", ["us-east-1"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("region-name", ["us-west-2"], []),
    ("zone-type", ["local-zone"], []),
    ("zone-type", ["availability-zone"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("group-name", ["us-east-1-zg-1"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("group-long-name", ["US East*"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("opt-in-status", ["not-opted-in"], []),
    ("opt-in-status", ["opt-in-not-required"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("message", ["*"], []),
    ("parent-zone-name", ["us-east-1a"], []),
    ("parent-zone-id", ["use1-az1"], []),
    ("tag:Name", ["x"], []),
])
def test_every_documented_filter(ec2, name, values, expected):
    assert names(ec2, Filters=[{"Name": name, "Values": values}]) == expected


def test_filters_are_anded_and_all_availability_zones_adds_nothing(ec2):
    both = [{"Name": "state", "Values": ["available"]}, {"Name": "zone-id", "Values": ["use1-az5"]}]
    assert names(ec2, Filters=both) == ["us-east-1e"]
    assert names(ec2, AllAvailabilityZones=True) == names(ec2)
    assert names(ec2, AllAvailabilityZones=True, Filters=[{"Name": "opt-in-status", "Values": ["opted-in", "not-opted-in"]}]) == []


def test_filter_errors_and_dry_run(ec2):
    assert_error("InvalidParameterValue", ec2.describe_availability_zones, Filters=[{"Name": "availability-zone", "Values": ["x"]}],
                 message="The filter 'availability-zone' is invalid")
    assert_error("InvalidParameterValue", ec2.describe_availability_zones, Filters=[{"Name": "state", "Values": []}])
    assert_error("DryRunOperation", ec2.describe_availability_zones, DryRun=True, status=412)
