using Slipway.Deploy.Model;

namespace Slipway.Deploy.Tests;

public sealed class LockRecordTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static LockRecord Record(string machine = "build-1", int pid = 42) => new()
    {
        Token = "tok", User = "alice", Machine = machine, Pid = pid, Stage = "production", Action = "deploy",
        Commit = "0123456789abcdef", Message = "fix\nthe search", Started = Start, Expires = Start.AddHours(1),
    };

    [Fact]
    public void A_record_round_trips_through_its_text_form_on_one_line_per_key()
    {
        var text = Record().Format();

        text.ShouldContain("message=fix the search\n");
        LockRecord.Parse(text.Split('\n')).ShouldBe(Record() with { Message = "fix the search" });
    }

    [Fact]
    public void A_half_written_record_is_not_a_record() => LockRecord.Parse(["token=x"]).ShouldBeNull();

    [Fact]
    public void The_description_says_who_where_what_and_why() =>
        Record().Describe().ShouldBe("alice on build-1 (pid 42), deploy of production at 0123456, since 2027-01-15 08:00:00 UTC: \"fix\nthe search\"");

    [Fact]
    public void A_lock_is_stale_when_its_lease_expired_or_its_local_owner_is_gone()
    {
        var record = Record();
        record.StaleReason("build-1", Start.AddMinutes(5), _ => true).ShouldBeNull();
        record.StaleReason("build-1", Start.AddMinutes(5), _ => false).ShouldBe("its owner (pid 42 on this machine) is no longer running");
        record.StaleReason("laptop", Start.AddMinutes(5), _ => false).ShouldBeNull(); // another machine's pid says nothing
        record.StaleReason("laptop", Start.AddHours(2), _ => true)!.ShouldStartWith("its lease expired at 2027-01-15 09:00:00 UTC");
    }
}
