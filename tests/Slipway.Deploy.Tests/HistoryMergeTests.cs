using Slipway.Deploy.Model;

namespace Slipway.Deploy.Tests;

public sealed class HistoryMergeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);

    private static HistoryEntry Entry(int minute, string release, string machine = "build-1", string result = "succeeded", params string[] hosts) => new()
    {
        Action = "deploy", Stage = "production", Result = result, User = "alice", Machine = machine,
        Started = T0.AddMinutes(minute), DurationMs = 1200, Release = release, Hosts = hosts.Length == 0 ? ["h1", "h2"] : hosts,
    };

    [Fact]
    public void The_same_run_recorded_on_every_host_and_here_appears_once_in_time_order()
    {
        var first = Entry(1, "20261127050100");
        var second = Entry(2, "20261127050200", machine: "laptop");

        var merged = HistoryMerge.Merge([("h1", [first, second]), ("h2", [first, second])], [first]);

        merged.Select(m => m.Entry.Release).ShouldBe(["20261127050100", "20261127050200"]);
        merged[0].ShouldSatisfyAllConditions(
            m => m.RecordedOn.ShouldBe(["h1", "h2"]), m => m.RecordedHere.ShouldBeTrue(), m => m.Partial.ShouldBeFalse());
        merged[1].RecordedHere.ShouldBeFalse("deployed from another machine");
    }

    [Fact]
    public void A_run_that_only_some_of_its_hosts_recorded_is_flagged_with_the_missing_ones()
    {
        var run = Entry(1, "20261127050100", hosts: ["h1", "h2", "h3"]);

        var merged = HistoryMerge.Merge([("h1", [run]), ("h2", []), ("h3", [])], []).Single();

        merged.Partial.ShouldBeTrue();
        merged.RecordedOn.ShouldBe(["h1"]);
        merged.MissingOn.ShouldBe(["h2", "h3"]);
    }

    [Fact]
    public void Hosts_that_were_not_read_or_not_part_of_the_run_are_not_counted_missing()
    {
        var subset = Entry(1, "20261127050100", hosts: ["h1"]);
        var everywhere = Entry(2, "20261127050200", hosts: ["h1", "h2", "h3"]);

        var merged = HistoryMerge.Merge([("h1", [subset, everywhere]), ("h2", [everywhere])], []);

        merged.ShouldAllBe(m => !m.Partial);
        merged[1].MissingOn.ShouldBeEmpty("h3 could not be read, so nothing is known about it");
    }

    [Fact]
    public void A_refused_run_recorded_only_here_is_listed_but_not_flagged()
    {
        var refused = Entry(1, "", result: "refused");

        var merged = HistoryMerge.Merge([("h1", []), ("h2", [])], [refused]).Single();

        merged.RecordedHere.ShouldBeTrue();
        merged.Partial.ShouldBeFalse();
    }
}
