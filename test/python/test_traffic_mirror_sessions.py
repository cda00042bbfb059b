"""CreateTrafficMirrorSession, DescribeTrafficMirrorSessions, ModifyTrafficMirrorSession and
DeleteTrafficMirrorSession with boto3: every member, default, error and filter."""
import pytest

from helpers import GWLBE_ID, NLB_ARN, Topology, assert_error, paginate_all

MAX_VNI = 16777215


@pytest.fixture
def topo(ec2):
    return Topology(ec2)


def sessions(ec2, **kwargs):
    return ec2.describe_traffic_mirror_sessions(**kwargs)["TrafficMirrorSessions"]


def test_create_returns_every_member(ec2, topo, account):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    out = ec2.create_traffic_mirror_session(
        NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=1,
        PacketLength=128, VirtualNetworkId=100, Description="web tier", ClientToken="t-1",
        TagSpecifications=[{"ResourceType": "traffic-mirror-session", "Tags": [{"Key": "Name", "Value": "s1"}]}],
    )
    session = out["TrafficMirrorSession"]
    assert session == {
        "TrafficMirrorSessionId": session["TrafficMirrorSessionId"],
        "TrafficMirrorTargetId": target,
        "TrafficMirrorFilterId": filt,
        "NetworkInterfaceId": eni,
        "OwnerId": account,
        "PacketLength": 128,
        "SessionNumber": 1,
        "VirtualNetworkId": 100,
        "Description": "web tier",
        "Tags": [{"Key": "Name", "Value": "s1"}],
    }
    assert out["ClientToken"] == "t-1"
    assert session["TrafficMirrorSessionId"].startswith("tms-") and len(session["TrafficMirrorSessionId"]) == 21
    assert sessions(ec2) == [session]


def test_defaults_random_unique_vni_and_whole_packet(ec2, topo):
    created = [topo.session(number=1) for _ in range(6)]
    vnis = [s["VirtualNetworkId"] for s in created]
    assert all(1 <= v <= MAX_VNI for v in vnis)
    assert len(set(vnis)) == 6
    assert all("PacketLength" not in s and "Description" not in s and s["Tags"] == [] for s in created)


def test_nlb_target_defaults_packet_length_to_8500(ec2, topo):
    session = topo.session(target=topo.nlb_target())
    assert session["PacketLength"] == 8500
    explicit = topo.session(target=topo.nlb_target(), PacketLength=64)
    assert explicit["PacketLength"] == 64


@pytest.mark.parametrize("member,value", [
    ("SessionNumber", 0), ("SessionNumber", 32767),
    ("PacketLength", 0), ("PacketLength", 8501),
    ("VirtualNetworkId", -1), ("VirtualNetworkId", MAX_VNI + 1),
])
def test_out_of_range_values(ec2, topo, member, value):
    kwargs = dict(NetworkInterfaceId=topo.eni(), TrafficMirrorTargetId=topo.eni_target(), TrafficMirrorFilterId=topo.filter(), SessionNumber=1)
    kwargs[member] = value
    message = assert_error("InvalidParameterValue", ec2.create_traffic_mirror_session, **kwargs)
    assert member in message and str(value) in message
    assert sessions(ec2) == []


@pytest.mark.parametrize("member,value", [("SessionNumber", 32766), ("PacketLength", 8500), ("VirtualNetworkId", 0), ("VirtualNetworkId", MAX_VNI)])
def test_range_edges_are_accepted(ec2, topo, member, value):
    kwargs = {member: value} if member != "SessionNumber" else {"number": value}
    session = topo.session(**kwargs)
    assert session[member] == value


def test_references_must_exist(ec2, topo):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    base = dict(NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=1)
    assert_error("InvalidNetworkInterfaceID.NotFound", ec2.create_traffic_mirror_session, **{**base, "NetworkInterfaceId": "eni-0123456789abcdef0"})
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.create_traffic_mirror_session, **{**base, "TrafficMirrorTargetId": "tmt-0123456789abcdef0"})
    assert_error("InvalidTrafficMirrorFilterId.NotFound", ec2.create_traffic_mirror_session, **{**base, "TrafficMirrorFilterId": "tmf-0123456789abcdef0"})
    assert_error("MissingParameter", ec2.create_traffic_mirror_session, **{**base, "TrafficMirrorFilterId": ""},
                 message="TrafficMirrorFilterId")
    assert sessions(ec2) == []


