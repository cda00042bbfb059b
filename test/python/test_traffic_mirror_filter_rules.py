"""Traffic mirror filter rules through boto3: CreateTrafficMirrorFilterRule,
DescribeTrafficMirrorFilterRules, ModifyTrafficMirrorFilterRule and DeleteTrafficMirrorFilterRule
against the real server."""
import re

import boto3
import pytest
from botocore.config import Config

from helpers import assert_error, paginate_all

RULE_ID = re.compile(r"^tmfr-[0-9a-f]{17}$")
CIDRS = dict(SourceCidrBlock="0.0.0.0/0", DestinationCidrBlock="10.0.0.0/8")
MISSING_RULE = "tmfr-0123456789abcdef0"


def new_filter(ec2, **kwargs):
    return ec2.create_traffic_mirror_filter(**kwargs)["TrafficMirrorFilter"]["TrafficMirrorFilterId"]


def create(ec2, filter_id, direction="ingress", number=1, action="accept", **kwargs):
    return ec2.create_traffic_mirror_filter_rule(
        TrafficMirrorFilterId=filter_id, TrafficDirection=direction, RuleNumber=number, RuleAction=action, **{**CIDRS, **kwargs}
    )


def add_rule(ec2, filter_id, direction="ingress", number=1, **kwargs):
    return create(ec2, filter_id, direction, number, **kwargs)["TrafficMirrorFilterRule"]


def rules(ec2, **kwargs):
    return ec2.describe_traffic_mirror_filter_rules(**kwargs)["TrafficMirrorFilterRules"]


def rule_ids(ec2, **kwargs):
    return [r["TrafficMirrorFilterRuleId"] for r in rules(ec2, **kwargs)]


def described(ec2, rule_id):
    [rule] = rules(ec2, TrafficMirrorFilterRuleIds=[rule_id])
    return rule


def modify(ec2, rule_id, **kwargs):
    return ec2.modify_traffic_mirror_filter_rule(TrafficMirrorFilterRuleId=rule_id, **kwargs)["TrafficMirrorFilterRule"]


def tag_spec(resource_type, **tags):
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


@pytest.fixture
def fid(ec2):
    return new_filter(ec2)


# --- CreateTrafficMirrorFilterRule -----------------------------------------------------------------

def test_a_minimal_rule_leaves_protocol_ports_and_description_out(ec2, fid):
    response = create(ec2, fid, "egress", 100, "reject", ClientToken="tok-1")
    rule = response["TrafficMirrorFilterRule"]
    assert RULE_ID.match(rule["TrafficMirrorFilterRuleId"])
    assert rule == {
        "TrafficMirrorFilterRuleId": rule["TrafficMirrorFilterRuleId"], "TrafficMirrorFilterId": fid,
        "TrafficDirection": "egress", "RuleNumber": 100, "RuleAction": "reject",
        "SourceCidrBlock": "0.0.0.0/0", "DestinationCidrBlock": "10.0.0.0/8", "Tags": [],
    }
    assert response["ClientToken"] == "tok-1"
    assert described(ec2, rule["TrafficMirrorFilterRuleId"]) == rule


def test_a_full_rule_is_kept_as_written(ec2, fid):
    rule = add_rule(ec2, fid, "ingress", 10, Protocol=6, Description="web",
                    DestinationPortRange={"FromPort": 80, "ToPort": 443}, SourcePortRange={"FromPort": 1024, "ToPort": 65535},
                    SourceCidrBlock="::/0", DestinationCidrBlock="2001:db8::/32",
                    TagSpecifications=tag_spec("traffic-mirror-filter-rule", Name="r1"))
    assert {k: rule[k] for k in ("Protocol", "Description", "DestinationPortRange", "SourcePortRange",
                                 "SourceCidrBlock", "DestinationCidrBlock", "Tags")} == {
        "Protocol": 6, "Description": "web",
        "DestinationPortRange": {"FromPort": 80, "ToPort": 443}, "SourcePortRange": {"FromPort": 1024, "ToPort": 65535},
        "SourceCidrBlock": "::/0", "DestinationCidrBlock": "2001:db8::/32", "Tags": [{"Key": "Name", "Value": "r1"}],
    }
    assert described(ec2, rule["TrafficMirrorFilterRuleId"]) == rule


