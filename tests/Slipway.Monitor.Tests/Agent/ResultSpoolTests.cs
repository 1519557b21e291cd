using Slipway.Monitor.Agent;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Agent;

public sealed class ResultSpoolTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static AgentResult Result(int i) => new()
    {
        Check = "disk", Host = "web1", State = i % 4, Output = $"run {i}", PerfData = $"'used pct'={i}%;80;90", At = T0.AddMinutes(i),
    };

    [Fact]
    public void Results_come_back_in_order_and_leave_only_when_removed()
    {
        using var dir = new TempDir();
        var spool = ResultSpool.Open(dir.File("spool"), 100);
        for (var i = 0; i < 5; i++)
        {
            spool.Append(Result(i)).ShouldBe(0);
        }

        var first = spool.Peek(3);
        first.Select(r => r.Result.Output).ShouldBe(["run 0", "run 1", "run 2"]);
        spool.Peek(3).Select(r => r.Seq).ShouldBe(first.Select(r => r.Seq), "peeking takes nothing away");
        spool.RemoveThrough(first[^1].Seq);
        spool.Count.ShouldBe(2);
        spool.Peek(10).Select(r => r.Result.Output).ShouldBe(["run 3", "run 4"]);
        spool.Peek(10)[0].Result.PerfData.ShouldBe("'used pct'=3%;80;90");
    }

    [Fact]
    public void What_is_left_survives_a_restart_and_new_results_go_after_it()
    {
        using var dir = new TempDir();
        var spool = ResultSpool.Open(dir.File("spool"), 100);
        for (var i = 0; i < 4; i++)
        {
            spool.Append(Result(i));
        }

        spool.RemoveThrough(spool.Peek(1)[0].Seq);
        File.WriteAllText(Path.Combine(dir.File("spool"), "0000000000000099.json.tmp"), "{\"check\":"); // a write cut short by a crash

        var reopened = ResultSpool.Open(dir.File("spool"), 100);
        reopened.Count.ShouldBe(3);
        reopened.Append(Result(9));
        reopened.Peek(10).Select(r => r.Result.Output).ShouldBe(["run 1", "run 2", "run 3", "run 9"]);
        Directory.GetFiles(dir.File("spool"), "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void A_full_spool_drops_the_oldest_and_counts_them_until_the_server_is_told()
    {
        using var dir = new TempDir();
        var spool = ResultSpool.Open(dir.File("spool"), 3);
        var dropped = Enumerable.Range(0, 7).Sum(i => spool.Append(Result(i)));

        dropped.ShouldBe(4);
        spool.Count.ShouldBe(3);
        spool.Dropped.ShouldBe(4);
        spool.Peek(10).Select(r => r.Result.Output).ShouldBe(["run 4", "run 5", "run 6"]);

        // The count survives a restart until it has been reported.
        var reopened = ResultSpool.Open(dir.File("spool"), 3);
        reopened.Dropped.ShouldBe(4);
        reopened.Append(Result(7));
        reopened.DroppedReported(4);
        reopened.Dropped.ShouldBe(1);
        ResultSpool.Open(dir.File("spool"), 3).Dropped.ShouldBe(1);
    }

    [Fact]
    public void A_file_that_cannot_be_read_back_is_dropped_and_counted_instead_of_blocking_the_rest()
    {
        using var dir = new TempDir();
        var spool = ResultSpool.Open(dir.File("spool"), 10);
        spool.Append(Result(0));
        spool.Append(Result(1));
        var broken = Directory.GetFiles(dir.File("spool"), "*.json").Order(StringComparer.Ordinal).First();
        File.WriteAllText(broken, "not json");

        spool.Peek(10).Select(r => r.Result.Output).ShouldBe(["run 1"]);
        spool.Dropped.ShouldBe(1);
        spool.Count.ShouldBe(1);
    }

    [Fact]
    public void A_result_crosses_the_wire_as_it_ran()
    {
        var result = new CheckResult
        {
            State = ServiceState.Warning, Output = "DISK WARNING", LongOutput = "/ 85%\n/var 60%",
            PerfData = [new PerfDatum("it's", 85, "%", "80", "90", 0, 100)], Duration = TimeSpan.FromMilliseconds(250), ExitCode = 1,
        };

        var back = AgentResult.From("disk", "web1", result, T0).ToCheckResult();

        back.ShouldBe(result with { PerfData = back.PerfData });
        back.PerfData.ShouldBe(result.PerfData);
        AgentResult.From("disk", "web1", result, T0).Id.ShouldBe("disk@web1");
        (new AgentResult { Check = "x", Host = "h", State = 7, Output = "?", At = T0 }).ToCheckResult().State.ShouldBe(ServiceState.Unknown);
    }
}