def test_a_target_interface_cannot_be_a_source(ec2, topo):
    target_eni = topo.eni()
    topo.eni_target(target_eni)
    assert_error("InterfaceInUseByTrafficMirrorTarget", ec2.create_traffic_mirror_session, NetworkInterfaceId=target_eni,
                 TrafficMirrorTargetId=topo.eni_target(), TrafficMirrorFilterId=topo.filter(), SessionNumber=1)


@pytest.mark.parametrize("interface_type", ["efa", "efa-only", "trunk", "branch"])
def test_only_an_interface_of_type_interface_can_be_a_source(ec2, topo, interface_type):
    eni = topo.eni(InterfaceType=interface_type)
    message = assert_error("InvalidParameterValue", ec2.create_traffic_mirror_session, NetworkInterfaceId=eni,
                           TrafficMirrorTargetId=topo.eni_target(), TrafficMirrorFilterId=topo.filter(), SessionNumber=1)
    assert eni in message and f"'{interface_type}'" in message and "type 'interface'" in message, message
    assert sessions(ec2) == []


def test_session_numbers_are_unique_per_interface(ec2, topo):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    topo.session(eni=eni, target=target, filter=filt, number=5)
    message = assert_error("InvalidParameterValue", ec2.create_traffic_mirror_session, NetworkInterfaceId=eni,
                           TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=5)
    assert "5" in message
    # The same number on another interface is fine.
    topo.session(target=target, filter=filt, number=5)


def test_three_sessions_per_interface(ec2, topo):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    for number in (1, 2, 3):
        topo.session(eni=eni, target=target, filter=filt, number=number)
    assert_error("TrafficMirrorSessionsPerInterfaceLimitExceeded", ec2.create_traffic_mirror_session, NetworkInterfaceId=eni,
                 TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=4)
    assert len(sessions(ec2)) == 3


def test_sources_per_interface_target_quota(make_server):
    ec2 = make_server("--quota", "sources-per-interface-target=2").client()
    topo = Topology(ec2)
    target, filt = topo.eni_target(), topo.filter()
    first = topo.eni()
    topo.session(eni=first, target=target, filter=filt, number=1)
    topo.session(eni=first, target=target, filter=filt, number=2)  # the same source again: still one source
    topo.session(target=target, filter=filt)
    assert_error("TrafficMirrorSourcesPerTargetLimitExceeded", ec2.create_traffic_mirror_session, NetworkInterfaceId=topo.eni(),
                 TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=1)
    # NLB targets have no source limit.
    nlb = topo.nlb_target()
    for _ in range(3):
        topo.session(target=nlb, filter=filt)


def test_sessions_per_account_quota(make_server):
    ec2 = make_server("--quota", "sessions-per-account=2").client()
    topo = Topology(ec2)
    topo.session()
    topo.session()
    assert_error("TrafficMirrorSessionLimitExceeded", ec2.create_traffic_mirror_session, NetworkInterfaceId=topo.eni(),
                 TrafficMirrorTargetId=topo.nlb_target(), TrafficMirrorFilterId=topo.filter(), SessionNumber=1)