def test_a_port_range_with_one_bound_is_open_on_the_other_side(ec2, fid):
    to_only = add_rule(ec2, fid, number=1, Protocol=17, DestinationPortRange={"ToPort": 53})
    from_only = add_rule(ec2, fid, number=2, Protocol=6, SourcePortRange={"FromPort": 1024})
    assert to_only["DestinationPortRange"] == {"FromPort": 0, "ToPort": 53}
    assert from_only["SourcePortRange"] == {"FromPort": 1024, "ToPort": 65535}
    assert described(ec2, from_only["TrafficMirrorFilterRuleId"])["SourcePortRange"] == {"FromPort": 1024, "ToPort": 65535}


@pytest.mark.parametrize("kwargs, parameter, value", [
    (dict(number=0), "RuleNumber", "0"),
    (dict(number=32767), "RuleNumber", "32767"),
    (dict(Protocol=256), "Protocol", "256"),
    (dict(Protocol=-1), "Protocol", "-1"),
    (dict(Protocol=6, DestinationPortRange={"FromPort": 0, "ToPort": 65536}), "DestinationPortRange.ToPort", "65536"),
    (dict(Protocol=6, SourcePortRange={"FromPort": -1, "ToPort": 10}), "SourcePortRange.FromPort", "-1"),
    (dict(Protocol=6, DestinationPortRange={"FromPort": 443, "ToPort": 80}), "DestinationPortRange.FromPort", "443"),
    (dict(Protocol=1, DestinationPortRange={"FromPort": 80, "ToPort": 80}), "DestinationPortRange", "80-80"),
    (dict(SourcePortRange={"FromPort": 80, "ToPort": 81}), "SourcePortRange", "80-81"),
    (dict(SourceCidrBlock="10.0.0.0/33"), "SourceCidrBlock", "10.0.0.0/33"),
    (dict(DestinationCidrBlock="10.0.0.0"), "DestinationCidrBlock", "10.0.0.0"),
    (dict(DestinationCidrBlock="::/0"), "DestinationCidrBlock", "::/0"),
    (dict(Description="d" * 256), "Description", "ddd"),
    (dict(action="allow"), "RuleAction", "allow"),
    (dict(direction="inbound"), "TrafficDirection", "inbound"),
])
def test_invalid_values_name_parameter_and_value_and_create_nothing(ec2, fid, kwargs, parameter, value):
    message = assert_error("InvalidParameterValue", create, ec2, fid, **kwargs)
    assert f"parameter {parameter} " in message and f"({value}" in message, message
    assert rules(ec2) == []


def test_ports_with_tcp_or_udp_and_boundary_values_are_accepted(ec2, fid):
    add_rule(ec2, fid, number=1, Protocol=6, DestinationPortRange={"FromPort": 0, "ToPort": 65535})
    add_rule(ec2, fid, number=32766, Protocol=17, SourcePortRange={"FromPort": 53, "ToPort": 53})
    add_rule(ec2, fid, "egress", 1, Protocol=0, Description="d" * 255)
    add_rule(ec2, fid, "egress", 2, Protocol=255)
    assert [r["RuleNumber"] for r in rules(ec2)] == [1, 32766, 1, 2]


