"""CreateTags, DeleteTags and DescribeTags on every kind of resource, with boto3."""
import pytest

from helpers import Topology, assert_error, paginate_all


@pytest.fixture
def topo(ec2):
    return Topology(ec2)


def tags_of(ec2, resource_id):
    rows = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["Tags"]
    return {row["Key"]: row["Value"] for row in rows}


def every_kind(ec2, topo):
    filt = topo.filter()
    rule = ec2.create_traffic_mirror_filter_rule(TrafficMirrorFilterId=filt, TrafficDirection="ingress", RuleNumber=1,
                                                 RuleAction="accept", SourceCidrBlock="0.0.0.0/0", DestinationCidrBlock="0.0.0.0/0")
    session = topo.session(filter=filt)
    return {
        "vpc": topo.vpc, "subnet": topo.subnet, "network-interface": session["NetworkInterfaceId"],
        "traffic-mirror-filter": filt, "traffic-mirror-filter-rule": rule["TrafficMirrorFilterRule"]["TrafficMirrorFilterRuleId"],
        "traffic-mirror-session": session["TrafficMirrorSessionId"], "traffic-mirror-target": session["TrafficMirrorTargetId"],
    }


def test_create_tags_on_every_kind(ec2, topo):
    ids = every_kind(ec2, topo)
    ec2.create_tags(Resources=list(ids.values()), Tags=[{"Key": "Name", "Value": "x"}, {"Key": "team", "Value": ""}])
    for resource_type, resource_id in ids.items():
        rows = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["Tags"]
        assert rows == [
            {"Key": "Name", "Value": "x", "ResourceId": resource_id, "ResourceType": resource_type},
            {"Key": "team", "Value": "", "ResourceId": resource_id, "ResourceType": resource_type},
        ]
    # Tags show on the resources themselves.
    assert ec2.describe_traffic_mirror_sessions()["TrafficMirrorSessions"][0]["Tags"] == [{"Key": "Name", "Value": "x"}, {"Key": "team", "Value": ""}]
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[ids["network-interface"]])["NetworkInterfaces"][0]["TagSet"][0] == {"Key": "Name", "Value": "x"}