def test_describe_filters(ec2, topo, account):
    eni, target, nlb, filt = topo.eni(), topo.eni_target(), topo.nlb_target(), topo.filter()
    a = topo.session(eni=eni, target=target, filter=filt, number=1, PacketLength=100, VirtualNetworkId=7, Description="web tier",
                     TagSpecifications=[{"ResourceType": "traffic-mirror-session", "Tags": [{"Key": "env", "Value": "prod"}]}])
    b = topo.session(eni=eni, target=nlb, filter=filt, number=2, VirtualNetworkId=8, Description="db tier")
    c = topo.session(number=3, VirtualNetworkId=70)
    ids = lambda *fs: [s["TrafficMirrorSessionId"] for s in sessions(ec2, Filters=[{"Name": n, "Values": v} for n, v in fs])]
    A, B, C = (s["TrafficMirrorSessionId"] for s in (a, b, c))
    assert ids() == [A, B, C]
    assert ids(("description", ["web tier"])) == [A]
    assert ids(("description", ["* tier"])) == [A, B]
    assert ids(("description", ["?b tier"])) == [B]
    assert ids(("network-interface-id", [eni])) == [A, B]
    assert ids(("owner-id", [account])) == [A, B, C]
    assert ids(("packet-length", ["100"])) == [A]
    assert ids(("packet-length", ["8500"])) == [B]
    assert ids(("session-number", ["2", "3"])) == [B, C]
    assert ids(("traffic-mirror-filter-id", [filt])) == [A, B]
    assert ids(("traffic-mirror-session-id", [C])) == [C]
    assert ids(("traffic-mirror-target-id", [nlb])) == [B]
    assert ids(("virtual-network-id", ["7", "70"])) == [A, C]
    assert ids(("virtual-network-id", ["7*"])) == [A, C]
    assert ids(("tag:env", ["prod"])) == [A]
    assert ids(("tag-key", ["env"])) == [A]
    assert ids(("network-interface-id", [eni]), ("session-number", ["1"])) == [A]
    assert_error("InvalidParameterValue", sessions, ec2, Filters=[{"Name": "session-id", "Values": ["x"]}], message="The filter 'session-id' is invalid")


def test_describe_by_ids(ec2, topo):
    a, b = topo.session()["TrafficMirrorSessionId"], topo.session()["TrafficMirrorSessionId"]
    assert [s["TrafficMirrorSessionId"] for s in sessions(ec2, TrafficMirrorSessionIds=[b, a])] == [a, b]
    message = assert_error("InvalidTrafficMirrorSessionId.NotFound", sessions, ec2, TrafficMirrorSessionIds=[a, "tms-0123456789abcdef0"])
    assert "tms-0123456789abcdef0" in message and a not in message
    assert_error("InvalidParameterCombination", sessions, ec2, TrafficMirrorSessionIds=[a], MaxResults=5)


def test_pagination(ec2, topo):
    filt, target = topo.filter(), topo.nlb_target()
    created = []
    for _ in range(4):
        eni = topo.eni()
        created += [topo.session(eni=eni, target=target, filter=filt, number=n)["TrafficMirrorSessionId"] for n in (1, 2, 3)]
    items, sizes = paginate_all(ec2.describe_traffic_mirror_sessions, "TrafficMirrorSessions", MaxResults=5)
    assert [s["TrafficMirrorSessionId"] for s in items] == created and sizes == [5, 5, 2]
    items, sizes = paginate_all(ec2.describe_traffic_mirror_sessions, "TrafficMirrorSessions", MaxResults=5,
                                Filters=[{"Name": "session-number", "Values": ["2"]}])
    assert len(items) == 4 and sizes == [4]
    assert "NextToken" not in ec2.describe_traffic_mirror_sessions(MaxResults=1000)
    assert_error("InvalidNextToken", ec2.describe_traffic_mirror_sessions, MaxResults=5, NextToken="AAAA")
    assert_error("InvalidParameterValue", ec2.describe_traffic_mirror_sessions, MaxResults=1001)


def test_modify_every_field(ec2, topo):
    session = topo.session(PacketLength=100, Description="before")
    new_target, new_filter = topo.nlb_target(), topo.filter()
    out = ec2.modify_traffic_mirror_session(
        TrafficMirrorSessionId=session["TrafficMirrorSessionId"], TrafficMirrorTargetId=new_target, TrafficMirrorFilterId=new_filter,
        PacketLength=200, SessionNumber=9, VirtualNetworkId=4242, Description="after",
    )["TrafficMirrorSession"]
    expected = {**session, "TrafficMirrorTargetId": new_target, "TrafficMirrorFilterId": new_filter, "PacketLength": 200,
                "SessionNumber": 9, "VirtualNetworkId": 4242, "Description": "after"}
    assert out == expected
    assert sessions(ec2) == [expected]