def test_missing_required_parameters(server, account, fid):
    raw = boto3.client("ec2", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=account,
                       aws_secret_access_key="secret", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    assert_error("MissingParameter", raw.create_traffic_mirror_filter_rule, TrafficMirrorFilterId=fid, TrafficDirection="ingress",
                 RuleNumber=1, RuleAction="accept", SourceCidrBlock="0.0.0.0/0",
                 message="The request must contain the parameter DestinationCidrBlock")
    assert_error("MissingParameter", raw.modify_traffic_mirror_filter_rule, RuleNumber=2,
                 message="The request must contain the parameter TrafficMirrorFilterRuleId")


def test_the_filter_must_exist(ec2):
    assert_error("InvalidTrafficMirrorFilterId.NotFound", create, ec2, "tmf-0123456789abcdef0", message="tmf-0123456789abcdef0")


def test_a_rule_number_is_unique_per_direction(ec2, fid):
    first = add_rule(ec2, fid, "ingress", 5)
    message = assert_error("TrafficMirrorFilterRuleAlreadyExists", create, ec2, fid, "ingress", 5)
    assert "5" in message
    other_direction = add_rule(ec2, fid, "egress", 5)
    other_filter = add_rule(ec2, new_filter(ec2), "ingress", 5)
    assert rule_ids(ec2) == [first["TrafficMirrorFilterRuleId"], other_direction["TrafficMirrorFilterRuleId"],
                             other_filter["TrafficMirrorFilterRuleId"]]


def test_tag_specifications_must_name_the_rule_type(ec2, fid):
    assert_error("InvalidParameterValue", create, ec2, fid, TagSpecifications=tag_spec("traffic-mirror-filter", k="v"),
                 message="'traffic-mirror-filter' is not a valid taggable resource type")
    assert rules(ec2) == []


def test_client_token_retries(ec2, fid):
    first = create(ec2, fid, number=1, ClientToken="rule-token")
    again = create(ec2, fid, number=1, ClientToken="rule-token")
    assert again["TrafficMirrorFilterRule"] == first["TrafficMirrorFilterRule"] and again["ClientToken"] == "rule-token"
    assert_error("IdempotentParameterMismatch", create, ec2, fid, number=2, ClientToken="rule-token")
    assert rule_ids(ec2) == [first["TrafficMirrorFilterRule"]["TrafficMirrorFilterRuleId"]]


def test_no_client_token_element_when_none_was_sent(ec2, fid):
    def drop(params, **_):
        params["body"].pop("ClientToken", None)

    ec2.meta.events.register("before-call.ec2.CreateTrafficMirrorFilterRule", drop)
    response = create(ec2, fid)
    assert "ClientToken" not in response and response["TrafficMirrorFilterRule"]["RuleNumber"] == 1


def test_the_rule_quota_counts_both_directions_and_is_configurable(make_server):
    s = make_server("--quota", "rules-per-filter=3")
    ec2 = s.client()
    fid = new_filter(ec2)
    add_rule(ec2, fid, "ingress", 1)
    add_rule(ec2, fid, "ingress", 2)
    egress = add_rule(ec2, fid, "egress", 1)
    assert_error("TrafficMirrorFilterRuleLimitExceeded", create, ec2, fid, "egress", 2, message="3")
    assert len(rules(ec2)) == 3
    assert add_rule(ec2, new_filter(ec2), "egress", 2)  # per filter
    ec2.delete_traffic_mirror_filter_rule(TrafficMirrorFilterRuleId=egress["TrafficMirrorFilterRuleId"])
    assert add_rule(ec2, fid, "egress", 2)


# --- DescribeTrafficMirrorFilterRules --------------------------------------------------------------

def test_describe_orders_by_filter_then_ingress_first_then_rule_number(ec2):
    first, second = new_filter(ec2), new_filter(ec2)
    layout = [(second, "ingress", 3), (first, "egress", 2), (first, "ingress", 9), (second, "egress", 1),
              (first, "ingress", 4), (first, "egress", 1)]
    for filter_id, direction, number in layout:
        add_rule(ec2, filter_id, direction, number)
    order = [(r["TrafficMirrorFilterId"], r["TrafficDirection"], r["RuleNumber"]) for r in rules(ec2)]
    assert order == [(first, "ingress", 4), (first, "ingress", 9), (first, "egress", 1), (first, "egress", 2),
                     (second, "ingress", 3), (second, "egress", 1)]
    assert [(r["TrafficDirection"], r["RuleNumber"]) for r in rules(ec2, TrafficMirrorFilterId=second)] == [("ingress", 3), ("egress", 1)]


def test_describe_by_ids_and_by_filter_id(ec2, fid):
    a = add_rule(ec2, fid, number=2)["TrafficMirrorFilterRuleId"]
    b = add_rule(ec2, fid, number=1)["TrafficMirrorFilterRuleId"]
    other = add_rule(ec2, new_filter(ec2))["TrafficMirrorFilterRuleId"]
    assert rule_ids(ec2, TrafficMirrorFilterRuleIds=[a, other, b]) == [b, a, other]
    message = assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", rules, ec2, TrafficMirrorFilterRuleIds=[a, MISSING_RULE])
    assert MISSING_RULE in message and a not in message
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", rules, ec2, TrafficMirrorFilterRuleIds=["tmf-0123456789abcdef0"])
    # TrafficMirrorFilterId narrows, as a filter would; a rule of another filter is simply not in it.
    assert rule_ids(ec2, TrafficMirrorFilterId=fid) == [b, a]
    assert rule_ids(ec2, TrafficMirrorFilterId=fid, TrafficMirrorFilterRuleIds=[other, a]) == [a]
    assert rule_ids(ec2, TrafficMirrorFilterId=new_filter(ec2)) == []
    for unknown in ["tmf-0123456789abcdef0", "nonsense"]:
        assert_error("InvalidTrafficMirrorFilterId.NotFound", rules, ec2, TrafficMirrorFilterId=unknown, message=unknown)


def test_every_describe_filter_name(ec2):
    web = new_filter(ec2)
    dns = new_filter(ec2)
    r1 = add_rule(ec2, web, "ingress", 10, Protocol=6, DestinationPortRange={"FromPort": 443, "ToPort": 443},
                  Description="https in", TagSpecifications=tag_spec("traffic-mirror-filter-rule", env="prod", tier="web"))
    r2 = add_rule(ec2, web, "egress", 20, action="reject", Description="all out", SourceCidrBlock="10.1.0.0/16",
                  TagSpecifications=tag_spec("traffic-mirror-filter-rule", env="dev"))
    r3 = add_rule(ec2, dns, "ingress", 100, Protocol=17, SourceCidrBlock="::/0", DestinationCidrBlock="2001:db8::/64")
    r1, r2, r3 = (r["TrafficMirrorFilterRuleId"] for r in (r1, r2, r3))

    def by(name, *values):
        return rule_ids(ec2, Filters=[{"Name": name, "Values": list(values)}])

    assert by("traffic-mirror-filter-rule-id", r3, r1) == [r1, r3]
    assert by("traffic-mirror-filter-id", dns) == [r3]
    assert by("rule-number", "20") == [r2]
    assert by("rule-number", "1*") == [r1, r3]
    assert by("rule-action", "reject") == [r2]
    assert by("traffic-direction", "ingress") == [r1, r3]
    assert by("protocol", "6", "17") == [r1, r3]
    assert by("protocol", "*") == [r1, r3]  # a rule without a protocol has no value to match
    assert by("source-cidr-block", "10.1.0.0/16") == [r2]
    assert by("source-cidr-block", "::/0") == [r3]
    assert by("destination-cidr-block", "2001:db8:*") == [r3]
    assert by("description", "https in") == [r1]
    assert by("description", "*out") == [r2]
    assert by("description", "?ll out", "https*") == [r1, r2]
    assert by("tag:env", "prod") == [r1]
    assert by("tag-key", "env") == [r1, r2]
    assert by("tag:tier", "w?b") == [r1]
    assert rule_ids(ec2, Filters=[{"Name": "traffic-direction", "Values": ["ingress"]},
                                  {"Name": "traffic-mirror-filter-id", "Values": [web]}]) == [r1]
    assert_error("InvalidParameterValue", rules, ec2, Filters=[{"Name": "port", "Values": ["1"]}], message="The filter 'port' is invalid")


def test_pagination_over_twelve_rules(ec2):
    first, second = new_filter(ec2), new_filter(ec2)
    for n in range(10):
        add_rule(ec2, first, "ingress" if n % 2 else "egress", n + 1)
    for n in range(2):
        add_rule(ec2, second, "egress", n + 1)
    everything = rule_ids(ec2)
    items, sizes = paginate_all(ec2.describe_traffic_mirror_filter_rules, "TrafficMirrorFilterRules", MaxResults=5)
    assert sizes == [5, 5, 2] and [r["TrafficMirrorFilterRuleId"] for r in items] == everything
    items, sizes = paginate_all(ec2.describe_traffic_mirror_filter_rules, "TrafficMirrorFilterRules", MaxResults=5,
                                TrafficMirrorFilterId=first)
    assert sizes == [5, 5] and [r["TrafficMirrorFilterRuleId"] for r in items] == everything[:10]

    token = ec2.describe_traffic_mirror_filter_rules(MaxResults=5, TrafficMirrorFilterId=first)["NextToken"]
    assert_error("InvalidNextToken", rules, ec2, MaxResults=5, NextToken=token, TrafficMirrorFilterId=second)
    assert_error("InvalidNextToken", rules, ec2, MaxResults=5, NextToken=token)
    assert_error("InvalidNextToken", rules, ec2, MaxResults=5, NextToken="bogus")
    assert_error("InvalidParameterCombination", rules, ec2, MaxResults=5, TrafficMirrorFilterRuleIds=everything[:1])
    assert_error("InvalidParameterValue", rules, ec2, MaxResults=1001,
                 message="Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.")


# --- ModifyTrafficMirrorFilterRule -----------------------------------------------------------------

def test_modify_every_field_returns_the_rule_without_tags(ec2, fid):
    rule = add_rule(ec2, fid, "ingress", 1, TagSpecifications=tag_spec("traffic-mirror-filter-rule", Name="r"))
    rid = rule["TrafficMirrorFilterRuleId"]
    changed = modify(ec2, rid, TrafficDirection="egress", RuleNumber=7, RuleAction="reject", Protocol=17,
                     DestinationPortRange={"FromPort": 53, "ToPort": 53}, SourcePortRange={"FromPort": 1000, "ToPort": 2000},
                     SourceCidrBlock="192.168.0.0/16", DestinationCidrBlock="172.16.0.0/12", Description="changed")
    expected = {
        "TrafficMirrorFilterRuleId": rid, "TrafficMirrorFilterId": fid, "TrafficDirection": "egress", "RuleNumber": 7,
        "RuleAction": "reject", "Protocol": 17, "DestinationPortRange": {"FromPort": 53, "ToPort": 53},
        "SourcePortRange": {"FromPort": 1000, "ToPort": 2000}, "SourceCidrBlock": "192.168.0.0/16",
        "DestinationCidrBlock": "172.16.0.0/12", "Description": "changed",
    }
    assert changed == expected
    assert described(ec2, rid) == {**expected, "Tags": [{"Key": "Name", "Value": "r"}]}
    # Nothing given: nothing changes.
    assert modify(ec2, rid) == expected


def test_a_port_range_is_replaced_as_a_whole(ec2, fid):
    rid = add_rule(ec2, fid, Protocol=6, DestinationPortRange={"FromPort": 80, "ToPort": 443})["TrafficMirrorFilterRuleId"]
    assert modify(ec2, rid, DestinationPortRange={"ToPort": 8080})["DestinationPortRange"] == {"FromPort": 0, "ToPort": 8080}


def test_a_rule_moves_direction_only_to_a_free_number(ec2, fid):
    ingress = add_rule(ec2, fid, "ingress", 1)["TrafficMirrorFilterRuleId"]
    add_rule(ec2, fid, "egress", 1)
    before = rules(ec2)
    assert_error("TrafficMirrorFilterRuleAlreadyExists", modify, ec2, ingress, TrafficDirection="egress")
    assert rules(ec2) == before
    moved = modify(ec2, ingress, TrafficDirection="egress", RuleNumber=2)
    assert (moved["TrafficDirection"], moved["RuleNumber"]) == ("egress", 2)
    assert_error("TrafficMirrorFilterRuleAlreadyExists", modify, ec2, ingress, RuleNumber=1)
    # Its own number is not a clash.
    assert modify(ec2, ingress, RuleNumber=2, TrafficDirection="egress")["RuleNumber"] == 2
    [f] = ec2.describe_traffic_mirror_filters()["TrafficMirrorFilters"]
    assert f["IngressFilterRules"] == [] and [r["RuleNumber"] for r in f["EgressFilterRules"]] == [1, 2]


@pytest.mark.parametrize("field, given", [
    ("protocol", dict(Protocol=6)),
    ("description", dict(Description="x")),
    ("destination-port-range", dict(Protocol=6, DestinationPortRange={"FromPort": 1, "ToPort": 2})),
    ("source-port-range", dict(Protocol=6, SourcePortRange={"FromPort": 1, "ToPort": 2})),
])
def test_a_field_both_given_and_removed_is_a_combination_error(ec2, fid, field, given):
    rid = add_rule(ec2, fid, Protocol=17, Description="keep")["TrafficMirrorFilterRuleId"]
    before = described(ec2, rid)
    assert_error("InvalidParameterCombination", modify, ec2, rid, RemoveFields=[field], **given, message=field)
    assert described(ec2, rid) == before


def test_the_modified_rule_must_be_whole(ec2, fid):
    rid = add_rule(ec2, fid, Protocol=6, DestinationPortRange={"FromPort": 80, "ToPort": 80})["TrafficMirrorFilterRuleId"]
    before = described(ec2, rid)
    # Removing the protocol would leave a port range on a rule for all protocols.
    message = assert_error("InvalidParameterValue", modify, ec2, rid, RemoveFields=["protocol"])
    assert "DestinationPortRange" in message and "(80-80)" in message
    message = assert_error("InvalidParameterValue", modify, ec2, rid, Protocol=1)
    assert "parameter Protocol" in message and "(1)" in message
    message = assert_error("InvalidParameterValue", modify, ec2, rid, SourceCidrBlock="::/0")
    assert "parameter SourceCidrBlock" in message and "(::/0)" in message
    assert_error("InvalidParameterValue", modify, ec2, rid, SourcePortRange={"FromPort": 9, "ToPort": 8},
                 message="SourcePortRange.FromPort")
    assert_error("InvalidParameterValue", modify, ec2, rid, RuleNumber=40000, message="RuleNumber")
    assert_error("InvalidParameterValue", modify, ec2, rid, DestinationCidrBlock="nonsense", message="DestinationCidrBlock")
    assert_error("InvalidParameterValue", modify, ec2, rid, RemoveFields=["ports"], message="RemoveField.1")
    assert described(ec2, rid) == before
    # Both families changed together, or the port range removed with the protocol: fine.
    assert modify(ec2, rid, SourceCidrBlock="::/0", DestinationCidrBlock="fd00::/8")["SourceCidrBlock"] == "::/0"
    removed = modify(ec2, rid, RemoveFields=["protocol", "destination-port-range"])
    assert "Protocol" not in removed and "DestinationPortRange" not in removed


def test_modify_an_unknown_rule(ec2):
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", modify, ec2, MISSING_RULE, RuleNumber=2, message=MISSING_RULE)


def test_a_terraform_like_life_cycle(ec2):
    """What aws_ec2_traffic_mirror_filter_rule does: create, add optionals, update, remove optionals, destroy."""
    fid = new_filter(ec2)
    base = dict(TrafficMirrorFilterId=fid, DestinationCidrBlock="10.0.0.0/8", SourceCidrBlock="0.0.0.0/0",
                RuleAction="accept", TrafficDirection="ingress")
    created = ec2.create_traffic_mirror_filter_rule(RuleNumber=1, ClientToken="terraform-0001", **base)
    rid = created["TrafficMirrorFilterRule"]["TrafficMirrorFilterRuleId"]
    basic = described(ec2, rid)
    assert "Protocol" not in basic and "DestinationPortRange" not in basic and "Description" not in basic

    # Add all optionals: Terraform sends Protocol along with each new port range.
    modify(ec2, rid, Description="test rule", Protocol=6, SourcePortRange={"FromPort": 32000, "ToPort": 64000},
           DestinationPortRange={"FromPort": 10000, "ToPort": 10001})
    full = described(ec2, rid)
    assert (full["Protocol"], full["Description"]) == (6, "test rule")
    assert full["SourcePortRange"] == {"FromPort": 32000, "ToPort": 64000}
    assert full["DestinationPortRange"] == {"FromPort": 10000, "ToPort": 10001}

    assert modify(ec2, rid, RuleNumber=2)["RuleNumber"] == 2
    assert described(ec2, rid) == {**full, "RuleNumber": 2}

    # Remove optionals, back to rule number 1: re-read equals what was first written.
    modify(ec2, rid, RuleNumber=1, RemoveFields=["description", "destination-port-range", "protocol", "source-port-range"])
    assert described(ec2, rid) == basic

    # Destroy in any order: the filter first takes its rules along; the rule's delete tolerates NotFound.
    ec2.delete_traffic_mirror_filter(TrafficMirrorFilterId=fid)
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", ec2.delete_traffic_mirror_filter_rule, TrafficMirrorFilterRuleId=rid)
    assert rules(ec2) == []


# --- DeleteTrafficMirrorFilterRule -----------------------------------------------------------------

def test_delete_returns_the_id_and_the_rule_is_gone(ec2, fid):
    keep = add_rule(ec2, fid, number=1)
    rid = add_rule(ec2, fid, number=2)["TrafficMirrorFilterRuleId"]
    assert ec2.delete_traffic_mirror_filter_rule(TrafficMirrorFilterRuleId=rid)["TrafficMirrorFilterRuleId"] == rid
    assert rules(ec2) == [keep]
    assert ec2.describe_traffic_mirror_filters()["TrafficMirrorFilters"][0]["IngressFilterRules"] == [keep]
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", ec2.delete_traffic_mirror_filter_rule, TrafficMirrorFilterRuleId=rid,
                 message=rid)
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", ec2.delete_traffic_mirror_filter_rule, TrafficMirrorFilterRuleId=fid)
    # Its number is free again.
    assert add_rule(ec2, fid, number=2)["RuleNumber"] == 2