def test_create_tags_overwrites_values(ec2, topo):
    filt = topo.filter()
    ec2.create_tags(Resources=[filt], Tags=[{"Key": "a", "Value": "1"}])
    ec2.create_tags(Resources=[filt], Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert tags_of(ec2, filt) == {"a": "2", "b": "3"}


def test_delete_tags_semantics(ec2, topo):
    filt = topo.filter()
    ec2.create_tags(Resources=[filt], Tags=[{"Key": k, "Value": v} for k, v in [("a", "1"), ("b", "2"), ("c", "3")]])
    ec2.delete_tags(Resources=[filt], Tags=[{"Key": "a", "Value": "other"}])
    assert tags_of(ec2, filt) == {"a": "1", "b": "2", "c": "3"}
    ec2.delete_tags(Resources=[filt], Tags=[{"Key": "a", "Value": "1"}, {"Key": "b"}])
    assert tags_of(ec2, filt) == {"c": "3"}
    ec2.delete_tags(Resources=[filt])
    assert tags_of(ec2, filt) == {}


def test_unknown_resources(ec2, topo):
    filt = topo.filter()
    assert_error("InvalidTrafficMirrorSessionId.NotFound", ec2.create_tags, Resources=["tms-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
    assert_error("InvalidVpcID.NotFound", ec2.create_tags, Resources=["vpc-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
    assert_error("InvalidID", ec2.create_tags, Resources=["i-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
    assert_error("InvalidID", ec2.delete_tags, Resources=["nonsense"])
    # All or nothing: the existing resource was not tagged either.
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.create_tags, Resources=[filt, "tmt-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])
    assert tags_of(ec2, filt) == {}


def test_tag_key_and_value_rules(ec2, topo):
    filt = topo.filter()
    assert_error("InvalidTagKey.Malformed", ec2.create_tags, Resources=[filt], Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert_error("InvalidTagKey.Malformed", ec2.create_tags, Resources=[filt], Tags=[{"Key": "", "Value": "x"}])
    assert_error("InvalidParameterValue", ec2.create_tags, Resources=[filt], Tags=[{"Key": "k" * 128, "Value": "x"}])
    assert_error("InvalidParameterValue", ec2.create_tags, Resources=[filt], Tags=[{"Key": "k", "Value": "v" * 257}])
    assert_error("MissingParameter", ec2.create_tags, Resources=[filt], Tags=[])
    ec2.create_tags(Resources=[filt], Tags=[{"Key": "k" * 127, "Value": "v" * 256}])
    ec2.create_tags(Resources=[filt], Tags=[{"Key": f"k{i}", "Value": ""} for i in range(49)])
    assert_error("TagLimitExceeded", ec2.create_tags, Resources=[filt], Tags=[{"Key": "one-too-many", "Value": ""}])
    assert len(tags_of(ec2, filt)) == 50


def test_describe_tags_filters_and_pagination(ec2, topo):
    ids = every_kind(ec2, topo)
    ec2.create_tags(Resources=[ids["vpc"], ids["traffic-mirror-session"]], Tags=[{"Key": "env", "Value": "prod"}])
    ec2.create_tags(Resources=[ids["traffic-mirror-filter"]], Tags=[{"Key": "env", "Value": "dev"}, {"Key": "owner", "Value": "me"}])
    rows = lambda *fs: [(r["ResourceId"], r["Key"]) for r in ec2.describe_tags(Filters=[{"Name": n, "Values": v} for n, v in fs])["Tags"]]
    assert rows(("key", ["env"])) == [(ids["vpc"], "env"), (ids["traffic-mirror-filter"], "env"), (ids["traffic-mirror-session"], "env")]
    assert rows(("value", ["prod"])) == [(ids["vpc"], "env"), (ids["traffic-mirror-session"], "env")]
    assert rows(("value", ["d*"])) == [(ids["traffic-mirror-filter"], "env")]
    assert rows(("resource-type", ["traffic-mirror-filter"])) == [(ids["traffic-mirror-filter"], "env"), (ids["traffic-mirror-filter"], "owner")]
    assert rows(("resource-id", [ids["vpc"]])) == [(ids["vpc"], "env")]
    assert rows(("tag:owner", ["me"])) == [(ids["traffic-mirror-filter"], "env"), (ids["traffic-mirror-filter"], "owner")]
    assert_error("InvalidParameterValue", ec2.describe_tags, Filters=[{"Name": "colour", "Values": ["x"]}])
    ec2.create_tags(Resources=[ids["subnet"]], Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(9)])
    items, sizes = paginate_all(ec2.describe_tags, "Tags", MaxResults=5)
    assert len(items) == 13 and sizes == [5, 5, 3]
    assert_error("InvalidParameterValue", ec2.describe_tags, MaxResults=4)


def test_dry_run(ec2, topo):
    filt = topo.filter()
    assert_error("DryRunOperation", ec2.create_tags, Resources=[filt], Tags=[{"Key": "a", "Value": "b"}], DryRun=True, status=412)
    assert tags_of(ec2, filt) == {}


def test_tags_are_per_account(server, ec2, topo):
    filt = topo.filter()
    other = server.client()
    assert_error("InvalidTrafficMirrorFilterId.NotFound", other.create_tags, Resources=[filt], Tags=[{"Key": "a", "Value": "b"}])
    ec2.create_tags(Resources=[filt], Tags=[{"Key": "a", "Value": "b"}])
    assert other.describe_tags()["Tags"] == []


def test_too_many_tags_at_create_names_no_resource_and_creates_none(ec2, topo):
    before = ec2.describe_traffic_mirror_filters()["TrafficMirrorFilters"]
    tags = [{"Key": f"k{i}", "Value": ""} for i in range(51)]
    message = assert_error(
        "TagLimitExceeded", ec2.create_traffic_mirror_filter,
        TagSpecifications=[{"ResourceType": "traffic-mirror-filter", "Tags": tags}],
        message="The maximum number of tags per resource (50) has been exceeded.",
    )
    # The refusal rolled the create back: the message may not name an ID that never existed.
    assert "tmf-" not in message
    assert ec2.describe_traffic_mirror_filters()["TrafficMirrorFilters"] == before