def test_modify_remove_fields_sets_defaults(ec2, topo):
    session = topo.session(PacketLength=100, Description="d", VirtualNetworkId=5)
    out = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=session["TrafficMirrorSessionId"],
                                            RemoveFields=["packet-length", "description", "virtual-network-id"])["TrafficMirrorSession"]
    assert "PacketLength" not in out and "Description" not in out
    assert 1 <= out["VirtualNetworkId"] <= MAX_VNI and out["VirtualNetworkId"] != 5
    assert sessions(ec2) == [out]


def test_removing_packet_length_of_an_nlb_session_restores_8500(ec2, topo):
    session = topo.session(target=topo.nlb_target(), PacketLength=64)
    out = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=session["TrafficMirrorSessionId"], RemoveFields=["packet-length"])
    assert out["TrafficMirrorSession"]["PacketLength"] == 8500


def test_the_nlb_default_packet_length_follows_the_target(ec2, topo):
    """8500 is the NLB target's default, not the session's: moving the session to another kind of
    target drops it, moving it back to an NLB target brings it back."""
    sid = topo.session(target=topo.nlb_target())["TrafficMirrorSessionId"]

    def retarget(target, **kwargs):
        out = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, TrafficMirrorTargetId=target, **kwargs)["TrafficMirrorSession"]
        assert sessions(ec2) == [out]
        return out

    assert "PacketLength" not in retarget(topo.eni_target())
    assert retarget(topo.nlb_target())["PacketLength"] == 8500
    gwlbe = ec2.create_traffic_mirror_target(GatewayLoadBalancerEndpointId=GWLBE_ID)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    assert "PacketLength" not in retarget(gwlbe)
    # A modification that leaves the target alone leaves the default alone too.
    nlb = topo.nlb_target()
    retarget(nlb)
    assert ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, Description="d")["TrafficMirrorSession"]["PacketLength"] == 8500
    assert "PacketLength" not in retarget(topo.eni_target())
    # Removed on an NLB target: the default again, which follows the target as before.
    retarget(nlb)
    ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, RemoveFields=["packet-length"])
    assert "PacketLength" not in retarget(topo.eni_target())


@pytest.mark.parametrize("where", ["create", "modify"])
def test_a_chosen_packet_length_stays_across_targets_even_8500(ec2, topo, where):
    if where == "create":
        sid = topo.session(target=topo.nlb_target(), PacketLength=8500)["TrafficMirrorSessionId"]
    else:
        sid = topo.session(target=topo.nlb_target())["TrafficMirrorSessionId"]
        ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, PacketLength=8500)
    for target in (topo.eni_target(), topo.nlb_target(), ec2.create_traffic_mirror_target(GatewayLoadBalancerEndpointId=GWLBE_ID)["TrafficMirrorTarget"]["TrafficMirrorTargetId"]):
        out = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, TrafficMirrorTargetId=target)["TrafficMirrorSession"]
        assert out["PacketLength"] == 8500
    # Chosen on an ENI target, then moved to an NLB one: kept, not replaced by the default.
    sid = topo.session(PacketLength=64)["TrafficMirrorSessionId"]
    out = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, TrafficMirrorTargetId=topo.nlb_target())["TrafficMirrorSession"]
    assert out["PacketLength"] == 64


def test_a_client_token_retry_of_a_defaulted_nlb_session_is_the_same_session(ec2, topo):
    kwargs = dict(NetworkInterfaceId=topo.eni(), TrafficMirrorTargetId=topo.nlb_target(), TrafficMirrorFilterId=topo.filter(), SessionNumber=1)
    first = ec2.create_traffic_mirror_session(ClientToken="nlb", **kwargs)
    again = ec2.create_traffic_mirror_session(ClientToken="nlb", **kwargs)
    assert again["TrafficMirrorSession"] == first["TrafficMirrorSession"] and first["TrafficMirrorSession"]["PacketLength"] == 8500
    # Asking for the default explicitly is another request.
    assert_error("IdempotentParameterMismatch", ec2.create_traffic_mirror_session, ClientToken="nlb", PacketLength=8500, **kwargs)
    assert len(sessions(ec2)) == 1