# --- DryRun, accounts ------------------------------------------------------------------------------

def test_dry_run_answers_412_and_changes_nothing(ec2, fid):
    rid = add_rule(ec2, fid, number=1)["TrafficMirrorFilterRuleId"]
    before = rules(ec2)
    dry = dict(status=412, message="Request would have succeeded, but DryRun flag is set.")
    assert_error("DryRunOperation", create, ec2, fid, number=2, DryRun=True, **dry)
    assert_error("DryRunOperation", modify, ec2, rid, RuleNumber=3, DryRun=True, **dry)
    assert_error("DryRunOperation", ec2.delete_traffic_mirror_filter_rule, TrafficMirrorFilterRuleId=rid, DryRun=True, **dry)
    assert_error("DryRunOperation", rules, ec2, DryRun=True, **dry)
    assert rules(ec2) == before
    # The checks still run: a DryRun of a failing call fails the same way.
    assert_error("TrafficMirrorFilterRuleAlreadyExists", create, ec2, fid, number=1, DryRun=True)
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", modify, ec2, MISSING_RULE, DryRun=True)


def test_rules_belong_to_one_account(server, ec2, fid):
    rid = add_rule(ec2, fid)["TrafficMirrorFilterRuleId"]
    other = server.client()
    assert rules(other) == []
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", rules, other, TrafficMirrorFilterRuleIds=[rid])
    assert_error("InvalidTrafficMirrorFilterId.NotFound", rules, other, TrafficMirrorFilterId=fid)
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", modify, other, rid, RuleNumber=5)
    assert_error("InvalidTrafficMirrorFilterRuleId.NotFound", other.delete_traffic_mirror_filter_rule, TrafficMirrorFilterRuleId=rid)
    assert described(ec2, rid)["RuleNumber"] == 1