@pytest.mark.parametrize("field,member,value", [("packet-length", "PacketLength", 10), ("description", "Description", "x"),
                                                ("virtual-network-id", "VirtualNetworkId", 3)])
def test_modify_set_and_remove_together_is_refused(ec2, topo, field, member, value):
    session = topo.session(PacketLength=100, Description="d", VirtualNetworkId=5)
    assert_error("InvalidParameterCombination", ec2.modify_traffic_mirror_session,
                 TrafficMirrorSessionId=session["TrafficMirrorSessionId"], RemoveFields=[field], **{member: value})
    assert sessions(ec2) == [session]


def test_modify_failures_change_nothing(ec2, topo):
    eni = topo.eni()
    first = topo.session(eni=eni, number=1)
    second = topo.session(eni=eni, number=2)
    sid = second["TrafficMirrorSessionId"]
    assert_error("InvalidParameterValue", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid, SessionNumber=1, Description="x")
    assert_error("InvalidTrafficMirrorTargetId.NotFound", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid,
                 TrafficMirrorTargetId="tmt-0123456789abcdef0", PacketLength=5)
    assert_error("InvalidTrafficMirrorFilterId.NotFound", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid,
                 TrafficMirrorFilterId="tmf-0123456789abcdef0")
    assert_error("InvalidParameterValue", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid, PacketLength=9000)
    assert_error("InvalidParameterValue", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid, RemoveFields=["session-number"])
    assert_error("InvalidTrafficMirrorSessionId.NotFound", ec2.modify_traffic_mirror_session,
                 TrafficMirrorSessionId="tms-0123456789abcdef0", Description="x")
    assert sessions(ec2) == [first, second]
    # Its own number is not a clash.
    same = ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, SessionNumber=2)["TrafficMirrorSession"]
    assert same == second


def test_delete(ec2, topo):
    session = topo.session()["TrafficMirrorSessionId"]
    assert ec2.delete_traffic_mirror_session(TrafficMirrorSessionId=session)["TrafficMirrorSessionId"] == session
    assert_error("InvalidTrafficMirrorSessionId.NotFound", ec2.delete_traffic_mirror_session, TrafficMirrorSessionId=session)
    assert sessions(ec2) == []


def test_deleting_the_source_interface_deletes_its_sessions(ec2, topo):
    eni = topo.eni()
    topo.session(eni=eni, number=1)
    topo.session(eni=eni, number=2)
    kept = topo.session()
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert sessions(ec2) == [kept]


def test_filter_and_target_in_use(ec2, topo):
    session = topo.session()
    assert_error("TrafficMirrorFilterInUse", ec2.delete_traffic_mirror_filter, TrafficMirrorFilterId=session["TrafficMirrorFilterId"])
    assert_error("TrafficMirrorTargetInUseException", ec2.delete_traffic_mirror_target, TrafficMirrorTargetId=session["TrafficMirrorTargetId"])


def test_dry_run_validates_and_changes_nothing(ec2, topo):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    kwargs = dict(NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=1)
    assert_error("DryRunOperation", ec2.create_traffic_mirror_session, DryRun=True, status=412, **kwargs,
                 message="Request would have succeeded, but DryRun flag is set.")
    assert sessions(ec2) == []
    assert_error("InvalidTrafficMirrorFilterId.NotFound", ec2.create_traffic_mirror_session, DryRun=True,
                 **{**kwargs, "TrafficMirrorFilterId": "tmf-0123456789abcdef0"})
    session = topo.session(eni=eni, target=target, filter=filt)
    sid = session["TrafficMirrorSessionId"]
    assert_error("DryRunOperation", ec2.modify_traffic_mirror_session, TrafficMirrorSessionId=sid, Description="x", DryRun=True, status=412)
    assert_error("DryRunOperation", ec2.delete_traffic_mirror_session, TrafficMirrorSessionId=sid, DryRun=True, status=412)
    assert sessions(ec2) == [session]


def test_client_token(ec2, topo):
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    kwargs = dict(NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt, SessionNumber=1)
    first = ec2.create_traffic_mirror_session(ClientToken="abc", **kwargs)
    again = ec2.create_traffic_mirror_session(ClientToken="abc", **kwargs)
    assert again["TrafficMirrorSession"] == first["TrafficMirrorSession"] and again["ClientToken"] == "abc"
    assert len(sessions(ec2)) == 1
    assert_error("IdempotentParameterMismatch", ec2.create_traffic_mirror_session, ClientToken="abc", **{**kwargs, "SessionNumber": 2})


def test_terraform_style_lifecycle(ec2, topo):
    """What the Terraform provider does: create without VNI, read by ID, update in place, remove
    optionals, re-read, destroy in any order tolerating NotFound."""
    eni, target, filt = topo.eni(), topo.eni_target(), topo.filter()
    created = ec2.create_traffic_mirror_session(NetworkInterfaceId=eni, TrafficMirrorTargetId=target, TrafficMirrorFilterId=filt,
                                                SessionNumber=1, Description="tf")["TrafficMirrorSession"]
    sid = created["TrafficMirrorSessionId"]
    assert sessions(ec2, TrafficMirrorSessionIds=[sid]) == [created]
    target2, filt2 = topo.nlb_target(), topo.filter()
    ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, TrafficMirrorTargetId=target2, TrafficMirrorFilterId=filt2,
                                      SessionNumber=2, PacketLength=300, VirtualNetworkId=77, Description="tf2")
    written = {**created, "TrafficMirrorTargetId": target2, "TrafficMirrorFilterId": filt2, "SessionNumber": 2,
               "PacketLength": 300, "VirtualNetworkId": 77, "Description": "tf2"}
    assert sessions(ec2, TrafficMirrorSessionIds=[sid]) == [written]
    ec2.modify_traffic_mirror_session(TrafficMirrorSessionId=sid, RemoveFields=["description", "virtual-network-id"])
    reread = sessions(ec2, TrafficMirrorSessionIds=[sid])[0]
    assert "Description" not in reread and reread["VirtualNetworkId"] != 77 and reread["PacketLength"] == 300
    # Destroy: session first, then the rest; repeating a delete answers NotFound, which Terraform tolerates.
    ec2.delete_traffic_mirror_session(TrafficMirrorSessionId=sid)
    for call, kwargs, code in [
        (ec2.delete_traffic_mirror_session, {"TrafficMirrorSessionId": sid}, "InvalidTrafficMirrorSessionId.NotFound"),
        (ec2.delete_traffic_mirror_target, {"TrafficMirrorTargetId": target2}, None),
        (ec2.delete_traffic_mirror_filter, {"TrafficMirrorFilterId": filt2}, None),
        (ec2.delete_traffic_mirror_target, {"TrafficMirrorTargetId": target2}, "InvalidTrafficMirrorTargetId.NotFound"),
        (ec2.delete_traffic_mirror_filter, {"TrafficMirrorFilterId": filt2}, "InvalidTrafficMirrorFilterId.NotFound"),
    ]:
        if code:
            assert_error(code, call, **kwargs)
        else:
            call(**kwargs)


def test_accounts_and_regions_are_isolated(server, ec2, topo, account):
    session = topo.session()["TrafficMirrorSessionId"]
    other = server.client()
    assert sessions(other) == []
    assert_error("InvalidTrafficMirrorSessionId.NotFound", other.delete_traffic_mirror_session, TrafficMirrorSessionId=session)
    assert sessions(server.client(account=account, region="ap-southeast-2")) == []
    assert len(sessions(ec2)) == 1
